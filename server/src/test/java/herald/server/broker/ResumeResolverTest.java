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
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Where a stream starts ({@link Broker#subscribe} through {@link ResumeResolver}) and what its preamble tells the
 * client: live without a {@code Last-Event-ID}; right after the id while it is retained; after a gap signal,
 * before the newest quarter of the retained events (rounded up), when it is not (evicted) or was never this run's
 * (unknown).
 */
class ResumeResolverTest {
    private final Metrics metrics = new Metrics();
    private final EventIds ids = new EventIds(1_700_000_000_000L);
    private final List<Broker> brokers = new ArrayList<>();

    /** Each topic keeps its newest 16 events. */
    private Broker broker(long retryMillis) throws IOException {
        return broker(retryMillis, 1L << 30);
    }

    private Broker broker(long retryMillis, long maxRetainedBytes) throws IOException {
        Broker.Settings settings = new Broker.Settings(new Retention(16, 1 << 20, 4_096), Duration.ofHours(1),
                retryMillis, 1, 1, 100, 100, 8, Duration.ZERO, 1_000, maxRetainedBytes, Duration.ZERO);
        Broker broker = new Broker(settings, metrics, ids, new Supervisor(failure -> { }), 0);
        brokers.add(broker);
        return broker;
    }

    @AfterEach
    void closeBrokers() {
        brokers.forEach(Broker::close);
    }

    private static void publish(Broker broker, String topic, int count) {
        for (int i = 0; i < count; i++) {
            broker.publish(topic, null, new byte[] {'x'}, 0, 1, -1);
        }
    }

    private static String preamble(Subscription subscription) {
        return new String(subscription.preamble(), StandardCharsets.US_ASCII);
    }

    private String gap(String topic, String reason, long resumeAfter) {
        return "event: herald-gap\ndata: {\"topic\":\"" + topic + "\",\"reason\":\"" + reason + "\",\"resumeAfter\":\""
                + ids.format(resumeAfter) + "\"}\n\n";
    }

    @Test
    void shouldStartLiveWithoutALastEventId() throws IOException {
        Broker broker = broker(-1);
        publish(broker, "a", 5);
        for (String none : new String[] {null, ""}) {
            Subscription subscription = broker.subscribe(List.of("a"), none);
            assertArrayEquals(new long[] {5}, subscription.cursors);
            assertEquals("id: " + ids.format(5) + "\n\n", preamble(subscription));
        }
        assertEquals(0, metrics.resumes.sum(), "an empty id is no resume");
        assertEquals(0, metrics.gaps.sum());
    }

    @Test
    void shouldStartAtTheHeadOfATopicNobodyPublishedTo() throws IOException {
        Broker broker = broker(-1);
        assertArrayEquals(new long[] {0, 0}, broker.subscribe(List.of("a", "b"), null).cursors);
        assertEquals("id: " + ids.format(new long[2]) + "\n\n", preamble(broker.subscribe(List.of("a", "b"), null)));
        Subscription resumed = broker.subscribe(List.of("a"), ids.format(0));
        assertArrayEquals(new long[] {0}, resumed.cursors);
        assertEquals("id: " + ids.format(0) + "\n\n", preamble(resumed), "at the head already: no gap");
    }

    @Test
    void shouldResumeRightAfterARetainedIdWithoutAGap() throws IOException {
        Broker broker = broker(-1);
        publish(broker, "a", 20);
        for (long after : new long[] {4, 10, 19, 20}) {     // 5..20 retained; 20 is the head
            Subscription subscription = broker.subscribe(List.of("a"), ids.format(after));
            assertArrayEquals(new long[] {after}, subscription.cursors, "after=" + after);
            assertEquals("id: " + ids.format(after) + "\n\n", preamble(subscription));
        }
        assertEquals(4, metrics.resumes.sum());
        assertEquals(0, metrics.gaps.sum());
    }

    @Test
    void shouldSignalAGapAndStartBeforeTheNewestQuarterOfTheRetainedEventsWhenTheIdWasEvicted() throws IOException {
        Broker broker = broker(-1);
        publish(broker, "a", 20);                            // the 16 newest are 5..20; their newest quarter 17..20
        for (long after : new long[] {0, 3}) {
            Subscription subscription = broker.subscribe(List.of("a"), ids.format(after));
            assertArrayEquals(new long[] {16}, subscription.cursors, "after=" + after);
            assertEquals(gap("a", "evicted", 16) + "id: " + ids.format(16) + "\n\n", preamble(subscription));
        }
        assertEquals(2, metrics.gaps.sum());
        assertEquals(2, metrics.resumes.sum());
    }

    @Test
    void shouldSignalUnknownForAnIdAheadOfTheLogOrFromAnotherRunOrMalformed() throws IOException {
        Broker broker = broker(-1);
        publish(broker, "a", 3);                             // 1..3 retained: the newest quarter, rounded up, is 3
        String otherRun = new EventIds(1_600_000_000_000L).format(2);
        for (String id : new String[] {ids.format(4), otherRun, "junk", ids.format(new long[] {1, 1})}) {
            Subscription subscription = broker.subscribe(List.of("a"), id);
            assertArrayEquals(new long[] {2}, subscription.cursors, id);
            assertEquals(gap("a", "unknown", 2) + "id: " + ids.format(2) + "\n\n", preamble(subscription), id);
        }
        assertEquals(4, metrics.resumes.sum());
        assertEquals(4, metrics.gaps.sum());
    }

    @Test
    void shouldSignalAGapInEachTopicOfAStreamThatLostItsPlaceAndKeepTheOthers() throws IOException {
        Broker broker = broker(-1);
        publish(broker, "a", 20);
        publish(broker, "b", 3);
        publish(broker, "c", 2);
        Subscription subscription = broker.subscribe(List.of("a", "b", "c"), ids.format(new long[] {1, 2, 7}));
        assertArrayEquals(new long[] {16, 2, 1}, subscription.cursors);
        assertEquals(gap("a", "evicted", 16) + gap("c", "unknown", 1) + "id: " + ids.format(new long[] {16, 2, 1})
                + "\n\n", preamble(subscription));
        assertEquals(2, metrics.gaps.sum());
        assertEquals(1, metrics.resumes.sum());
    }

    @Test
    void shouldTreatAnIdOfADeletedIncarnationAsEvicted() throws IOException {
        Broker broker = broker(-1);
        publish(broker, "a", 3);
        broker.delete("a");
        publish(broker, "a", 2);                             // the next incarnation holds 4 and 5: its newest quarter 5
        Subscription subscription = broker.subscribe(List.of("a"), ids.format(2));
        assertArrayEquals(new long[] {4}, subscription.cursors);
        assertEquals(gap("a", "evicted", 4) + "id: " + ids.format(4) + "\n\n", preamble(subscription));
        assertArrayEquals(new long[] {3}, broker.subscribe(List.of("a"), ids.format(3)).cursors,
                "the old incarnation's head is where the new one starts: no gap");
        assertEquals(1, metrics.gaps.sum());
    }

    @Test
    void shouldTreatAnIdOfAnIncarnationWhoseHistoryWasDroppedAsEvicted() throws IOException {
        Broker broker = broker(-1, 8_192);
        publish(broker, "a", 3);
        publish(broker, "b", 1);                             // no room for both: idle a's history is dropped
        assertEquals(1, metrics.historyDropped.sum());
        Subscription subscription = broker.subscribe(List.of("a"), ids.format(1));   // a new incarnation, base 4
        assertArrayEquals(new long[] {3}, subscription.cursors);
        assertEquals(gap("a", "evicted", 3) + "id: " + ids.format(3) + "\n\n", preamble(subscription));
        assertArrayEquals(new long[] {3}, broker.subscribe(List.of("a"), ids.format(3)).cursors);
        assertEquals(1, metrics.gaps.sum(), "the dropped incarnation's head is where the new one starts: no gap");
    }

    @Test
    void shouldWriteTheRetryLineFirstWhenConfiguredZeroIncluded() throws IOException {
        assertEquals("retry: 0\nid: " + ids.format(0) + "\n\n", preamble(broker(0).subscribe(List.of("a"), null)));
        assertEquals("retry: 2500\n" + gap("a", "unknown", 0) + "id: " + ids.format(0) + "\n\n",
                preamble(broker(2_500).subscribe(List.of("a"), "junk")));
    }
}
