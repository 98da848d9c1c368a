package herald.protocol.http2;

import static herald.protocol.http2.FrameDescriptor.FLAG_PADDED;
import static herald.protocol.http2.FrameDescriptor.TYPE_DATA;
import static herald.protocol.http2.FrameDescriptor.TYPE_WINDOW_UPDATE;
import static herald.protocol.http2.Peer.data;
import static herald.protocol.http2.Peer.frame;
import static herald.protocol.http2.Peer.get;
import static herald.protocol.http2.Peer.headers;
import static herald.protocol.http2.Peer.int32;
import static herald.protocol.http2.Peer.settings;
import static herald.protocol.http2.Peer.windowUpdate;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Flow control (RFC 9113 sections 5.2, 6.9): send windows for responses, receive windows for request bodies. */
final class FlowControlTest {
    private static final int MAX = Integer.MAX_VALUE;

    private static void send(Peer peer, int streamId, int length) {
        peer.h2.writeDataHeader(ByteBuffer.allocate(9), streamId, length, false);
    }

    // ---------------------------------------------------------------- sending

    @Test
    void shouldAllowSmallestOfConnectionWindowStreamWindowAndPeerMaxFrameSize() {
        Peer peer = Peer.connected().send(get(1), get(3));
        assertEquals(16_384, peer.h2.sendableBytes(1), "capped by the peer's max frame size");
        send(peer, 1, 16_384);
        send(peer, 1, 16_384);
        send(peer, 1, 16_384);
        assertEquals(65_535 - 3 * 16_384, peer.h2.sendableBytes(1));
        send(peer, 1, 65_535 - 3 * 16_384);
        assertEquals(0, peer.h2.sendableBytes(1), "stream window shut");
        assertEquals(0, peer.h2.sendableBytes(3), "connection window shut too: both start at 65,535");
        assertEquals(0, peer.h2.connectionSendWindow());
        assertThrows(IllegalArgumentException.class, () -> send(peer, 3, 1));
        peer.h2.writeDataHeader(ByteBuffer.allocate(9), 3, 0, true);    // an empty END_STREAM always fits
    }

    @Test
    void shouldReportWindowOpenedOnlyWhenItWasShut() {
        Peer peer = Peer.connected().send(get(1));
        peer.send(windowUpdate(1, 10), windowUpdate(0, 10));
        assertTrue(peer.events.stream().noneMatch(e -> e.startsWith("window")), peer.events.toString());
        for (int i = 0; i < 5; i++) {
            send(peer, 1, peer.h2.sendableBytes(1));                // 4 x 16,384 + 9
        }
        assertEquals(0, peer.h2.sendableBytes(1));
        assertEquals(0, peer.h2.connectionSendWindow());
        assertTrue(peer.events.stream().noneMatch(e -> e.startsWith("window")), peer.events.toString());
        peer.send(windowUpdate(1, 5));
        assertEquals("window 1", peer.events.get(peer.events.size() - 1));
        assertEquals(0, peer.h2.sendableBytes(1), "the connection window is still shut");
        peer.send(windowUpdate(0, 3));
        assertEquals("window 0", peer.events.get(peer.events.size() - 1));
        assertEquals(3, peer.h2.sendableBytes(1));
    }

    @Test
    void shouldApplyInitialWindowSizeChangeToOpenStreamsIncludingNegativeSection6_9_2() {
        Peer peer = Peer.connected().send(get(1));
        send(peer, 1, 16_384);
        peer.send(settings(FrameDescriptor.SETTINGS_INITIAL_WINDOW_SIZE, 10_000));  // 65,535 - 16,384 - 55,535
        assertEquals(0, peer.h2.sendableBytes(1));
        peer.send(windowUpdate(1, 6_384));
        assertEquals(0, peer.h2.sendableBytes(1), "window back to 0 from -6,384");
        peer.send(windowUpdate(1, 1));
        assertEquals("window 1", peer.events.get(peer.events.size() - 1));
        assertEquals(1, peer.h2.sendableBytes(1));
        peer.send(settings(FrameDescriptor.SETTINGS_INITIAL_WINDOW_SIZE, 10_100));
        assertEquals(101, peer.h2.sendableBytes(1));
        peer.send(get(3));
        assertEquals(10_100, peer.h2.sendableBytes(3), "new streams start at the new initial window");
    }

