package herald.server.broker;

import java.util.List;

/**
 * The subscriber contract for a stream of several topics: records up to their id line and the stream's own id
 * lines, ids {@code <epoch>-<seqA>_<seqB>_<seqC>}.
 */
class MultiTopicSubscriberContractTest extends SubscriberContractTest {
    @Override
    List<String> topics() {
        return List.of("news", "sport", "weather");
    }

    @Override
    Class<? extends Subscriber> kind() {
        return MultiTopicSubscriber.class;
    }
}
