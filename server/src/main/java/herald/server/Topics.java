package herald.server;

/**
 * How many topics the broker knows at once.
 *
 * @param maxTopics                topics published to, known at once (100,000); publishing to one more answers 503
 * @param maxUnpublishedTopics     topics made by subscribes and never published to, known at once (100,000);
 *                                 subscribing to one more answers 503 (publishers are never limited by these)
 * @param maxTopicsPerSubscription topics one {@code /events} stream may name (32)
 */
public record Topics(int maxTopics, int maxUnpublishedTopics, int maxTopicsPerSubscription) {
    public static final Topics DEFAULTS = new Topics(100_000, 100_000, 32);

    public Topics {
        Checks.positive("maxTopics", maxTopics);
        Checks.positive("maxUnpublishedTopics", maxUnpublishedTopics);
        Checks.positive("maxTopicsPerSubscription", maxTopicsPerSubscription);
    }

    public Topics withMaxTopics(int value) {
        return new Topics(value, maxUnpublishedTopics, maxTopicsPerSubscription);
    }

    public Topics withMaxUnpublishedTopics(int value) {
        return new Topics(maxTopics, value, maxTopicsPerSubscription);
    }

    public Topics withMaxTopicsPerSubscription(int value) {
        return new Topics(maxTopics, maxUnpublishedTopics, value);
    }
}