    @Test
    void shouldOpenShutWindowsWhenInitialWindowSizeGrowsSection6_9_2() {
        Peer peer = Peer.connected().send(settings(FrameDescriptor.SETTINGS_INITIAL_WINDOW_SIZE, 0), get(1));
        assertEquals(0, peer.h2.sendableBytes(1));
        peer.send(settings(FrameDescriptor.SETTINGS_INITIAL_WINDOW_SIZE, 100));
        assertEquals(List.of("request 1 GET /s1 end", "window 1"), peer.events);
        assertEquals(100, peer.h2.sendableBytes(1));
    }

    @Test
    void shouldRejectInitialWindowSizeTakingStreamWindowAbove2To31Minus1Section6_9_2() {
        Peer peer = Peer.connected().send(get(1), windowUpdate(1, MAX - 65_535));
        peer.send(settings(FrameDescriptor.SETTINGS_INITIAL_WINDOW_SIZE, 65_536));
        peer.assertConnectionError(ErrorCode.FLOW_CONTROL_ERROR);
        assertTrue(peer.events.contains("limit WINDOW_UPDATE_OVERFLOW"));
    }

    @Test
    void shouldAcceptWindowUpToExactly2To31Minus1Section6_9_1() {
        Peer peer = Peer.connected().send(get(1), windowUpdate(1, MAX - 65_535), windowUpdate(0, MAX - 65_535));
        assertEquals(MAX, peer.h2.connectionSendWindow());
        assertEquals(16_384, peer.h2.sendableBytes(1));
        assertTrue(peer.drain().isEmpty());
    }

    @Test
    void shouldAnswerStreamWindowOverflowWithStreamFlowControlErrorSection6_9_1() {
        Peer peer = Peer.connected().send(get(1), windowUpdate(1, MAX - 65_535), windowUpdate(1, 1));
        peer.assertStreamError(1, ErrorCode.FLOW_CONTROL_ERROR);
        assertEquals(List.of("request 1 GET /s1 end", "limit WINDOW_UPDATE_OVERFLOW", "reset 1 FLOW_CONTROL_ERROR"),
                peer.events);
        assertEquals(1, peer.h2.limitCount(Http2Limit.WINDOW_UPDATE_OVERFLOW));
    }

    @Test
    void shouldEndConnectionOnConnectionWindowOverflowSection6_9_1() {
        Peer peer = Peer.connected().send(windowUpdate(0, MAX - 65_535), windowUpdate(0, 1));
        peer.assertConnectionError(ErrorCode.FLOW_CONTROL_ERROR);
        assertTrue(peer.events.contains("limit WINDOW_UPDATE_OVERFLOW"));
    }

    @Test
    void shouldIgnoreReservedBitOfWindowIncrementSection6_9() {
        Peer peer = Peer.connected().send(get(1), windowUpdate(0, 1_000),
                frame(TYPE_WINDOW_UPDATE, 0, 1, int32(0x8000_0001)));
        for (int i = 0; i < 4; i++) {
            send(peer, 1, 16_384);                                  // 65,536: the stream window grew by 1
        }
        assertEquals(0, peer.h2.sendableBytes(1));
        assertEquals(999, peer.h2.connectionSendWindow());
        assertTrue(peer.drain().isEmpty());
    }

    @Test
    void shouldAnswerZeroIncrementOnStreamWithStreamProtocolErrorSection6_9() {
        Peer.connected().send(get(1), windowUpdate(1, 0)).assertStreamError(1, ErrorCode.PROTOCOL_ERROR);
    }

    @Test
    void shouldEndConnectionOnZeroIncrementOnConnectionSection6_9() {
        Peer.connected().send(windowUpdate(0, 0)).assertConnectionError(ErrorCode.PROTOCOL_ERROR);
    }

    @Test
    void shouldRejectWindowUpdateOfWrongLengthSection6_9() {
        Peer.connected().send(frame(TYPE_WINDOW_UPDATE, 0, 0, new byte[5]))
                .assertConnectionError(ErrorCode.FRAME_SIZE_ERROR);
    }

    // ---------------------------------------------------------------- receiving

    @Test
    void shouldReplenishStreamAndConnectionWindowsAsBodyIsConsumed() {
        Peer peer = Peer.connected(Http2Limits.DEFAULTS.withConnectionWindowBytes(100_000));
        peer.send(headers(1, LiteralDecoder.post("/p"), false), data(1, new byte[16_384], false),
                data(1, new byte[16_383], false));
        assertTrue(peer.drain().isEmpty());
        assertEquals(100_000 - 32_767, peer.h2.connectionReceiveWindow());
        peer.h2.consumed(1, 32_766);
        assertTrue(peer.drain().isEmpty(), "below half of 65,535");
        peer.h2.consumed(1, 1);
        assertEquals(List.of(new Frame(TYPE_WINDOW_UPDATE, 0, 1, int32(32_767))), peer.drain(),
                "stream: half of 65,535 consumed; connection: not yet half of 100,000");
        peer.send(data(1, new byte[16_384], false), data(1, new byte[1_000], false));
        peer.h2.consumed(1, 17_384);
        assertEquals(List.of(new Frame(TYPE_WINDOW_UPDATE, 0, 0, int32(50_151))), peer.drain());
        assertEquals(100_000, peer.h2.connectionReceiveWindow());
        assertThrows(IllegalArgumentException.class, () -> peer.h2.consumed(1, 1));
    }

