package herald.bench.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import herald.protocol.sse.SseEvent;
import herald.protocol.sse.SseEventCollector;
import herald.server.log.EventLog;
import herald.server.log.Run;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.infra.Control;

/** The log benchmarks' producers and consumers move every event they claim to, and the gate holds. */
class LogBenchmarksTest {
    private static final int EVENTS = 1_000;

    @Test
    void shouldEncodeA96ByteEventWithA64ByteJsonPayload() {
        assertEquals(64, LogEvents.DATA.length);
        assertEquals(96, LogEvents.ENCODED_LENGTH);
        List<SseEvent> events = SseEventCollector.parse(LogEvents.encoded(LogEvents.FIRST_SEQ));
        assertEquals(List.of(new SseEvent("message", new String(LogEvents.DATA, StandardCharsets.US_ASCII),
                "mhx3k2a1-1000000000")), events);
    }

    @Test
    void eventLogConsumerShouldCountEveryAppendedEventAndTheLogShouldHoldThem() {
        EventLogBenchmark bench = new EventLogBenchmark();
        EventLogBenchmark.Shared shared = new EventLogBenchmark.Shared();
        shared.setUp();
        EventLogBenchmark.Producer producer = new EventLogBenchmark.Producer();
        EventLogBenchmark.Consumer consumer = new EventLogBenchmark.Consumer();
        Control control = new Control();
        for (int i = 0; i < EVENTS; i++) {
            assertEquals(LogEvents.FIRST_SEQ + i, bench.publish1(shared, producer, control));
        }
        for (int i = 0; i < EVENTS; i++) {
            assertTrue(bench.consume1(shared, consumer, control) > 0);
        }
        assertEquals(EVENTS, consumer.events);
        assertEquals((long) EVENTS * LogEvents.ENCODED_LENGTH, consumer.bytes);
        assertEquals(LogEvents.FIRST_SEQ + EVENTS - 1, consumer.cursor);

        List<SseEvent> read = SseEventCollector.parse(readAll(shared.log));
        assertEquals(EVENTS, read.size());
        assertEquals("mhx3k2a1-" + (LogEvents.FIRST_SEQ + EVENTS - 1), read.get(EVENTS - 1).lastEventId());
        assertEquals(new String(LogEvents.DATA, StandardCharsets.US_ASCII), read.get(7).data());

        control.stopMeasurement = true;
        assertEquals(0, bench.consume1(shared, consumer, control));   // empty: leaves instead of waiting
    }

    @Test
    void disruptorConsumerShouldCountEveryPublishedEventWithItsEncodedBytes() {
        DisruptorBenchmark bench = new DisruptorBenchmark();
        DisruptorBenchmark.Shared shared = new DisruptorBenchmark.Shared();
        shared.setUp();
        DisruptorBenchmark.Producer producer = new DisruptorBenchmark.Producer();
        DisruptorBenchmark.Consumer consumer = new DisruptorBenchmark.Consumer();
        Control control = new Control();
        for (int i = 0; i < EVENTS; i++) {
            assertEquals(i, bench.publish1(shared, producer, control));
        }
        DisruptorBenchmark.SlotEvent slot = shared.ring.get(EVENTS - 1);
        byte[] bytes = new byte[slot.length];
        slot.memory.get(0, bytes);
        assertEquals(new String(LogEvents.encoded(LogEvents.FIRST_SEQ + EVENTS - 1), StandardCharsets.US_ASCII),
                new String(bytes, StandardCharsets.US_ASCII));
        for (int i = 0; i < EVENTS; i++) {
            assertEquals(LogEvents.ENCODED_LENGTH, bench.consume1(shared, consumer, control));
        }
        assertEquals(EVENTS, consumer.events);
        assertEquals((long) EVENTS * LogEvents.ENCODED_LENGTH, consumer.bytes);
        control.stopMeasurement = true;
        assertEquals(0, bench.consume1(shared, consumer, control));
    }

    @Test
    void queueConsumersShouldCountEveryOfferedEvent() {
        MpscArrayQueueBenchmark mpsc = new MpscArrayQueueBenchmark();
        MpscArrayQueueBenchmark.Shared mpscShared = new MpscArrayQueueBenchmark.Shared();
        mpscShared.setUp();
        QueuePeer.Producer mpscProducer = new QueuePeer.Producer();
        QueuePeer.Consumer mpscConsumer = new QueuePeer.Consumer();
        ArrayBlockingQueueBenchmark abq = new ArrayBlockingQueueBenchmark();
        ArrayBlockingQueueBenchmark.Shared abqShared = new ArrayBlockingQueueBenchmark.Shared();
        abqShared.setUp();
        QueuePeer.Producer abqProducer = new QueuePeer.Producer();
        QueuePeer.Consumer abqConsumer = new QueuePeer.Consumer();
        Control control = new Control();
        for (int i = 0; i < EVENTS; i++) {
            assertTrue(mpsc.publish1(mpscShared, mpscProducer, control));
            assertTrue(abq.publish1(abqShared, abqProducer, control));
        }
        for (int i = 0; i < EVENTS; i++) {
            assertEquals(LogEvents.ENCODED_LENGTH, mpsc.consume1(mpscShared, mpscConsumer, control));
            assertEquals(LogEvents.ENCODED_LENGTH, abq.consume1(abqShared, abqConsumer, control));
        }
        assertEquals(EVENTS, mpscConsumer.events);
        assertEquals(EVENTS, abqConsumer.events);
        assertEquals((long) EVENTS * LogEvents.ENCODED_LENGTH, abqConsumer.bytes);
        control.stopMeasurement = true;
        assertEquals(0, mpsc.consume1(mpscShared, mpscConsumer, control));
        assertEquals(0, abq.consume1(abqShared, abqConsumer, control));
    }

