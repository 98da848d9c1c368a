package herald.server.broker;

import herald.server.Retention;
import herald.server.health.Supervisor;
import herald.server.metrics.Metrics;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The broker's clock ({@link StreamSweeper}) on its own thread: it marks a stream idle for the heartbeat interval
 * and queues its shard, ends a stream at its maximum age or its token's expiry, and leaves the others alone. The
 * broker has no dispatcher thread, so what the timer queues stays visible. Times are short (tens of
 * milliseconds) and the assertions count the timer's ticks, never wall-clock durations; waits are bounded.
 */
class StreamSweeperTest {
    private static final long WAIT_SECONDS = 10;

    private final Metrics metrics = new Metrics();
    private final EventIds ids = new EventIds(1_700_000_000_000L);
    private final List<Broker> brokers = new ArrayList<>();

    private Broker broker(Duration heartbeat, Duration maxStreamAge) throws IOException {
        Broker.Settings settings = new Broker.Settings(Retention.DEFAULTS, heartbeat, -1, 1, 1, 10, 10, 4,
                maxStreamAge, 100, 1L << 30, Duration.ZERO);
        Broker broker = new Broker(settings, metrics, ids, new Supervisor(failure -> { }), 0);
        brokers.add(broker);
        return broker;
    }

    @AfterEach
    void closeBrokers() {
        brokers.forEach(Broker::close);
    }

    /** Attaches a stream of {@code topic} with nothing to write: no first turn is queued, it is idle from here. */
    private static FakeSink attachIdle(Broker broker, Subscription subscription) {
        FakeSink sink = new FakeSink();
        broker.attach(subscription, sink);
        assertNull(broker.dispatcher().poll(), "nothing to write: attaching queues no task");
        return sink;
    }

    private static void awaitTrue(java.util.function.BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() - deadline < 0, what);
            Thread.onSpinWait();
        }
    }

    @Test
    void shouldMarkAStreamIdleForTheHeartbeatIntervalAndQueueItsShard() throws IOException {
        Broker broker = broker(Duration.ofMillis(40), Duration.ZERO);   // ticks of 10 ms: 4 ticks
        FakeSink sink = attachIdle(broker, broker.subscribe(List.of("a"), null));
        Subscriber subscriber = sink.subscriber();
        awaitTrue(() -> subscriber.heartbeatDue, "a heartbeat comes due");
        long dueAfter = broker.tick() - subscriber.attachedTick;
        assertTrue(dueAfter >= 4, "not before the interval: " + dueAfter + " ticks");
        Runnable[] queued = new Runnable[1];
        awaitTrue(() -> (queued[0] = broker.dispatcher().poll()) != null, "queued after the round marked it");
        Runnable task = queued[0];
        assertInstanceOf(Shard.class, task, "its shard is queued to write the heartbeat");
        ((Shard) task).run(new DeliveryScratch(metrics));
        assertEquals(":\n", sink.text());
        assertEquals(0, sink.closes);
    }

    @Test
    void shouldEndAStreamAtItsMaximumAgeAsNeitherExpiredNorGone() throws IOException, InterruptedException {
        Broker broker = broker(Duration.ofHours(1), Duration.ofMillis(100));   // ticks of 25 ms: 4 ticks
        awaitTrue(() -> broker.tick() >= 8, "attached late: its age counts from its own tick");
        FakeSink sink = new FakeSink();
        CountDownLatch closed = new CountDownLatch(1);
        AtomicLong closedAtTick = new AtomicLong();
        sink.onClose = () -> {
            closedAtTick.set(broker.tick());
            closed.countDown();
        };
        broker.attach(broker.subscribe(List.of("a", "b"), null), sink);
        long attached = sink.subscriber().attachedTick;
        assertTrue(closed.await(WAIT_SECONDS, TimeUnit.SECONDS), "ended at its age");
        assertTrue(closedAtTick.get() - attached >= 4, "not before: " + (closedAtTick.get() - attached) + " ticks");
        assertTrue(sink.subscriber().isClosed());
        awaitTrue(() -> metrics.subscribers.sum() == 0, "counted closed after its sink");
        assertEquals(0, metrics.streamsExpired.sum());
        assertEquals(0, metrics.clientsGone.sum());
        assertEquals(0, metrics.slowConsumerCutoffs.sum());
        assertEquals(0, broker.subscriberCount("a") + broker.subscriberCount("b"));
    }

    @Test
    void shouldEndAStreamWhenItsTokenExpiresAndKeepOneWithoutExpiry() throws IOException, InterruptedException {
        Broker broker = broker(Duration.ofMillis(100), Duration.ZERO);    // ticks of 25 ms; no maximum age
        FakeSink lasting = attachIdle(broker, broker.subscribe(List.of("a"), null));
        Subscription expiring = broker.subscribe(List.of("a"), null);
        long expiresAt = System.currentTimeMillis() + 150;
        expiring.expireAt(expiresAt);
        FakeSink sink = new FakeSink();
        CountDownLatch closed = new CountDownLatch(1);
        AtomicLong closedAtMillis = new AtomicLong();
        sink.onClose = () -> {
            closedAtMillis.set(System.currentTimeMillis());
            closed.countDown();
        };
        broker.attach(expiring, sink);
        assertTrue(closed.await(WAIT_SECONDS, TimeUnit.SECONDS), "ended at its expiry");
        assertTrue(closedAtMillis.get() >= expiresAt, "not before it");
        awaitTrue(() -> metrics.streamsExpired.sum() == 1, "counted as expired after its sink closed");
        assertEquals(1, broker.subscriberCount("a"), "the stream without expiry stays");
        assertEquals(0, lasting.closes);
        assertTrue(broker.tick() > 0, "the timer counts ticks");
    }
    @Test
    void shouldMeasureIdlenessFromTheStreamsLastWrite() throws IOException {
        Broker broker = broker(Duration.ofMillis(40), Duration.ZERO);   // ticks of 10 ms: 4 ticks
        FakeSink sink = attachIdle(broker, broker.subscribe(List.of("a"), null));
        Subscriber subscriber = sink.subscriber();
        awaitTrue(() -> broker.tick() - subscriber.attachedTick >= 8, "time passes");
        publish(broker, "a");
        DeliveryScratch scratch = new DeliveryScratch(metrics);
        for (Runnable task; (task = broker.dispatcher().poll()) != null; ) {
            ((Shard) task).run(scratch);                      // the event (and a heartbeat, if one came due)
        }
        long wroteAt = subscriber.lastWriteTick();
        assertTrue(wroteAt - subscriber.attachedTick >= 8, "the write moved the stream's clock: " + wroteAt);
        assertTrue(wroteAt <= broker.tick());
        awaitTrue(() -> subscriber.heartbeatDue, "a heartbeat comes due again");
        assertTrue(broker.tick() - wroteAt >= 4, "counted from the last write");
    }

    private static void publish(Broker broker, String topic) {
        broker.publish(topic, null, new byte[] {'x'}, 0, 1, -1);
    }
}
