package herald.loadtest.client;

/** What the per-request stream client ({@link TokenStreams}) counts; the names are the keys in result files. */
public enum StreamCounter {
    /** Streams started: a connect attempt with its POST to follow. */
    STARTED,
    /** Streams that delivered every token and then {@code [DONE]}. */
    COMPLETED,
    /** Streams in progress now (a gauge: from the connect to {@code [DONE]} or the failure). */
    ACTIVE,
    /**
     * Streams being streamed now (a gauge: from the first token to {@code [DONE]} or the failure): what the server
     * keeps at a cadence, while the rest of {@code ACTIVE} waits to be accepted or answered.
     */
    STREAMING,
    /** Token events received ({@code [DONE]} not included). */
    TOKENS,
    /** Connects that failed (refused, unreachable, no port left). */
    CONNECT_FAILURES,
    /** Connects, heads or whole streams that took too long. */
    TIMEOUTS,
    /** Answers with another status than 200. */
    NOT_200,
    /** Streams the server ended (or reset) before {@code [DONE]}. */
    ENDED_EARLY,
    /** Streams whose {@code [DONE]} came after another number of tokens than asked for. */
    WRONG_TOKEN_COUNT,
    /** Responses that were not HTTP or not a valid event stream. */
    PROTOCOL_ERRORS;

    public static final StreamCounter[] ALL = values();

    /** {@code CONNECT_FAILURES} → {@code connectFailures}. */
    public String key() {
        StringBuilder out = new StringBuilder();
        boolean upper = false;
        for (char c : name().toCharArray()) {
            if (c == '_') {
                upper = true;
            } else {
                out.append(upper ? c : Character.toLowerCase(c));
                upper = false;
            }
        }
        return out.toString();
    }
}
