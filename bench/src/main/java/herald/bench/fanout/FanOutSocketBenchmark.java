package herald.bench.fanout;

import herald.bench.log.LogEvents;
import herald.server.Herald;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Fan-out over real sockets, in ns per delivery: an in-process Herald on 127.0.0.1 (defaults: 2 dispatch threads
 * on this machine, heartbeat set to an hour so that only events flow), 1,000 subscribers on raw
 * {@link SocketChannel}s ({@code GET /topics/bench}), and one drain thread ({@link SseDrain}, a selector) reading and
 * discarding their bytes and counting events. One invocation: {@code herald.publish("bench", <64-byte JSON>)}, then
 * park until all 1,000 subscribers have received the event (the count reaches 1,000 more). The score is that time
 * divided by 1,000 ({@code @OperationsPerInvocation}): publish, wake-up of the dispatchers, 1,000 socket writes,
 * and the client's reads, all in one process on the same 2 cores.
 *
 * <p>10,000 real sockets would need 20,000 descriptors in this process (both ends of each connection), over the
 * 20,000 open-file cap with the JVM's own; the 10,000-subscriber figure is {@link FanOutBenchmark}'s (null channel)
 * only. Each fork opens 1,000 connections once (trial setup) and closes them at the end.
 *
 * <pre>
 * java -jar bench/target/benchmarks.jar 'FanOutSocketBenchmark' -prof gc
 * </pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class FanOutSocketBenchmark {
    static final int SUBSCRIBERS = 1_000;
    static final String TOPIC = "bench";
    static final String DATA = new String(LogEvents.DATA, StandardCharsets.US_ASCII);
    static final byte[] REQUEST = ("GET /topics/" + TOPIC + " HTTP/1.1\r\nHost: x\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII);
    static final long TIMEOUT_MILLIS = 10_000;

    @State(Scope.Benchmark)
    public static class Server {
        int subscribers = SUBSCRIBERS;       // a test may lower it before setUp
        Herald herald;
        List<SocketChannel> channels;
        SseDrain drain;
        long expected;                       // events counted so far when every delivery has arrived

        @Setup(Level.Trial)
        public void setUp() throws IOException, InterruptedException {
            herald = Herald.builder().host("127.0.0.1").port(0).heartbeat(Duration.ofHours(1)).start();
            InetSocketAddress address = new InetSocketAddress("127.0.0.1", herald.port());
            channels = new ArrayList<>(subscribers);
            for (int i = 0; i < subscribers; i++) {
                SocketChannel channel = SocketChannel.open(address);
                channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
                channel.write(ByteBuffer.wrap(REQUEST));
                channels.add(channel);
            }
            drain = new SseDrain(channels);
            expected = subscribers;          // every stream starts with a preamble block ending in a blank line
            drain.expect(expected);
            drain.await(TIMEOUT_MILLIS);
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(TIMEOUT_MILLIS);
            while (herald.subscribers(TOPIC) < subscribers) {
                if (System.nanoTime() - deadline > 0) {
                    throw new IllegalStateException(herald.subscribers(TOPIC) + " of " + subscribers + " attached");
                }
                Thread.sleep(1);
            }
        }

        /** Publishes one event and waits until every subscriber has it; returns the events counted in all. */
        long publishAndAwait() {
            expected += subscribers;
            drain.expect(expected);
            herald.publish(TOPIC, DATA);
            drain.await(TIMEOUT_MILLIS);
            return expected;
        }

        @TearDown(Level.Trial)
        public void tearDown() throws IOException {
            herald.close();
            drain.close();
            for (SocketChannel channel : channels) {
                channel.close();
            }
        }
    }

    @Benchmark
    @OperationsPerInvocation(SUBSCRIBERS)
    public long publishTo1000Sockets(Server server) {
        return server.publishAndAwait();
    }
}
