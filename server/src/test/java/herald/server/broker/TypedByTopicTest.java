package herald.server.broker;

import herald.protocol.sse.SseEvent;
import herald.protocol.sse.SseEventCollector;
import herald.server.Retention;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A stream of several topics with {@code dispatch=topic}: its events' types name their topic. */
class TypedByTopicTest {

    @Test
    void shouldNameTheTopicInEachEventsTypeKeepingDataRetryAndIds() throws IOException {
        for (long take : new long[] {Long.MAX_VALUE, 1, 7}) {          // whole writes, then byte by byte, then 7
            try (BrokerHarness h = new BrokerHarness(List.of("news", "sport"), Retention.DEFAULTS)) {
                publish(h, "news", null, "hello", -1);
                publish(h, "sport", "goal", "1:0\nsecond line", -1);
                publish(h, "news", "update", "v2", 2_000);
                Subscription subscription = h.broker.subscribe(h.topics, h.ids.format(new long[2]))
                        .typedByTopic(true);
                FakeSink sink = new FakeSink().takeAtMost(take);
                h.broker.attach(subscription, sink);
                h.pump(sink);
                String stream = new String(sink.bytes(), StandardCharsets.UTF_8);
                List<SseEvent> events = SseEventCollector.parse(sink.bytes());
                String prefix = h.ids.epoch() + "-";
                assertEquals(List.of(
                        new SseEvent("news", "hello", prefix + "1_0"),
                        new SseEvent("sport:goal", "1:0\nsecond line", prefix + "1_1"),
                        new SseEvent("news:update", "v2", prefix + "2_1")), events, "take=" + take + "\n" + stream);
                assertEquals(1, stream.split("retry: 2000\n", -1).length - 1, "the retry line kept: " + stream);
            }
        }
    }

    @Test
    void shouldKeepTypesAsPublishedByDefault() throws IOException {
        try (BrokerHarness h = new BrokerHarness(List.of("news", "sport"), Retention.DEFAULTS)) {
            publish(h, "sport", "goal", "1:0", -1);
            FakeSink sink = h.attachFromStart(new FakeSink());
            h.pump(sink);
            assertEquals("goal", SseEventCollector.parse(sink.bytes()).getFirst().type());
        }
    }

    private static void publish(BrokerHarness h, String topic, String type, String data, long retry) {
        byte[] bytes = data.getBytes(StandardCharsets.UTF_8);
        h.broker.publish(topic, type == null ? null : type.getBytes(StandardCharsets.UTF_8), bytes, 0,
                bytes.length, retry);
    }
}