    @Test
    void shouldReturnPaddingAtOnce() {
        Peer peer = Peer.connected(Http2Limits.DEFAULTS.withInitialWindowBytes(100));
        peer.send(headers(1, LiteralDecoder.post("/p"), false));
        byte[] padded = new byte[60];
        padded[0] = 58;                                             // 1 data byte, 58 padding
        peer.send(frame(TYPE_DATA, FLAG_PADDED, 1, padded));
        List<Frame> frames = peer.drain();
        assertEquals(List.of(new Frame(TYPE_WINDOW_UPDATE, 0, 1, int32(59))), frames);
        assertEquals(List.of("request 1 POST /p", "data 1 1"), peer.events);
    }

    @Test
    void shouldEndConnectionWhenDataExceedsConnectionWindowSection6_9_1() {
        Peer peer = Peer.connected(Http2Limits.DEFAULTS.withInitialWindowBytes(2_000_000));
        peer.send(headers(1, LiteralDecoder.post("/p"), false));
        for (int i = 0; i < 64; i++) {
            peer.send(data(1, new byte[16_384], false));
        }
        assertEquals(1_048_576 - 64 * 16_384, peer.h2.connectionReceiveWindow());
        peer.send(data(1, new byte[1], false)).assertConnectionError(ErrorCode.FLOW_CONTROL_ERROR);
    }

    @Test
    void shouldResetStreamWhenDataExceedsStreamWindowSection6_9_1() {
        Peer peer = Peer.connected().send(headers(1, LiteralDecoder.post("/p"), false));
        for (int i = 0; i < 3; i++) {
            peer.send(data(1, new byte[16_384], false));
        }
        peer.send(data(1, new byte[16_384], false));
        peer.assertStreamError(1, ErrorCode.FLOW_CONTROL_ERROR);
        assertEquals("reset 1 FLOW_CONTROL_ERROR", peer.events.get(peer.events.size() - 1));
    }

    @Test
    void shouldApplySmallerInitialWindowOnlyAfterClientAckedOurSettingsSection6_9_2() {
        Peer peer = new Peer(Http2Limits.DEFAULTS.withInitialWindowBytes(1_000));
        peer.send(ConnectionPreface.bytes(), settings(), headers(1, LiteralDecoder.post("/p"), false),
                data(1, new byte[15_000], false), data(1, new byte[15_000], false));
        assertEquals(List.of("request 1 POST /p", "data 1 15000", "data 1 15000"), peer.events,
                "before the ack the default 65,535 applies");
        peer.send(Peer.settingsAck(), headers(3, LiteralDecoder.post("/q"), false), data(3, new byte[1_000], false));
        assertTrue(peer.events.contains("data 3 1000"));
        peer.send(data(3, new byte[1], false));
        peer.assertStreamError(3, ErrorCode.FLOW_CONTROL_ERROR);
        peer.send(data(1, new byte[1], false));
        peer.assertStreamError(1, ErrorCode.FLOW_CONTROL_ERROR);   // 1,000 - 65,535 + 35,535 = -29,000
    }

    @Test
    void shouldReturnBytesOfClosedAndDiscardedStreamsToConnectionWindow() {
        Peer peer = Peer.connected(Http2Limits.DEFAULTS.withConnectionWindowBytes(65_535));
        peer.send(headers(1, LiteralDecoder.post("/p"), false), data(1, new byte[15_000], false),
                data(1, new byte[15_000], false));
        peer.h2.resetStream(1, ErrorCode.CANCEL);                   // 30,000 delivered, never consumed
        peer.send(data(1, new byte[10_000], false));                // in flight after the reset: discarded
        List<Frame> frames = peer.drain();
        assertEquals(new Frame(TYPE_WINDOW_UPDATE, 0, 0, int32(40_000)), frames.get(frames.size() - 1));
        assertEquals(65_535, peer.h2.connectionReceiveWindow());
        peer.h2.consumed(1, 30_000);                                // late: ignored, not returned twice
        assertTrue(peer.drain().isEmpty());
    }
}
