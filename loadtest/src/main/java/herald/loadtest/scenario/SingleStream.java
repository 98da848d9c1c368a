package herald.loadtest.scenario;

/**
 * {@code single}: one subscriber, one topic, published as fast as the pipelines allow, once with 64-byte and
 * once with 1-KiB events: the LLM-token shape (many small events on one stream). Reports events/s and
 * latency. It is {@link OneTopicManySubscribers} with these defaults; every option still applies.
 */
final class SingleStream {
    private SingleStream() {
    }

    static Scenario create() {
        return new OneTopicManySubscribers("single", "SingleStream", 1, "max", "64,1024");
    }
}
