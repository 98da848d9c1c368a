package herald.server.broker;

import java.util.List;

/** The subscriber contract for a stream of one topic: runs of log memory, ids {@code <epoch>-<seq>}. */
class TopicSubscriberContractTest extends SubscriberContractTest {
    @Override
    List<String> topics() {
        return List.of("news");
    }

    @Override
    Class<? extends Subscriber> kind() {
        return TopicSubscriber.class;
    }
}
