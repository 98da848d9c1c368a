package herald.bench.memory;

import herald.server.AbuseLimits;
import herald.server.Herald;

import java.io.IOException;
import java.lang.ref.Reference;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What topics and streams cost in memory in an embedded Herald: heap after full GC, direct memory and RSS, before
 * and after one scenario, per item. A plain {@code main}, not JMH; deterministic (no randomness, fixed names and
 * sizes), so runs before and after a change to the server compare.
 *
 * <pre>
 * java -Xmx1g -XX:MaxDirectMemorySize=1g -cp bench/target/benchmarks.jar \
 *     herald.bench.memory.TopicMemoryCost published|deleted|subscribed|streams32|bigevents N
 * </pre>
 *
 * Scenarios ({@code N} is the count argument):
 * <ul>
 *   <li>{@code published N}: one 10-byte event to each of topics {@code t/0} … {@code t/N-1}, kept; per topic.</li>
 *   <li>{@code deleted N}: for each topic {@code d/i} in turn, publish one 10-byte event, then delete it; what
 *       remains per deleted topic, and the {@code herald_topics} gauge.</li>
 *   <li>{@code subscribed N}: for each of {@code s/0} … {@code s/N-1} (never published), a socket sends
 *       {@code GET /topics/s/i}, reads the 200 head and the bytes after it, and closes ({@value #SUBSCRIBE_WORKERS}
 *       threads, so at most that many sockets at once). The server forgets such a
 *       topic at its next 10 s sweep, so the loop starts right after a sweep (a probe topic is seen forgotten)
 *       and the program measures as soon as the server has seen every socket close; {@code herald_topics}
 *       shows how many were still counted.</li>
 *   <li>{@code streams32 N}: N open streams {@code GET /events?topic=m/0&…&topic=m/31} held on N sockets; per
 *       stream. Then one event to each of the 32 topics, each socket reads its 32 events, and again per stream.</li>
 *   <li>{@code bigevents N}: N events of 1 MiB to each of topics {@code b/0} … {@code b/79}, round-robin
 *       (event 0 to every topic, then event 1…); publishes refused with {@link IllegalStateException} (the server's
 *       limits, e.g. its retained-history budget) counted as {@code refused} with the first message; other
 *       failed publishes counted with their exception, publishing stops after {@value #MAX_FAILURES} of those
 *       (each failed direct reservation costs the JDK a System.gc() and up to ~0.5 s of retries). The
 *       {@code herald_retained_bytes}, {@code herald_history_dropped_total} and {@code herald_retained_full_total}
 *       metrics after publishing ({@code absent} on a server without them). Direct memory then, and again after deleting the 80 topics.</li>
 * </ul>
 *
 * <p>When publishing runs out of heap ({@code published}, {@code deleted}), the program drops a
 * {@value #RESERVE_BYTES}-byte reserve held since before the first measurement, measures what was completed, and
 * reports the error as {@code failure}; heap deltas count the dropped reserve as still held.
 *
 * <p>Output: one line of {@code key=value} (byte counts; RSS in KiB) and one line for people. "Heap" is used
 * heap after {@link System#gc()} repeated until it stops falling; "direct" is the JDK's {@code direct} buffer
 * pool, read after the same GCs (the cleaner frees dead buffers then). Client sockets live in this process too:
 * their objects are in the stream figures. The server runs on 127.0.0.1, port 0, otherwise with defaults.
 */
public final class TopicMemoryCost {
    static final String SMALL_DATA = "0123456789";                 // 10 bytes
    static final byte[] SMALL_DATA_LINE = ("data: " + SMALL_DATA).getBytes(StandardCharsets.US_ASCII);
    static final int MULTI_TOPICS = 32;
    static final int BIG_TOPICS = 80;
    static final int BIG_EVENT_BYTES = 1 << 20;
    static final int MAX_FAILURES = 8;
    static final int SUBSCRIBE_WORKERS = 8;
    static final int RESERVE_BYTES = 16 << 20;

    private final Herald herald;
    private final StreamClient client;
    private final Map<String, Object> values = new LinkedHashMap<>();
    private byte[] reserve = new byte[RESERVE_BYTES];   // dropped on OutOfMemoryError so that the report can run
    private long reserveFreed;                            // added back to heap deltas once dropped

    private TopicMemoryCost(Herald herald) {
        this.herald = herald;
        this.client = new StreamClient(new InetSocketAddress("127.0.0.1", herald.port()));
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 2 || !args[1].matches("[1-9][0-9]{0,8}")) {
            usage();
        }
        String scenario = args[0];
        int count = Integer.parseInt(args[1]);
        // The per-address limits off: every socket here comes from 127.0.0.1, and the default connect rate
        // (50 a second) would answer most subscribes 429 instead of making the topics this program measures.
        try (Herald herald = Herald.builder().host("127.0.0.1").port(0).abuseLimits(AbuseLimits.off()).start()) {
            TopicMemoryCost run = new TopicMemoryCost(herald);
            run.put("scenario", scenario);
            run.put("count", count);
            run.warmUp();
            long start = System.nanoTime();
            String human = switch (scenario) {
                case "published" -> run.published(count);
                case "deleted" -> run.deleted(count);
                case "subscribed" -> run.subscribed(count);
                case "streams32" -> run.streams32(count);
                case "bigevents" -> run.bigEvents(count);
                default -> {
                    usage();
                    yield null;
                }
            };
            run.put("elapsed_ms", (System.nanoTime() - start) / 1_000_000);
            System.out.println(run.line());
            System.out.println(human);
        }
    }

    private static void usage() {
        System.err.println("usage: TopicMemoryCost published|deleted|subscribed|streams32|bigevents N");
        System.exit(2);
    }

    // ---- scenarios ------------------------------------------------------------------------------------------

    private String published(int count) {
        Footprint before = Footprint.measure();
        int done = 0;
        try {
            for (; done < count; done++) {
                herald.publish("t/" + done, SMALL_DATA);
            }
        } catch (OutOfMemoryError e) {
            outOfMemory(e);
        }
        Footprint after = Footprint.measure();
        put("completed", done);
        record("", before, after, done);
        put("herald_topics", metric("herald_topics"));
        return human("published", done, "topic", before, after);
    }

    private String deleted(int count) {
        Footprint before = Footprint.measure();
        int done = 0;
        try {
            for (; done < count; done++) {
                String topic = "d/" + done;
                herald.publish(topic, SMALL_DATA);
                if (!herald.deleteTopic(topic)) {
                    throw new IllegalStateException("deleteTopic returned false: topic=" + topic);
                }
            }
        } catch (OutOfMemoryError e) {
            outOfMemory(e);
        }
        Footprint after = Footprint.measure();
        put("completed", done);
        record("", before, after, done);
        put("herald_topics", metric("herald_topics"));
        return human("deleted", done, "deleted topic", before, after) + ", herald_topics " + metric("herald_topics");
    }

    private String subscribed(int count) throws IOException, InterruptedException {
        Footprint before = Footprint.measure();
        long sweepWaitMillis = waitForForgetSweep();
        put("sweep_wait_ms", sweepWaitMillis);
        long loopStart = System.nanoTime();
        subscribeAndClose(count);
        long loopEnd = System.nanoTime();
        put("loop_ms", (loopEnd - loopStart) / 1_000_000);
        put("topics_after_loop", metric("herald_topics"));
        awaitMetric("herald_subscribers", 0);
        awaitMetric("herald_connections", 0);
        Footprint after = Footprint.measure();
        long topics = metric("herald_topics");
        put("completed", count);
        record("", before, after, count);
        put("herald_topics", topics);
        put("measured_ms_after_loop", (System.nanoTime() - loopEnd) / 1_000_000);
        return human("subscribed", count, "never-published topic", before, after) + ", herald_topics " + topics
                + " at the measurement (" + values.get("topics_after_loop") + " right after the loop)";
    }

    private String streams32(int count) throws IOException {
        StringBuilder target = new StringBuilder("/events?");
        for (int t = 0; t < MULTI_TOPICS; t++) {
            target.append(t == 0 ? "" : "&").append("topic=m/").append(t);
        }
        Footprint before = Footprint.measure();
        List<Socket> sockets = new ArrayList<>(count);
        try {
            for (int i = 0; i < count; i++) {
                sockets.add(client.openStream(target.toString()));
            }
            Footprint open = Footprint.measure();
            put("completed", sockets.size());
            put("subscribers", metric("herald_subscribers"));
            record("", before, open, count);
            for (int t = 0; t < MULTI_TOPICS; t++) {
                herald.publish("m/" + t, SMALL_DATA);
            }
            for (Socket socket : sockets) {
                StreamClient.awaitLines(socket.getInputStream(), SMALL_DATA_LINE, MULTI_TOPICS);
            }
            Footprint published = Footprint.measure();
            put("events_read_per_socket", MULTI_TOPICS);
            record("published_", before, published, count);
            put("publish_heap_delta", published.heap() - open.heap());
            put("publish_direct_delta", published.direct() - open.direct());
            put("herald_topics", metric("herald_topics"));
            return human("streams32", count, "stream of 32 topics", before, open) + "; after one event to each "
                    + "topic, read on every socket: " + (published.heap() - before.heap()) / count + " B heap, "
                    + (published.direct() - before.direct()) / count + " B direct per stream (the publish added "
                    + (published.heap() - open.heap()) + " B heap, " + (published.direct() - open.direct())
                    + " B direct in all)";
        } finally {
            for (Socket socket : sockets) {
                socket.close();
            }
        }
    }

    private String bigEvents(int eventsPerTopic) {
        String data = "x".repeat(BIG_EVENT_BYTES);
        Footprint before = Footprint.measure();
        int ok = 0;
        int failed = 0;
        int attempted = 0;
        int refused = 0;
        String firstRefusal = null;
        String firstFailure = null;
        String lastFailure = null;
        publishing:
        for (int e = 0; e < eventsPerTopic; e++) {
            for (int t = 0; t < BIG_TOPICS; t++) {
                attempted++;
                try {
                    herald.publish("b/" + t, data);
                    ok++;
                } catch (IllegalStateException x) {   // a refusal (e.g. maxRetainedBytes): cheap, so no stop
                    refused++;
                    if (firstRefusal == null) {
                        firstRefusal = x.toString();
                        put("first_refusal_at", "event" + e + "/topic" + t);
                    }
                } catch (RuntimeException | OutOfMemoryError x) {   // the program reports what publish throws
                    failed++;
                    lastFailure = x.toString();
                    if (firstFailure == null) {
                        firstFailure = lastFailure;
                        put("first_failure_at", "event" + e + "/topic" + t);
                    }
                    if (failed == MAX_FAILURES) {
                        break publishing;
                    }
                }
            }
        }
        Footprint published = Footprint.measure();
        put("attempted", attempted);
        put("published_ok", ok);
        put("refused", refused);
        put("failed", failed);
        put("not_attempted", eventsPerTopic * BIG_TOPICS - attempted);
        put("first_refusal", firstRefusal == null ? "none" : quote(firstRefusal));
        put("first_failure", firstFailure == null ? "none" : quote(firstFailure));
        put("last_failure", lastFailure == null ? "none" : quote(lastFailure));
        record("published_", before, published, BIG_TOPICS);
        for (String name : List.of("herald_retained_bytes", "herald_history_dropped_total",
                "herald_retained_full_total")) {
            put("published_" + name, metricIfPresent(name));
        }
        int deleted = 0;
        for (int t = 0; t < BIG_TOPICS; t++) {
            deleted += herald.deleteTopic("b/" + t) ? 1 : 0;
        }
        Footprint after = Footprint.measure();
        put("deleted", deleted);
        record("deleted_", before, after, BIG_TOPICS);
        put("deleted_herald_retained_bytes", metricIfPresent("herald_retained_bytes"));
        put("herald_topics", metric("herald_topics"));
        return "bigevents: " + ok + " of " + attempted + " publishes of 1 MiB ok, " + refused + " refused"
                + (firstRefusal == null ? "" : " (first: " + firstRefusal + ")") + ", " + failed + " failed"
                + (firstFailure == null ? "" : " (first: " + firstFailure + ")") + "; direct used "
                + mib(published.direct()) + " MiB after publishing, " + mib(after.direct())
                + " MiB after deleting the " + BIG_TOPICS + " topics (" + mib(before.direct()) + " MiB before)";
    }

    // ---- sockets --------------------------------------------------------------------------------------------

    /**
     * Subscribes to {@code s/0} … {@code s/count-1}, each on its own socket closed after the first bytes, from
     * {@value #SUBSCRIBE_WORKERS} threads (so at most that many sockets are open at once).
     */
    private void subscribeAndClose(int count) throws IOException, InterruptedException {
        AtomicInteger next = new AtomicInteger();
        AtomicReference<IOException> failure = new AtomicReference<>();
        Thread[] workers = new Thread[SUBSCRIBE_WORKERS];
        for (int w = 0; w < workers.length; w++) {
            workers[w] = Thread.ofPlatform().name("subscriber-" + w).start(() -> {
                int i;
                while ((i = next.getAndIncrement()) < count && failure.get() == null) {
                    try (Socket socket = client.openStream("/topics/s/" + i)) {
                        Reference.reachabilityFence(socket);
                    } catch (IOException e) {
                        failure.compareAndSet(null, e);
                    }
                }
            });
        }
        for (Thread worker : workers) {
            worker.join();
        }
        if (failure.get() != null) {
            throw failure.get();
        }
    }

    /** Loads the connection and metrics code before the first measurement: one plain request. */
    private void warmUp() throws IOException {
        try (Socket socket = client.connect()) {
            socket.getOutputStream().write("GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            socket.getInputStream().readAllBytes();
        }
        metric("herald_topics");
    }

    // ---- server state ---------------------------------------------------------------------------------------

    /**
     * Subscribes to a probe topic, closes, and waits until the server has forgotten it: its unused-topic sweep
     * (every 10 s) has just run, so the next one is ~10 s away. Returns the wait in ms.
     */
    private long waitForForgetSweep() throws IOException, InterruptedException {
        long baseline = metric("herald_topics");
        try (Socket socket = client.openStream("/topics/probe")) {
            Reference.reachabilityFence(socket);
        }
        long start = System.nanoTime();
        long deadline = start + 15_000_000_000L;
        while (metric("herald_topics") > baseline) {
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("the probe topic was not forgotten within 15 s");
            }
            Thread.sleep(5);
        }
        return (System.nanoTime() - start) / 1_000_000;
    }

    private void awaitMetric(String name, long value) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (metric(name) != value) {
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException(name + " did not reach " + value + " within 10 s: " + metric(name));
            }
            Thread.sleep(5);
        }
    }

    private long metric(String name) {
        String prefix = name + " ";
        for (String line : herald.metricsText().split("\n")) {
            if (line.startsWith(prefix)) {
                return Long.parseLong(line.substring(prefix.length()).trim());
            }
        }
        throw new IllegalStateException("no metric " + name);
    }

    /** A metric's value, or {@code absent} on a server that does not have it. */
    private Object metricIfPresent(String name) {
        try {
            return metric(name);
        } catch (IllegalStateException e) {
            return "absent";
        }
    }

    // ---- report ---------------------------------------------------------------------------------------------

    private void put(String key, Object value) {
        values.put(key, value);
    }

    /** Drops the reserve, so that measuring and reporting have room, and records the error. */
    private void outOfMemory(OutOfMemoryError e) {
        reserve = null;
        reserveFreed = RESERVE_BYTES;
        put("failure", quote(e.toString()));
        put("reserve_freed", RESERVE_BYTES);
    }

    /** Heap grown from {@code before} to {@code after}, counting the dropped reserve as still there. */
    private long heapDelta(Footprint before, Footprint after) {
        return after.heap() - before.heap() + reserveFreed;
    }

    private void record(String prefix, Footprint before, Footprint after, int items) {
        put(prefix + "heap_before", before.heap());
        put(prefix + "heap_after", after.heap());
        put(prefix + "direct_before", before.direct());
        put(prefix + "direct_after", after.direct());
        put(prefix + "direct_buffers_after", after.directBuffers());
        put(prefix + "rss_before_kib", before.rssKib());
        put(prefix + "rss_after_kib", after.rssKib());
        if (items > 0) {
            put(prefix + "heap_per_item", heapDelta(before, after) / items);
            put(prefix + "direct_per_item", (after.direct() - before.direct()) / items);
            put(prefix + "rss_per_item", (after.rssKib() - before.rssKib()) * 1_024 / items);
        }
    }

    private String line() {
        StringBuilder out = new StringBuilder();
        values.forEach((key, value) -> out.append(out.isEmpty() ? "" : " ").append(key).append('=').append(value));
        return out.toString();
    }

    private String human(String scenario, int items, String item, Footprint before, Footprint after) {
        if (items == 0) {
            return scenario + ": nothing completed";
        }
        return scenario + ": " + items + " items, " + heapDelta(before, after) / items + " B heap and "
                + (after.direct() - before.direct()) / items + " B direct per " + item
                + " (heap " + mib(before.heap()) + " -> " + mib(after.heap()) + " MiB, direct "
                + mib(before.direct()) + " -> " + mib(after.direct()) + " MiB, RSS "
                + before.rssKib() / 1_024 + " -> " + after.rssKib() / 1_024 + " MiB)";
    }

    private static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.1f", bytes / 1048576.0);
    }

    private static String quote(String text) {
        return '"' + text.replace('"', '\'') + '"';
    }
}
