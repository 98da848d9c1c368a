package herald.protocol.http2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Fuzz: random client conversations (mostly well-formed frames of every type with random ids, flags, lengths and
 * values, then mutated bytes) fed in random chunks to an {@link Http2Connection} whose transport randomly answers,
 * writes DATA, consumes, resets and shuts down. Whatever the input: {@code receive} throws nothing, the output is
 * whole frames, errors carry only the codes RFC 9113 names for a client's faults, a connection error ends the
 * output with GOAWAY and the connection stays dead, the listener's stream events keep their order, and streams and
 * output stay within the limits.
 *
 * <p>{@code -Dherald.seed=<long>} replays a run (the seed is printed); {@code -Dherald.fuzz.iterations=<n>} runs
 * longer than the default.
 */
final class Http2FuzzTest {
    private static final int DEFAULT_ITERATIONS = 3_000;
    private static final Set<ErrorCode> CONNECTION_CODES = EnumSet.of(ErrorCode.PROTOCOL_ERROR,
            ErrorCode.FLOW_CONTROL_ERROR, ErrorCode.FRAME_SIZE_ERROR, ErrorCode.STREAM_CLOSED,
            ErrorCode.COMPRESSION_ERROR, ErrorCode.ENHANCE_YOUR_CALM);
    private static final Set<ErrorCode> STREAM_CODES = EnumSet.of(ErrorCode.PROTOCOL_ERROR,
            ErrorCode.FLOW_CONTROL_ERROR, ErrorCode.FRAME_SIZE_ERROR, ErrorCode.STREAM_CLOSED,
            ErrorCode.REFUSED_STREAM, ErrorCode.NO_ERROR, ErrorCode.CANCEL);
    private static final Http2Limits SMALL = new Http2Limits(3, 1_000, 65_535, 16_384, 300, 4_096, 8, 6, 2, 4);

    @Test
    void shouldEndEveryConversationInEventsOrDocumentedErrors() {
        long seed = longProperty("herald.seed", new SplittableRandom().nextLong());
        long iterations = longProperty("herald.fuzz.iterations", DEFAULT_ITERATIONS);
        System.out.printf("Http2FuzzTest: -Dherald.seed=%d -Dherald.fuzz.iterations=%d%n", seed, iterations);
        long[] outcomes = new long[4];                              // closed, requests, streams reset, limits
        assertTimeoutPreemptively(Duration.ofMillis(60_000 + 20 * iterations), () -> {
            SplittableRandom random = new SplittableRandom(seed);
            for (long i = 0; i < iterations; i++) {
                byte[] input = conversation(random);
                try {
                    run(input, random.nextBoolean() ? SMALL : Http2Limits.DEFAULTS, random.split(), outcomes);
                } catch (RuntimeException | AssertionError e) {
                    throw new AssertionError("herald.seed=" + seed + " iteration=" + i + " length=" + input.length,
                            e);
                }
            }
        });
        System.out.printf("Http2FuzzTest: %d conversations, %d ended by a connection error, %d requests, %d stream"
                + " resets, %d limits hit%n", iterations, outcomes[0], outcomes[1], outcomes[2], outcomes[3]);
        assertTrue(outcomes[0] > 0 && outcomes[0] < iterations && outcomes[1] > 0 && outcomes[2] > 0,
                "the conversations reach both ends");
    }

    private static void run(byte[] input, Http2Limits limits, SplittableRandom random, long[] outcomes) {
        ChaosTransport transport = new ChaosTransport(random);
        Http2Connection h2 = new Http2Connection(limits, new LiteralDecoder(), transport);
        transport.h2 = h2;
        transport.drain();
        int at = 0;
        while (at < input.length) {
            int n = Math.min(input.length - at, 1 + random.nextInt(random.nextBoolean() ? 16 : 4_000));
            boolean closedBefore = h2.isClosed();
            ByteBuffer chunk = ByteBuffer.wrap(input, at, n);
            h2.receive(chunk);
            assertFalse(chunk.hasRemaining(), "receive left bytes");
            at += n;
            assertTrue(h2.activeStreams() <= limits.maxConcurrentStreams(), "streams=" + h2.activeStreams());
            assertTrue(h2.outputBytes() <= 1_024 + limits.maxPendingControlFrames() * 17 + 4 * 13 * 128,
                    "output=" + h2.outputBytes());
            if (random.nextInt(3) > 0 || h2.isClosed()) {
                List<Frame> frames = transport.drain();
                if (closedBefore) {
                    assertTrue(frames.isEmpty(), "output after the connection error: " + frames);
                }
            }
            if (random.nextInt(50) == 0) {
                h2.goAway();
            }
        }
        transport.drain();
        outcomes[0] += h2.isClosed() ? 1 : 0;
        outcomes[1] += transport.requests;
        outcomes[2] += transport.resets;
        outcomes[3] += transport.limits;
        if (h2.isClosed()) {
            assertEquals(1, transport.connectionErrors, "one connection error");
            assertEquals(FrameDescriptor.TYPE_GOAWAY, transport.last.type(), "GOAWAY last");
            assertTrue(CONNECTION_CODES.contains(transport.last.errorCode()), "code " + transport.last.errorCode());
            assertEquals(0, h2.sendableBytes(1));
        } else {
            assertEquals(0, transport.connectionErrors);
        }
    }

