package herald.server.broker;

import herald.server.Overload;
import herald.server.Retention;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The overload policy ({@link Pushback}): a publish that would overtake the slowest fraction of a topic's
 * subscribers (at least two) waits for room, then is refused and publishes nothing; one slow subscriber, or
 * subscribers that stopped reading, are cut off as before. Driven on the test's thread ({@link BrokerHarness}):
 * a {@link FakeSink} that takes nothing is a subscriber that cannot keep up. Retention of 16 slots: the protected
 * subscriber is kept in the newest half (eight), so one whose batch ends at sequence p lets the publishes up to
 * {@code p + 8} through.
 */
class PushbackTest {
    private static final Retention SIXTEEN = new Retention(16, 1 << 20, 4_096);
    private static final Overload SHORT_WAIT = new Overload(Duration.ofMillis(20), 0.1);

    private BrokerHarness harness;

    private BrokerHarness harness(Overload overload) throws IOException {
        harness = new BrokerHarness(List.of("news"), SIXTEEN, Duration.ZERO, overload);
        return harness;
    }

    @AfterEach
    void closeBroker() {
        if (harness != null) {
            harness.close();
        }
    }

    /** {@code count} subscribers from the first event whose sinks take nothing, after their first turn. */
    private static List<FakeSink> fullSinks(BrokerHarness h, int count) {
        List<FakeSink> sinks = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            sinks.add(h.attachFromStart(new FakeSink().takeAtMost(0)));
        }
        h.runQueued();
        return sinks;
    }

    private static long publishOne(BrokerHarness h, String data) {
        byte[] bytes = data.getBytes(StandardCharsets.UTF_8);
        return h.broker.publish("news", null, bytes, 0, bytes.length, -1);
    }

    @Test
    void shouldRefuseAPublishThatWouldOvertakeSubscribersThatAllFallBehind() throws IOException {
        BrokerHarness h = harness(SHORT_WAIT);
        h.publish(1);                                   // the topic's log exists; the subscribers take event 1
        List<FakeSink> sinks = fullSinks(h, 10);
        h.publish(8);                                   // up to 1 + 8: room for all
        BrokerException refused = assertThrows(BrokerException.class, () -> publishOne(h, "refused"));
        assertEquals(BrokerException.Reason.PUSHED_BACK, refused.reason());
        assertEquals(1, refused.retryAfterSeconds());
        assertTrue(refused.getMessage().contains("overloadFraction=0.1"), refused.getMessage());
        assertEquals(1, h.metrics.publishPushbacks.sum());
        assertEquals(9, h.broker.userTopicStats().getFirst().lastSeq(), "the refused publish took no sequence");
        for (FakeSink sink : sinks) {
            sink.takeAtMost(Long.MAX_VALUE);
            h.pump(sink);
            h.assertDeliveredAll(sink);                 // every accepted event, in order; the refused one never
            assertFalse(sink.text().contains("refused"));
            assertEquals(0, sink.closes);
        }
        assertEquals(0, h.metrics.slowConsumerCutoffs.sum());
        assertEquals(10, publishOne(h, "news-10"), "room again: the next publish takes the next sequence");
    }

    @Test
    void shouldLetAPublishThroughOnceTheSlowestMakeRoomWithinTheWait() throws Exception {
        BrokerHarness h = harness(new Overload(Duration.ofSeconds(10), 0.1));
        h.publish(1);
        List<FakeSink> sinks = fullSinks(h, 3);
        h.publish(8);
        Thread reader = new Thread(() -> {             // the publish below waits; readers catch up meanwhile
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                return;
            }
            synchronized (h) {
                for (FakeSink sink : sinks) {
                    sink.takeAtMost(Long.MAX_VALUE);
                    h.pump(sink);
                }
            }
        });
        reader.start();
        h.publish(1);                                   // waits until the reader made room
        reader.join();
        assertEquals(10, h.broker.userTopicStats().getFirst().lastSeq());
        assertEquals(0, h.metrics.publishPushbacks.sum());
        synchronized (h) {
            for (FakeSink sink : sinks) {
                h.pump(sink);
                h.assertDeliveredAll(sink);
            }
        }
    }

    @Test
    void shouldCutOffOneSlowSubscriberWithoutWaitingWhileTheOthersKeepUp() throws IOException {
        BrokerHarness h = harness(SHORT_WAIT);
        h.publish(1);
        FakeSink slow = fullSinks(h, 1).getFirst();
        List<FakeSink> fast = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            fast.add(h.attachFromStart(new FakeSink()));
        }
        for (int i = 0; i < 40; i++) {
            h.publish(1);
            h.runQueued();
        }
        assertEquals(0, h.metrics.publishPushbacks.sum(), "one slow subscriber of ten is never waited for");
        assertEquals(1, slow.closes);
        assertEquals(1, h.metrics.slowConsumerCutoffs.sum());
        for (FakeSink sink : fast) {
            h.assertDeliveredAll(sink);
        }
    }

    @Test
    void shouldNeverWaitForASingleSubscriber() throws IOException {
        BrokerHarness h = harness(SHORT_WAIT);
        h.publish(1);
        FakeSink slow = fullSinks(h, 1).getFirst();
        h.publish(40);
        h.runQueued();
        assertEquals(0, h.metrics.publishPushbacks.sum());
        assertEquals(1, slow.closes);
    }

    @Test
    void shouldWaitWhenTwoOfTenFallBehindButNotWhenOneDoes() throws IOException {
        BrokerHarness h = harness(SHORT_WAIT);        // ten subscribers, 10 %: the publish may overtake one
        h.publish(1);
        List<FakeSink> slow = fullSinks(h, 2);
        for (int i = 0; i < 8; i++) {
            h.attachFromStart(new FakeSink());
        }
        h.runQueued();
        h.publish(8);
        h.runQueued();
        assertEquals(BrokerException.Reason.PUSHED_BACK,
                assertThrows(BrokerException.class, () -> publishOne(h, "x")).reason());
        slow.getFirst().fireGone();                     // one of the two leaves: nine remain, one of them slow
        h.runQueued();
        assertEquals(10, publishOne(h, "news-10"));
    }

    @Test
    void shouldNotCutOffASubscriberLessThanHalfAWindowBehindTheProtectedOne() throws IOException {
        // Under overload the protected subscriber sets the pace and the publisher fills the window up to its margin at
        // once; a subscriber a little slower still reads and must survive that. With a margin of a quarter of the
        // window it was cut off (on the rate ladder: the slowest tenth, burst after burst).
        BrokerHarness h = harness(SHORT_WAIT);        // ten subscribers, 10 %: the second slowest is protected
        h.publish(1);
        FakeSink slowest = fullSinks(h, 1).getFirst(); // its batch ends at 1
        List<FakeSink> others = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            others.add(h.attachFromStart(new FakeSink()));
        }
        h.runQueued();
        h.publish(5);                                   // the others take up to 6
        h.runQueued();
        for (FakeSink sink : others) {
            sink.takeAtMost(0);                         // their next batch (from 7) waits: the protected one is at 7
        }
        int refused = 0;
        for (int i = 0; i < 20; i++) {                  // a publisher faster than all of them
            try {
                h.publish(1);
            } catch (BrokerException e) {
                assertEquals(BrokerException.Reason.PUSHED_BACK, e.reason());
                refused++;
            }
            h.runQueued();
        }
        assertEquals(0, slowest.closes, "six events behind the protected one, 3/8 of the window: not overtaken");
        assertEquals(0, h.metrics.slowConsumerCutoffs.sum());
        assertEquals(15, h.broker.userTopicStats().getFirst().lastSeq(), "7 + 8: the protected one in the newer half");
        assertEquals(11, refused);
        slowest.takeAtMost(Long.MAX_VALUE);
        h.pump(slowest);
        h.assertDeliveredAll(slowest);
        for (FakeSink sink : others) {
            sink.takeAtMost(Long.MAX_VALUE);
            h.pump(sink);
            h.assertDeliveredAll(sink);
        }
    }

    @Test
    void shouldNotWaitForSubscribersThatStoppedReading() throws Exception {
        BrokerHarness h = harness(SHORT_WAIT);
        h.broker.stalledNanos = 200_000_000L;           // 5 s in production
        h.publish(1);
        List<FakeSink> stalled = fullSinks(h, 5);
        h.publish(8);
        assertThrows(BrokerException.class, () -> publishOne(h, "x"), "not stalled yet: waited for");
        Thread.sleep(300);                              // full sinks, nothing taken, for longer than that
        h.publish(20);
        h.runQueued();
        assertEquals(1, h.metrics.publishPushbacks.sum());
        for (FakeSink sink : stalled) {
            assertEquals(1, sink.closes, "cut off, as a slow consumer");
        }
        assertEquals(5, h.metrics.slowConsumerCutoffs.sum());
    }

    @Test
    void shouldWaitOnlyWhenAllWouldBeOvertakenWithAFractionOfOne() throws IOException {
        BrokerHarness h = harness(new Overload(Duration.ofMillis(20), 1.0));
        h.publish(1);
        List<FakeSink> slow = fullSinks(h, 9);
        FakeSink fast = h.attachFromStart(new FakeSink());
        for (int i = 0; i < 40; i++) {
            h.runQueued();
            h.publish(1);
        }
        h.runQueued();
        assertEquals(0, h.metrics.publishPushbacks.sum(), "one of ten keeps up: nothing waits");
        assertEquals(9, h.metrics.slowConsumerCutoffs.sum());
        assertTrue(slow.stream().allMatch(s -> s.closes == 1));
        h.assertDeliveredAll(fast);
    }

    @Test
    void shouldRefuseAtOnceWithAZeroWait() throws IOException {
        BrokerHarness h = harness(new Overload(Duration.ZERO, 0.1));
        h.publish(1);
        fullSinks(h, 4);
        h.publish(8);
        long start = System.nanoTime();
        assertThrows(BrokerException.class, () -> publishOne(h, "x"));
        assertTrue(System.nanoTime() - start < 1_000_000_000L, "refused without waiting");
        assertEquals(1, h.metrics.publishPushbacks.sum());
    }

    @Test
    void shouldProtectBySegmentBytesAsWellAsByCount() throws IOException {
        // 4 KiB segments, 8 KiB retained: 1 KiB events fill a segment every four; the next segment evicts the oldest
        harness = new BrokerHarness(List.of("news"), new Retention(1_024, 8_192, 4_096), Duration.ZERO, SHORT_WAIT);
        BrokerHarness h = harness;
        h.publish(1, 1_000);
        List<FakeSink> sinks = fullSinks(h, 4);
        int accepted = 1;
        try {
            for (int i = 0; i < 40; i++) {
                h.publish(1, 1_000);
                accepted++;
            }
        } catch (BrokerException e) {
            assertEquals(BrokerException.Reason.PUSHED_BACK, e.reason());
        }
        assertTrue(accepted < 41, "pushed back before the byte window passed the subscribers: " + accepted);
        for (FakeSink sink : sinks) {
            sink.takeAtMost(Long.MAX_VALUE);
            h.pump(sink);
            h.assertDeliveredAll(sink);
        }
        assertEquals(0, h.metrics.slowConsumerCutoffs.sum());
    }

    @Test
    void shouldExemptHeraldsOwnTopics() throws IOException {
        harness = new BrokerHarness(List.of("_herald/stats"), SIXTEEN, Duration.ZERO, SHORT_WAIT);
        BrokerHarness h = harness;
        h.publish(1);
        fullSinks(h, 5);
        h.publish(40);
        assertEquals(0, h.metrics.publishPushbacks.sum());
    }

    @Test
    void shouldRankTheProtectedSubscriber() {
        assertEquals(2, Pushback.protectedRank(1, 0.1), "one alone is never protected: 2 > 1");
        assertEquals(2, Pushback.protectedRank(2, 0.1));
        assertEquals(2, Pushback.protectedRank(10, 0.1));
        assertEquals(2, Pushback.protectedRank(20, 0.1));
        assertEquals(3, Pushback.protectedRank(21, 0.1));
        assertEquals(3, Pushback.protectedRank(30, 0.1), "0.1 * 30 is 3.0000000000000004 in doubles");
        assertEquals(1_000, Pushback.protectedRank(10_000, 0.1));
        assertEquals(2, Pushback.protectedRank(10_000, 0.0));
        assertEquals(10, Pushback.protectedRank(10, 1.0), "a fraction of 1: waits only for the fastest");
        assertEquals(5, Pushback.protectedRank(10, 0.5));
        assertEquals(6, Pushback.protectedRank(11, 0.5));
    }

    @Test
    void shouldSelectTheKthSmallestLikeSorting() {
        long seed = System.nanoTime();
        System.out.println("PushbackTest seed " + seed);
        Random random = new Random(seed);
        for (int round = 0; round < 2_000; round++) {
            int n = 1 + random.nextInt(64);
            long[] values = new long[n + random.nextInt(4)];
            for (int i = 0; i < values.length; i++) {
                values[i] = random.nextInt(3) == 0 ? 7 : random.nextInt(40) - 5;   // many repeats
            }
            long[] sorted = Arrays.copyOf(values, n);
            Arrays.sort(sorted);
            int index = random.nextInt(n);
            assertEquals(sorted[index], Pushback.select(values, n, index), "seed " + seed + " round " + round);
        }
    }
}
