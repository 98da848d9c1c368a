package herald.protocol.http2;

import static herald.protocol.http2.FrameDescriptor.TYPE_CONTINUATION;
import static herald.protocol.http2.FrameDescriptor.TYPE_HEADERS;
import static herald.protocol.http2.Peer.data;
import static herald.protocol.http2.Peer.frame;
import static herald.protocol.http2.Peer.get;
import static herald.protocol.http2.Peer.headers;
import static herald.protocol.http2.Peer.rstStream;
import static herald.protocol.http2.Peer.settings;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The known HTTP/2 attacks against {@link Http2Connection}: each ends in the right error with the connection's
 * memory bounded, is counted as its {@link Http2Limit}, and leaves legitimate traffic of the same shape alone.
 */
final class Http2AttackTest {

    private static long count(Peer peer, String event) {
        return peer.events.stream().filter(event::equals).count();
    }

    // ---------------------------------------------------------------- rapid reset, CVE-2023-44487

    @Test
    void shouldEndRapidResetLoopWithEnhanceYourCalm() {
        Peer peer = Peer.connected(Http2Limits.DEFAULTS.withRapidResets(10, 100));
        ByteArrayOutputStream attack = new ByteArrayOutputStream();
        for (int id = 1; id < 2_000; id += 2) {                     // one read: 1,000 streams opened and reset
            attack.writeBytes(get(id));
            attack.writeBytes(rstStream(id, ErrorCode.CANCEL));
        }
        peer.send(attack.toByteArray());
        Frame goAway = peer.assertConnectionError(ErrorCode.ENHANCE_YOUR_CALM);
        assertEquals(1, count(peer, "limit RAPID_RESET"), "counted once");
        assertEquals(11, peer.events.stream().filter(e -> e.startsWith("request")).count(),
                "stopped at the 11th reset, the rest of the read ignored");
        assertEquals(21, goAway.int32(0), "last stream id");
        assertEquals(1, peer.h2.limitCount(Http2Limit.RAPID_RESET));
        assertEquals(0, peer.h2.activeStreams());
    }

    @Test
    void shouldEndRapidResetWithDefaultLimitsAfter200Resets() {
        Peer peer = Peer.connected();
        for (int id = 1; id < 1_000 && !peer.h2.isClosed(); id += 2) {
            peer.send(get(id), rstStream(id, ErrorCode.CANCEL));
        }
        peer.assertConnectionError(ErrorCode.ENHANCE_YOUR_CALM);
        assertEquals(201, peer.events.stream().filter(e -> e.startsWith("reset")).count());
    }

    /** Browsers close EventSources with RST_STREAM CANCEL after the response head: not a rapid reset. */
    @Test
    void shouldNotCountResetsAfterResponseHeadLikeClosedEventSources() {
        Peer peer = Peer.connected(Http2Limits.DEFAULTS.withRapidResets(10, 100));
        for (int id = 1; id < 2_000; id += 2) {
            peer.send(get(id));
            peer.h2.writeHeaders(ByteBuffer.allocate(64), id, ByteBuffer.allocate(1), false);
            peer.send(rstStream(id, ErrorCode.CANCEL));
        }
        assertFalse(peer.h2.isClosed());
        assertEquals(1_000, peer.events.stream().filter(e -> e.startsWith("reset")).count());
        assertEquals(0, peer.h2.limitCount(Http2Limit.RAPID_RESET));
    }

    @Test
    void shouldCountEarlyResetsPerWindowOfStreams() {
        Peer peer = Peer.connected(Http2Limits.DEFAULTS.withRapidResets(10, 100));
        int id = 1;
        for (int window = 0; window < 20; window++) {               // 10 early resets in every 100 streams
            for (int i = 0; i < 100; i++, id += 2) {
                peer.send(get(id));
                if (i % 10 == 0) {
                    peer.send(rstStream(id, ErrorCode.CANCEL));
                } else {
                    peer.h2.writeHeaders(ByteBuffer.allocate(64), id, ByteBuffer.allocate(1), true);
                }
            }
        }
        assertFalse(peer.h2.isClosed(), peer.events.subList(peer.events.size() - 3, peer.events.size()).toString());
        peer.send(get(id), rstStream(id, ErrorCode.CANCEL));        // the 11th of the 21st window
        assertFalse(peer.h2.isClosed());
    }

    // ---------------------------------------------------------------- CONTINUATION flood, CVE-2024-27316

