package herald.protocol.sse;

/**
 * An event stream exceeded the {@link SseStreamParser}'s {@code maxEventChars} limit: a line or an event's data
 * grew beyond what the client agreed to buffer. The stream is hostile or broken; close the connection. The parser
 * must be {@linkplain SseStreamParser#reset() reset} before it reads another stream.
 *
 * <p>Stackless: a hostile peer is normal traffic, not a bug. Browsers have no such limit.
 */
public final class SseLimitException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int limit;

    SseLimitException(String what, int limit) {
        super(what + " exceeds maxEventChars=" + limit, null, false, false);
        this.limit = limit;
    }

    /** The limit that was exceeded, as given to the parser. */
    public int limit() {
        return limit;
    }
}
