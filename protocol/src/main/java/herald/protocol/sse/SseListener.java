package herald.protocol.sse;

/**
 * Receives what an {@link SseStreamParser} finds in an event stream, on the thread that calls
 * {@link SseStreamParser#parse}, in stream order.
 *
 * <p><b>The {@link CharSequence} arguments are views of the parser's reused buffers</b>: valid only until the
 * method returns. Read them in place (no allocation: {@code length()}, {@code charAt}, {@code String.contentEquals})
 * or call {@code toString()} to keep them. They need not be {@code String}s: their {@code equals} and
 * {@code hashCode} may be identity, so look them up in maps by {@code toString()} or by content.
 * Implementations must not call back into the parser that is calling them.
 */
public interface SseListener {

    /**
     * An event was dispatched (a blank line ended a block that had at least one {@code data} line).
     *
     * @param type        the event type: the last {@code event} field's value, or {@code "message"} when there was
     *                    none or it was empty
     * @param data        the values of the data lines joined with {@code \n}
     * @param lastEventId the parser's last event ID string, as {@code MessageEvent.lastEventId} would be
     */
    void onEvent(CharSequence type, CharSequence data, CharSequence lastEventId);

    /** A {@code retry} field with a valid value set the reconnection time, in milliseconds. */
    default void onRetry(long millis) {
    }

    /**
     * A comment line ({@code :} first): the text after the colon, one leading space removed, as
     * {@link SseEncoder#encodeComment} writes it. A heartbeat {@code ":\n"} gives the empty text.
     * Browsers ignore comments; this is for clients that count heartbeats.
     */
    default void onComment(CharSequence text) {
    }
}
