package herald.server;

import herald.protocol.sse.SseListener;
import herald.protocol.sse.SseStreamParser;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The abuse limits under attack, with the shipped defaults ({@link AbuseLimits#DEFAULTS}): normal clients on
 * 127.0.0.3 and up subscribe, a publisher on 127.0.0.1 publishes 50 events a second (open loop: each event
 * carries its intended send time), and delivery latency is measured over a quiet phase, then over a phase in
 * which 127.0.0.2 runs 1,000 slowloris sockets and a connection flood ({@link AttackClient}, in a process of its
 * own, started before the quiet phase). The flood must get 429s, every normal connect must succeed, every event
 * must arrive; both p99 latencies and their ratio are printed. The goal, p99 under attack within 10 % of
 * the quiet one, is for a quiet machine: server, clients and attacker share two cores here, with other test
 * runs, so the ratio is bounded generously (10 times plus 200 ms: a server that stalls under the attack fails
 * it, scheduling noise does not). About 25 s.
 */
class AttackIT {
    private static final int SUBSCRIBERS = 50;
    private static final int PROBE_ADDRESSES = 10;
    private static final long PUBLISH_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
    private static final long WARMUP_NANOS = TimeUnit.SECONDS.toNanos(3);
    private static final long PHASE_NANOS = TimeUnit.SECONDS.toNanos(8);
    private static final String SUBSCRIBE =
            "GET /topics/attack HTTP/1.1\r\nHost: h\r\nAccept: text/event-stream\r\n\r\n";

    /** One normal subscriber: latency samples per phase ('b' quiet, 'a' attack). */
    private static final class Subscriber implements SseListener {
        final long[][] samples = new long[2][(int) (PHASE_NANOS / PUBLISH_INTERVAL_NANOS) + 64];
        final int[] counts = new int[2];
        final Socket socket;
        final SseStreamParser parser = new SseStreamParser(this);

        Subscriber(Socket socket) {
            this.socket = socket;
        }

        @Override
        public void onEvent(CharSequence type, CharSequence data, CharSequence id) {
            long now = System.nanoTime();
            String text = data.toString();
            int phase = text.charAt(0) == 'b' ? 0 : text.charAt(0) == 'a' ? 1 : -1;
            if (phase >= 0 && counts[phase] < samples[phase].length) {
                samples[phase][counts[phase]++] = now - Long.parseLong(text, 2, text.length(), 10);
            }
        }

        void readLoop() {
            byte[] buffer = new byte[8_192];
            try {
                socket.setSoTimeout(0);
                InputStream in = socket.getInputStream();
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    parser.parse(ByteBuffer.wrap(buffer, 0, n));
                }
            } catch (IOException e) {
                // closed at the end of the test
            }
        }
    }

    /** Connects from {@code local} and subscribes: true when the 200 head arrived. */
    private static Socket subscribe(String local, int port) throws IOException {
        Socket socket = TestHttp.connectFrom(local, port);
        TestHttp.write(socket, SUBSCRIBE);
        String head = TestHttp.readHead(socket.getInputStream());
        if (head == null || !head.startsWith("HTTP/1.1 200 ")) {
            socket.close();
            throw new IOException("subscribe from " + local + " answered " + head);
        }
        return socket;
    }

    @Test
    void shouldRefuseTheAttackerWith429WhileNormalClientsConnectAndReceive() throws Exception {
        try (Herald herald = TestServer.start(b -> b.abuseLimits(AbuseLimits.DEFAULTS));
             AttackerProcess attacker = AttackerProcess.start(herald.port(),
                     TimeUnit.NANOSECONDS.toMillis(PHASE_NANOS))) {
            int port = herald.port();
            List<Subscriber> subscribers = new ArrayList<>();
            List<Thread> readers = new ArrayList<>();
            AtomicInteger normalAttempts = new AtomicInteger();
            AtomicInteger normalConnected = new AtomicInteger();
            for (int i = 0; i < SUBSCRIBERS; i++) {
                normalAttempts.incrementAndGet();
                Subscriber subscriber = new Subscriber(subscribe("127.0.0." + (3 + i), port));
                normalConnected.incrementAndGet();
                subscribers.add(subscriber);
                readers.add(Thread.ofVirtual().start(subscriber::readLoop));
            }
            assertTrue(TestServer.eventually(java.time.Duration.ofSeconds(10),
                    () -> herald.subscribers("attack") == SUBSCRIBERS));

            long start = System.nanoTime();
            long quietStart = start + WARMUP_NANOS;
            long attackStart = quietStart + PHASE_NANOS;
            long end = attackStart + PHASE_NANOS;
            int[] published = new int[2];
            Thread publisher = Thread.ofPlatform().name("attack-publisher").start(() -> publish(port, start,
                    quietStart, attackStart, end, published));
            Thread probes = Thread.ofVirtual().start(() -> probe(port, quietStart, end, normalAttempts,
                    normalConnected));

            sleepUntil(attackStart);
            attacker.go();
            publisher.join(30_000);
            probes.join(30_000);
            Map<String, Long> attack = attacker.result();
            Thread.sleep(500);                           // the last events in flight

            long[] quiet = merged(subscribers, 0);
            long[] attacked = merged(subscribers, 1);
            double p99Ratio = ms(attacked, 0.99) / ms(quiet, 0.99);
            String report = String.format(
                    "AttackIT: quiet p50=%.2fms p99=%.2fms max=%.2fms (%d samples); attack p50=%.2fms p99=%.2fms "
                            + "max=%.2fms (%d samples); p99 ratio %.2f; normal connects %d/%d; flood %d connects: "
                            + "429=%d 200=%d other=%d; slowloris %d sockets: 429=%d other-ends=%d held-at-end=%d; "
                            + "rejected metrics: %s",
                    ms(quiet, 0.50), ms(quiet, 0.99), ms(quiet, 1.0), quiet.length,
                    ms(attacked, 0.50), ms(attacked, 0.99), ms(attacked, 1.0), attacked.length,
                    p99Ratio, normalConnected.get(), normalAttempts.get(),
                    attack.get("floodConnects"), attack.get("flood429"), attack.get("flood200"),
                    attack.get("floodOther"), attack.get("slowlorisOpened"), attack.get("slowloris429"),
                    attack.get("slowlorisEnded"), attack.get("slowlorisHeld"), rejections(herald));
            System.out.println(report);

            for (Subscriber subscriber : subscribers) {
                subscriber.socket.close();
            }
            for (Thread reader : readers) {
                reader.join(5_000);
            }
            assertEquals(normalAttempts.get(), normalConnected.get(), "every normal connect succeeds: " + report);
            assertTrue(attack.get("flood429") > 0 && attack.get("flood429") > 10 * attack.get("flood200"),
                    "the flood gets 429s: " + report);
            for (Subscriber subscriber : subscribers) {
                assertEquals(published[0], subscriber.counts[0], "every quiet event arrived: " + report);
                assertEquals(published[1], subscriber.counts[1], "every event under attack arrived: " + report);
            }
            // The 10 % goal on p99 is reported, bounded only generously (see the class comment); the median
            // barely moves and nothing stalls for a second.
            assertTrue(ms(attacked, 0.50) <= 2 * ms(quiet, 0.50) + 2, "the median under attack stays: " + report);
            assertTrue(ms(attacked, 0.99) <= 10 * ms(quiet, 0.99) + 200, "p99 under attack: " + report);
            assertTrue(ms(attacked, 0.99) < 1_000, "no delivery stalls for a second under attack: " + report);
        }
    }

    /** {@link AttackClient} in a JVM of its own, started before the quiet phase (its start-up is not in the attack). */
    private static final class AttackerProcess implements AutoCloseable {
        private final Process process;
        private final BufferedReader out;
        private final long millis;

        private AttackerProcess(Process process, long millis) {
            this.process = process;
            this.out = process.inputReader(StandardCharsets.US_ASCII);
            this.millis = millis;
        }

        static AttackerProcess start(int port, long millis) throws IOException {
            Path classes = Path.of("target", "test-classes");
            if (!Files.isRegularFile(classes.resolve("herald/server/AttackClient.class"))) {
                throw new AssertionError("no AttackClient in " + classes.toAbsolutePath() + ": run from server/");
            }
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            Process process = new ProcessBuilder(java, "-Xmx256m", "-cp", classes.toString(),
                    AttackClient.class.getName(), String.valueOf(port), String.valueOf(millis))
                    .redirectErrorStream(true).start();
            AttackerProcess attacker = new AttackerProcess(process, millis);
            String first = attacker.out.readLine();
            if (!"ready".equals(first)) {
                attacker.close();
                throw new AssertionError("the attacker process did not start: " + first);
            }
            return attacker;
        }

        void go() throws IOException {
            process.outputWriter(StandardCharsets.US_ASCII).append("go\n").flush();
        }

        /** Its counts, once it ended (within the attack and 30 s). */
        Map<String, Long> result() throws IOException, InterruptedException {
            if (!process.waitFor(millis + 30_000, TimeUnit.MILLISECONDS)) {
                close();
                throw new AssertionError("the attacker process did not end");
            }
            StringBuilder output = new StringBuilder();
            Map<String, Long> counts = new HashMap<>();
            for (String line; (line = out.readLine()) != null; ) {
                output.append(line).append('\n');
                if (line.startsWith(AttackClient.RESULT + " ")) {
                    for (String pair : line.substring(AttackClient.RESULT.length() + 1).split(" ")) {
                        int at = pair.indexOf('=');
                        counts.put(pair.substring(0, at), Long.parseLong(pair.substring(at + 1)));
                    }
                }
            }
            if (counts.isEmpty()) {
                throw new AssertionError("the attacker printed no counts: " + output);
            }
            return counts;
        }

        @Override
        public void close() {
            process.destroyForcibly();
        }
    }

    private static String rejections(Herald herald) {
        StringBuilder out = new StringBuilder();
        for (String line : herald.metricsText().split("\n")) {
            if (line.startsWith("herald_rejected_requests_total{")) {
                out.append(line.substring(line.indexOf('"') + 1, line.lastIndexOf('"'))).append('=')
                        .append(line.substring(line.lastIndexOf(' ') + 1)).append(' ');
            }
        }
        return out.toString().trim();
    }

    /** Open loop: event k is due at start + k × interval and carries that time, whenever it is really sent. */
    private static void publish(int port, long start, long quietStart, long attackStart, long end, int[] published) {
        try (Socket socket = TestHttp.connectFrom("127.0.0.1", port)) {
            InputStream in = socket.getInputStream();
            for (long k = 0; ; k++) {
                long due = start + k * PUBLISH_INTERVAL_NANOS;
                if (due >= end) {
                    return;
                }
                sleepUntil(due);
                int phase = due < quietStart ? -1 : due < attackStart ? 0 : 1;
                String body = (phase < 0 ? "w" : phase == 0 ? "b" : "a") + ":" + due;
                TestHttp.write(socket, "POST /topics/attack HTTP/1.1\r\nHost: h\r\nContent-Length: " + body.length()
                        + "\r\n\r\n" + body);
                int status = TestHttp.read(in, false).status();
                if (status != 202) {
                    throw new AssertionError("publish answered " + status);
                }
                if (phase >= 0) {
                    published[phase]++;
                }
            }
        } catch (IOException e) {
            throw new AssertionError("the publisher failed", e);
        }
    }

    /** New normal connections all along: each probe address subscribes and leaves every 200 ms. */
    private static void probe(int port, long from, long end, AtomicInteger attempts, AtomicInteger connected) {
        sleepUntil(from);
        for (int round = 0; System.nanoTime() < end && round < 1_000; round++) {
            for (int i = 0; i < PROBE_ADDRESSES; i++) {
                attempts.incrementAndGet();
                try {
                    subscribe("127.0.0." + (100 + i), port).close();
                    connected.incrementAndGet();
                } catch (IOException e) {
                    System.out.println("AttackIT: a normal connect failed: " + e.getMessage());
                }
            }
            sleepUntil(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(200));
        }
    }

    private static long[] merged(List<Subscriber> subscribers, int phase) {
        int total = 0;
        for (Subscriber s : subscribers) {
            total += s.counts[phase];
        }
        long[] all = new long[total];
        int at = 0;
        for (Subscriber s : subscribers) {
            System.arraycopy(s.samples[phase], 0, all, at, s.counts[phase]);
            at += s.counts[phase];
        }
        Arrays.sort(all);
        return all;
    }

    private static double ms(long[] sorted, double quantile) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int index = (int) Math.min(sorted.length - 1, Math.ceil(quantile * sorted.length) - 1);
        return sorted[Math.max(0, index)] / 1e6;
    }

    private static void sleepUntil(long nanoTime) {
        long wait;
        while ((wait = nanoTime - System.nanoTime()) > 0) {
            try {
                TimeUnit.NANOSECONDS.sleep(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
