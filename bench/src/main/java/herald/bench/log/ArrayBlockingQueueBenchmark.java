package herald.bench.log;

import java.util.concurrent.ArrayBlockingQueue;
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
 * Peer of {@link EventLogBenchmark}: the JDK's {@link ArrayBlockingQueue} of capacity 4,096 (one lock, two
 * conditions), same groups.
 *
 * <p>Producer and consumer: {@link QueuePeer} (no encoding, no copy, back-off instead of blocking).
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
public class ArrayBlockingQueueBenchmark {
    @State(Scope.Group)
    public static class Shared {
        ArrayBlockingQueue<byte[]> queue;

        @Setup(Level.Trial)
        public void setUp() {
            queue = new ArrayBlockingQueue<>(LogEvents.CAPACITY);
        }
    }

    @Benchmark
    @Group("producers1")
    @GroupThreads(1)
    public boolean publish1(Shared shared, QueuePeer.Producer producer, Control control) {
        return producer.publish(shared.queue, control);
    }

    @Benchmark
    @Group("producers1")
    @GroupThreads(1)
    public int consume1(Shared shared, QueuePeer.Consumer consumer, Control control) {
        return consumer.consume(shared.queue, control);
    }

    @Benchmark
    @Group("producers2")
    @GroupThreads(2)
    public boolean publish2(Shared shared, QueuePeer.Producer producer, Control control) {
        return producer.publish(shared.queue, control);
    }

    @Benchmark
    @Group("producers2")
    @GroupThreads(1)
    public int consume2(Shared shared, QueuePeer.Consumer consumer, Control control) {
        return consumer.consume(shared.queue, control);
    }

    @Benchmark
    @Group("producers4")
    @GroupThreads(4)
    public boolean publish4(Shared shared, QueuePeer.Producer producer, Control control) {
        return producer.publish(shared.queue, control);
    }

    @Benchmark
    @Group("producers4")
    @GroupThreads(1)
    public int consume4(Shared shared, QueuePeer.Consumer consumer, Control control) {
        return consumer.consume(shared.queue, control);
    }
}