    @Test
    void shouldCutOffFieldBlockOverHeaderListLimitAcrossContinuationFrames() {
        Peer peer = Peer.connected();
        peer.send(frame(TYPE_HEADERS, 0, 1, new byte[10_000]));
        int frames = 0;
        while (!peer.h2.isClosed() && frames < 1_000) {             // endless CONTINUATION, never END_HEADERS
            peer.send(frame(TYPE_CONTINUATION, 0, 1, new byte[4_000]));
            frames++;
        }
        assertEquals(2, frames, "cut at 10,000 + 2 x 4,000 > 16,384 bytes");
        peer.assertConnectionError(ErrorCode.ENHANCE_YOUR_CALM);
        assertEquals(List.of("limit CONTINUATION_FLOOD", "error ENHANCE_YOUR_CALM"), peer.events);
        assertEquals(0, peer.decoder.blocksDecoded, "nothing decoded: the block was never complete");
    }

    @Test
    void shouldAcceptFieldBlockOfExactlyTheLimitAcrossContinuationFrames() {
        Peer peer = Peer.connected(Http2Limits.DEFAULTS.withMaxHeaderListBytes(100_000));
        byte[] block = LiteralDecoder.post("/p", "x-big", "v".repeat(60_000));
        peer.send(frame(TYPE_HEADERS, 0, 1, java.util.Arrays.copyOfRange(block, 0, 16_384)));
        int at = 16_384;
        while (at < block.length) {
            int end = Math.min(block.length, at + 16_384);
            peer.send(frame(TYPE_CONTINUATION, end == block.length ? FrameDescriptor.FLAG_END_HEADERS : 0, 1,
                    java.util.Arrays.copyOfRange(block, at, end)));
            at = end;
        }
        assertEquals(List.of("request 1 POST /p"), peer.events);
    }

    @Test
    void shouldEndFloodOfEmptyContinuationFrames() {
        Peer peer = Peer.connected();
        peer.send(frame(TYPE_HEADERS, 0, 1, new byte[0]));
        for (int i = 0; i < 10_000 && !peer.h2.isClosed(); i++) {
            peer.send(frame(TYPE_CONTINUATION, 0, 1, new byte[0]));
        }
        peer.assertConnectionError(ErrorCode.ENHANCE_YOUR_CALM);
        assertEquals(1, peer.h2.limitCount(Http2Limit.EMPTY_FRAME_FLOOD));
    }

    // ---------------------------------------------------------------- SETTINGS, PING and reset floods

    @Test
    void shouldEndSettingsFloodOfClientThatDoesNotRead() {
        Peer peer = Peer.connected();
        ByteArrayOutputStream flood = new ByteArrayOutputStream();
        for (int i = 0; i < 5_000; i++) {
            flood.writeBytes(settings(FrameDescriptor.SETTINGS_INITIAL_WINDOW_SIZE, i));
        }
        peer.send(flood.toByteArray());
        List<Frame> frames = peer.drain();
        assertEquals(1_001, frames.size(), "1,000 acks, then GOAWAY");
        assertEquals(ErrorCode.ENHANCE_YOUR_CALM, frames.get(1_000).errorCode());
        assertEquals(List.of("limit SETTINGS_FLOOD", "error ENHANCE_YOUR_CALM"), peer.events);
    }

    @Test
    void shouldAnswerManySettingsWhenTransportDrainsBetweenReads() {
        Peer peer = Peer.connected();
        for (int i = 0; i < 10; i++) {
            for (int j = 0; j < 900; j++) {
                peer.send(settings(FrameDescriptor.SETTINGS_MAX_FRAME_SIZE, 16_384 + j));
            }
            assertEquals(900, peer.drain().size());
        }
        assertFalse(peer.h2.isClosed());
    }

    @Test
    void shouldEndPingFloodOfClientThatDoesNotRead() {
        Peer peer = Peer.connected(Http2Limits.DEFAULTS.withMaxPendingControlFrames(50));
        for (int i = 0; i < 10_000 && !peer.h2.isClosed(); i++) {
            peer.send(Peer.ping(i));
        }
        assertTrue(peer.h2.outputBytes() <= 51 * 17 + 200, "output bounded: " + peer.h2.outputBytes());
        peer.assertConnectionError(ErrorCode.ENHANCE_YOUR_CALM);
        assertEquals(1, peer.h2.limitCount(Http2Limit.PING_FLOOD));
        assertEquals(51, peer.received.size(), "50 acks and the GOAWAY");
    }

    @Test
    void shouldAnswerPingsWhenTransportDrainsBetweenReads() {
        Peer peer = Peer.connected(Http2Limits.DEFAULTS.withMaxPendingControlFrames(50));
        for (int i = 0; i < 5_000; i++) {
            peer.send(Peer.ping(i));
            if (i % 25 == 0) {
                peer.drain();
            }
        }
        peer.drain();
        assertFalse(peer.h2.isClosed());
        assertEquals(5_000, peer.received.size());
    }

