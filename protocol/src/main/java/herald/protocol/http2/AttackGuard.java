package herald.protocol.http2;

/**
 * The attack limits of {@link Http2Limits} for one connection: counts what each bound needs, reports every limit
 * hit to the listener (for metrics) and per connection, and returns the connection error that ends a flood.
 * Clockless: rapid resets are counted per window of streams opened, empty frames per run. One thread.
 */
final class AttackGuard {
    private final Http2Limits limits;
    private final Http2Listener listener;
    private final long[] counts = new long[Http2Limit.values().length];
    private int streamsInWindow;
    private int earlyResets;
    private int consecutiveEmptyFrames;

    AttackGuard(Http2Limits limits, Http2Listener listener) {
        this.limits = limits;
        this.listener = listener;
    }

    /** A stream was opened: a frame with content, and one more stream in the rapid-reset window. */
    void streamOpened() {
        consecutiveEmptyFrames = 0;
        if (++streamsInWindow > limits.rapidResetWindowStreams()) {
            streamsInWindow = 1;
            earlyResets = 0;
        }
    }

    /** A frame that carried something (data, END_STREAM, a complete field block) ends a run of empty ones. */
    void contentFrame() {
        consecutiveEmptyFrames = 0;
    }

    /** A frame that carried nothing; past {@code maxConsecutiveEmptyFrames} in a row, ENHANCE_YOUR_CALM. */
    void emptyFrame() {
        if (++consecutiveEmptyFrames > limits.maxConsecutiveEmptyFrames()) {
            throw exceeded(Http2Limit.EMPTY_FRAME_FLOOD, "frames without content in a row exceed"
                    + " maxConsecutiveEmptyFrames=" + limits.maxConsecutiveEmptyFrames());
        }
    }

    /** The client reset a stream before its response head (CVE-2023-44487); past the bound, ENHANCE_YOUR_CALM. */
    void earlyReset() {
        if (++earlyResets > limits.maxRapidResets()) {
            throw exceeded(Http2Limit.RAPID_RESET, "streams reset before their response exceed maxRapidResets="
                    + limits.maxRapidResets() + " per " + limits.rapidResetWindowStreams() + " streams");
        }
    }

    /** One more answer the client caused is about to wait in the output; past the bound, ENHANCE_YOUR_CALM. */
    void answer(int pendingAnswers, Http2Limit flood) {
        if (pendingAnswers >= limits.maxPendingControlFrames()) {
            throw exceeded(flood, "answers waiting to be sent exceed maxPendingControlFrames="
                    + limits.maxPendingControlFrames());
        }
    }

    /** Counts and reports {@code limit}; returns the ENHANCE_YOUR_CALM connection error to throw. */
    Http2Exception exceeded(Http2Limit limit, String reason) {
        hit(limit);
        return Http2Exception.connection(ErrorCode.ENHANCE_YOUR_CALM, reason);
    }

    /** Counts and reports {@code limit}, whose consequence the caller takes. */
    void hit(Http2Limit limit) {
        counts[limit.ordinal()]++;
        listener.onLimitExceeded(limit);
    }

    long count(Http2Limit limit) {
        return counts[limit.ordinal()];
    }
}
