package herald.server.broker;

import herald.server.Retention;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What every kind of subscriber does with its {@link SubscriberSink}, written once and run for each kind (as
 * JCTools' {@code MpqSanityTest}): a stream of one topic ({@link TopicSubscriberContractTest}) and of several
 * ({@link MultiTopicSubscriberContractTest}). No sockets, no threads: a {@link FakeSink} takes bytes as told,
 * and {@link BrokerHarness} runs the dispatcher's tasks on the test's thread.
 */
abstract class SubscriberContractTest {
    private BrokerHarness harness;

    /** The topics the stream names. */
    abstract List<String> topics();

    /** The subscriber class the broker makes for such a stream. */
    abstract Class<? extends Subscriber> kind();

    private BrokerHarness harness(Retention retention) throws IOException {
        harness = new BrokerHarness(topics(), retention);
        return harness;
    }

    private BrokerHarness harness(Retention retention, Duration drainTimeout) throws IOException {
        harness = new BrokerHarness(topics(), retention, drainTimeout);
        return harness;
    }

    private FakeSink attach(BrokerHarness h, FakeSink sink) {
        h.attachFromStart(sink);
        assertInstanceOf(kind(), sink.subscriber());
        return sink;
    }

    @AfterEach
    void closeBroker() {
        if (harness != null) {
            harness.close();
        }
    }

    @Test
    void shouldReplayTheBacklogThenDeliverLiveEventsByteForByte() throws IOException {
        BrokerHarness h = harness(Retention.DEFAULTS);
        h.publish(300);                                 // more than the first 4 KiB segment holds
        FakeSink sink = attach(h, new FakeSink());
        h.runQueued();
        h.assertDeliveredAll(sink);
        h.publish(5);
        h.runQueued();
        h.assertDeliveredAll(sink);
        assertEquals(305, h.metrics.eventsDelivered.sum());
        assertEquals(sink.bytes().length, h.metrics.bytesDelivered.sum());
        assertEquals(0, sink.writableRequests);
    }

    @Test
    void shouldResumeAPartialWriteExactlyWhereItStopped() throws IOException {
        BrokerHarness h = harness(Retention.DEFAULTS);
        h.publish(300);
        FakeSink sink = attach(h, new FakeSink().script(1, 7));   // 1 byte, then 7, then everything
        h.runQueued();
        assertEquals(1, sink.bytes().length);
        assertTrue(sink.wantsWritable());
        sink.fireWritable();
        h.runQueued();
        assertEquals(8, sink.bytes().length);
        h.pump(sink);
        h.assertDeliveredAll(sink);
        assertEquals(2, sink.writableRequests);
        assertEquals(300, h.metrics.eventsDelivered.sum(), "each event counted once");
    }

    @Test
    void shouldWriteTheSameBytesHoweverTheSinkSplitsThem() throws IOException {
        BrokerHarness h = harness(Retention.DEFAULTS);
        h.publish(120, 40);
        int[] perWrite = {1, 2, 3, 5, 7, 13, 64, 100, 1_000};
        FakeSink[] sinks = new FakeSink[perWrite.length];
        for (int i = 0; i < perWrite.length; i++) {
            sinks[i] = attach(h, new FakeSink().takeAtMost(perWrite[i]));
        }
        for (int round = 0; round < 3; round++) {
            for (FakeSink sink : sinks) {
                h.pump(sink);
            }
            h.publish(7, 40);                           // live events while some streams are still behind
        }
        for (FakeSink sink : sinks) {
            h.pump(sink);
            h.assertDeliveredAll(sink);
        }
    }

    @Test
    void shouldWriteNothingMoreToAFullSinkUntilItIsWritable() throws IOException {
        BrokerHarness h = harness(Retention.DEFAULTS);
        h.publish(10);
        FakeSink sink = attach(h, new FakeSink().takeAtMost(0));
        h.runQueued();
        assertEquals(1, sink.writes);
        assertEquals(1, sink.writableRequests);
        h.publish(10);
        h.heartbeatDue(sink);
        h.runQueued();
        assertEquals(1, sink.writes, "no write while waiting for writable");
        sink.takeAtMost(Long.MAX_VALUE);
        sink.fireWritable();
        h.runQueued();
        h.assertDeliveredAll(sink);
        assertEquals(1, sink.writableRequests);
    }

    @Test
    void shouldWriteAHeartbeatWhenIdle() throws IOException {
        BrokerHarness h = harness(Retention.DEFAULTS);
        FakeSink sink = attach(h, new FakeSink());
        h.runQueued();
        assertEquals("", sink.text());
        h.heartbeatDue(sink);
        h.runQueued();
        assertEquals(":\n", sink.text());
        assertFalse(sink.subscriber().heartbeatDue);
        assertEquals(1, h.metrics.heartbeats.sum());
        h.publish(2);
        h.runQueued();
        h.assertDeliveredAll(sink, ":\n");
        assertEquals(List.of(""), BrokerHarness.parse(sink.bytes()).comments());
    }

    @Test
    void shouldNotWriteAHeartbeatInATurnThatWroteEvents() throws IOException {
        BrokerHarness h = harness(Retention.DEFAULTS);
        FakeSink sink = attach(h, new FakeSink());
        h.runQueued();
        h.publish(1);
        h.heartbeatDue(sink);
        h.runQueued();
        h.assertDeliveredAll(sink);
        assertFalse(sink.subscriber().heartbeatDue, "an event counts as a sign of life");
        assertEquals(0, h.metrics.heartbeats.sum());
    }

    @Test
    void shouldCompleteAHeartbeatWhoseColonWentOutAlone() throws IOException {
        BrokerHarness h = harness(Retention.DEFAULTS);
        FakeSink sink = attach(h, new FakeSink().script(1, 0));   // the colon; then nothing; then everything
        h.runQueued();
        h.heartbeatDue(sink);
        h.runQueued();
        assertEquals(":", sink.text());
        h.publish(3);
        h.runQueued();
        assertEquals(":", sink.text(), "nothing more until writable");
        h.pump(sink);
        h.assertDeliveredAll(sink, ":\n");
        assertEquals(2, sink.writableRequests);
        assertEquals(1, h.metrics.heartbeats.sum());
    }

    @Test
    void shouldCutOffASubscriberOvertakenWhileItsSinkIsFull() throws IOException {
        BrokerHarness h = harness(new Retention(16, 1 << 20, 4_096));
        h.publish(4);
        FakeSink sink = attach(h, new FakeSink().takeAtMost(0));
        h.runQueued();
        assertTrue(sink.wantsWritable());
        h.publish(20 * topics().size());               // every topic laps the 16 slots
        h.runQueued();
        assertClosedOnce(h, sink);
        assertEquals(1, h.metrics.slowConsumerCutoffs.sum());
        int writes = sink.writes;
        sink.fireWritable();                            // a late writable from the transport
        h.runQueued();
        assertEquals(writes, sink.writes);
        assertEquals(1, sink.closes);
    }

    @Test
    void shouldCutOffASubscriberLappedBeforeItsFirstTurn() throws IOException {
        BrokerHarness h = harness(new Retention(16, 1 << 20, 4_096));
        h.publish(4);
        FakeSink sink = attach(h, new FakeSink());
        h.publish(20 * topics().size());
        h.runQueued();
        assertEquals("", sink.text());
        assertClosedOnce(h, sink);
        assertEquals(1, h.metrics.slowConsumerCutoffs.sum());
    }

    @Test
    void shouldCloseTheSinkOnceAndLeaveItsTopicsWhenThePeerIsGone() throws IOException {
        BrokerHarness h = harness(Retention.DEFAULTS);
        h.publish(3);
        FakeSink sink = attach(h, new FakeSink());
        h.runQueued();
        sink.fireGone();
        assertClosedOnce(h, sink);
        assertEquals(1, h.metrics.clientsGone.sum());
        sink.fireGone();
        h.broker.delete(topics().getFirst());
        h.publish(3);
        h.runQueued();
        assertEquals(1, sink.closes);
    }

    @Test
    void shouldCloseTheSinkOnceAndLeaveItsTopicsWhenItsTopicIsDeleted() throws IOException {
        BrokerHarness h = harness(Retention.DEFAULTS);
        h.publish(10);
        FakeSink sink = attach(h, new FakeSink().takeAtMost(0));
        h.runQueued();                                  // waiting for writable
        assertTrue(h.broker.delete(topics().getLast()));
        assertClosedOnce(h, sink);
        assertEquals(0, h.metrics.clientsGone.sum());
        int writes = sink.writes;
        sink.fireWritable();
        sink.fireGone();
        h.runQueued();
        assertEquals(writes, sink.writes, "never written after close");
        assertEquals(1, sink.closes);
    }

    @Test
    void shouldWriteEverythingThenCloseAfterEndAfterDrain() throws IOException {
        BrokerHarness h = harness(Retention.DEFAULTS);
        h.publish(50);
        FakeSink sink = attach(h, new FakeSink().takeAtMost(5));
        h.runQueued();
        assertEquals(5, sink.bytes().length);
        sink.subscriber().endAfterDrain(null);
        sink.subscriber().endAfterDrain(null);         // met once per topic: once is enough
        h.pump(sink);
        h.assertDeliveredAll(sink);
        assertEquals(sink.bytes().length, sink.bytesAtClose, "closed after the last byte, not before");
        assertClosedOnce(h, sink);
    }

    @Test
    void shouldWriteTheShutdownEventLastResumingAShortWriteExactly() throws IOException {
        BrokerHarness h = harness(Retention.DEFAULTS);
        h.publish(50);
        FakeSink sink = attach(h, new FakeSink().takeAtMost(5));     // every write short, the event's too
        h.runQueued();
        h.heartbeatDue(sink);
        String event = "event: herald-shutdown\ndata: {\"reconnectAfterMs\":1234}\nretry: 1234\n\n";
        sink.subscriber().endAfterDrain(ByteBuffer.wrap(event.getBytes(StandardCharsets.US_ASCII)));
        sink.subscriber().endAfterDrain(ByteBuffer.wrap("other".getBytes(StandardCharsets.US_ASCII)));   // first wins
        h.pump(sink);
        String text = sink.text();
        assertTrue(text.endsWith(event), "the shutdown event last, whole: " + text.substring(text.length() - 80));
        String events = text.substring(0, text.length() - event.length());
        assertFalse(events.contains(":\n:"), "no heartbeat");
        h.assertDeliveredAll(sink, "", event);
        assertEquals(sink.bytes().length, sink.bytesAtClose, "closed after the event's last byte, not before");
        assertClosedOnce(h, sink);
        BrokerHarness.Parsed parsed = BrokerHarness.parse(sink.bytes());
        assertEquals("{\"reconnectAfterMs\":1234}", parsed.data().getLast());
        assertEquals(h.position(), parsed.ids().getLast(), "the event has no id: the last event's id stands");
    }

    @Test
    void shouldEndWithTheShutdownEventWhenTheBrokerStops() throws IOException {
        BrokerHarness h = harness(Retention.DEFAULTS, Duration.ofSeconds(10));
        h.publish(20);
        FakeSink slow = attach(h, new FakeSink().script(3, 0).takeAtMost(11));
        FakeSink fast = attach(h, new FakeSink());
        h.runQueued();
        Thread closer = Thread.ofPlatform().start(h.broker::close);   // waits for the streams to drain
        try {
            for (int round = 0; round < 100_000 && (slow.closes == 0 || fast.closes == 0); round++) {
                h.runQueued();
                if (slow.wantsWritable()) {
                    slow.fireWritable();
                }
                Thread.onSpinWait();
            }
            closer.join(5_000);
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
        for (FakeSink sink : List.of(slow, fast)) {
            String text = sink.text();
            String last = text.substring(text.lastIndexOf("event: "));
            assertTrue(last.matches("event: herald-shutdown\ndata: \\{\"reconnectAfterMs\":(\\d+)}\nretry: \\d+\n\n"),
                    last);
            h.assertDeliveredAll(sink, "", last);
            assertEquals(1, sink.closes);
        }
        assertFalse(closer.isAlive());
    }

    @Test
    void shouldYieldTheThreadAfterATurnsBudgetAndFinishInTheNextTurn() throws IOException {
        BrokerHarness h = harness(Retention.DEFAULTS);
        h.publish(1_500, 1_000);                        // about 1.5 MB of backlog, over the 1 MiB turn budget
        FakeSink sink = attach(h, new FakeSink());
        h.broker.dispatcher().poll();                   // the attach queued it; run one turn only
        sink.subscriber().run(newScratch(h));
        int firstTurn = sink.bytes().length;
        assertTrue(firstTurn >= Subscriber.TURN_BYTES && firstTurn < 1_400_000, "firstTurn=" + firstTurn);
        assertEquals(sink.subscriber(), h.broker.dispatcher().poll(), "queued itself again");
        sink.subscriber().run(newScratch(h));
        h.runQueued();
        h.assertDeliveredAll(sink);
    }

    private static DeliveryScratch newScratch(BrokerHarness h) {
        return new DeliveryScratch(h.metrics);
    }

    private void assertClosedOnce(BrokerHarness h, FakeSink sink) {
        assertEquals(1, sink.closes, "sink closed once");
        assertTrue(sink.subscriber().isClosed());
        assertEquals(0, h.subscribers(), "left every topic");
        assertEquals(0, h.metrics.subscribers.sum());
    }
}