    /** Stream errors the client provokes queue RST_STREAMs: bounded like the acknowledgements. */
    @Test
    void shouldEndResetFloodOfRefusedStreams() {
        Peer peer = Peer.connected(Http2Limits.DEFAULTS.withMaxConcurrentStreams(1).withMaxPendingControlFrames(100));
        peer.send(get(1));
        for (int id = 3; id < 10_000 && !peer.h2.isClosed(); id += 2) {
            peer.send(get(id));
        }
        peer.assertConnectionError(ErrorCode.ENHANCE_YOUR_CALM);
        assertEquals(1, peer.h2.limitCount(Http2Limit.RESET_FLOOD));
        assertEquals(100, peer.h2.limitCount(Http2Limit.STREAM_REFUSED) - 1);
    }

    // ---------------------------------------------------------------- empty frames

    @Test
    void shouldEndZeroLengthDataFlood() {
        Peer peer = Peer.connected();
        peer.send(headers(1, LiteralDecoder.post("/p"), false));
        for (int i = 0; i < 100_000 && !peer.h2.isClosed(); i++) {
            peer.send(data(1, new byte[0], false));
        }
        peer.assertConnectionError(ErrorCode.ENHANCE_YOUR_CALM);
        assertEquals(100, count(peer, "data 1 0"), "100 in a row allowed, the 101st ends it");
        assertEquals(1, peer.h2.limitCount(Http2Limit.EMPTY_FRAME_FLOOD));
    }

    @Test
    void shouldAllowEmptyFramesBetweenFramesWithContent() {
        Peer peer = Peer.connected();
        peer.send(headers(1, LiteralDecoder.post("/p"), false));
        for (int round = 0; round < 10; round++) {
            for (int i = 0; i < 100; i++) {
                peer.send(data(1, new byte[0], false));
            }
            peer.send(data(1, new byte[1], false));
            peer.h2.consumed(1, 1);
        }
        assertFalse(peer.h2.isClosed());
    }

    @Test
    void shouldEndPriorityFlood() {
        Peer peer = Peer.connected();
        for (int i = 0; i < 1_000 && !peer.h2.isClosed(); i++) {
            peer.send(Peer.priority(2 * i + 1, 0));
        }
        peer.assertConnectionError(ErrorCode.ENHANCE_YOUR_CALM);
        assertEquals(1, peer.h2.limitCount(Http2Limit.EMPTY_FRAME_FLOOD));
    }

    @Test
    void shouldEndUnknownFrameTypeFlood() {
        Peer peer = Peer.connected();
        for (int i = 0; i < 1_000 && !peer.h2.isClosed(); i++) {
            peer.send(frame(0xcc, 0, 0, new byte[0]));
        }
        peer.assertConnectionError(ErrorCode.ENHANCE_YOUR_CALM);
    }

    // ---------------------------------------------------------------- window-update overflow

    @Test
    void shouldResetEveryStreamWhoseWindowOverflowsAndCountEach() {
        Peer peer = Peer.connected();
        for (int id = 1; id <= 21; id += 2) {
            peer.send(get(id), Peer.windowUpdate(id, Integer.MAX_VALUE), Peer.windowUpdate(id, 1));
            peer.assertStreamError(id, ErrorCode.FLOW_CONTROL_ERROR);
        }
        assertEquals(11, peer.h2.limitCount(Http2Limit.WINDOW_UPDATE_OVERFLOW));
        assertEquals(0, peer.h2.activeStreams());
    }

    // ---------------------------------------------------------------- header list size (HPACK bomb)

    @Test
    void shouldAnswer431ForFieldListOverLimitAndKeepConnection() {
        Peer peer = Peer.connected(Http2Limits.DEFAULTS.withConnectionWindowBytes(65_535));
        String[] fields = new String[2 * 600];
        for (int i = 0; i < 600; i += 1) {
            fields[2 * i] = "a";
            fields[2 * i + 1] = "b";                                // 600 x (1 + 1 + 32) = 20,400 > 16,384
        }
        byte[] block = Peer.concat(LiteralDecoder.post("/p"), LiteralDecoder.encode(fields));
        assertTrue(block.length < 16_384, "encoded small: " + block.length);
        peer.send(headers(1, block, false), data(1, new byte[16_384], false), data(1, new byte[16_384], true));
        assertEquals(List.of("limit HEADER_LIST_TOO_LARGE", "rejected 1 431"), peer.events);
        assertEquals(1, peer.decoder.blocksDecoded, "decoded whole: the HPACK state stays in step");
        assertEquals(List.of(new Frame(FrameDescriptor.TYPE_WINDOW_UPDATE, 0, 0, Peer.int32(32_768))), peer.drain(),
                "the discarded body returns to the connection window without the transport");
        peer.h2.writeHeaders(ByteBuffer.allocate(64), 1, ByteBuffer.allocate(1), true);
        peer.send(get(3));
        assertEquals("request 3 GET /s3 end", peer.events.get(2));
        assertEquals(1, peer.h2.limitCount(Http2Limit.HEADER_LIST_TOO_LARGE));
    }
}
