package herald.server.broker;

import herald.protocol.sse.SseEvent;
import herald.protocol.sse.SseEventCollector;
import herald.server.Retention;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A stream of several topics ({@link MultiTopicSubscriber}) where its own bytes matter: the event lines of a
 * stream typed by topic byte for byte (long names and types, a retry line, empty data), full batches of typed
 * events, and id lines of a stream that starts at long positions.
 */
class MultiTopicStreamTest {

    private static void publish(BrokerHarness h, String topic, String type, String data, long retry) {
        byte[] bytes = data.getBytes(StandardCharsets.UTF_8);
        h.broker.publish(topic, type == null ? null : type.getBytes(StandardCharsets.UTF_8), bytes, 0, bytes.length,
                retry);
    }

    @Test
    void shouldWriteItsOwnEventLinesByteForByteWhateverTheirLength() throws IOException {
        String longTopic = "t".repeat(150);
        String longType = "y".repeat(120);
        for (long take : new long[] {Long.MAX_VALUE, 1, 7}) {
            try (BrokerHarness h = new BrokerHarness(List.of("news", longTopic), Retention.DEFAULTS)) {
                publish(h, longTopic, longType, "first", -1);
                publish(h, "news", "update", "v2", 2_000);
                publish(h, "news", null, "", -1);
                publish(h, longTopic, null, "x", 5);
                Subscription subscription = h.broker.subscribe(h.topics, h.ids.format(new long[2]))
                        .typedByTopic(true);
                FakeSink sink = new FakeSink().takeAtMost(take);
                h.broker.attach(subscription, sink);
                h.pump(sink);
                String e = h.ids.epoch() + "-";
                String expected = "retry: 2000\nevent: news:update\ndata: v2\nid: " + e + "1_0\n\n"   // round robin
                        + "event: " + longTopic + ":" + longType + "\ndata: first\nid: " + e + "1_1\n\n"
                        + "retry: 5\nevent: " + longTopic + "\ndata: x\nid: " + e + "1_2\n\n"
                        + "event: news\ndata: \nid: " + e + "2_2\n\n";
                assertEquals(expected, sink.text(), "take=" + take);
            }
        }
    }

    @Test
    void shouldWriteFullBatchesOfTypedEventsOfThreeTopics() throws IOException {
        List<String> topics = List.of("a", "b", "c");
        for (long take : new long[] {Long.MAX_VALUE, 13}) {
            try (BrokerHarness h = new BrokerHarness(topics, Retention.DEFAULTS)) {
                h.publish(90);                            // 30 a topic: more than a typed batch holds
                Subscription subscription = h.broker.subscribe(topics, h.ids.format(new long[3])).typedByTopic(true);
                FakeSink sink = new FakeSink().takeAtMost(take);
                h.broker.attach(subscription, sink);
                h.pump(sink);
                List<SseEvent> events = SseEventCollector.parse(sink.bytes());
                assertEquals(90, events.size());
                Map<String, Integer> seen = new HashMap<>();
                for (SseEvent event : events) {
                    int n = seen.merge(event.type(), 1, Integer::sum);
                    assertEquals(event.type() + "-" + n, event.data(), "each topic's events in order, typed by it");
                }
                assertEquals(h.ids.format(new long[] {30, 30, 30}), events.getLast().lastEventId());
                h.publish(3);
                h.pump(sink);
                assertEquals(93, SseEventCollector.parse(sink.bytes()).size(), "live after the backlog");
            }
        }
    }

    @Test
    void shouldWriteIdLinesOfAStreamThatStartsAtLongPositions() throws IOException {
        List<String> topics = List.of("a", "b");
        try (BrokerHarness h = new BrokerHarness(topics, Retention.DEFAULTS.withEvents(1 << 14))) {
            h.publish(2 * 10_001);
            Subscription subscription = h.broker.subscribe(topics, h.ids.format(new long[] {10_000, 9_999}));
            FakeSink sink = new FakeSink();
            h.broker.attach(subscription, sink);
            h.runQueued();
            String e = h.ids.epoch() + "-";
            assertEquals("data: a-10001\nid: " + e + "10001_9999\n\n" + "data: b-10000\nid: " + e + "10001_10000\n\n"
                    + "data: b-10001\nid: " + e + "10001_10001\n\n", sink.text());
            List<String> ids = new ArrayList<>(BrokerHarness.parse(sink.bytes()).ids());
            assertEquals(e + "10001_10001", ids.getLast());
        }
    }
    @Test
    void shouldGrowAnEventLineItReusesForALongerOne() throws IOException {
        try (BrokerHarness h = new BrokerHarness(List.of("a", "b"), Retention.DEFAULTS)) {
            Subscription subscription = h.broker.subscribe(h.topics, h.ids.format(new long[2])).typedByTopic(true);
            FakeSink sink = new FakeSink();
            h.broker.attach(subscription, sink);
            h.runQueued();
            publish(h, "a", "t", "short", -1);
            h.runQueued();
            String type = "y".repeat(100);
            publish(h, "a", type, "long", -1);             // the same slot of the next batch, a longer line
            h.runQueued();
            String e = h.ids.epoch() + "-";
            assertEquals("event: a:t\ndata: short\nid: " + e + "1_0\n\nevent: a:" + type + "\ndata: long\nid: " + e
                    + "2_0\n\n", sink.text());
        }
    }
}
