package herald.server;

import herald.protocol.http2.FrameDescriptor;
import herald.protocol.http2.FrameWriter;
import herald.protocol.sse.SseEvent;
import herald.protocol.sse.SseEventCollector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SSE over h2c from the shared event memory, byte for byte: events of random sizes (many larger than the client's
 * SETTINGS_MAX_FRAME_SIZE and than its stream windows) on several streams of one connection (two on one topic, one
 * on another, one multi-topic stream whose id lines are the stream's own), read by a client that reads slowly
 * through a small socket buffer (the server's writes stop part-way and resume) and opens each small window only as
 * it consumes. Every stream must carry exactly the events published, in order; the two streams of one topic the
 * same bytes; the server must never send more than a window or a frame allows. Over h2c, and over TLS (ALPN
 * {@code h2}: the engine encrypts from the same views).
 */
class Http2DataIT {
    private static final int EVENTS_PER_TOPIC = 60;
    private static final int SMALL_WINDOW = 3_000;
    private static final long DEADLINE_MILLIS = 90_000;
    private static Path dir;
    private static Path[] certificate;

    @BeforeAll
    static void certificate() throws Exception {
        dir = Files.createTempDirectory("herald-h2data");
        certificate = TestCerts.ec(dir, "h2data");
    }

    @AfterAll
    static void removeCertificate() throws Exception {
        for (Path file : certificate) {
            Files.deleteIfExists(file);
        }
        Files.deleteIfExists(dir);
    }

    @ParameterizedTest(name = "tls={0}")
    @ValueSource(booleans = {false, true})
    void shouldDeliverEveryByteToSeveralStreamsOfASlowClientWithSmallWindows(boolean tls) throws Exception {
        long seed = System.nanoTime();
        System.out.println("Http2DataIT tls=" + tls + " seed=" + seed);
        Random random = new Random(seed);
        try (Herald herald = TestServer.start(b -> {
                 Herald.Builder built = b.retention(new Retention(1_024, 64L << 20, 256 << 10));
                 return tls ? built.tls(certificate[0], certificate[1]) : built;
             });
             H2Socket h2 = tls
                     ? new H2Socket(TestCerts.connect(TestCerts.trusting(certificate[0]), herald.port(), 4_096, "h2"))
                     : new H2Socket(smallBufferSocket(herald.port()))) {
            if (tls) {
                assertEquals("h2", ((javax.net.ssl.SSLSocket) h2.socket).getApplicationProtocol());
            }
            h2.handshake(FrameDescriptor.SETTINGS_INITIAL_WINDOW_SIZE, SMALL_WINDOW);
            ByteBuffer frames = ByteBuffer.allocate(4_096);
            h2.get(frames, 1, "/topics/big");                          // a large window: fills the socket
            h2.get(frames, 3, "/topics/big");
            h2.get(frames, 5, "/topics/other");
            h2.get(frames, 7, "/events?topic=big&topic=other");       // id lines of its own, copied
            FrameWriter.writeWindowUpdate(frames, 0, 32 << 20);
            FrameWriter.writeWindowUpdate(frames, 1, 16 << 20);
            h2.send(frames);
            assertTrue(TestServer.eventually(Duration.ofSeconds(10),
                    () -> herald.subscribers("big") == 3 && herald.subscribers("other") == 2), "streams open");

            Map<String, List<String>> published = new HashMap<>();
            for (String topic : List.of("big", "other")) {
                published.put(topic, new ArrayList<>());
            }
            for (int i = 0; i < EVENTS_PER_TOPIC; i++) {
                for (String topic : List.of("big", "other")) {
                    String data = topic + "-" + i + "-" + letters(random, size(random));
                    herald.publish(topic, data);
                    published.get(topic).add(data);
                }
            }
            long bigBytes = streamBytesAtLeast(published.get("big"));
            long otherBytes = streamBytesAtLeast(published.get("other"));

            Map<Integer, ByteArrayOutputStream> streams = new HashMap<>();
            Map<Integer, Long> window = new HashMap<>(Map.of(1, SMALL_WINDOW + (16L << 20), 3, (long) SMALL_WINDOW,
                    5, (long) SMALL_WINDOW, 7, (long) SMALL_WINDOW));
            long connectionWindow = 65_535 + (32L << 20);
            int seen = 0;
            long start = System.nanoTime();
            int rounds = 0;
            long deadline = System.nanoTime() + DEADLINE_MILLIS * 1_000_000;
            while (System.nanoTime() < deadline && !complete(streams, published, bigBytes, otherBytes)) {
                rounds++;
                Thread.sleep(random.nextInt(4));                       // a slow reader
                h2.readUntil(f -> false, 5);
                frames.clear();
                for (; seen < h2.received.size(); seen++) {
                    H2Socket.Frame frame = h2.received.get(seen);
                    assertTrue(frame.type() != FrameDescriptor.TYPE_RST_STREAM
                            && frame.type() != FrameDescriptor.TYPE_GOAWAY, "seed=" + seed + ": " + frame);
                    if (frame.type() != FrameDescriptor.TYPE_DATA) {
                        continue;
                    }
                    int length = frame.payload().length;
                    assertTrue(length <= 16_384, "seed=" + seed + ": over SETTINGS_MAX_FRAME_SIZE: " + frame);
                    long left = window.merge(frame.streamId(), (long) -length, Long::sum);
                    connectionWindow -= length;
                    assertTrue(left >= 0 && connectionWindow >= 0, "seed=" + seed + ": over a window: " + frame);
                    streams.computeIfAbsent(frame.streamId(), k -> new ByteArrayOutputStream())
                            .writeBytes(frame.payload());
                    if (length > 0 && frame.streamId() != 1) {         // consumed: open the window again
                        FrameWriter.writeWindowUpdate(frames, frame.streamId(), length);
                        window.merge(frame.streamId(), (long) length, Long::sum);
                    }
                    if (length > 0) {
                        FrameWriter.writeWindowUpdate(frames, 0, length);
                        connectionWindow += length;
                    }
                    if (frames.remaining() < 64) {
                        h2.send(frames);
                        frames.clear();
                    }
                }
                if (frames.position() > 0) {
                    h2.send(frames);
                }
            }

            System.out.println("Http2DataIT: rounds=" + rounds + " ms=" + (System.nanoTime() - start) / 1_000_000
                    + " sizes=" + streams.entrySet().stream().map(e -> e.getKey() + ":" + e.getValue().size()).toList());
            List<String> big = published.get("big");
            List<String> other = published.get("other");
            assertEquals(big, data(streams.get(1)), "seed=" + seed + " stream 1");
            assertEquals(big, data(streams.get(3)), "seed=" + seed + " stream 3");
            assertEquals(withoutComments(streams.get(1)), withoutComments(streams.get(3)),
                    "seed=" + seed + ": one topic, the same bytes (but for heartbeats)");
            assertEquals(other, data(streams.get(5)), "seed=" + seed + " stream 5");
            List<String> multi = data(streams.get(7));
            assertEquals(big, multi.stream().filter(d -> d.startsWith("big-")).toList(), "seed=" + seed + " stream 7");
            assertEquals(other, multi.stream().filter(d -> d.startsWith("other-")).toList(),
                    "seed=" + seed + " stream 7");
            List<SseEvent> multiEvents = SseEventCollector.parse(streams.get(7).toByteArray());
            assertFalse(multiEvents.get(multiEvents.size() - 1).lastEventId().isEmpty(), "multi-topic ids");
            assertEquals(3, herald.subscribers("big"), "every stream still open");
            assertEquals(2, herald.subscribers("other"), "every stream still open");
        }
    }

    /** A loopback socket with a 4 KiB receive buffer, set before connecting (so the TCP window is small from the start). */
    private static java.net.Socket smallBufferSocket(int port) throws java.io.IOException {
        java.net.Socket socket = new java.net.Socket();
        socket.setReceiveBufferSize(4_096);
        socket.connect(new java.net.InetSocketAddress("127.0.0.1", port), TestHttp.TIMEOUT_MILLIS);
        socket.setSoTimeout(TestHttp.TIMEOUT_MILLIS);
        socket.setTcpNoDelay(true);
        return socket;
    }

    /** Mostly small events, one in four between one frame and four (above every window of 3,000 bytes). */
    private static int size(Random random) {
        return switch (random.nextInt(4)) {
            case 0 -> 16_385 + random.nextInt(50_000);
            case 1 -> 1 + random.nextInt(5_000);
            default -> 1 + random.nextInt(300);
        };
    }

    private static String letters(Random random, int n) {
        char[] chars = new char[n];
        for (int i = 0; i < n; i++) {
            chars[i] = (char) ('a' + random.nextInt(26));
        }
        return new String(chars);
    }

    private static long streamBytesAtLeast(List<String> data) {
        long n = 0;
        for (String d : data) {
            n += d.length() + 8;                                       // "data: " and two line feeds at least
        }
        return n;
    }

    private final Map<Integer, Integer> checkedSize = new HashMap<>();
    private final java.util.Set<Integer> done = new java.util.HashSet<>();

    private boolean complete(Map<Integer, ByteArrayOutputStream> streams, Map<String, List<String>> published,
                             long bigBytes, long otherBytes) {
        return has(streams, 1, bigBytes, EVENTS_PER_TOPIC)
                & has(streams, 3, bigBytes, EVENTS_PER_TOPIC)
                & has(streams, 5, otherBytes, EVENTS_PER_TOPIC)
                & has(streams, 7, bigBytes + otherBytes, 2 * EVENTS_PER_TOPIC);
    }

    /** Whether stream {@code id} has all its events; parses a stream only when it grew past {@code atLeast}. */
    private boolean has(Map<Integer, ByteArrayOutputStream> streams, int id, long atLeast, int events) {
        ByteArrayOutputStream bytes = streams.get(id);
        if (done.contains(id)) {
            return true;
        }
        if (bytes == null || bytes.size() < atLeast || checkedSize.getOrDefault(id, -1) == bytes.size()) {
            return false;
        }
        checkedSize.put(id, bytes.size());
        if (data(bytes).size() >= events) {
            done.add(id);
            return true;
        }
        return false;
    }

    /** The stream without its comment lines (heartbeats come whenever a stream idles). */
    private static String withoutComments(ByteArrayOutputStream bytes) {
        StringBuilder text = new StringBuilder();
        for (String line : bytes.toString(java.nio.charset.StandardCharsets.UTF_8).split("\n", -1)) {
            if (!line.startsWith(":")) {
                text.append(line).append('\n');
            }
        }
        return text.toString();
    }

    private static List<String> data(ByteArrayOutputStream bytes) {
        List<String> data = new ArrayList<>();
        if (bytes == null) {
            return data;
        }
        for (SseEvent event : SseEventCollector.parse(bytes.toByteArray())) {
            data.add(event.data());
        }
        return data;
    }
}
