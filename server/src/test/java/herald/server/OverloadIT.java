package herald.server;

import herald.protocol.sse.SseListener;
import herald.protocol.sse.SseStreamParser;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Overload over real sockets (README "Slow consumers and overload"): subscribers that all read, but slower than a
 * publisher publishes, push the publisher back (HTTP 503 with {@code Retry-After: 1}, {@code tryPublish}'s
 * PUSHED_BACK) instead of being cut off, and lose nothing; a refused publish is in no stream. About 10 s.
 */
class OverloadIT {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String PAYLOAD = "p".repeat(1_000);

    @Test
    void shouldPushBackAFastPublisherInsteadOfCuttingOffSlowedSubscribers() throws Exception {
        int subscribers = 20;
        // A window of 4,096 events of 1 KiB. A subscriber's position is what its socket took, so positions differ by
        // what the kernel buffers for each (the send buffer grows to 4 MiB): the half of the window the slowest
        // may lag behind the protected one (2 MiB) covers most of that; readers paced on one clock do the rest.
        try (Herald herald = TestServer.start(b -> b.retention(new Retention(4_096, 8 << 20, 64 << 10))
                .overload(Duration.ofMillis(50), 0.1))) {
            List<SlowReader> readers = new ArrayList<>();
            long start = System.nanoTime();
            try {
                for (int i = 0; i < subscribers; i++) {
                    readers.add(new SlowReader(herald.port(), "/topics/burst", start));
                }
                assertTrue(TestServer.eventually(WAIT, () -> herald.subscribers("burst") == subscribers));

                Map<String, String> accepted = new ConcurrentHashMap<>();   // id -> data
                AtomicInteger codePushedBack = new AtomicInteger();
                AtomicInteger http503 = new AtomicInteger();
                AtomicInteger httpOther = new AtomicInteger();
                AtomicLong deadline = new AtomicLong(System.nanoTime() + Duration.ofSeconds(4).toNanos());
                Thread http = Thread.ofVirtual().start(() -> {
                    for (int i = 0; System.nanoTime() < deadline.get(); i++) {
                        String data = "http-" + i + " " + PAYLOAD;
                        try {
                            TestHttp.Response response = TestHttp.request(herald.port(), "POST", "/topics/burst",
                                    data);
                            if (response.status() == 202) {
                                String body = response.body();
                                int at = body.indexOf("\"id\":\"") + 6;
                                accepted.put(body.substring(at, body.indexOf('"', at)), data);
                            } else if (response.status() == 503 && "1".equals(response.header("Retry-After"))
                                    && response.body().contains("cannot keep up")) {
                                http503.incrementAndGet();
                            } else {
                                httpOther.incrementAndGet();
                            }
                        } catch (IOException e) {
                            httpOther.incrementAndGet();
                        }
                    }
                });
                for (int i = 0; System.nanoTime() < deadline.get(); i++) {
                    String data = "code-" + i + " " + PAYLOAD;
                    PublishResult result = herald.tryPublish("burst", null, data, Duration.ofMillis(20));
                    if (result.published()) {
                        accepted.put(result.id(), data);
                    } else {
                        assertEquals(PublishResult.Status.PUSHED_BACK, result.status(), result.reason());
                        codePushedBack.incrementAndGet();
                    }
                }
                http.join();
                String counts = "accepted " + accepted.size() + ", pushed back from code " + codePushedBack
                        + ", HTTP 503 " + http503 + ", other HTTP answers " + httpOther;
                System.out.println("OverloadIT: " + counts);
                assertTrue(codePushedBack.get() > 0, "the publisher was pushed back: " + counts);
                assertTrue(http503.get() > 0, "HTTP publishers got 503 + Retry-After: 1: " + counts);
                assertEquals(0, httpOther.get(), counts);

                List<Long> sequences = accepted.keySet().stream()
                        .map(id -> Long.parseLong(id.substring(id.indexOf('-') + 1))).sorted().toList();
                for (int i = 0; i < sequences.size(); i++) {
                    assertEquals(i + 1, sequences.get(i), "refused publishes took no sequence");
                }
                for (SlowReader reader : readers) {
                    reader.fast = true;
                }
                for (SlowReader reader : readers) {
                    assertTrue(TestServer.eventually(WAIT, () -> reader.events.size() >= accepted.size()
                            || reader.ended.get()), "reader caught up");
                    assertFalse(reader.ended.get(), "not cut off");
                    assertEquals(accepted.size(), reader.events.size(), "every accepted event, once");
                    for (int i = 0; i < reader.events.size(); i++) {
                        String[] event = reader.events.get(i);
                        assertEquals(i + 1, Long.parseLong(event[0].substring(event[0].indexOf('-') + 1)),
                                "in order, no gap");
                        assertEquals(accepted.get(event[0]), event[1], "the data published with that id");
                    }
                    assertFalse(reader.gapSeen, "no herald-gap");
                }
                String metrics = herald.metricsText();
                assertTrue(metrics.contains("herald_slow_consumer_cutoffs_total 0\n"), metrics);
                assertTrue(metrics.contains("herald_publish_pushbacks_total " + (codePushedBack.get() + http503.get())
                        + "\n"), metrics);
            } finally {
                for (SlowReader reader : readers) {
                    reader.close();
                }
            }
        }
    }

