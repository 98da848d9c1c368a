package herald.server.log;

import herald.protocol.sse.SseListener;
import herald.protocol.sse.SseStreamParser;
import herald.server.Retention;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Many producers and readers at once: every event is seen once, whole, in sequence order, with each
 * producer's events in that producer's order; a reader that is lapped learns it and never sees a torn event.
 */
class EventLogConcurrencyTest {
    private static final int PRODUCERS = 4;
    private static final byte[] PREFIX = "ep-".getBytes(StandardCharsets.US_ASCII);

    /** Parses what a reader writes out and checks every event's id and per-producer order. */
    private static final class Checker implements SseListener {
        final long[] lastPerProducer = new long[PRODUCERS];
        long events;
        long lastSeq;
        String failure;

        Checker(long startSeq) {
            this.lastSeq = startSeq;
            java.util.Arrays.fill(lastPerProducer, -1);
        }

        @Override
        public void onEvent(CharSequence type, CharSequence data, CharSequence lastEventId) {
            String id = lastEventId.toString();
            long seq = Long.parseLong(id.substring(PREFIX.length));
            String[] parts = data.toString().split(":", -1);
            int producer = Integer.parseInt(parts[0].substring(1));
            long n = Long.parseLong(parts[1]);
            if (failure == null && !parts[2].equals("x".repeat((int) (n % 50)))) {
                failure = "torn payload at seq " + seq;
            }
            if (failure == null && seq != lastSeq + 1) {
                failure = "seq " + seq + " after " + lastSeq;
            }
            if (failure == null && n <= lastPerProducer[producer]) {
                failure = "producer " + producer + " went from " + lastPerProducer[producer] + " to " + n;
            }
            lastSeq = seq;
            lastPerProducer[producer] = n;
            events++;
        }
    }

    /** Producers whose exceptions land in {@code failure}: a thread that dies silently would hide the fault. */
    private static List<Thread> startProducers(EventLog log, int perProducer, CountDownLatch start,
                                               AtomicReference<String> failure) {
        List<Thread> producers = new ArrayList<>();
        for (int p = 0; p < PRODUCERS; p++) {
            int producer = p;
            producers.add(Thread.ofPlatform().start(() -> {
                try {
                    awaitQuietly(start);
                    for (int n = 0; n < perProducer; n++) {
                        byte[] data = ("p" + producer + ":" + n + ":" + "x".repeat(n % 50))
                                .getBytes(StandardCharsets.US_ASCII);
                        log.append(null, data, 0, data.length, -1);
                    }
                } catch (Throwable t) {
                    failure.compareAndSet(null, "producer " + producer + " threw " + t);
                }
            }));
        }
        return producers;
    }

    @Test
    void shouldDeliverEveryEventOnceInOrderToConcurrentReaders() throws Exception {
        int perProducer = 50_000;
        EventLog log = new EventLog(new Retention(1 << 18, 256L << 20, 64 << 10), PREFIX, 1);
        CountDownLatch start = new CountDownLatch(1);
        AtomicReference<String> failure = new AtomicReference<>();
        List<Thread> producers = startProducers(log, perProducer, start, failure);
        List<Thread> readers = new ArrayList<>();
        long total = (long) PRODUCERS * perProducer;
        for (int r = 0; r < 2; r++) {
            readers.add(Thread.ofPlatform().start(() -> {
                try {
                    read(log, total, failure);
                } catch (Throwable t) {                   // a torn event makes the checker throw: that is a failure
                    failure.compareAndSet(null, "reader threw " + t);
                }
            }));
        }
        start.countDown();
        for (Thread t : producers) {
            t.join();
        }
        for (Thread t : readers) {
            t.join();
        }
        assertNull(failure.get());
        assertEquals(total, log.headSeq());
    }

    /** One reader: every event from sequence 1 to {@code total}, checked; the first problem goes to failure. */
    private static void read(EventLog log, long total, AtomicReference<String> failure) {
        Checker checker = new Checker(0);
        SseStreamParser parser = new SseStreamParser(checker);
        Run run = new Run();
        long cursor = 0;
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (checker.events < total && System.nanoTime() < deadline) {
            int status = log.read(cursor, run, 64 << 10, Integer.MAX_VALUE);
            if (status == EventLog.RUN) {
                parser.parse(run.positionView(run.newView()));
                cursor = run.lastSeq();
            } else if (status == EventLog.OVERTAKEN) {
                failure.compareAndSet(null, "overtaken with ample retention at " + cursor);
                return;
            } else {
                Thread.onSpinWait();
            }
        }
        if (checker.failure != null) {
            failure.compareAndSet(null, checker.failure);
        } else if (checker.events != total) {
            failure.compareAndSet(null, "read " + checker.events + " of " + total);
        }
    }

    @Test
    void shouldNeverHandALappedReaderATornEvent() throws Exception {
        int perProducer = 50_000;
        EventLog log = new EventLog(new Retention(64, 64 << 10, 4_096), PREFIX, 1);
        CountDownLatch start = new CountDownLatch(1);
        AtomicReference<String> failure = new AtomicReference<>();
        List<Thread> producers = startProducers(log, perProducer, start, failure);
        start.countDown();
        long overtaken = 0;
        long events = 0;
        Run run = new Run();
        long cursor = 0;
        while (producers.stream().anyMatch(Thread::isAlive) || log.read(cursor, run, 1 << 20, 1) == EventLog.RUN) {
            int status = log.read(cursor, run, 1 << 20, 1);
            if (status == EventLog.RUN) {
                ByteBuffer view = run.positionView(run.newView());
                Checker checker = new Checker(run.firstSeq() - 1);
                new SseStreamParser(checker).parse(view);
                assertNull(checker.failure);
                assertEquals(1, checker.events, "one whole event per single-event run");
                events++;
                cursor = run.lastSeq();
            } else if (status == EventLog.OVERTAKEN) {
                overtaken++;
                assertTrue(log.isOvertaken(cursor));
                cursor = log.tailSeq() - 1;
            }
        }
        for (Thread t : producers) {
            t.join();
        }
        assertNull(failure.get());
        assertTrue(events > 0);
        System.out.println("lapped reader: " + events + " whole events read, overtaken " + overtaken + " times");
        assertEquals((long) PRODUCERS * perProducer, log.headSeq());
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
