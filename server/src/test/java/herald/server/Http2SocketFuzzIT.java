package herald.server;

import herald.protocol.http2.ErrorCode;
import herald.protocol.http2.FrameDescriptor;
import herald.protocol.http2.FrameWriter;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Mutated HTTP/2 conversations over real sockets (h2c): a valid conversation (SETTINGS, a GET, a POST with a body,
 * PING, WINDOW_UPDATE, PRIORITY, a GET reset at once) with random bytes flipped, cut, duplicated or inserted. Each ends
 * in answers, a stream error or a GOAWAY; the server never hangs a connection past its deadlines, keeps serving
 * and ends with no connection open. {@code -Dherald.seed=…} replays a run; {@code -Dherald.fuzz.iterations=…}
 * runs longer (default 60).
 */
class Http2SocketFuzzIT {

    private static byte[] conversation() {
        ByteBuffer frames = ByteBuffer.allocate(4_096);
        frames.put(herald.protocol.http2.ConnectionPreface.bytes());
        FrameWriter.writeSettings(frames, FrameDescriptor.SETTINGS_INITIAL_WINDOW_SIZE, 1_000);
        FrameWriter.writeSettingsAck(frames);
        herald.protocol.hpack.HpackEncoder encoder = new herald.protocol.hpack.HpackEncoder(0);
        ByteBuffer block = ByteBuffer.allocate(256);
        encoder.startBlock(block);
        encoder.field(block, ":method", "GET");
        encoder.field(block, ":scheme", "http");
        encoder.field(block, ":authority", "127.0.0.1");
        encoder.field(block, ":path", "/health");
        FrameWriter.writeHeaders(frames, 1, block.flip(), true, 16_384);
        block.clear();
        encoder.field(block, ":method", "POST");
        encoder.field(block, ":scheme", "http");
        encoder.field(block, ":authority", "127.0.0.1");
        encoder.field(block, ":path", "/topics/fuzz");
        encoder.field(block, "content-length", "5");
        FrameWriter.writeHeaders(frames, 3, block.flip(), false, 16_384);
        FrameWriter.writeData(frames, 3, ByteBuffer.wrap("hello".getBytes()), true);
        FrameWriter.writePing(frames, 42L, false);
        FrameWriter.writeWindowUpdate(frames, 0, 10_000);
        FrameWriter.writePriority(frames, 5, 1, false, 16);
        block.clear();
        encoder.field(block, ":method", "GET");
        encoder.field(block, ":scheme", "http");
        encoder.field(block, ":authority", "127.0.0.1");
        encoder.field(block, ":path", "/health");
        FrameWriter.writeHeaders(frames, 5, block.flip(), true, 16_384);
        FrameWriter.writeRstStream(frames, 5, ErrorCode.CANCEL);
        byte[] bytes = new byte[frames.position()];
        frames.flip().get(bytes);
        return bytes;
    }

    private static byte[] mutate(byte[] valid, SplittableRandom random) {
        byte[] bytes = valid.clone();
        int mutations = 1 + random.nextInt(4);
        for (int m = 0; m < mutations; m++) {
            int at = 24 + random.nextInt(bytes.length - 24);     // keep the preface: past it is where frames live
            switch (random.nextInt(4)) {
                case 0 -> bytes[at] = (byte) random.nextInt(256);
                case 1 -> bytes = Arrays.copyOf(bytes, at);     // cut
                case 2 -> {                                      // duplicate a run
                    int length = Math.min(1 + random.nextInt(32), bytes.length - at);
                    byte[] longer = new byte[bytes.length + length];
                    System.arraycopy(bytes, 0, longer, 0, at + length);
                    System.arraycopy(bytes, at, longer, at + length, bytes.length - at);
                    bytes = longer;
                }
                default -> {                                     // insert random bytes
                    int length = 1 + random.nextInt(16);
                    byte[] longer = new byte[bytes.length + length];
                    System.arraycopy(bytes, 0, longer, 0, at);
                    for (int i = 0; i < length; i++) {
                        longer[at + i] = (byte) random.nextInt(256);
                    }
                    System.arraycopy(bytes, at, longer, at + length, bytes.length - at);
                    bytes = longer;
                }
            }
            if (bytes.length <= 24) {
                break;
            }
        }
        return bytes;
    }

    @Test
    void shouldSurviveMutatedConversations() throws Exception {
        long seed = Long.getLong("herald.seed", System.nanoTime());
        int iterations = Integer.getInteger("herald.fuzz.iterations", 60);
        System.out.println("Http2SocketFuzzIT seed=" + seed + " iterations=" + iterations);
        SplittableRandom random = new SplittableRandom(seed);
        byte[] valid = conversation();
        try (Herald herald = TestServer.start(b -> b.timeouts(java.time.Duration.ofSeconds(1),
                java.time.Duration.ofSeconds(1), java.time.Duration.ofSeconds(1), java.time.Duration.ofSeconds(2)))) {
            int goAways = 0;
            for (int i = 0; i < iterations; i++) {
                byte[] bytes = mutate(valid, random);
                try (H2Socket h2 = new H2Socket(herald.port())) {
                    try {
                        h2.socket.getOutputStream().write(bytes);
                        h2.socket.getOutputStream().flush();
                        if (random.nextBoolean()) {
                            h2.socket.shutdownOutput();         // half the time the client leaves at once
                        }
                    } catch (IOException closed) {
                        // the server ended the connection before it had everything: fine
                    }
                    assertTrue(h2.readUntilClosed(10_000), "seed=" + seed + " iteration=" + i
                            + ": the server ends every conversation within its deadlines; " + h2.received);
                    if (h2.goAway() != null) {
                        goAways++;
                    }
                }
            }
            System.out.println("Http2SocketFuzzIT: " + goAways + " of " + iterations + " ended with GOAWAY");
            assertTrue(TestServer.eventually(java.time.Duration.ofSeconds(10),
                    () -> herald.metricsText().contains("herald_connections 0\n")), "seed=" + seed
                    + ": every connection closed: " + herald.metricsText());
            try (H2Socket h2 = new H2Socket(herald.port()).handshake()) {
                ByteBuffer frames = ByteBuffer.allocate(512);
                h2.get(frames, 1, "/health");
                h2.send(frames);
                assertNotNull(h2.readUntil(f -> f.type() == FrameDescriptor.TYPE_DATA, 10_000), "seed=" + seed);
                assertEquals("200", h2.statuses.get(1), "seed=" + seed);
            }
        }
    }
}