    @Test
    void shouldStillCutOffOneStalledSubscriberWithoutPushingBack() throws Exception {
        try (Herald herald = TestServer.start(b -> b.retention(new Retention(256, 1 << 20, 64 << 10)))) {
            try (SseClient stalled = SseClient.open(herald.port(), "/topics/one", 4_096, false);
                 SseClient healthy = SseClient.open(herald.port(), "/topics/one");
                 SseClient healthy2 = SseClient.open(herald.port(), "/topics/one")) {
                assertTrue(TestServer.eventually(WAIT, () -> herald.subscribers("one") == 3));
                int events = 12_000;                     // 12 MB: more than the kernel buffers a stalled socket
                for (int i = 0; i < events; i++) {
                    herald.publish("one", i + " " + PAYLOAD);
                    if (i % 50 == 49) {
                        int sent = i;
                        assertTrue(TestServer.eventually(WAIT, () -> healthy.received() >= sent - 100
                                && healthy2.received() >= sent - 100));
                    }
                }
                assertEquals(events, healthy.take(events, WAIT).size());
                assertEquals(events, healthy2.take(events, WAIT).size());
                assertTrue(stalled.serverClosed(Duration.ofSeconds(10)), "the stalled subscriber was cut off");
                String metrics = herald.metricsText();
                assertTrue(metrics.contains("herald_publish_pushbacks_total 0\n"), metrics);
                assertTrue(metrics.contains("herald_slow_consumer_cutoffs_total 1\n"), metrics);
            }
        }
    }

    /**
     * A subscriber that reads at most {@link #BYTES_PER_SECOND} since a start shared by all (so that all are equally
     * slow; one that fell behind the pace catches up), until told to read fast; records (id, data) per event.
     */
    private static final class SlowReader implements AutoCloseable {
        final List<String[]> events = java.util.Collections.synchronizedList(new ArrayList<>());
        final java.util.concurrent.atomic.AtomicBoolean ended = new java.util.concurrent.atomic.AtomicBoolean();
        volatile boolean fast;
        volatile boolean gapSeen;
        private final Socket socket;

        static final long BYTES_PER_SECOND = 128 << 10;   // slow: a reader starved for a while (a busy machine)
                                                          // lags the others by little

        SlowReader(int port, String target, long start) throws IOException {
            socket = new Socket();
            socket.setReceiveBufferSize(16 << 10);
            socket.connect(new InetSocketAddress("127.0.0.1", port), TestHttp.TIMEOUT_MILLIS);
            socket.getOutputStream().write(("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Accept: text/event-stream\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            String head = TestHttp.readHead(in);
            if (head == null || !head.startsWith("HTTP/1.1 200")) {
                throw new IOException("not a stream: " + head);
            }
            SseStreamParser parser = new SseStreamParser(new SseListener() {
                @Override
                public void onEvent(CharSequence type, CharSequence data, CharSequence id) {
                    if (type.toString().equals("herald-gap")) {
                        gapSeen = true;
                    }
                    events.add(new String[] {id.toString(), data.toString()});
                }
            });
            Thread.ofVirtual().start(() -> {
                byte[] buffer = new byte[4_096];
                long read = 0;
                try {
                    for (int n; (n = in.read(buffer)) >= 0; ) {
                        parser.parse(ByteBuffer.wrap(buffer, 0, n));
                        read += n;
                        long ahead = read - (System.nanoTime() - start) * BYTES_PER_SECOND / 1_000_000_000L;
                        if (!fast && ahead > 0) {
                            Thread.sleep(Math.max(1, ahead * 1_000 / BYTES_PER_SECOND));
                        }
                    }
                } catch (IOException | InterruptedException e) {
                    // closed by the test, or cut off by the server
                }
                ended.set(true);
            });
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
