package herald.protocol.http2;

import static herald.protocol.http2.FrameDescriptor.FLAG_END_HEADERS;
import static herald.protocol.http2.FrameDescriptor.FLAG_END_STREAM;
import static herald.protocol.http2.FrameDescriptor.FLAG_PADDED;
import static herald.protocol.http2.FrameDescriptor.FLAG_PRIORITY;
import static herald.protocol.http2.FrameDescriptor.TYPE_CONTINUATION;
import static herald.protocol.http2.FrameDescriptor.TYPE_DATA;
import static herald.protocol.http2.FrameDescriptor.TYPE_GOAWAY;
import static herald.protocol.http2.FrameDescriptor.TYPE_HEADERS;
import static herald.protocol.http2.FrameDescriptor.TYPE_PING;
import static herald.protocol.http2.FrameDescriptor.TYPE_PRIORITY;
import static herald.protocol.http2.FrameDescriptor.TYPE_PUSH_PROMISE;
import static herald.protocol.http2.FrameDescriptor.TYPE_RST_STREAM;
import static herald.protocol.http2.FrameDescriptor.TYPE_SETTINGS;
import static herald.protocol.http2.FrameDescriptor.TYPE_WINDOW_UPDATE;
import static herald.protocol.http2.Peer.concat;
import static herald.protocol.http2.Peer.data;
import static herald.protocol.http2.Peer.frame;
import static herald.protocol.http2.Peer.get;
import static herald.protocol.http2.Peer.headers;
import static herald.protocol.http2.Peer.int32;
import static herald.protocol.http2.Peer.settings;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link Http2Connection}: the handshake, streams, and every connection and stream error of RFC 9113, each test
 * naming its section. Flow control and the attack limits have their own tests.
 */
final class Http2ConnectionTest {

    // ---------------------------------------------------------------- section 3.4: preface and SETTINGS

    @Test
    void shouldQueueSettingsAndConnectionWindowUpdateFirstSection3_4() {
        Peer peer = new Peer(Http2Limits.DEFAULTS);
        List<Frame> frames = peer.drain();
        assertEquals(2, frames.size());
        Frame settings = frames.get(0);
        assertEquals(TYPE_SETTINGS, settings.type());
        assertEquals(0, settings.flags());
        ByteBuffer p = ByteBuffer.wrap(settings.payload());
        int[] expected = {3, 100, 4, 65_535, 5, 16_384, 6, 16_384, 1, 4_096};
        for (int i = 0; i < expected.length; i += 2) {
            assertEquals(expected[i], p.getShort());
            assertEquals(expected[i + 1], p.getInt());
        }
        assertEquals(new Frame(TYPE_WINDOW_UPDATE, 0, 0, int32(1_048_576 - 65_535)), frames.get(1));
        assertTrue(peer.h2.awaitingSettingsAck());
    }

    @Test
    void shouldAcknowledgeClientSettingsAndTakeOurAckSection6_5_3() {
        Peer peer = new Peer(Http2Limits.DEFAULTS);
        peer.drain();
        peer.send(ConnectionPreface.bytes(), settings(FrameDescriptor.SETTINGS_MAX_FRAME_SIZE, 32_768,
                FrameDescriptor.SETTINGS_HEADER_TABLE_SIZE, 0, 0x99, 7));
        assertEquals(List.of(new Frame(TYPE_SETTINGS, FrameDescriptor.FLAG_ACK, 0, new byte[0])), peer.drain());
        assertEquals(32_768, peer.h2.peerSettings().maxFrameBytes());
        assertEquals(0, peer.h2.peerSettings().headerTableBytes());
        assertTrue(peer.h2.awaitingSettingsAck());
        peer.send(Peer.settingsAck());
        assertFalse(peer.h2.awaitingSettingsAck());
        assertTrue(peer.events.isEmpty(), peer.events.toString());
    }

