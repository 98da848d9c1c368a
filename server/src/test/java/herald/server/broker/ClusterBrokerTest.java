package herald.server.broker;

import herald.server.Retention;
import herald.server.health.Supervisor;
import herald.server.metrics.Metrics;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The broker in cluster mode, on the test's thread, against an in-memory shared log (a list of events per topic, as
 * a Redis stream holds them): when a topic is followed, what {@link Broker#replicate} keeps, skips and ends, where a
 * resume older than the node's copy starts, and an epoch change.
 */
class ClusterBrokerTest {
    private final Metrics metrics = new Metrics();
    private final EventIds ids = EventIds.cluster(1_764_950_400_123L);
    private final SharedLog shared = new SharedLog();
    private final Broker broker;
    private final DeliveryScratch scratch = new DeliveryScratch(metrics);

    /** A shared log in memory: events per topic, sequences from 1, trimmed from the front by the test. */
    static final class SharedLog implements Upstream {
        final Map<String, List<Event>> streams = new HashMap<>();
        final List<String> calls = new ArrayList<>();
        final Map<String, Long> oldest = new HashMap<>();

        @Override
        public String append(String topic, byte[] eventType, byte[] data, int offset, int length, long retryMillis) {
            List<Event> stream = streams.computeIfAbsent(topic, t -> new ArrayList<>());
            stream.add(new Event(stream.size() + 1, eventType, java.util.Arrays.copyOfRange(data, offset,
                    offset + length), retryMillis));
            return "1764950400123-" + stream.size();
        }

        @Override
        public Window window(String topic, EventIds at) {
            int head = streams.getOrDefault(topic, List.of()).size();
            return new Window(oldest.getOrDefault(topic, 1L), head);
        }

        @Override
        public List<Event> history(String topic, EventIds at, long after, long upTo, int max) {
            List<Event> out = new ArrayList<>();
            for (Event event : streams.getOrDefault(topic, List.of())) {
                if (event.seq() > after && event.seq() <= upTo && event.seq() >= oldest.getOrDefault(topic, 1L)
                        && out.size() < max) {
                    out.add(event);
                }
            }
            return out;
        }

        @Override
        public void follow(String topic, EventIds at, long afterSeq) {
            calls.add("follow " + topic + " " + afterSeq);
        }

        @Override
        public void unfollow(String topic) {
            calls.add("unfollow " + topic);
        }

        Broker broker;
        long epoch = 1_764_950_400_123L;                 // the shared log's epoch now

        @Override
        public void catchUpWithEpoch(String seen) {
            calls.add("catch up " + seen);
            long later = Long.parseLong(seen);
            if (later > Long.parseLong(broker.ids().epoch()) && later <= epoch) {    // as ClusterBridge: later only
                broker.changeEpoch(EventIds.cluster(epoch));
            }
        }
    }

    ClusterBrokerTest() throws IOException {
        Broker.Settings settings = new Broker.Settings(Retention.DEFAULTS.withEvents(64), Duration.ofHours(1), -1, 1,
                1, 100, 100, 8, Duration.ZERO, 1_000, 1L << 30, Duration.ZERO);
        broker = new Broker(settings, metrics, ids, new Supervisor(failure -> { }), 0, shared);
        shared.broker = broker;
    }

    @AfterEach
    void close() {
        broker.close();
    }

    private void runQueued() {
        for (Runnable task; (task = broker.dispatcher().poll()) != null; ) {
            if (task instanceof Shard shard) {
                shard.run(scratch);
            } else {
                ((Subscriber) task).run(scratch);
            }
        }
    }

    private FakeSink attach(List<String> topics, String lastEventId) {
        FakeSink sink = new FakeSink();
        broker.attach(broker.subscribe(topics, lastEventId), sink);
        runQueued();
        return sink;
    }

    private String publish(String topic, String data) {
        byte[] bytes = data.getBytes(StandardCharsets.UTF_8);
        return broker.publishId(topic, null, bytes, 0, bytes.length, -1, -1);
    }

    /** What the node's follower would read: the shared log's events after {@code after}, handed to replicate. */
    private void replicateFrom(String topic, long after) {
        for (Upstream.Event event : shared.streams.get(topic)) {
            if (event.seq() > after) {
                broker.replicate(topic, event.seq(), event.eventType(), event.data(), event.retryMillis());
            }
        }
        runQueued();
    }

    @Test
    void shouldPublishToTheSharedLogOnlyAndAnswerItsId() {
        assertEquals("1764950400123-1", publish("news", "one"));
        assertEquals("1764950400123-2", publish("news", "two"));
        assertEquals(0, broker.topicCount(), "nothing is held here for a publish");
        assertEquals(2, metrics.eventsPublished.sum());
        BrokerException delete = assertThrows(BrokerException.class, () -> broker.delete("news"));
        assertEquals(BrokerException.Reason.INVALID, delete.reason());
    }

    @Test
    void shouldFollowFromTheSharedLogsHeadOnTheFirstSubscriberAndRetireWhenTheLastLeaves() {
        publish("news", "one");
        publish("news", "two");
        FakeSink first = attach(List.of("news"), null);
        FakeSink second = attach(List.of("news"), null);
        assertEquals(List.of("follow news 2"), shared.calls, "once, from the newest sequence");
        publish("news", "three");
        replicateFrom("news", 2);
        assertTrue(first.text().contains("data: three\nid: 1764950400123-3\n\n"), first.text());
        assertTrue(second.text().contains("data: three\nid: 1764950400123-3\n\n"), second.text());
        assertFalse(first.text().contains("data: two"), "live: from where it joined");
        first.fireGone();
        second.fireGone();
        assertEquals(List.of("follow news 2", "unfollow news"), shared.calls);
        publish("news", "four");
        attach(List.of("news"), null);
        assertEquals(List.of("follow news 2", "unfollow news", "follow news 4"), shared.calls, "a new incarnation");
    }

    @Test
    void shouldSkipEventsHeldAlreadyAndEndTheCopyAtAGap() {
        FakeSink sink = attach(List.of("t"), null);
        publish("t", "a");
        publish("t", "b");
        replicateFrom("t", 0);
        replicateFrom("t", 0);                           // read again after a re-follow: nothing twice
        assertEquals(2, sink.text().split("data: ", -1).length - 1, sink.text());
        publish("t", "c");
        publish("t", "d");
        assertFalse(broker.replicate("t", 4, null, "d".getBytes(StandardCharsets.UTF_8), -1), "3 is missing");
        assertEquals(1, sink.closes, "its stream ends: the client resumes");
        assertEquals(1, metrics.resyncs.sum());
        assertTrue(shared.calls.contains("unfollow t"));
        assertTrue(broker.replicate("t", 5, null, new byte[] {'e'}, -1), "not followed any more: ignored");
    }

    @Test
    void shouldReplayFromTheSharedLogWhatIsOlderThanTheCopyThenContinueFromTheCopy() {
        for (int i = 1; i <= 10; i++) {
            publish("h", "e" + i);
        }
        FakeSink live = attach(List.of("h"), null);               // the copy starts after 10
        Subscription resumed = broker.subscribe(List.of("h"), "1764950400123-4");
        StringBuilder replayed = new StringBuilder();
        for (byte[] page = resumed.nextHistory(); page != null; page = resumed.nextHistory()) {
            replayed.append(new String(page, StandardCharsets.UTF_8));
        }
        assertTrue(replayed.toString().startsWith("data: e5\nid: 1764950400123-5\n\n"), replayed.toString());
        assertTrue(replayed.toString().endsWith("data: e10\nid: 1764950400123-10\n\n"), replayed.toString());
        FakeSink sink = new FakeSink();
        broker.attach(resumed, sink);
        publish("h", "e11");
        replicateFrom("h", 10);
        assertEquals("data: e11\nid: 1764950400123-11\n\n", sink.text());
        assertEquals("data: e11\nid: 1764950400123-11\n\n", live.text());
        shared.oldest.put("h", 8L);
        Subscription evicted = broker.subscribe(List.of("h"), "1764950400123-3");
        assertTrue(new String(evicted.preamble(), StandardCharsets.UTF_8).contains("\"reason\":\"evicted\""));
        Subscription ahead = broker.subscribe(List.of("h"), "1764950400123-99");
        assertTrue(new String(ahead.preamble(), StandardCharsets.UTF_8).contains("\"reason\":\"unknown\""));
    }

    @Test
    void shouldEndEveryFollowedTopicAndTakeTheNewIdsWhenTheEpochChanges() {
        publish("x", "one");
        FakeSink sink = attach(List.of("x"), null);
        broker.changeEpoch(EventIds.cluster(1_764_950_500_000L));
        assertEquals(1, sink.closes);
        Subscription old = broker.subscribe(List.of("x"), "1764950400123-1");
        assertTrue(new String(old.preamble(), StandardCharsets.UTF_8).contains("\"reason\":\"unknown\""));
        assertEquals("1764950500000", broker.ids().epoch());
    }

    @Test
    void shouldLearnALaterEpochFromAResumingClientAndResumeItExactly() {
        shared.epoch = 1_764_950_500_000L;                // another node moved the cluster on; this one saw nothing
        shared.streams.put("y", new ArrayList<>(List.of(new Upstream.Event(1, null, new byte[] {'a'}, -1))));
        Subscription resumed = broker.subscribe(List.of("y"), "1764950500000-1");
        assertTrue(shared.calls.contains("catch up 1764950500000"));
        assertEquals("1764950500000", broker.ids().epoch());
        String preamble = new String(resumed.preamble(), StandardCharsets.UTF_8);
        assertFalse(preamble.contains("herald-gap"), preamble);
        assertTrue(preamble.contains("id: 1764950500000-1"), preamble);
        broker.subscribe(List.of("y"), "garbage");
        assertEquals(1, shared.calls.stream().filter(c -> c.startsWith("catch up")).count(), "not an id: not asked");
    }
}
