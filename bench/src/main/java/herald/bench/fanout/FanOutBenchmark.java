package herald.bench.fanout;

import herald.bench.log.LogEvents;
import herald.server.Retention;
import herald.server.log.EventLog;
import herald.server.log.Run;
import herald.server.metrics.LatencyHistogram;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The CPU cost of fan-out, in ns per delivery: one thread appends one event (64 bytes of data, 96 encoded) to an
 * {@link EventLog} ({@link Retention#DEFAULTS}) and then delivers it to 1,000 or 10,000 cursors, each reading it
 * with {@code read(...)} and writing it through its own kept view to a {@link CountingChannel} (a null socket:
 * positions move, nothing is copied). One invocation is one publish and N deliveries;
 * {@code @OperationsPerInvocation(N)} makes the score per delivery (the append spread over N). This is what the
 * log costs a delivery; the broker's per-subscriber bookkeeping (state machine, heartbeat tick) comes on top, and
 * the kernel's write far above both ({@link FanOutSocketBenchmark}).
 *
 * <p>Goal: 0 B per delivery. A cursor makes a new view once per 256 KiB segment (about every 2,700 events), so the
 * allocation is a few hundredths of a byte per delivery, not 0.
 *
 * <pre>
 * java -jar bench/target/benchmarks.jar 'FanOutBenchmark' -prof gc -rf json -rff fanout.json
 * </pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class FanOutBenchmark {

    /** A log and N cursors at its head. */
    public abstract static class Cursors {
        final int count;
        final Run run = new Run();
        final long[] latency = LatencyHistogram.newLocalCounts();
        EventLog log;
        CountingChannel channel;
        Cursor[] cursors;

        Cursors(int count) {
            this.count = count;
        }

        @Setup(Level.Trial)
        public void setUp() {
            log = new EventLog(Retention.DEFAULTS, LogEvents.ID_PREFIX, LogEvents.FIRST_SEQ);
            channel = new CountingChannel();
            cursors = new Cursor[count];
            for (int i = 0; i < count; i++) {
                cursors[i] = new Cursor(LogEvents.FIRST_SEQ - 1);
            }
        }

        /** Publishes one event and delivers it to every cursor; returns the bytes written. */
        long publishToAll() throws IOException {
            byte[] data = LogEvents.DATA;
            log.append(null, data, 0, data.length, -1);
            EventLog log = this.log;
            Run run = this.run;
            CountingChannel channel = this.channel;
            long bytes = 0;
            for (Cursor cursor : cursors) {
                bytes += cursor.deliver(log, run, channel);
            }
            return bytes;
        }

        /**
         * {@link #publishToAll()} plus what a subscriber adds per completed write batch for
         * {@code herald_delivery_latency_seconds}: one {@code nanoTime} and a local histogram record (here every
         * delivery is a batch of one event: the worst case).
         */
        long publishToAllRecordingLatency() throws IOException {
            byte[] data = LogEvents.DATA;
            log.append(null, data, 0, data.length, -1);
            EventLog log = this.log;
            Run run = this.run;
            CountingChannel channel = this.channel;
            long[] latency = this.latency;
            long bytes = 0;
            for (Cursor cursor : cursors) {
                bytes += cursor.deliver(log, run, channel);
                LatencyHistogram.recordLocal(latency, System.nanoTime() - run.firstAppendNanos());
            }
            return bytes;
        }
    }

    @State(Scope.Thread)
    public static class Cursors1000 extends Cursors {
        public Cursors1000() {
            super(1_000);
        }
    }

    @State(Scope.Thread)
    public static class Cursors10000 extends Cursors {
        public Cursors10000() {
            super(10_000);
        }
    }

    @Benchmark
    @OperationsPerInvocation(1_000)
    public long readAndWrite1000(Cursors1000 cursors) throws IOException {
        return cursors.publishToAll();
    }

    @Benchmark
    @OperationsPerInvocation(10_000)
    public long readAndWrite10000(Cursors10000 cursors) throws IOException {
        return cursors.publishToAll();
    }

    @Benchmark
    @OperationsPerInvocation(1_000)
    public long readWriteAndRecordLatency1000(Cursors1000 cursors) throws IOException {
        return cursors.publishToAllRecordingLatency();
    }
}
