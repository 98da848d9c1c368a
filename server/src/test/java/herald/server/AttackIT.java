package herald.server;

import herald.protocol.sse.SseListener;
import herald.protocol.sse.SseStreamParser;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The abuse limits under attack, with the shipped defaults ({@link AbuseLimits#DEFAULTS}): normal clients on
 * 127.0.0.3 and up subscribe, a publisher on 127.0.0.1 publishes 50 events a second (open loop: each event
 * carries its intended send time), and delivery latency is measured over a quiet phase, then over a phase in
 * which 127.0.0.2 runs 1,000 slowloris sockets and a connection flood. The flood must get 429s, every normal
 * connect must succeed, every event must arrive; both p99 latencies are printed (the 10 % comparison is for the
 * note: attacker, victims and server share one JVM on a shared 2-core machine, so only the median and the
 * absence of stalls are asserted). About 25 s.
 */
class AttackIT {
    private static final int SUBSCRIBERS = 50;
    private static final int PROBE_ADDRESSES = 10;
    private static final long PUBLISH_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
    private static final long WARMUP_NANOS = TimeUnit.SECONDS.toNanos(3);
    private static final long PHASE_NANOS = TimeUnit.SECONDS.toNanos(8);
    private static final int SLOWLORIS = 1_000;
    private static final int FLOOD_THREADS = 4;
    private static final int FLOOD_MAX_CONNECTIONS = 20_000;
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
        try (Herald herald = TestServer.start(b -> b.abuseLimits(AbuseLimits.DEFAULTS))) {
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
            Attack attack = new Attack(port, end);
            attack.run();
            publisher.join(30_000);
            probes.join(30_000);
            attack.join();
            Thread.sleep(500);                           // the last events in flight

            long[] quiet = merged(subscribers, 0);
            long[] attacked = merged(subscribers, 1);
            String report = String.format(
                    "AttackIT: quiet p50=%.2fms p99=%.2fms max=%.2fms (%d samples); attack p50=%.2fms p99=%.2fms "
                            + "max=%.2fms (%d samples); p99 ratio %.2f; normal connects %d/%d; flood %d connects: "
                            + "429=%d 200=%d other=%d; slowloris %d sockets: 429=%d other-ends=%d held-at-end=%d; "
                            + "rejected metrics: %s",
                    ms(quiet, 0.50), ms(quiet, 0.99), ms(quiet, 1.0), quiet.length,
                    ms(attacked, 0.50), ms(attacked, 0.99), ms(attacked, 1.0), attacked.length,
                    ms(attacked, 0.99) / ms(quiet, 0.99), normalConnected.get(), normalAttempts.get(),
                    attack.floodConnects.get(), attack.flood429.get(), attack.flood200.get(), attack.floodOther.get(),
                    attack.slowlorisOpened.get(), attack.slowloris429.get(), attack.slowlorisEnded.get(),
                    attack.slowlorisHeld.get(), rejections(herald));
            System.out.println(report);

            for (Subscriber subscriber : subscribers) {
                subscriber.socket.close();
            }
            for (Thread reader : readers) {
                reader.join(5_000);
            }
            assertEquals(normalAttempts.get(), normalConnected.get(), "every normal connect succeeds: " + report);
            assertTrue(attack.flood429.get() > 0 && attack.flood429.get() > 10 * attack.flood200.get(),
                    "the flood gets 429s: " + report);
            for (Subscriber subscriber : subscribers) {
                assertEquals(published[0], subscriber.counts[0], "every quiet event arrived: " + report);
                assertEquals(published[1], subscriber.counts[1], "every event under attack arrived: " + report);
            }
            // The 10 % goal on p99 is reported, not asserted: attacker, victims and server share this JVM and two
            // cores. What must hold: the median barely moves and nothing stalls for a second.
            assertTrue(ms(attacked, 0.50) <= 2 * ms(quiet, 0.50) + 2, "the median under attack stays: " + report);
            assertTrue(ms(attacked, 0.99) < 1_000, "no delivery stalls for a second under attack: " + report);
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

    /** 127.0.0.2: 1,000 slowloris sockets (a header line a second) and a connection flood, until {@code end}. */
    private static final class Attack {
        final int port;
        final long end;
        final AtomicLong floodConnects = new AtomicLong();
        final AtomicLong flood429 = new AtomicLong();
        final AtomicLong flood200 = new AtomicLong();
        final AtomicLong floodOther = new AtomicLong();
        final AtomicInteger slowlorisOpened = new AtomicInteger();
        final AtomicInteger slowloris429 = new AtomicInteger();
        final AtomicInteger slowlorisEnded = new AtomicInteger();
        final AtomicInteger slowlorisHeld = new AtomicInteger();
        final List<Thread> threads = new ArrayList<>();

        Attack(int port, long end) {
            this.port = port;
            this.end = end;
        }

        void run() {
            for (int i = 0; i < SLOWLORIS; i++) {
                threads.add(Thread.ofVirtual().start(this::slowloris));
            }
            for (int i = 0; i < FLOOD_THREADS; i++) {
                threads.add(Thread.ofPlatform().name("attack-flood-" + i).start(this::flood));
            }
        }

        void join() throws InterruptedException {
            for (Thread thread : threads) {
                thread.join(30_000);
            }
        }

        private void slowloris() {
            try (Socket socket = TestHttp.connectFrom("127.0.0.2", port)) {
                slowlorisOpened.incrementAndGet();
                TestHttp.write(socket, "GET /topics/attack HTTP/1.1\r\nHost: h\r\n");
                socket.setSoTimeout(1_000);
                InputStream in = socket.getInputStream();
                while (System.nanoTime() < end) {
                    try {
                        byte[] answer = in.readNBytes(12);
                        if (new String(answer, StandardCharsets.ISO_8859_1).equals("HTTP/1.1 429")) {
                            slowloris429.incrementAndGet();
                        } else {
                            slowlorisEnded.incrementAndGet();
                        }
                        return;
                    } catch (SocketTimeoutException e) {
                        TestHttp.write(socket, "X-Trickle: 1\r\n");
                    }
                }
                slowlorisHeld.incrementAndGet();
            } catch (IOException e) {
                slowlorisEnded.incrementAndGet();        // refused with a reset, or the connect itself failed
            }
        }

        private void flood() {
            byte[] request = "GET /health HTTP/1.1\r\nHost: h\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
            while (System.nanoTime() < end && floodConnects.incrementAndGet() <= FLOOD_MAX_CONNECTIONS) {
                try (Socket socket = TestHttp.connectFrom("127.0.0.2", port)) {
                    socket.getOutputStream().write(request);
                    byte[] status = socket.getInputStream().readNBytes(12);
                    String text = new String(status, StandardCharsets.ISO_8859_1);
                    if (text.equals("HTTP/1.1 429")) {
                        flood429.incrementAndGet();
                    } else if (text.equals("HTTP/1.1 200")) {
                        flood200.incrementAndGet();
                    } else {
                        floodOther.incrementAndGet();
                    }
                } catch (IOException e) {
                    floodOther.incrementAndGet();
                }
            }
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
