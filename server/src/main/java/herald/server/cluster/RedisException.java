package herald.server.cluster;

/**
 * A Redis command did not succeed. The {@link Reason} says whether trying again later can help; the message is
 * one line ({@code name=value}, Redis's own error text for {@link Reason#REPLY}) and never holds a password.
 * Stackless: while Redis is down every publish fails this way, and the caller answers 503 rather than log.
 */
public final class RedisException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Why the command failed. */
    public enum Reason {
        /**
         * No connection to Redis (refused, lost, not yet re-established, the client closed). The command was not
         * sent, or was sent and its effect is unknown when the connection broke after sending it.
         */
        UNAVAILABLE,
        /** No reply within the command's timeout; the connection is closed and re-established. Effect unknown. */
        TIMEOUT,
        /** Redis answered with an error reply (e.g. {@code WRONGTYPE}, {@code NOAUTH}); nothing else went wrong. */
        REPLY,
        /** Redis's bytes broke RESP or Herald's limits; the connection is closed. Effect unknown. */
        PROTOCOL
    }

    private final Reason reason;

    RedisException(Reason reason, String message) {
        super(message, null, false, false);
        this.reason = reason;
    }

    static RedisException unavailable(String message) {
        return new RedisException(Reason.UNAVAILABLE, message);
    }

    static RedisException timeout(String message) {
        return new RedisException(Reason.TIMEOUT, message);
    }

    static RedisException reply(String message) {
        return new RedisException(Reason.REPLY, message);
    }

    static RedisException protocol(String message) {
        return new RedisException(Reason.PROTOCOL, message);
    }

    public Reason reason() {
        return reason;
    }

    /** For {@link Reason#REPLY}: whether Redis's error starts with {@code prefix} (e.g. {@code NOSCRIPT}, {@code MOVED}). */
    public boolean isReply(String prefix) {
        return reason == Reason.REPLY && getMessage() != null && getMessage().startsWith(prefix);
    }
}