    @Test
    void producersShouldStopAWindowAheadOfAConsumerThatDoesNotRead() {
        Control stopped = new Control();
        stopped.stopMeasurement = true;                   // waiting returns at once instead of backing off

        EventLogBenchmark.Shared log = new EventLogBenchmark.Shared();
        log.setUp();
        EventLogBenchmark.Producer logProducer = new EventLogBenchmark.Producer();
        assertEquals(LogEvents.WINDOW + 1, publishUntilRefused(() -> logProducer.publish(log, stopped) != 0));
        assertEquals(EventLog.RUN, log.log.read(LogEvents.FIRST_SEQ - 1, new Run(), Integer.MAX_VALUE, 1));

        DisruptorBenchmark.Shared ring = new DisruptorBenchmark.Shared();
        ring.setUp();
        DisruptorBenchmark.Producer ringProducer = new DisruptorBenchmark.Producer();
        assertEquals(LogEvents.WINDOW + 1, publishUntilRefused(() -> ringProducer.publish(ring, stopped) >= 0));

        MpscArrayQueueBenchmark.Shared queue = new MpscArrayQueueBenchmark.Shared();
        queue.setUp();
        QueuePeer.Producer queueProducer = new QueuePeer.Producer();
        assertEquals(LogEvents.CAPACITY, publishUntilRefused(() -> queueProducer.publish(queue.queue, stopped)));
    }

    @Test
    void twoProducersAndAConsumerOnThreadsShouldMoveEveryEventThroughEachRing() throws InterruptedException {
        int perProducer = 50_000;
        Control control = new Control();

        EventLogBenchmark.Shared log = new EventLogBenchmark.Shared();
        log.setUp();
        EventLogBenchmark.Consumer logConsumer = new EventLogBenchmark.Consumer();
        runPipeline(perProducer,
                () -> new EventLogBenchmark.Producer()::publish,
                log, (s, c) -> logConsumer.consume(log, c), control);
        assertEquals(2L * perProducer, logConsumer.events);
        assertEquals(2L * perProducer * LogEvents.ENCODED_LENGTH, logConsumer.bytes);

        DisruptorBenchmark.Shared ring = new DisruptorBenchmark.Shared();
        ring.setUp();
        DisruptorBenchmark.Consumer ringConsumer = new DisruptorBenchmark.Consumer();
        runPipeline(perProducer,
                () -> new DisruptorBenchmark.Producer()::publish,
                ring, (s, c) -> ringConsumer.consume(ring, c), control);
        assertEquals(2L * perProducer, ringConsumer.events);
        assertEquals(2L * perProducer * LogEvents.ENCODED_LENGTH, ringConsumer.bytes);
    }

    interface Publish<S> {
        long publish(S shared, Control control);
    }

    interface Consume<S> {
        int consume(S shared, Control control);
    }

    interface ProducerFactory<S> {
        Publish<S> create();
    }

    private static <S> void runPipeline(int perProducer, ProducerFactory<S> producers, S shared, Consume<S> consumer,
                                        Control control) throws InterruptedException {
        List<Thread> threads = new ArrayList<>();
        AtomicLong failures = new AtomicLong();
        for (int p = 0; p < 2; p++) {
            Publish<S> producer = producers.create();
            threads.add(Thread.ofPlatform().start(() -> {
                for (int i = 0; i < perProducer; i++) {
                    producer.publish(shared, control);
                }
            }));
        }
        threads.add(Thread.ofPlatform().start(() -> {
            try {
                for (int i = 0; i < 2 * perProducer; i++) {
                    consumer.consume(shared, control);
                }
            } catch (RuntimeException e) {
                failures.incrementAndGet();
                throw e;
            }
        }));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        for (Thread thread : threads) {
            thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            assertTrue(!thread.isAlive(), "pipeline did not finish in 30 s");
        }
        assertEquals(0, failures.get());
    }

    private static int publishUntilRefused(BooleanSupplier publish) {
        int published = 0;
        while (publish.getAsBoolean()) {
            published++;
            assertTrue(published <= LogEvents.CAPACITY + 1, "the gate never closed");
        }
        return published;
    }

    private static byte[] readAll(EventLog log) {
        Run run = new Run();
        ByteBuffer all = ByteBuffer.allocate(2 * EVENTS * LogEvents.ENCODED_LENGTH);
        long cursor = LogEvents.FIRST_SEQ - 1;
        while (log.read(cursor, run, Integer.MAX_VALUE, Integer.MAX_VALUE) == EventLog.RUN) {
            all.put(run.positionView(run.newView()));
            cursor = run.lastSeq();
        }
        byte[] bytes = new byte[all.position()];
        all.flip().get(bytes);
        return bytes;
    }
}
