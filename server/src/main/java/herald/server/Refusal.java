package herald.server;

/**
 * Refuses a request from a {@link StreamHandler} (before its stream's first event) or a {@link SubscribeHook}:
 * the client gets {@link #status()} with the one-line {@link #reason()} as text, and no stream. For example
 * {@code throw Refusal.of(403, "not allowed")}, or {@code Refusal.retryLater(503, "model busy", 5)} which adds
 * {@code Retry-After: 5}. Stackless: refusing is normal traffic. Never put client bytes or secrets in the
 * reason: it is sent as it is.
 */
public final class Refusal extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int status;
    private final long retryAfterSeconds;

    private Refusal(int status, String reason, long retryAfterSeconds) {
        super(reason, null, false, false);
        if (status < 400 || status > 599) {
            throw new IllegalArgumentException("a refusal's status is 4xx or 5xx: status=" + status);
        }
        if (reason == null || reason.indexOf('\n') >= 0 || reason.indexOf('\r') >= 0) {
            throw new IllegalArgumentException("a refusal's reason is one line of text");
        }
        this.status = status;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    /** A refusal with {@code status} (400–599) and a one-line reason. */
    public static Refusal of(int status, String reason) {
        return new Refusal(status, reason, -1);
    }

    /** A refusal (typically 429 or 503) that tells the client when to try again. */
    public static Refusal retryLater(int status, String reason, long retryAfterSeconds) {
        if (retryAfterSeconds < 0) {
            throw new IllegalArgumentException("retryAfterSeconds must not be negative: " + retryAfterSeconds);
        }
        return new Refusal(status, reason, retryAfterSeconds);
    }

    public int status() {
        return status;
    }

    public String reason() {
        return getMessage();
    }

    /** Seconds for {@code Retry-After}, or -1 for none. */
    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
