package herald.bench.cluster;

import herald.protocol.sse.SseListener;
import herald.protocol.sse.SseStreamParser;
import herald.server.AbuseLimits;
import herald.server.Herald;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Publish-to-receive latency through Redis (cluster mode: publish on node A, subscribers on node B) against the same
 * load on one standalone node, in one run, interleaved. Open loop: each event carries the time it was meant to be
 * published (a fixed rate), and latency is measured from that, so a slow publish counts against the events after it.
 * Not JMH: the work is across threads, sockets and a redis-server (started here on a free loopback port, no
 * persistence, killed at the end).
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar herald.bench.cluster.ClusterLatency [SUBSCRIBERS] [RATE] [SECONDS] [ROUNDS]
 *   SUBSCRIBERS  streams on the receiving node (50)
 *   RATE         events published per second, by one publisher through Herald.publish (1000)
 *   SECONDS      per measurement (5)
 *   ROUNDS       rounds of both measurements (3); each prints its own figures
 * </pre>
 */
public final class ClusterLatency {
    private ClusterLatency() {
    }

    public static void main(String[] args) throws Exception {
        int subscribers = args.length > 0 ? Integer.parseInt(args[0]) : 50;
        int rate = args.length > 1 ? Integer.parseInt(args[1]) : 1_000;
        int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 3;
        Path dir = Files.createTempDirectory("herald-redis-bench");
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Process redis = new ProcessBuilder("redis-server", "--bind", "127.0.0.1", "--port", String.valueOf(port),
                "--save", "", "--appendonly", "no", "--dir", dir.toString(), "--logfile",
                dir.resolve("redis.log").toString()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("stdout.log").toFile()).start();
        try {
            Thread.sleep(300);
            String url = "redis://127.0.0.1:" + port;
            System.out.printf("%d subscribers, %d events/s for %d s, one publisher (Herald.publish)%n", subscribers,
                    rate, seconds);
            for (int round = 1; round <= rounds; round++) {
                try (Herald alone = start(null)) {
                    report("round " + round + " standalone       ", run(alone, alone, subscribers, rate, seconds));
                }
                try (Herald a = start(url); Herald b = start(url)) {
                    report("round " + round + " cluster (A -> B) ", run(a, b, subscribers, rate, seconds));
                }
            }
        } finally {
            ProcessHandle.of(redis.pid()).ifPresent(ProcessHandle::destroyForcibly);
            redis.waitFor(10, TimeUnit.SECONDS);
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static Herald start(String redisUrl) {
        Herald.Builder builder = Herald.builder().host("127.0.0.1").port(0).abuseLimits(AbuseLimits.off());
        return (redisUrl == null ? builder : builder.redis(redisUrl)).start();
    }

    /** Latencies in nanoseconds, all subscribers' together, and how many events each should have got. */
    private record Result(long[] nanos, long expected) {
    }

    private static Result run(Herald publisher, Herald receiver, int subscribers, int rate, int seconds)
            throws Exception {
        String topic = "bench" + System.nanoTime();
        List<Reader> readers = new ArrayList<>();
        for (int i = 0; i < subscribers; i++) {
            readers.add(new Reader(receiver.port(), topic, rate * seconds));
        }
        Thread.sleep(200);                                   // streams attached (and, in cluster mode, followed)
        long interval = TimeUnit.SECONDS.toNanos(1) / rate;
        long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(50);
        int events = rate * seconds;
        for (int i = 0; i < events; i++) {
            long intended = start + i * interval;
            long wait = intended - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            publisher.publish(topic, Long.toString(intended));
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        for (Reader reader : readers) {
            reader.awaitAll(deadline);
        }
        int total = 0;
        for (Reader reader : readers) {
            total += reader.count;
        }
        long[] all = new long[total];
        int at = 0;
        for (Reader reader : readers) {
            System.arraycopy(reader.nanos, 0, all, at, reader.count);
            at += reader.count;
            reader.close();
        }
        return new Result(all, (long) events * subscribers);
    }

    private static void report(String label, Result result) {
        long[] sorted = result.nanos.clone();
        Arrays.sort(sorted);
        System.out.printf("%s delivered %d/%d  p50 %.2f ms  p99 %.2f ms  p99.9 %.2f ms  max %.2f ms%n", label,
                sorted.length, result.expected, ms(at(sorted, 0.50)), ms(at(sorted, 0.99)), ms(at(sorted, 0.999)),
                ms(sorted.length == 0 ? 0 : sorted[sorted.length - 1]));
    }

    private static long at(long[] sorted, double q) {
        return sorted.length == 0 ? 0 : sorted[Math.min(sorted.length - 1, (int) (q * sorted.length))];
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }

    /** One stream on a raw socket, parsed by Herald's SSE parser on a virtual thread. */
    private static final class Reader implements AutoCloseable {
        final long[] nanos;
        volatile int count;
        private final Socket socket;
        private final Thread thread;

        Reader(int port, String topic, int expected) throws IOException {
            nanos = new long[expected];
            socket = new Socket("127.0.0.1", port);
            OutputStream out = socket.getOutputStream();
            out.write(("GET /topics/" + topic + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            SseStreamParser parser = new SseStreamParser(new SseListener() {
                @Override
                public void onEvent(CharSequence type, CharSequence data, CharSequence id) {
                    long now = System.nanoTime();
                    int n = count;
                    if (n < nanos.length) {
                        nanos[n] = now - Long.parseLong(data.toString());
                        count = n + 1;
                    }
                }
            });
            thread = Thread.ofVirtual().start(() -> read(parser));
        }

        private void read(SseStreamParser parser) {
            byte[] buffer = new byte[16_384];
            try {
                InputStream in = socket.getInputStream();
                int headEnd = -1;
                int held = 0;
                byte[] head = new byte[4_096];
                while (headEnd < 0) {                        // the response head, then the stream
                    int n = in.read(head, held, head.length - held);
                    if (n < 0) {
                        return;
                    }
                    held += n;
                    for (int i = 3; i < held; i++) {
                        if (head[i - 3] == '\r' && head[i - 2] == '\n' && head[i - 1] == '\r' && head[i] == '\n') {
                            headEnd = i + 1;
                            break;
                        }
                    }
                }
                parser.parse(ByteBuffer.wrap(head, headEnd, held - headEnd));
                for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                    parser.parse(ByteBuffer.wrap(buffer, 0, n));
                }
            } catch (IOException e) {
                // closed at the end
            }
        }

        void awaitAll(long deadline) throws InterruptedException {
            while (count < nanos.length && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
            thread.interrupt();
        }
    }
}