    /** A transport that answers at random, checking the order of events per stream. */
    private static final class ChaosTransport implements Http2Listener {
        private final SplittableRandom random;
        private final Map<Integer, Integer> unconsumed = new HashMap<>();
        private final Map<Integer, String> state = new HashMap<>();     // "open", "ended" (body complete), "gone"
        private final ByteBuffer scratch = ByteBuffer.allocate(64 * 1_024);
        Http2Connection h2;
        int connectionErrors;
        int requests;
        int resets;
        int limits;
        Frame last;

        ChaosTransport(SplittableRandom random) {
            this.random = random;
        }

        List<Frame> drain() {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            ByteBuffer dst = ByteBuffer.allocate(1 + random.nextInt(2_000));
            while (h2.hasOutput()) {
                dst.clear();
                h2.drainOutput(dst);
                bytes.write(dst.array(), 0, dst.position());
            }
            List<Frame> frames = Frame.parseAll(bytes.toByteArray());
            for (Frame frame : frames) {
                if (frame.type() == FrameDescriptor.TYPE_RST_STREAM) {
                    assertTrue(STREAM_CODES.contains(frame.errorCode()), "RST_STREAM " + frame.errorCode());
                }
                if (last != null && last.type() == FrameDescriptor.TYPE_GOAWAY && last.errorCode() != ErrorCode.NO_ERROR) {
                    throw new AssertionError("frame after an error GOAWAY: " + frame);
                }
                last = frame;
            }
            return frames;
        }

        private void act(int streamId) {
            switch (random.nextInt(6)) {
                case 0 -> {
                    if (h2.streamWritable(streamId)) {
                        scratch.clear();
                        h2.writeHeaders(scratch, streamId, ByteBuffer.wrap(new byte[random.nextInt(40_000)]),
                                random.nextInt(4) == 0);
                    }
                }
                case 1 -> {
                    int n = h2.sendableBytes(streamId);
                    if (h2.streamWritable(streamId)) {
                        scratch.clear();
                        h2.writeDataHeader(scratch, streamId, n == 0 ? 0 : random.nextInt(n + 1),
                                random.nextInt(8) == 0);
                    }
                }
                case 2 -> {
                    int held = unconsumed.getOrDefault(streamId, 0);
                    if (held > 0) {
                        int n = 1 + random.nextInt(held);
                        unconsumed.put(streamId, held - n);
                        h2.consumed(streamId, n);
                    }
                }
                case 3 -> {
                    if (random.nextInt(4) == 0 && h2.resetStream(streamId, ErrorCode.CANCEL)) {
                        state.put(streamId, "gone");
                    }
                }
                default -> {
                }
            }
        }

        @Override
        public void onRequest(int streamId, RequestHeaders request, boolean endStream) {
            assertEquals(null, state.get(streamId), "request twice on " + streamId);
            assertTrue(request.method() != null);
            state.put(streamId, endStream ? "ended" : "open");
            requests++;
            act(streamId);
        }

        @Override
        public void onRequestRejected(int streamId, int status, String reason) {
            assertEquals(null, state.get(streamId));
            assertEquals(431, status);
            state.put(streamId, "ended");
            act(streamId);
        }

        @Override
        public void onData(int streamId, ByteBuffer data, boolean endStream) {
            assertEquals("open", state.get(streamId), "data on " + streamId);
            unconsumed.merge(streamId, data.remaining(), Integer::sum);
            if (endStream) {
                state.put(streamId, "ended");
            }
            act(streamId);
        }

