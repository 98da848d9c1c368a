package herald.server.broker;

import herald.server.Retention;
import herald.server.metrics.LatencyHistogram;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The write path's bookkeeping ({@link SinkWriter}, {@link Subscriber}, {@link DeliveryScratch}) with a
 * {@link FakeSink}: the figures it counts (writes, bytes, events, each batch's delivery latency once), what counts
 * as a sign of life for the heartbeat, one write for a backlog that spans two segments, and an offer during a
 * run that is not lost.
 */
class SinkWriterTest {
    private BrokerHarness harness;

    private BrokerHarness harness(String... topics) throws IOException {
        harness = new BrokerHarness(List.of(topics), Retention.DEFAULTS);
        return harness;
    }

    @AfterEach
    void close() {
        if (harness != null) {
            harness.close();
        }
    }

    private static LatencyHistogram.Snapshot latency(BrokerHarness h) {
        return h.metrics.deliveryLatency.snapshot();
    }

    /** Lets {@code millis} pass on the monotonic clock (so that an event is at least that old when delivered). */
    private static void age(long millis) {
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (System.nanoTime() - until < 0) {
            Thread.onSpinWait();
        }
    }

    @Test
    void shouldCountEveryWriteAndEachBatchsLatencyOnceWhenItIsWhole() throws IOException {
        BrokerHarness h = harness("a");
        h.publish(3);
        FakeSink sink = h.attachFromStart(new FakeSink().script(5));   // the batch goes out in two writes
        h.pump(sink);
        h.assertDeliveredAll(sink);
        assertEquals(2, sink.writes);
        assertEquals(2, h.metrics.writes.sum());
        assertEquals(3, h.metrics.eventsDelivered.sum());
        assertEquals(sink.bytes().length, h.metrics.bytesDelivered.sum());
        assertEquals(1, latency(h).count(), "one batch, completed once");
        h.publish(1);
        h.runQueued();
        assertEquals(3, h.metrics.writes.sum());
        assertEquals(2, latency(h).count());
    }

    @Test
    void shouldMeasureABatchsLatencyFromItsOldestEvent() throws IOException {
        BrokerHarness h = harness("a");
        FakeSink sink = h.attachFromStart(new FakeSink());
        h.runQueued();
        h.publish(1);
        age(30);
        h.publish(1);                                     // a newer event of the same batch
        h.runQueued();
        h.assertDeliveredAll(sink);
        LatencyHistogram.Snapshot snapshot = latency(h);
        assertEquals(1, snapshot.count(), "one batch");
        assertTrue(snapshot.sumSeconds() >= 0.030, "from the oldest event: " + snapshot.sumSeconds());
        assertTrue(snapshot.sumSeconds() < 60, "a duration, not a clock reading: " + snapshot.sumSeconds());
    }

    @Test
    void shouldMeasureTheLatencyOfABatchOfOneEventOfSeveralTopics() throws IOException {
        BrokerHarness h = harness("a", "b");
        FakeSink sink = h.attachFromStart(new FakeSink());
        h.runQueued();
        h.publish(1);
        h.runQueued();
        h.assertDeliveredAll(sink);
        assertEquals(1, latency(h).count());
        assertTrue(latency(h).sumSeconds() < 60, "measured from its append: " + latency(h).sumSeconds());
    }

    @Test
    void shouldCountAStreamOfHeraldsOwnTopicsInNoDeliveryFigureButItsWrites() throws IOException {
        BrokerHarness h = harness("_herald/stats");
        h.publish(2);
        FakeSink sink = h.attachFromStart(new FakeSink().script(4));
        h.pump(sink);
        h.assertDeliveredAll(sink);
        assertEquals(0, h.metrics.eventsDelivered.sum());
        assertEquals(0, h.metrics.bytesDelivered.sum());
        assertEquals(0, latency(h).count());
        assertEquals(2, h.metrics.writes.sum());
    }

    @Test
    void shouldTakeAWriteThatTookNothingAsNoSignOfLife() throws IOException {
        BrokerHarness h = harness("a");
        h.publish(2);
        FakeSink sink = h.attachFromStart(new FakeSink().takeAtMost(0));
        sink.subscriber().heartbeatDue = true;
        h.runQueued();
        assertEquals(1, sink.writes);
        assertTrue(sink.subscriber().heartbeatDue, "still idle: the heartbeat stays due");
    }

    @Test
    void shouldTakeAShortWriteAsASignOfLife() throws IOException {
        BrokerHarness h = harness("a");
        h.publish(2);
        FakeSink sink = h.attachFromStart(new FakeSink().takeAtMost(3));
        sink.subscriber().heartbeatDue = true;
        h.runQueued();
        assertEquals(3, sink.bytes().length);
        assertFalse(sink.subscriber().heartbeatDue, "bytes went out: no heartbeat needed");
        h.pump(sink);
        h.assertDeliveredAll(sink);
    }

    @Test
    void shouldWriteABacklogThatSpansTwoSegmentsInOneGatheringWrite() throws IOException {
        BrokerHarness h = harness("a");
        h.publish(60, 80);                                // about 6 KB: the first 4 KiB segment and the next
        FakeSink sink = h.attachFromStart(new FakeSink());
        h.runQueued();
        h.assertDeliveredAll(sink);
        assertEquals(List.of(2), sink.buffersPerWrite, "both runs in one write");
    }

    @Test
    void shouldGoRoundOnceMoreForAnOfferThatCameDuringItsRun() throws IOException {
        BrokerHarness h = harness("a");
        h.publish(2);
        Subscription subscription = h.broker.subscribe(h.topics, h.ids.format(0));
        Topic topic = subscription.topics[0];
        FakeSink sink = new FakeSink();
        boolean[] offered = new boolean[1];
        sink.onWrite = () -> {
            if (!offered[0]) {                            // a publish lands while the dispatcher writes
                offered[0] = true;
                byte[] data = "late".getBytes(StandardCharsets.UTF_8);
                topic.logForAppend().append(null, data, 0, data.length, -1);
                sink.subscriber().offer(new DeliveryScratch(h.metrics));
            }
        };
        h.broker.attach(subscription, sink);
        h.runQueued();
        assertTrue(offered[0]);
        assertTrue(sink.text().endsWith("data: late\nid: " + h.ids.format(3) + "\n\n"), sink.text());
        assertEquals(2, sink.writes, "the second pass wrote the late event");
        assertNull(h.broker.dispatcher().poll());
        byte[] data = "later".getBytes(StandardCharsets.UTF_8);
        topic.logForAppend().append(null, data, 0, data.length, -1);
        sink.subscriber().offer(new DeliveryScratch(h.metrics));
        assertTrue(sink.text().endsWith("data: later\nid: " + h.ids.format(4) + "\n\n"), "idle again after the "
                + "second pass: the next offer writes");
    }
    @Test
    void shouldCountNoEventAgainWhenItCompletesAHeartbeatsLineFeed() throws IOException {
        BrokerHarness h = harness("a");
        h.publish(2);
        FakeSink sink = h.attachFromStart(new FakeSink());
        h.runQueued();
        assertEquals(2, h.metrics.eventsDelivered.sum());
        sink.script(1);                                   // the heartbeat's colon alone
        h.heartbeatDue(sink);
        h.runQueued();
        h.pump(sink);                                     // then its line feed
        h.assertDeliveredAll(sink, "", ":\n");
        assertEquals(2, h.metrics.eventsDelivered.sum(), "the events were counted once, with their batch");
        assertEquals(1, latency(h).count());
        assertEquals(1, h.metrics.heartbeats.sum());
        h.publish(1);
        h.runQueued();
        assertEquals(3, h.metrics.eventsDelivered.sum());
        assertTrue(sink.text().endsWith(":\ndata: a-3\nid: " + h.position() + "\n\n"), sink.text());
    }
    @Test
    void shouldDeliverEveryByteAcrossGrowingSegmentsWhateverThePaceAndTheSplit() throws IOException {
        long seed = Long.getLong("herald.seed", System.nanoTime());
        System.out.println("SinkWriterTest seed " + seed + " (rerun with -Dherald.seed=" + seed + ")");
        java.util.Random random = new java.util.Random(seed);
        BrokerHarness h = harness("a");
        int[] takes = {Integer.MAX_VALUE, 1, 9, 100, 4_000};
        FakeSink[] sinks = new FakeSink[takes.length];
        for (int i = 0; i < takes.length; i++) {
            sinks[i] = h.attachFromStart(new FakeSink().takeAtMost(takes[i]));
        }
        for (int step = 0; step < 60; step++) {           // about 2,400 events: segments of 4, 8, 16, 32 KiB...
            h.publish(1 + random.nextInt(step % 3 == 0 ? 3 : 80), random.nextInt(60));
            for (FakeSink sink : sinks) {
                h.pump(sink);
            }
        }
        for (FakeSink sink : sinks) {
            h.assertDeliveredAll(sink);
        }
        assertTrue(h.metrics.eventsDelivered.sum() > 5 * 60, "seed " + seed);
    }
}
