package herald.bench.log;

import herald.protocol.sse.SseEncoder;
import herald.server.Retention;
import herald.server.log.EventLog;
import herald.server.log.Run;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Control;

/**
 * Publish and consume throughput of Herald's {@link EventLog}: 1, 2 or 4 producers append the {@link LogEvents}
 * event (64 bytes of data, SSE-encoded inside {@code append}: 96 bytes) while one consumer reads every event.
 * Peers in the same package and shape: {@link DisruptorBenchmark}, {@link MpscArrayQueueBenchmark},
 * {@link ArrayBlockingQueueBenchmark}.
 *
 * <p>Shape. One JMH group per producer count ({@code producers1}, {@code producers2}, {@code producers4}): the
 * producers call {@code publishN} (one {@code append} per call) and the consumer {@code consumeN} (one event per
 * call: it reads a {@link Run} with {@code read(cursor, run, 256 KiB, MAX)} when the previous run is used up and
 * positions its reused view on it, as a subscriber does before a gathering write; it never touches the bytes).
 * Both are ops/µs: events appended, summed over producers, and events consumed. The log is
 * {@link Retention#DEFAULTS} (4,096 events, 16 MiB, 256 KiB segments).
 *
 * <p>Back-pressure. {@code append} never waits for readers, so unchecked producers would lap the consumer
 * ({@link EventLog#OVERTAKEN}) and the benchmark would measure lost events. Instead the producers gate on the
 * consumer's cursor, as a Disruptor producer gates on its consumer's sequence: a producer whose last appended
 * sequence is more than {@link LogEvents#WINDOW} (4,032) ahead of the consumer's released cursor waits
 * ({@link Backoff}) before appending again; it reads the cursor only then (a cached copy otherwise). The consumer
 * releases its cursor when it fetches the next run. The log's head so stays within 4,032 + 4 events of the
 * consumer, inside the 4,096 slots: the consumer is never overtaken (it throws if it is). The same gate is used by
 * {@link DisruptorBenchmark}; the queues are bounded by their capacity (4,096) instead.
 *
 * <p>2 cores: {@code producers2} (3 threads) and {@code producers4} (5 threads) oversubscribe them; waiting threads
 * yield after 64 spins. {@code appendAlone} (one thread, no reader: the log overwrites) and {@code encodeOnly}
 * ({@link SseEncoder#encode} of the same event into a direct buffer) are the single-thread baselines.
 *
 * <p>Allocation ({@code -prof gc}): {@code gc.alloc.rate.norm} of a group is divided by all its calls, publish and
 * consume; per event it is twice that. Herald's log allocates a new segment per 256 KiB (a {@code Segment}, its
 * direct {@code ByteBuffer} and cleaner: about 200 heap bytes per ~2,700 events) and the reader a new view per
 * segment; both show as a small fraction of a byte per op.
 *
 * <pre>
 * java -jar bench/target/benchmarks.jar 'herald.bench.log' -prof gc -rf json -rff log.json
 * java -jar bench/target/benchmarks.jar 'EventLogBenchmark.producers2' -f 1 -prof gc
 * </pre>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class EventLogBenchmark {

    /** The log one group shares, and its consumer's released cursor. */
    @State(Scope.Group)
    public static class Shared {
        EventLog log;
        ConsumerCursor consumed;

        @Setup(Level.Trial)
        public void setUp() {
            log = new EventLog(Retention.DEFAULTS, LogEvents.ID_PREFIX, LogEvents.FIRST_SEQ);
            consumed = new ConsumerCursor(LogEvents.FIRST_SEQ - 1);
        }
    }

    /** One producer: the sequence it appended last and its cached copy of the consumer's cursor. */
    @State(Scope.Thread)
    public static class Producer {
        long lastSeq = LogEvents.FIRST_SEQ - 1;
        long cachedConsumed = LogEvents.FIRST_SEQ - 1;

        /** Appends one event; returns its sequence, or 0 when the measurement ended while it waited. */
        long publish(Shared shared, Control control) {
            if (lastSeq - cachedConsumed > LogEvents.WINDOW && !awaitConsumer(shared, control)) {
                return 0;
            }
            byte[] data = LogEvents.DATA;
            long seq = shared.log.append(null, data, 0, data.length, -1);
            lastSeq = seq;
            return seq;
        }

        private boolean awaitConsumer(Shared shared, Control control) {
            for (int round = 0; ; round++) {
                cachedConsumed = shared.consumed.acquire();
                if (lastSeq - cachedConsumed <= LogEvents.WINDOW) {
                    return true;
                }
                if (control.stopMeasurement) {
                    return false;                 // leave the iteration without appending
                }
                Backoff.idle(round);
            }
        }
    }

    /** The one consumer: its cursor, its run and view, and what it counted. */
    @State(Scope.Thread)
    public static class Consumer {
        final Run run = new Run();
        ByteBuffer view;
        Object viewKey;
        long cursor = LogEvents.FIRST_SEQ - 1;   // last sequence read
        int remaining;                           // events of the current run not yet handed out
        long events;
        long bytes;

        /** Consumes one event; returns the bytes of the run it belongs to, or 0 when the measurement ended. */
        int consume(Shared shared, Control control) {
            if (remaining == 0 && !nextRun(shared, control)) {
                return 0;
            }
            remaining--;
            events++;
            return run.byteLength();
        }

        private boolean nextRun(Shared shared, Control control) {
            EventLog log = shared.log;
            shared.consumed.setRelease(cursor);          // done with everything read so far
            for (int round = 0; ; round++) {
                int status = log.read(cursor, run, LogEvents.RUN_BYTES, Integer.MAX_VALUE);
                if (status == EventLog.RUN) {
                    if (run.memoryKey() != viewKey) {
                        view = run.newView();            // once per segment, as a subscriber does
                        viewKey = run.memoryKey();
                    }
                    run.positionView(view);
                    remaining = run.eventCount();
                    bytes += run.byteLength();
                    cursor = run.lastSeq();
                    return true;
                }
                if (status == EventLog.OVERTAKEN) {
                    throw new IllegalStateException("consumer overtaken after " + cursor + ": the gate failed");
                }
                if (control.stopMeasurement) {
                    return false;
                }
                Backoff.idle(round);
            }
        }
    }

    /** Single-thread baselines: a log nobody reads, and a plain direct buffer to encode into. */
    @State(Scope.Thread)
    public static class Alone {
        EventLog log;
        ByteBuffer out;
        long seq = LogEvents.FIRST_SEQ;

        @Setup(Level.Trial)
        public void setUp() {
            log = new EventLog(Retention.DEFAULTS, LogEvents.ID_PREFIX, LogEvents.FIRST_SEQ);
            out = ByteBuffer.allocateDirect(256);
        }
    }

    @Benchmark
    @Group("producers1")
    @GroupThreads(1)
    public long publish1(Shared shared, Producer producer, Control control) {
        return producer.publish(shared, control);
    }

    @Benchmark
    @Group("producers1")
    @GroupThreads(1)
    public int consume1(Shared shared, Consumer consumer, Control control) {
        return consumer.consume(shared, control);
    }

    @Benchmark
    @Group("producers2")
    @GroupThreads(2)
    public long publish2(Shared shared, Producer producer, Control control) {
        return producer.publish(shared, control);
    }

    @Benchmark
    @Group("producers2")
    @GroupThreads(1)
    public int consume2(Shared shared, Consumer consumer, Control control) {
        return consumer.consume(shared, control);
    }

    @Benchmark
    @Group("producers4")
    @GroupThreads(4)
    public long publish4(Shared shared, Producer producer, Control control) {
        return producer.publish(shared, control);
    }

    @Benchmark
    @Group("producers4")
    @GroupThreads(1)
    public int consume4(Shared shared, Consumer consumer, Control control) {
        return consumer.consume(shared, control);
    }

    /** One thread appending with no reader: the log's own cost per event, encoding included. */
    @Benchmark
    public long appendAlone(Alone alone) {
        byte[] data = LogEvents.DATA;
        return alone.log.append(null, data, 0, data.length, -1);
    }

    /** {@link SseEncoder#encode} of the same event into a direct buffer: the encoding inside every append. */
    @Benchmark
    public int encodeOnly(Alone alone) {
        ByteBuffer out = alone.out;
        out.clear();
        byte[] data = LogEvents.DATA;
        return SseEncoder.encode(out, null, data, 0, data.length, LogEvents.ID_PREFIX, alone.seq++, -1);
    }
}