        @Override
        public void onStreamReset(int streamId, ErrorCode code) {
            String s = state.get(streamId);
            assertTrue("open".equals(s) || "ended".equals(s), "reset of " + s + " stream " + streamId);
            state.put(streamId, "gone");
            resets++;
        }

        @Override
        public void onSendWindowOpened(int streamId) {
            assertTrue(h2.connectionSendWindow() > 0 || streamId != 0);
            if (streamId != 0) {
                act(streamId);
            }
        }

        @Override
        public void onGoAway(int lastStreamId, ErrorCode code) {
            assertTrue(lastStreamId >= 0);
        }

        @Override
        public void onConnectionError(ErrorCode code, String reason) {
            connectionErrors++;
            assertTrue(CONNECTION_CODES.contains(code), "connection error " + code);
            assertFalse(reason.isEmpty());
        }

        @Override
        public void onLimitExceeded(Http2Limit limit) {
            limits++;
        }
    }

    // ---------------------------------------------------------------- conversations

    private static final int[] STREAM_IDS = {0, 1, 1, 1, 3, 3, 5, 7, 2, 9, 11, 0x7fff_ffff};

    private static byte[] conversation(SplittableRandom random) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (random.nextInt(20) > 0) {
            out.writeBytes(ConnectionPreface.bytes());
        }
        if (random.nextInt(20) > 0) {
            out.writeBytes(Peer.settings(randomSettings(random)));
        }
        boolean polite = random.nextBoolean();                      // mostly valid frames: reach deep states
        int frames = 1 + random.nextInt(polite ? 80 : 40);
        int[] nextStream = {1};
        List<Integer> open = new java.util.ArrayList<>();
        for (int i = 0; i < frames; i++) {
            if (polite && random.nextInt(40) > 0) {
                out.writeBytes(politeFrame(random, nextStream, open));
                continue;
            }
            int streamId = random.nextInt(3) == 0 ? nextStream[0] : STREAM_IDS[random.nextInt(STREAM_IDS.length)];
            if (streamId == nextStream[0]) {
                nextStream[0] += 2;
            }
            out.writeBytes(randomFrame(random, streamId));
        }
        byte[] bytes = out.toByteArray();
        return random.nextInt(polite ? 8 : 3) == 0 ? mutate(bytes, random) : bytes;
    }

    /** A frame a well-behaved client could send now. */
    private static byte[] politeFrame(SplittableRandom random, int[] nextStream, List<Integer> open) {
        int pick = random.nextInt(10);
        if (open.isEmpty() || pick < 3) {
            int id = nextStream[0];
            nextStream[0] += 2;
            boolean body = random.nextBoolean();
            if (body) {
                open.add(id);
            }
            byte[] block = body ? LiteralDecoder.post("/p") : LiteralDecoder.get("/s");
            if (random.nextInt(4) > 0) {
                return Peer.headers(id, block, !body);
            }
            int cut = random.nextInt(block.length + 1);
            return Peer.concat(Peer.frame(FrameDescriptor.TYPE_HEADERS, body ? 0 : 1, id,
                    java.util.Arrays.copyOf(block, cut)), Peer.frame(FrameDescriptor.TYPE_CONTINUATION, 4, id,
                    java.util.Arrays.copyOfRange(block, cut, block.length)));
        }
        int id = open.get(random.nextInt(open.size()));
        return switch (pick) {
            case 3, 4, 5 -> {
                boolean end = random.nextInt(4) == 0;
                if (end) {
                    open.remove(Integer.valueOf(id));
                }
                if (random.nextInt(4) == 0) {
                    byte[] padded = new byte[2 + random.nextInt(50)];
                    padded[0] = (byte) random.nextInt(padded.length - 1);
                    yield Peer.frame(FrameDescriptor.TYPE_DATA, 8 | (end ? 1 : 0), id, padded);
                }
                yield Peer.data(id, new byte[random.nextInt(2_000)], end);
            }
            case 6 -> {
                open.remove(Integer.valueOf(id));
                yield Peer.rstStream(id, ErrorCode.CANCEL);
            }
            case 7 -> Peer.windowUpdate(random.nextBoolean() ? 0 : id, 1 + random.nextInt(100_000));
            case 8 -> random.nextBoolean() ? Peer.ping(random.nextLong())
                    : Peer.settings(FrameDescriptor.SETTINGS_INITIAL_WINDOW_SIZE, random.nextInt(200_000));
            default -> Peer.priority(id, 0);
        };
    }

    private static byte[] randomFrame(SplittableRandom random, int streamId) {
        int type = random.nextInt(12);
        int flags = random.nextInt(4) == 0 ? random.nextInt(256) : 0;
        return switch (type) {
            case 0 -> Peer.frame(FrameDescriptor.TYPE_DATA, flags | (random.nextBoolean() ? 1 : 0), streamId,
                    new byte[random.nextInt(3) == 0 ? 0 : random.nextInt(random.nextBoolean() ? 20 : 17_000)]);
            case 1, 2 -> Peer.frame(FrameDescriptor.TYPE_HEADERS, flags | (random.nextInt(4) > 0 ? 4 : 0)
                    | (random.nextBoolean() ? 1 : 0), streamId, block(random));
            case 3 -> Peer.priority(streamId, random.nextInt(4) == 0 ? streamId : random.nextInt(9));
            case 4 -> Peer.rstStream(streamId, ErrorCode.of(random.nextInt(16)));
            case 5 -> random.nextInt(4) == 0 ? Peer.settingsAck() : Peer.settings(randomSettings(random));
            case 6 -> Peer.frame(FrameDescriptor.TYPE_PING, flags, random.nextInt(8) == 0 ? streamId : 0,
                    new byte[random.nextInt(8) == 0 ? random.nextInt(12) : 8]);
            case 7 -> Peer.frame(FrameDescriptor.TYPE_GOAWAY, 0, random.nextInt(8) == 0 ? streamId : 0,
                    new byte[random.nextInt(8) == 0 ? random.nextInt(8) : 8 + random.nextInt(4)]);
            case 8 -> Peer.windowUpdate(streamId, random.nextInt(4) == 0 ? random.nextInt() : random.nextInt(70_000));
            case 9 -> Peer.frame(FrameDescriptor.TYPE_CONTINUATION, random.nextBoolean() ? 4 : 0, streamId,
                    java.util.Arrays.copyOf(block(random), random.nextInt(30)));
            case 10 -> Peer.frame(FrameDescriptor.TYPE_PUSH_PROMISE, 4, streamId, new byte[4]);
            default -> Peer.frame(10 + random.nextInt(246), flags, streamId, new byte[random.nextInt(10)]);
        };
    }

    private static byte[] block(SplittableRandom random) {
        return switch (random.nextInt(6)) {
            case 0 -> LiteralDecoder.post("/p", "content-length", Integer.toString(random.nextInt(30)));
            case 1 -> LiteralDecoder.encode(":method", "GET", ":path", "/x", "Bad", "v");
            case 2 -> mutate(LiteralDecoder.get("/g"), random);
            case 3 -> LiteralDecoder.encode("trailer", "x");
            default -> LiteralDecoder.get("/s");
        };
    }

    private static int[] randomSettings(SplittableRandom random) {
        int n = random.nextInt(4);
        int[] pairs = new int[2 * n];
        for (int i = 0; i < n; i++) {
            pairs[2 * i] = 1 + random.nextInt(8);
            pairs[2 * i + 1] = switch (random.nextInt(5)) {
                case 0 -> random.nextInt();
                case 1 -> random.nextInt(3);
                case 2 -> 16_384 + random.nextInt(100);
                default -> random.nextInt(100_000);
            };
        }
        return pairs;
    }

    private static byte[] mutate(byte[] original, SplittableRandom random) {
        byte[] b = original.clone();
        int mutations = 1 + random.nextInt(4);
        for (int m = 0; m < mutations && b.length > 0; m++) {
            int at = random.nextInt(b.length);
            switch (random.nextInt(4)) {
                case 0 -> b[at] ^= (byte) (1 << random.nextInt(8));
                case 1 -> b[at] = (byte) random.nextInt(256);
                case 2 -> b = java.util.Arrays.copyOf(b, at);
                default -> {
                    byte[] longer = new byte[b.length + 1];
                    System.arraycopy(b, 0, longer, 0, at);
                    longer[at] = (byte) random.nextInt(256);
                    System.arraycopy(b, at, longer, at + 1, b.length - at);
                    b = longer;
                }
            }
        }
        return b;
    }

    private static long longProperty(String name, long defaultValue) {
        String value = System.getProperty(name);
        if (value == null || value.isBlank() || value.startsWith("${")) {
            return defaultValue;
        }
        return Long.parseLong(value.trim());
    }

}
