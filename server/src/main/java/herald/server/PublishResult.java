package herald.server;

/**
 * What {@link Herald#tryPublish} came to: the event's id when it was published, else why nothing was.
 *
 * @param status what happened
 * @param id     the event's id ({@code Last-Event-ID} form) when {@link Status#PUBLISHED}, else null
 * @param reason one line saying why nothing was published, else null
 */
public record PublishResult(Status status, String id, String reason) {

    /** What happened to a publish. */
    public enum Status {
        /** Published: every subscriber will get it (or be cut off as a slow consumer and told of the gap). */
        PUBLISHED,
        /**
         * The topic's subscribers could not make room within the wait (README "Slow consumers and overload"):
         * publishing faster than they read would cut off more than the slowest fraction. Try again later (HTTP
         * publishers get 503 with {@code Retry-After: 1}).
         */
        PUSHED_BACK,
        /** The server is stopping. */
        STOPPING,
        /** A memory or topic limit: the history of all topics is full, or the topic would be one too many. */
        LIMIT,
        /**
         * Cluster mode: Redis did not acknowledge the event (unreachable, or not within its command timeout). It was
         * not published, unless the connection broke after sending it (then it may still be delivered). HTTP
         * publishers get 503 with {@code Retry-After: 1}.
         */
        UNAVAILABLE
    }

    /** Whether the event was published. */
    public boolean published() {
        return status == Status.PUBLISHED;
    }
}
