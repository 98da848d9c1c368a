package herald.server.broker;

/**
 * The broker refused an operation; nothing was published, subscribed or created. The {@link Reason} says why;
 * the message is one line with the limit that was reached ({@code name=value}) and never client bytes. The
 * transport maps reasons to statuses (HTTP: {@link Reason#INVALID} is 400, the others 503 with
 * {@link #retryAfterSeconds()}). Stackless: refusals are normal traffic.
 */
public final class BrokerException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Why the broker refused. */
    public enum Reason {
        /** The request itself is wrong (a topic list too long, a topic named twice). */
        INVALID,
        /** The broker is stopping. */
        STOPPING,
        /** A new topic would pass {@code maxTopics} (published) or {@code maxUnpublishedTopics}. */
        TOPIC_LIMIT,
        /** The history of all topics is at {@code maxRetainedBytes} and no idle topic's could be dropped. */
        RETAINED_FULL,
        /** The topic's subscribers cannot keep up: more than the slowest fraction would be overtaken. */
        PUSHED_BACK,
        /** Cluster mode: the shared log (Redis) did not answer, or not in time. */
        UNAVAILABLE
    }

    private final Reason reason;
    private final long retryAfterSeconds;

    private BrokerException(Reason reason, String message, long retryAfterSeconds) {
        super(message, null, false, false);
        this.reason = reason;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    static BrokerException invalid(String message) {
        return new BrokerException(Reason.INVALID, message, -1);
    }

    static BrokerException stopping() {
        return new BrokerException(Reason.STOPPING, "server is stopping", 5);
    }

    static BrokerException topicLimit(String message) {
        return new BrokerException(Reason.TOPIC_LIMIT, message, 5);
    }

    static BrokerException retainedFull(String message) {
        return new BrokerException(Reason.RETAINED_FULL, message, 1);
    }

    static BrokerException pushedBack(String message) {
        return new BrokerException(Reason.PUSHED_BACK, message, 1);
    }

    /** Cluster mode: the shared log did not acknowledge (see {@link Upstream}); try again in a second. */
    public static BrokerException unavailable(String message) {
        return new BrokerException(Reason.UNAVAILABLE, message, 1);
    }

    public Reason reason() {
        return reason;
    }

    /** When to try again, in seconds, or -1 when trying again cannot help ({@link Reason#INVALID}). */
    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
