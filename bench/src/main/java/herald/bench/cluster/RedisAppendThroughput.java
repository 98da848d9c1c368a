package herald.bench.cluster;

import herald.server.cluster.RedisClient;
import herald.server.cluster.RedisOptions;
import herald.server.cluster.RedisStreams;
import herald.server.cluster.RedisUrl;
import herald.server.cluster.StreamId;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Appends per second through Herald's Redis client against redis-benchmark sending the same commands, in one run
 * on one redis-server (started here on a free loopback port, no persistence, killed at the end). Not JMH: the
 * work is in another process; what matters is the ratio within one run.
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar herald.bench.cluster.RedisAppendThroughput [N] [PIPELINE] [ROUNDS]
 *   N         appends per measurement (200000)
 *   PIPELINE  commands in flight on the one connection (64)
 *   ROUNDS    rounds of all measurements, interleaved (5); medians are printed
 * </pre>
 *
 * Measurements, after a warm-up of N/4 each:
 * <ol>
 *   <li>{@code XADD key MAXLEN ~ 100000 * t <ms> d <100 B>}: redis-benchmark {@code -c 1 -P PIPELINE} vs Herald's
 *       client sending batches of PIPELINE in one write ({@code RedisClient.pipeline}).</li>
 *   <li>The same XADD from PIPELINE virtual threads sharing Herald's client, each waiting for its reply.</li>
 *   <li>Herald's append script ({@code EVALSHA}, what a publish runs): redis-benchmark {@code -c 1 -P PIPELINE} vs
 *       {@code RedisStreams.append} called by PIPELINE virtual threads sharing the connection (each waits for its
 *       reply: the publish path's shape).</li>
 * </ol>
 */
public final class RedisAppendThroughput {
    private static final byte[] PAYLOAD = "x".repeat(100).getBytes(StandardCharsets.US_ASCII);

    private RedisAppendThroughput() {
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        int pipeline = args.length > 1 ? Integer.parseInt(args[1]) : 64;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        Path dir = Files.createTempDirectory("herald-redis-bench");
        int port = freePort();
        Process redis = new ProcessBuilder("redis-server", "--bind", "127.0.0.1", "--port", String.valueOf(port),
                "--save", "", "--appendonly", "no", "--dir", dir.toString(), "--logfile", dir.resolve("redis.log").toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("stdout.log").toFile()).start();
        try (RedisClient client = new RedisClient(RedisUrl.parse("redis://127.0.0.1:" + port), RedisOptions.DEFAULTS,
                "bench")) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!client.start()) {
                if (System.nanoTime() - deadline > 0) {
                    throw new IllegalStateException("redis-server did not start");
                }
                Thread.sleep(50);
            }
            RedisStreams streams = new RedisStreams(client, "herald:", 100_000);
            StreamId first = streams.append("bench-script", null, PAYLOAD, 0, PAYLOAD.length, -1, 1);   // loads the script
            String sha = sha1(RedisStreams.APPEND_SCRIPT);
            String ms = String.valueOf(System.currentTimeMillis());

            System.out.printf("redis-server %s, N=%d, pipeline=%d, payload=%d B, rounds=%d, JDK %s%n", version(), n,
                    pipeline, PAYLOAD.length, rounds, Runtime.version());
            String payload = new String(PAYLOAD, StandardCharsets.US_ASCII);
            pipelined(client, n / 4, pipeline, "herald:{x}", ms);                    // warm-up
            concurrentXadds(client, n / 4, pipeline, "herald:{y}", ms);
            concurrentAppends(streams, n / 4, pipeline, "s");
            double[][] perSecond = new double[5][rounds];
            for (int r = 0; r < rounds; r++) {       // interleaved: a burst of load elsewhere hits both sides
                perSecond[0][r] = redisBenchmark(port, n, pipeline, "XADD", "base:{x}", "MAXLEN", "~", "100000", "*",
                        "t", ms, "d", payload);
                perSecond[1][r] = pipelined(client, n, pipeline, "herald:{x}", ms);
                perSecond[2][r] = concurrentXadds(client, n, pipeline, "herald:{y}", ms);
                perSecond[3][r] = redisBenchmark(port, n, pipeline, "EVALSHA", sha, "2", "base:{s}", "base:{s}:epoch",
                        "100000", "t", ms, "d", payload);
                perSecond[4][r] = concurrentAppends(streams, n, pipeline, "s");
                System.out.printf("round %d: XADD redis-benchmark %,.0f/s, Herald batches %,.0f/s, Herald %d callers"
                        + " %,.0f/s; append script redis-benchmark %,.0f/s, RedisStreams.append %d callers %,.0f/s%n",
                        r + 1, perSecond[0][r], perSecond[1][r], pipeline, perSecond[2][r], perSecond[3][r], pipeline,
                        perSecond[4][r]);
            }
            System.out.printf("median XADD         redis-benchmark %,10.0f/s  Herald client (batches of %d)  %,10.0f/s"
                    + "  ratio of round medians %.2f, median of ratios %.2f%n", median(perSecond[0]), pipeline,
                    median(perSecond[1]), median(perSecond[1]) / median(perSecond[0]), medianRatio(perSecond[1], perSecond[0]));
            System.out.printf("median XADD         redis-benchmark %,10.0f/s  Herald client (%d callers)      %,10.0f/s"
                    + "  ratio of round medians %.2f, median of ratios %.2f%n", median(perSecond[0]), pipeline,
                    median(perSecond[2]), median(perSecond[2]) / median(perSecond[0]), medianRatio(perSecond[2], perSecond[0]));
            System.out.printf("median append (Lua) redis-benchmark %,10.0f/s  RedisStreams.append (%d callers) %,10.0f/s"
                    + "  ratio of round medians %.2f, median of ratios %.2f%n", median(perSecond[3]), pipeline,
                    median(perSecond[4]), median(perSecond[4]) / median(perSecond[3]), medianRatio(perSecond[4], perSecond[3]));
            System.out.printf("first epoch %d; mean round trip %.1f us over %d round trips, %.1f commands per write%n",
                    first.epoch(), client.roundTripNanosTotal() / 1e3 / client.roundTrips(), client.roundTrips(),
                    (double) client.roundTrips() / client.writes());
        } finally {
            redis.destroyForcibly();                  // SIGKILL to the pid we started
            redis.waitFor(10, TimeUnit.SECONDS);
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted.length % 2 == 1 ? sorted[sorted.length / 2]
                : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
    }

    private static double medianRatio(double[] ours, double[] base) {
        double[] ratios = new double[ours.length];
        for (int i = 0; i < ours.length; i++) {
            ratios[i] = ours[i] / base[i];
        }
        return median(ratios);
    }

    private static double pipelined(RedisClient client, int n, int pipeline, String key, String ms) {
        List<Object[]> batch = new ArrayList<>(pipeline);
        for (int i = 0; i < pipeline; i++) {
            batch.add(new Object[] {"XADD", key, "MAXLEN", "~", "100000", "*", "t", ms, "d", PAYLOAD});
        }
        long start = System.nanoTime();
        for (int sent = 0; sent < n; sent += pipeline) {
            client.pipeline(batch);
        }
        return n / ((System.nanoTime() - start) / 1e9);
    }

    private static double concurrentXadds(RedisClient client, int n, int callers, String key, String ms)
            throws InterruptedException {
        AtomicLong left = new AtomicLong(n);
        List<Thread> threads = new ArrayList<>();
        long start = System.nanoTime();
        for (int c = 0; c < callers; c++) {
            threads.add(Thread.ofVirtual().start(() -> {
                while (left.decrementAndGet() >= 0) {
                    client.call("XADD", key, "MAXLEN", "~", "100000", "*", "t", ms, "d", PAYLOAD);
                }
            }));
        }
        for (Thread thread : threads) {
            thread.join();
        }
        return n / ((System.nanoTime() - start) / 1e9);
    }

    private static double concurrentAppends(RedisStreams streams, int n, int callers, String topic)
            throws InterruptedException {
        AtomicLong left = new AtomicLong(n);
        List<Thread> threads = new ArrayList<>();
        long start = System.nanoTime();
        for (int c = 0; c < callers; c++) {
            threads.add(Thread.ofVirtual().start(() -> {
                while (left.decrementAndGet() >= 0) {
                    streams.append(topic, null, PAYLOAD, 0, PAYLOAD.length, -1, System.currentTimeMillis());
                }
            }));
        }
        for (Thread thread : threads) {
            thread.join();
        }
        return n / ((System.nanoTime() - start) / 1e9);
    }

    private static double redisBenchmark(int port, int n, int pipeline, String... command)
            throws IOException, InterruptedException {
        List<String> line = new ArrayList<>(List.of("redis-benchmark", "-h", "127.0.0.1", "-p", String.valueOf(port),
                "-n", String.valueOf(n), "-c", "1", "-P", String.valueOf(pipeline), "-q"));
        line.addAll(Arrays.asList(command));
        Process p = new ProcessBuilder(line).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(5, TimeUnit.MINUTES);
        String[] parts = out.replace('\r', '\n').trim().split("\n");
        String last = parts[parts.length - 1];
        int at = last.indexOf(" requests per second");
        if (at < 0) {
            throw new IllegalStateException("redis-benchmark: " + out);
        }
        String number = last.substring(last.lastIndexOf(' ', at - 1) + 1, at);
        return Double.parseDouble(number.replace(",", ""));
    }

    private static String sha1(String text) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8)));
    }

    private static String version() throws IOException, InterruptedException {
        Process p = new ProcessBuilder("redis-server", "--version").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        p.waitFor(10, TimeUnit.SECONDS);
        int v = out.indexOf("v=");
        return v < 0 ? out : out.substring(v + 2, out.indexOf(' ', v));
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