    @Test
    void shouldRejectInvalidPrefaceWithProtocolErrorSection3_4() {
        Peer peer = new Peer(Http2Limits.DEFAULTS);
        peer.drain();
        peer.send("GET / HTTP/1.1\r\nHost: h\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        peer.assertConnectionError(ErrorCode.PROTOCOL_ERROR);
    }

    @Test
    void shouldRejectFirstFrameOtherThanSettingsSection3_4() {
        Peer peer = new Peer(Http2Limits.DEFAULTS);
        peer.send(ConnectionPreface.bytes(), Peer.ping(1));
        peer.assertConnectionError(ErrorCode.PROTOCOL_ERROR);
    }

    @Test
    void shouldRejectSettingsAckAsFirstFrameSection3_4() {
        Peer peer = new Peer(Http2Limits.DEFAULTS);
        peer.send(ConnectionPreface.bytes(), Peer.settingsAck());
        peer.assertConnectionError(ErrorCode.PROTOCOL_ERROR);
    }

    @Test
    void shouldEndWithSettingsTimeoutWhenTransportTimerRunsOutSection6_5_3() {
        Peer peer = new Peer(Http2Limits.DEFAULTS);
        peer.send(ConnectionPreface.bytes(), settings());
        peer.h2.settingsTimeout();
        peer.assertConnectionError(ErrorCode.SETTINGS_TIMEOUT);
    }

    @Test
    void shouldIgnoreSettingsTimeoutAfterAck() {
        Peer peer = Peer.connected();
        peer.h2.settingsTimeout();
        assertFalse(peer.h2.isClosed());
    }

    @Test
    void shouldRejectSettingsOnStreamSection6_5() {
        Peer.connected().send(frame(TYPE_SETTINGS, 0, 1, new byte[0])).assertConnectionError(ErrorCode.PROTOCOL_ERROR);
    }

    @Test
    void shouldRejectSettingsAckWithPayloadSection6_5() {
        Peer.connected().send(frame(TYPE_SETTINGS, 1, 0, new byte[6]))
                .assertConnectionError(ErrorCode.FRAME_SIZE_ERROR);
    }

    @Test
    void shouldRejectSettingsLengthNotMultipleOf6Section6_5() {
        Peer.connected().send(frame(TYPE_SETTINGS, 0, 0, new byte[7]))
                .assertConnectionError(ErrorCode.FRAME_SIZE_ERROR);
    }

    @Test
    void shouldRejectEnablePushOtherThan0Or1Section6_5_2() {
        Peer.connected().send(settings(FrameDescriptor.SETTINGS_ENABLE_PUSH, 2))
                .assertConnectionError(ErrorCode.PROTOCOL_ERROR);
    }

    @Test
    void shouldRejectInitialWindowSizeAbove2To31Minus1WithFlowControlErrorSection6_5_2() {
        Peer.connected().send(settings(FrameDescriptor.SETTINGS_INITIAL_WINDOW_SIZE, 0x8000_0000))
                .assertConnectionError(ErrorCode.FLOW_CONTROL_ERROR);
    }

    @Test
    void shouldRejectMaxFrameSizeBelow16384Section6_5_2() {
        Peer.connected().send(settings(FrameDescriptor.SETTINGS_MAX_FRAME_SIZE, 16_383))
                .assertConnectionError(ErrorCode.PROTOCOL_ERROR);
    }

    @Test
    void shouldRejectMaxFrameSizeAbove2To24Minus1Section6_5_2() {
        Peer.connected().send(settings(FrameDescriptor.SETTINGS_MAX_FRAME_SIZE, 16_777_216))
                .assertConnectionError(ErrorCode.PROTOCOL_ERROR);
    }

    @Test
    void shouldSaturateUnsignedSettingsAboveIntMax() {
        Peer peer = Peer.connected().send(settings(FrameDescriptor.SETTINGS_HEADER_TABLE_SIZE, -1,
                FrameDescriptor.SETTINGS_MAX_HEADER_LIST_SIZE, 0x8000_0000, FrameDescriptor.SETTINGS_ENABLE_PUSH, 0));
        assertEquals(Integer.MAX_VALUE, peer.h2.peerSettings().headerTableBytes());
        assertEquals(Integer.MAX_VALUE, peer.h2.peerSettings().maxHeaderListBytes());
        assertFalse(peer.h2.peerSettings().enablePush());
    }

    // ---------------------------------------------------------------- section 4: frames

    @Test
    void shouldRejectFrameOverMaxFrameSizeWithFrameSizeErrorSection4_2() {
        Peer.connected().send(data(1, new byte[16_385], false)).assertConnectionError(ErrorCode.FRAME_SIZE_ERROR);
    }

    @Test
    void shouldIgnoreUnknownFrameTypeSection4_1() {
        Peer peer = Peer.connected().send(frame(0xbb, 0xff, 3, new byte[10]), get(1));
        assertEquals(List.of("request 1 GET /s1 end"), peer.events);
    }

    @Test
    void shouldRejectPushPromiseFromClientSection8_4() {
        Peer.connected().send(frame(TYPE_PUSH_PROMISE, FLAG_END_HEADERS, 1, int32(2)))
                .assertConnectionError(ErrorCode.PROTOCOL_ERROR);
    }

    // ---------------------------------------------------------------- requests and responses

    @Test
    void shouldDeliverRequestAndWriteResponseHeadersAndData() {
        Peer peer = Peer.connected().send(headers(1, LiteralDecoder.get("/topics/a?x=1"), true));
        assertEquals(List.of("request 1 GET /topics/a?x=1 end"), peer.events);
        RequestHeaders request = peer.requests.get(1);
        assertEquals("https", request.scheme());
        assertEquals("example.com", request.authority());
        assertEquals(1, peer.h2.activeStreams());
        assertEquals(1, peer.h2.lastProcessedStreamId());

        ByteBuffer out = ByteBuffer.allocate(100);
        assertTrue(peer.h2.streamWritable(1));
        peer.h2.writeHeaders(out, 1, ByteBuffer.wrap(new byte[] {1, 2, 3}), false);
        peer.h2.writeDataHeader(out, 1, 5, false);
        out.put("hello".getBytes(StandardCharsets.US_ASCII));
        peer.h2.writeDataHeader(out, 1, 0, true);
        List<Frame> frames = Frame.parseAll(java.util.Arrays.copyOf(out.array(), out.position()));
        assertEquals(List.of(new Frame(TYPE_HEADERS, FLAG_END_HEADERS, 1, new byte[] {1, 2, 3}),
                new Frame(TYPE_DATA, 0, 1, "hello".getBytes(StandardCharsets.US_ASCII)),
                new Frame(TYPE_DATA, FLAG_END_STREAM, 1, new byte[0])), frames);
        assertEquals(0, peer.h2.activeStreams());
        assertFalse(peer.h2.streamWritable(1));
        assertTrue(peer.drain().isEmpty(), "no RST_STREAM: the request had ended");
    }

    @Test
    void shouldDeliverRequestBodyAcrossDataFrames() {
        Peer peer = Peer.connected().send(headers(1, LiteralDecoder.post("/p", "content-length", "8"), false),
                data(1, "abc".getBytes(StandardCharsets.US_ASCII), false),
                data(1, "defgh".getBytes(StandardCharsets.US_ASCII), true));
        assertEquals(List.of("request 1 POST /p", "data 1 3", "data 1 5 end"), peer.events);
        assertEquals("abcdefgh", peer.bodies.get(1).toString(StandardCharsets.US_ASCII));
        assertEquals(8, peer.requests.get(1).contentLength());
    }

    @Test
    void shouldSplitResponseHeadersIntoContinuationAtPeerMaxFrameSize() {
        Peer peer = Peer.connected().send(get(1));
        ByteBuffer out = ByteBuffer.allocate(FrameWriter.headersLength(20_000, 16_384));
        peer.h2.writeHeaders(out, 1, ByteBuffer.wrap(new byte[20_000]), true);
        List<Frame> frames = Frame.parseAll(out.array());
        assertEquals(2, frames.size());
        assertEquals(new Frame(TYPE_HEADERS, FLAG_END_STREAM, 1, new byte[16_384]), frames.get(0));
        assertEquals(new Frame(TYPE_CONTINUATION, FLAG_END_HEADERS, 1, new byte[3_616]), frames.get(1));
    }

    @Test
    void shouldRefuseWritesOnStreamThatIsNotWritable() {
        Peer peer = Peer.connected().send(get(1));
        ByteBuffer out = ByteBuffer.allocate(100);
        assertThrows(IllegalStateException.class, () -> peer.h2.writeHeaders(out, 3, ByteBuffer.allocate(1), true));
        peer.h2.writeHeaders(out, 1, ByteBuffer.allocate(1), true);
        assertThrows(IllegalStateException.class, () -> peer.h2.writeDataHeader(out, 1, 0, true));
    }

    /** RFC 9113 section 8.1: a complete response before the request ended, then RST_STREAM NO_ERROR. */
    @Test
    void shouldResetWithNoErrorWhenResponseEndsBeforeRequestSection8_1() {
        Peer peer = Peer.connected().send(headers(1, LiteralDecoder.post("/p"), false));
        peer.h2.writeHeaders(ByteBuffer.allocate(100), 1, ByteBuffer.allocate(1), true);
        peer.assertStreamError(1, ErrorCode.NO_ERROR);
        peer.send(data(1, new byte[10], true));                 // in flight: ignored
        assertEquals(List.of("request 1 POST /p"), peer.events);
        assertTrue(peer.drain().isEmpty());
    }

    @Test
    void shouldResetStreamOnTransportRequestWithoutEvent() {
        Peer peer = Peer.connected().send(get(1));
        assertTrue(peer.h2.resetStream(1, ErrorCode.CANCEL));
        assertFalse(peer.h2.resetStream(1, ErrorCode.CANCEL));
        peer.assertStreamError(1, ErrorCode.CANCEL);
        assertEquals(List.of("request 1 GET /s1 end"), peer.events);
        assertEquals(0, peer.h2.activeStreams());
    }

    // ---------------------------------------------------------------- section 5.1: stream states

    @Test
    void shouldRejectDataOnIdleStreamSection5_1() {
        Peer.connected().send(data(1, new byte[1], false)).assertConnectionError(ErrorCode.PROTOCOL_ERROR);
    }

    @Test
    void shouldRejectRstStreamOnIdleStreamSection6_4() {
        Peer.connected().send(Peer.rstStream(1, ErrorCode.CANCEL)).assertConnectionError(ErrorCode.PROTOCOL_ERROR);
    }

    @Test
    void shouldRejectWindowUpdateOnIdleStreamSection5_1() {
        Peer.connected().send(Peer.windowUpdate(1, 1)).assertConnectionError(ErrorCode.PROTOCOL_ERROR);
    }

    @Test
    void shouldAcceptPriorityOnIdleStreamWithoutOpeningItSection5_1() {
        Peer peer = Peer.connected().send(Peer.priority(3, 0), get(1));
        assertEquals(List.of("request 1 GET /s1 end"), peer.events);
        assertTrue(peer.drain().isEmpty());
    }

    @Test
    void shouldRejectEvenClientStreamIdSection5_1_1() {
        Peer.connected().send(get(2)).assertConnectionError(ErrorCode.PROTOCOL_ERROR);
    }

    @Test
    void shouldRejectStreamIdLowerThanAPreviousOneSection5_1_1() {
        Peer.connected().send(get(5), get(3)).assertConnectionError(ErrorCode.PROTOCOL_ERROR);
    }

    @Test
    void shouldAnswerDataInHalfClosedRemoteWithStreamClosedSection5_1() {
        Peer peer = Peer.connected().send(get(1), data(1, new byte[3], false));
        peer.assertStreamError(1, ErrorCode.STREAM_CLOSED);
        assertEquals(List.of("request 1 GET /s1 end", "reset 1 STREAM_CLOSED"), peer.events);
    }

    @Test
    void shouldAnswerHeadersInHalfClosedRemoteWithStreamClosedSection5_1() {
        Peer peer = Peer.connected().send(get(1), headers(1, LiteralDecoder.encode("x", "y"), true));
        peer.assertStreamError(1, ErrorCode.STREAM_CLOSED);
    }

    @Test
    void shouldAnswerDataOnClosedStreamWithStreamClosedSection6_1() {
        Peer peer = Peer.connected().send(get(1));
        peer.h2.writeHeaders(ByteBuffer.allocate(64), 1, ByteBuffer.allocate(1), true);
        peer.send(data(1, new byte[1], true));
        peer.assertStreamError(1, ErrorCode.STREAM_CLOSED);
    }

    @Test
    void shouldRejectHeadersOnClosedStreamWithStreamClosedSection5_1() {
        Peer peer = Peer.connected().send(get(1));
        peer.h2.writeHeaders(ByteBuffer.allocate(64), 1, ByteBuffer.allocate(1), true);
        peer.send(get(1)).assertConnectionError(ErrorCode.STREAM_CLOSED);
    }

    @Test
    void shouldIgnoreWindowUpdateRstStreamAndPriorityOnClosedStreamSection5_1() {
        Peer peer = Peer.connected().send(get(1));
        peer.h2.writeHeaders(ByteBuffer.allocate(64), 1, ByteBuffer.allocate(1), true);
        peer.send(Peer.windowUpdate(1, 10), Peer.rstStream(1, ErrorCode.CANCEL), Peer.priority(1, 0));
        assertTrue(peer.drain().isEmpty());
        assertFalse(peer.h2.isClosed());
    }

    /** RFC 9113 section 5.4.2: frames in flight after our RST_STREAM are ignored, HEADERS still decoded. */
    @Test
    void shouldIgnoreFramesOnStreamItResetButDecodeTheirHeadersSection5_4_2() {
        Peer peer = Peer.connected().send(headers(1, LiteralDecoder.post("/p"), false));
        peer.h2.resetStream(1, ErrorCode.CANCEL);
        peer.drain();
        int decoded = peer.decoder.blocksDecoded;
        peer.send(data(1, new byte[5], false), headers(1, LiteralDecoder.encode("trailer", "x"), true));
        assertEquals(decoded + 1, peer.decoder.blocksDecoded);
        assertTrue(peer.drain().isEmpty());
        assertEquals(List.of("request 1 POST /p"), peer.events);
    }

    @Test
    void shouldReportClientResetOfOpenStream() {
        Peer peer = Peer.connected().send(get(1), Peer.rstStream(1, ErrorCode.CANCEL));
        assertEquals(List.of("request 1 GET /s1 end", "reset 1 CANCEL"), peer.events);
        assertEquals(0, peer.h2.activeStreams());
        assertTrue(peer.drain().isEmpty(), "no RST_STREAM in answer to RST_STREAM (section 5.4.2)");
    }

    /** RFC 9113 section 5.1.2: beyond our SETTINGS_MAX_CONCURRENT_STREAMS, REFUSED_STREAM. */
    @Test
    void shouldRefuseStreamBeyondMaxConcurrentStreamsSection5_1_2() {
        Peer peer = Peer.connected(Http2Limits.DEFAULTS.withMaxConcurrentStreams(2));
        peer.send(get(1), get(3), get(5));
        peer.assertStreamError(5, ErrorCode.REFUSED_STREAM);
        assertEquals(List.of("request 1 GET /s1 end", "request 3 GET /s3 end", "limit STREAM_REFUSED"), peer.events);
        assertEquals(3, peer.decoder.blocksDecoded);
        peer.h2.resetStream(1, ErrorCode.CANCEL);
        peer.send(get(7));
        assertEquals("request 7 GET /s7 end", peer.events.get(peer.events.size() - 1));
    }

    // ---------------------------------------------------------------- section 6: frame rules

    @Test
    void shouldRejectDataOnStream0Section6_1() {
        Peer.connected().send(data(0, new byte[1], false)).assertConnectionError(ErrorCode.PROTOCOL_ERROR);
    }

    @Test
    void shouldDeliverPaddedDataWithoutPaddingSection6_1() {
        Peer peer = Peer.connected().send(headers(1, LiteralDecoder.post("/p"), false),
                frame(TYPE_DATA, FLAG_PADDED | FLAG_END_STREAM, 1, new byte[] {3, 'a', 'b', 0, 0, 0}));
        assertEquals(List.of("request 1 POST /p", "data 1 2 end"), peer.events);
        assertEquals("ab", peer.bodies.get(1).toString(StandardCharsets.US_ASCII));
    }

    @Test
    void shouldRejectDataPaddingAsLongAsPayloadSection6_1() {
        Peer.connected().send(headers(1, LiteralDecoder.post("/p"), false),
                frame(TYPE_DATA, FLAG_PADDED, 1, new byte[] {3, 0, 0})).assertConnectionError(ErrorCode.PROTOCOL_ERROR);
    }

    @Test
    void shouldRejectPaddedDataWithoutPadLengthSection4_2() {
        Peer.connected().send(headers(1, LiteralDecoder.post("/p"), false), frame(TYPE_DATA, FLAG_PADDED, 1,
                new byte[0])).assertConnectionError(ErrorCode.FRAME_SIZE_ERROR);
    }

    @Test
    void shouldRejectHeadersOnStream0Section6_2() {
        Peer.connected().send(headers(0, LiteralDecoder.get("/"), true)).assertConnectionError(ErrorCode.PROTOCOL_ERROR);
    }

    @Test
    void shouldAcceptPaddedHeadersWithPrioritySection6_2() {
        byte[] block = LiteralDecoder.get("/x");
        byte[] payload = concat(new byte[] {4}, int32(0x8000_0000 | 3), new byte[] {15}, block, new byte[4]);
        Peer peer = Peer.connected().send(frame(TYPE_HEADERS, FLAG_PADDED | FLAG_PRIORITY | FLAG_END_HEADERS
                | FLAG_END_STREAM, 1, payload));
        assertEquals(List.of("request 1 GET /x end"), peer.events);
    }

    @Test
    void shouldRejectHeadersPaddingBeyondFragmentSection6_2() {
        Peer.connected().send(frame(TYPE_HEADERS, FLAG_PADDED | FLAG_END_HEADERS, 1, new byte[] {5, 1, 2}))
                .assertConnectionError(ErrorCode.PROTOCOL_ERROR);
    }

    @Test
    void shouldRejectHeadersTooShortForPriorityFieldsSection4_2() {
        Peer.connected().send(frame(TYPE_HEADERS, FLAG_PRIORITY | FLAG_END_HEADERS, 1, new byte[4]))
                .assertConnectionError(ErrorCode.FRAME_SIZE_ERROR);
    }

    @Test
    void shouldAnswerHeadersDependingOnItselfWithProtocolErrorRfc7540Section5_3_1() {
        byte[] payload = concat(int32(1), new byte[] {15}, LiteralDecoder.get("/"));
        Peer peer = Peer.connected().send(frame(TYPE_HEADERS, FLAG_PRIORITY | FLAG_END_HEADERS, 1, payload));
        peer.assertStreamError(1, ErrorCode.PROTOCOL_ERROR);
        assertTrue(peer.events.isEmpty(), peer.events.toString());
    }

    @Test
    void shouldAnswerTrailersDependingOnItselfWithProtocolErrorRfc7540Section5_3_1() {
        byte[] payload = concat(int32(1), new byte[] {15}, LiteralDecoder.encode("trailer", "x"));
        Peer peer = Peer.connected().send(headers(1, LiteralDecoder.post("/p"), false),
                frame(TYPE_HEADERS, FLAG_PRIORITY | FLAG_END_HEADERS | FLAG_END_STREAM, 1, payload));
        peer.assertStreamError(1, ErrorCode.PROTOCOL_ERROR);
        assertEquals(List.of("request 1 POST /p", "reset 1 PROTOCOL_ERROR"), peer.events);
    }

    @Test
    void shouldIgnoreStreamWhoseFieldBlockEndsAfterGracefulGoAwaySection6_8() {
        Peer peer = Peer.connected().send(get(1), frame(TYPE_HEADERS, FLAG_END_STREAM, 3, new byte[0]));
        peer.h2.goAway();
        peer.send(frame(TYPE_CONTINUATION, FLAG_END_HEADERS, 3, LiteralDecoder.get("/late")));
        assertEquals(List.of("request 1 GET /s1 end"), peer.events);
        assertEquals(1, peer.drain().size(), "the GOAWAY only");
        assertEquals(1, peer.h2.lastProcessedStreamId());
    }

    @Test
    void shouldAcceptAndIgnorePrioritySection6_3() {
        Peer peer = Peer.connected().send(get(1), Peer.priority(1, 0), Peer.priority(9, 1));
        assertEquals(List.of("request 1 GET /s1 end"), peer.events);
        assertTrue(peer.drain().isEmpty());
    }

    @Test
    void shouldRejectPriorityOnStream0Section6_3() {
        Peer.connected().send(Peer.priority(0, 1)).assertConnectionError(ErrorCode.PROTOCOL_ERROR);
    }

    @Test
    void shouldAnswerPriorityOfWrongLengthWithStreamFrameSizeErrorSection6_3() {
        Peer.connected().send(frame(TYPE_PRIORITY, 0, 1, new byte[4])).assertStreamError(1,
                ErrorCode.FRAME_SIZE_ERROR);
    }

    @Test
    void shouldAnswerPriorityDependingOnItselfWithProtocolErrorRfc7540Section5_3_1() {
        Peer.connected().send(Peer.priority(3, 3)).assertStreamError(3, ErrorCode.PROTOCOL_ERROR);
    }

    @Test
    void shouldRejectRstStreamOnStream0Section6_4() {
        Peer.connected().send(Peer.rstStream(0, ErrorCode.CANCEL)).assertConnectionError(ErrorCode.PROTOCOL_ERROR);
    }

    @Test
    void shouldRejectRstStreamOfWrongLengthSection6_4() {
        Peer.connected().send(get(1), frame(TYPE_RST_STREAM, 0, 1, new byte[3]))
                .assertConnectionError(ErrorCode.FRAME_SIZE_ERROR);
    }

    @Test
    void shouldAnswerPingWithAckOfSamePayloadSection6_7() {
        Peer peer = Peer.connected().send(Peer.ping(0x1122334455667788L));
        assertEquals(List.of(new Frame(TYPE_PING, FrameDescriptor.FLAG_ACK, 0,
                ByteBuffer.allocate(8).putLong(0x1122334455667788L).array())), peer.drain());
    }

    @Test
    void shouldIgnorePingAckSection6_7() {
        Peer peer = Peer.connected().send(frame(TYPE_PING, FrameDescriptor.FLAG_ACK, 0, new byte[8]));
        assertTrue(peer.drain().isEmpty());
    }

    @Test
    void shouldRejectPingOnStreamSection6_7() {
        Peer.connected().send(frame(TYPE_PING, 0, 1, new byte[8])).assertConnectionError(ErrorCode.PROTOCOL_ERROR);
    }

    @Test
    void shouldRejectPingOfWrongLengthSection6_7() {
        Peer.connected().send(frame(TYPE_PING, 0, 0, new byte[7])).assertConnectionError(ErrorCode.FRAME_SIZE_ERROR);
    }

    @Test
    void shouldReportClientGoAwayAndFinishWhenStreamsAreDoneSection6_8() {
        Peer peer = Peer.connected().send(get(1),
                frame(TYPE_GOAWAY, 0, 0, concat(int32(0), int32(0), "bye".getBytes(StandardCharsets.US_ASCII))));
        assertEquals(List.of("request 1 GET /s1 end", "goaway 0 NO_ERROR"), peer.events);
        assertFalse(peer.h2.isFinished());
        peer.h2.writeHeaders(ByteBuffer.allocate(64), 1, ByteBuffer.allocate(1), true);
        assertTrue(peer.h2.isFinished());
    }

    @Test
    void shouldRejectGoAwayOnStreamSection6_8() {
        Peer.connected().send(frame(TYPE_GOAWAY, 0, 1, new byte[8])).assertConnectionError(ErrorCode.PROTOCOL_ERROR);
    }

    @Test
    void shouldRejectGoAwayShorterThan8Section6_8() {
        Peer.connected().send(frame(TYPE_GOAWAY, 0, 0, new byte[7])).assertConnectionError(ErrorCode.FRAME_SIZE_ERROR);
    }

    @Test
    void shouldReportUnknownErrorCodeAsInternalErrorSection7() {
        Peer peer = Peer.connected().send(get(1), Peer.frame(TYPE_RST_STREAM, 0, 1, int32(0x77)));
        assertEquals("reset 1 INTERNAL_ERROR", peer.events.get(1));
    }

    /** RFC 9113 section 6.8: graceful shutdown names the last stream processed; later streams are ignored. */
    @Test
    void shouldSendGracefulGoAwayWithLastStreamIdAndIgnoreLaterStreamsSection6_8() {
        Peer peer = Peer.connected().send(get(1), get(3));
        peer.h2.goAway();
        peer.h2.goAway();
        List<Frame> frames = peer.drain();
        assertEquals(1, frames.size());
        assertEquals(new Frame(TYPE_GOAWAY, 0, 0, concat(int32(3), int32(0))), frames.get(0));
        peer.send(headers(5, LiteralDecoder.post("/late"), false), data(5, new byte[3], false),
                headers(5, LiteralDecoder.encode("trailer", "x"), true));
        assertEquals(4, peer.decoder.blocksDecoded, "the ignored stream's blocks are still decoded");
        assertEquals(2, peer.events.size(), peer.events.toString());
        assertTrue(peer.drain().isEmpty(), "its frames are discarded without answer");
        assertFalse(peer.h2.isFinished());
        peer.h2.resetStream(1, ErrorCode.CANCEL);
        peer.h2.writeHeaders(ByteBuffer.allocate(64), 3, ByteBuffer.allocate(1), true);
        assertTrue(peer.h2.isFinished());
        assertFalse(peer.h2.isClosed());
    }

    // ---------------------------------------------------------------- section 6.10: CONTINUATION

    @Test
    void shouldAssembleFieldBlockAcrossContinuationFramesSection6_10() {
        byte[] block = LiteralDecoder.get("/long/path");
        Peer peer = Peer.connected().send(frame(TYPE_HEADERS, FLAG_END_STREAM, 1, java.util.Arrays.copyOf(block, 5)),
                frame(TYPE_CONTINUATION, 0, 1, java.util.Arrays.copyOfRange(block, 5, 20)),
                frame(TYPE_CONTINUATION, FLAG_END_HEADERS, 1, java.util.Arrays.copyOfRange(block, 20, block.length)));
        assertEquals(List.of("request 1 GET /long/path end"), peer.events);
    }

    @Test
    void shouldRejectContinuationOnAnotherStreamSection6_10() {
        Peer.connected().send(frame(TYPE_HEADERS, 0, 1, new byte[0]), frame(TYPE_CONTINUATION, FLAG_END_HEADERS, 3,
                LiteralDecoder.get("/"))).assertConnectionError(ErrorCode.PROTOCOL_ERROR);
    }

    @Test
    void shouldRejectContinuationWithoutFieldBlockSection6_10() {
        Peer.connected().send(frame(TYPE_CONTINUATION, FLAG_END_HEADERS, 1, LiteralDecoder.get("/")))
                .assertConnectionError(ErrorCode.PROTOCOL_ERROR);
    }

    @Test
    void shouldRejectContinuationAfterEndHeadersSection6_10() {
        Peer.connected().send(get(1), frame(TYPE_CONTINUATION, FLAG_END_HEADERS, 1, new byte[0]))
                .assertConnectionError(ErrorCode.PROTOCOL_ERROR);
    }

    @Test
    void shouldRejectOtherFrameInsideFieldBlockSection6_10() {
        Peer.connected().send(frame(TYPE_HEADERS, 0, 1, new byte[0]), Peer.ping(1))
                .assertConnectionError(ErrorCode.PROTOCOL_ERROR);
    }

    @Test
    void shouldRejectUnknownFrameTypeInsideFieldBlockSection6_10() {
        Peer.connected().send(frame(TYPE_HEADERS, 0, 1, new byte[0]), frame(0xbb, 0, 1, new byte[0]))
                .assertConnectionError(ErrorCode.PROTOCOL_ERROR);
    }

    // ---------------------------------------------------------------- section 4.3 and 8: field blocks

    @Test
    void shouldEndConnectionWithCompressionErrorForUndecodableBlockSection4_3() {
        Peer.connected().send(headers(1, new byte[] {5, 'a'}, true)).assertConnectionError(ErrorCode.COMPRESSION_ERROR);
    }

    @Test
    void shouldAnswerMalformedRequestWithStreamProtocolErrorSection8_1_1() {
        Peer peer = Peer.connected().send(headers(1, LiteralDecoder.encode(":method", "GET", ":path", "/"), true));
        peer.assertStreamError(1, ErrorCode.PROTOCOL_ERROR);
        assertTrue(peer.events.isEmpty());
        peer.send(get(3));
        assertEquals(List.of("request 3 GET /s3 end"), peer.events);
    }

    @Test
    void shouldAcceptTrailersWithEndStreamAndDropThemSection8_1() {
        Peer peer = Peer.connected().send(headers(1, LiteralDecoder.post("/p"), false), data(1, new byte[2], false),
                headers(1, LiteralDecoder.encode("checksum", "x"), true));
        assertEquals(List.of("request 1 POST /p", "data 1 2", "data 1 0 end"), peer.events);
    }

    @Test
    void shouldAnswerTrailersWithoutEndStreamWithProtocolErrorSection8_1() {
        Peer.connected().send(headers(1, LiteralDecoder.post("/p"), false),
                headers(1, LiteralDecoder.encode("checksum", "x"), false)).assertStreamError(1, ErrorCode.PROTOCOL_ERROR);
    }

    @Test
    void shouldAnswerTrailersWithPseudoHeaderWithProtocolErrorSection8_1() {
        Peer.connected().send(headers(1, LiteralDecoder.post("/p"), false),
                headers(1, LiteralDecoder.encode(":path", "/x"), true)).assertStreamError(1, ErrorCode.PROTOCOL_ERROR);
    }

    @Test
    void shouldAnswerDataBeyondContentLengthWithProtocolErrorSection8_1_1() {
        Peer.connected().send(headers(1, LiteralDecoder.post("/p", "content-length", "2"), false),
                data(1, new byte[3], false)).assertStreamError(1, ErrorCode.PROTOCOL_ERROR);
    }

    @Test
    void shouldAnswerDataShortOfContentLengthWithProtocolErrorSection8_1_1() {
        Peer.connected().send(headers(1, LiteralDecoder.post("/p", "content-length", "4"), false),
                data(1, new byte[3], true)).assertStreamError(1, ErrorCode.PROTOCOL_ERROR);
    }

    @Test
    void shouldAnswerContentLengthWithoutDataWithProtocolErrorSection8_1_1() {
        Peer.connected().send(headers(1, LiteralDecoder.post("/p", "content-length", "4"), true))
                .assertStreamError(1, ErrorCode.PROTOCOL_ERROR);
    }

    @Test
    void shouldPutReasonWithoutPeerBytesInGoAwayDebugData() {
        Frame goAway = Peer.connected().send(frame(TYPE_PING, 0, 7, "secretXq7Z".getBytes(StandardCharsets.US_ASCII)))
                .assertConnectionError(ErrorCode.PROTOCOL_ERROR);
        String debug = new String(goAway.payload(), 8, goAway.payload().length - 8, StandardCharsets.US_ASCII);
        assertEquals("PING on a stream (RFC 9113 section 6.7)", debug);
    }

    @Test
    void shouldIgnoreInputAfterConnectionError() {
        Peer peer = Peer.connected().send(data(0, new byte[1], false));
        peer.assertConnectionError(ErrorCode.PROTOCOL_ERROR);
        peer.send(get(1), Peer.ping(1));
        assertTrue(peer.drain().isEmpty());
        assertEquals(List.of("error PROTOCOL_ERROR"), peer.events);
        assertFalse(peer.h2.streamWritable(1));
        assertEquals(0, peer.h2.sendableBytes(1));
    }

    // ---------------------------------------------------------------- every split point

    /** A whole conversation gives the same events and output however the client's bytes are split. */
    @Test
    void shouldGiveSameEventsAndOutputAtEverySplitPoint() {
        byte[] conversation = concat(ConnectionPreface.bytes(), settings(4, 100_000), Peer.settingsAck(),
                frame(TYPE_HEADERS, FLAG_PADDED, 1, concat(new byte[] {2}, LiteralDecoder.post("/p"), new byte[2])),
                frame(TYPE_CONTINUATION, FLAG_END_HEADERS, 1, new byte[0]),
                frame(TYPE_DATA, FLAG_PADDED, 1, new byte[] {1, 'a', 'b', 0}), Peer.ping(9), Peer.priority(3, 1),
                data(1, "cd".getBytes(StandardCharsets.US_ASCII), true), get(3), Peer.windowUpdate(0, 5),
                Peer.rstStream(3, ErrorCode.CANCEL), frame(0xee, 0, 0, new byte[3]));
        Peer whole = new Peer(Http2Limits.DEFAULTS).send(conversation);
        whole.drain();
        assertFalse(whole.h2.isClosed(), whole.events.toString());
        assertEquals(List.of("request 1 POST /p", "data 1 2", "data 1 2 end", "request 3 GET /s3 end",
                "reset 3 CANCEL"), whole.events);
        for (int cut = 0; cut <= conversation.length; cut++) {
            Peer split = new Peer(Http2Limits.DEFAULTS).send(java.util.Arrays.copyOf(conversation, cut),
                    java.util.Arrays.copyOfRange(conversation, cut, conversation.length));
            split.drain();
            assertEquals(whole.events, split.events, "cut=" + cut);
            assertEquals(whole.received, split.received, "cut=" + cut);
        }
        Peer bytewise = new Peer(Http2Limits.DEFAULTS);
        for (byte b : conversation) {
            bytewise.send(new byte[] {b});
        }
        bytewise.drain();
        assertEquals(whole.events, bytewise.events);
        assertEquals(whole.received, bytewise.received);
    }

    @Test
    void shouldDetectPrefaceForPlainPortTransport() {
        byte[] preface = ConnectionPreface.bytes();
        assertEquals(ConnectionPreface.Detection.PARTIAL, ConnectionPreface.detect(ByteBuffer.allocate(0)));
        for (int n = 1; n < preface.length; n++) {
            assertEquals(ConnectionPreface.Detection.PARTIAL, ConnectionPreface.detect(ByteBuffer.wrap(preface, 0, n)));
        }
        assertEquals(ConnectionPreface.Detection.MATCH, ConnectionPreface.detect(ByteBuffer.wrap(concat(preface,
                settings()))));
        assertEquals(ConnectionPreface.Detection.MISMATCH, ConnectionPreface.detect(ByteBuffer.wrap(
                "PRI * HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII))));
        assertEquals(ConnectionPreface.Detection.MISMATCH, ConnectionPreface.detect(ByteBuffer.wrap(
                "GET / HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII))));
        ByteBuffer peek = ByteBuffer.wrap(preface);
        ConnectionPreface.detect(peek);
        assertEquals(0, peek.position(), "detect consumes nothing");
        assertArrayEquals("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII), preface);
    }

    @Test
    void shouldNotLeakListOfEventsBetweenStreams() {
        List<String> none = new ArrayList<>();
        assertEquals(none, Peer.connected().events);
    }
}
