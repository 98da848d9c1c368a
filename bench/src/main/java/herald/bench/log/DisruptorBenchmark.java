package herald.bench.log;

import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.Sequence;
import com.lmax.disruptor.YieldingWaitStrategy;
import herald.protocol.sse.SseEncoder;
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
 * Peer of {@link EventLogBenchmark}: the LMAX Disruptor 4.0.0, a multi-producer {@link RingBuffer} of 4,096
 * preallocated events, same groups, same gate, same event.
 *
 * <p>Per event the producer does what {@code EventLog.append} does: {@code next()} claims a sequence,
 * {@link SseEncoder#encode(ByteBuffer, int, byte[], byte[], int, int, byte[], long, long)} writes the same 96 bytes
 * (data, id {@code mhx3k2a1-<FIRST_SEQ + sequence>}) into the slot event's own 128-byte direct buffer, the length
 * goes into the event, and {@code publish(seq)} makes it visible. Unlike Herald's log, the slot's memory is reused
 * one lap later, so a reader could not hand it to a socket that is slow to drain without copying it first.
 *
 * <p>The consumer works as {@code BatchEventProcessor} / {@code EventPoller} do, handing out one event per call: it
 * finds the highest contiguous published sequence ({@code isAvailable}, as {@code getHighestPublishedSequence}
 * does), reads each event's length, and releases the batch through its gating {@link Sequence} when it fetches the
 * next one. Producers gate on that sequence before {@code next()} exactly as {@link EventLogBenchmark}'s gate on the
 * log reader's cursor (so {@code next()} never parks, and the group can always stop).
 *
 * <pre>
 * java -jar bench/target/benchmarks.jar 'herald.bench.log' -prof gc -rf json -rff log.json
 * </pre>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class DisruptorBenchmark {
    static final int SLOT_BYTES = 128;

    /** One slot of the ring: encoded event bytes in preallocated direct memory. */
    static final class SlotEvent {
        final ByteBuffer memory;
        int length;

        SlotEvent(ByteBuffer memory) {
            this.memory = memory;
        }
    }

    @State(Scope.Group)
    public static class Shared {
        RingBuffer<SlotEvent> ring;
        Sequence consumed;

        @Setup(Level.Trial)
        public void setUp() {
            ByteBuffer memory = ByteBuffer.allocateDirect(LogEvents.CAPACITY * SLOT_BYTES);
            int[] next = {0};
            ring = RingBuffer.createMultiProducer(() -> {
                int at = next[0]++ * SLOT_BYTES;
                return new SlotEvent(memory.slice(at, SLOT_BYTES));
            }, LogEvents.CAPACITY, new YieldingWaitStrategy());
            consumed = new Sequence(RingBuffer.INITIAL_CURSOR_VALUE);
            ring.addGatingSequences(consumed);
        }
    }

    @State(Scope.Thread)
    public static class Producer {
        long lastSeq = RingBuffer.INITIAL_CURSOR_VALUE;
        long cachedConsumed = RingBuffer.INITIAL_CURSOR_VALUE;

        /** Publishes one event; returns its sequence, or -1 when the measurement ended while it waited. */
        long publish(Shared shared, Control control) {
            if (lastSeq - cachedConsumed > LogEvents.WINDOW && !awaitConsumer(shared, control)) {
                return -1;
            }
            RingBuffer<SlotEvent> ring = shared.ring;
            long seq = ring.next();
            try {
                SlotEvent event = ring.get(seq);
                byte[] data = LogEvents.DATA;
                event.length = SseEncoder.encode(event.memory, 0, null, data, 0, data.length, LogEvents.ID_PREFIX,
                        LogEvents.FIRST_SEQ + seq, -1);
            } finally {
                ring.publish(seq);
            }
            lastSeq = seq;
            return seq;
        }

        private boolean awaitConsumer(Shared shared, Control control) {
            for (int round = 0; ; round++) {
                cachedConsumed = shared.consumed.get();
                if (lastSeq - cachedConsumed <= LogEvents.WINDOW) {
                    return true;
                }
                if (control.stopMeasurement) {
                    return false;
                }
                Backoff.idle(round);
            }
        }
    }

    @State(Scope.Thread)
    public static class Consumer {
        long nextSeq = 0;                                     // next sequence to hand out
        long available = RingBuffer.INITIAL_CURSOR_VALUE;     // highest published sequence of the batch
        long events;
        long bytes;

        int consume(Shared shared, Control control) {
            RingBuffer<SlotEvent> ring = shared.ring;
            if (nextSeq > available && !nextBatch(shared, control)) {
                return 0;
            }
            int length = ring.get(nextSeq++).length;
            events++;
            bytes += length;
            return length;
        }

        private boolean nextBatch(Shared shared, Control control) {
            RingBuffer<SlotEvent> ring = shared.ring;
            shared.consumed.set(nextSeq - 1);                  // release the batch just handed out
            for (int round = 0; ; round++) {
                long claimed = ring.getCursor();
                long high = nextSeq - 1;
                while (high < claimed && ring.isAvailable(high + 1)) {
                    high++;
                }
                if (high >= nextSeq) {
                    available = high;
                    return true;
                }
                if (control.stopMeasurement) {
                    return false;
                }
                Backoff.idle(round);
            }
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
}
