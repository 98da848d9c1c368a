package herald.protocol.http2;

import static herald.protocol.http2.FrameDescriptor.FLAG_END_HEADERS;
import static herald.protocol.http2.FrameDescriptor.FLAG_END_STREAM;
import static herald.protocol.http2.FrameDescriptor.FLAG_PADDED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link FrameReader} and {@link FrameWriter}: every frame type written, then read back at every split point. */
final class FrameReaderTest {

    /** One of each frame type (and an extension type), written by {@link FrameWriter}. */
    static byte[] everyFrameType() {
        ByteBuffer out = ByteBuffer.allocate(70_000);
        FrameWriter.writeData(out, 1, ByteBuffer.wrap(bytes("hello")), false);
        FrameWriter.writeDataHeader(out, 1, 3, true);
        out.put(bytes("end"));
        FrameWriter.writeFrameHeader(out, 4, FrameDescriptor.TYPE_DATA, FLAG_PADDED, 3);          // padded DATA
        out.put((byte) 2).put((byte) 'x').put((byte) 0).put((byte) 0);
        FrameWriter.writeHeaders(out, 5, ByteBuffer.wrap(LiteralDecoder.get("/a")), true, 16_384);
        FrameWriter.writeHeaders(out, 7, ByteBuffer.wrap(new byte[40_000]), false, 16_384);     // + CONTINUATION x2
        FrameWriter.writeContinuation(out, 9, ByteBuffer.wrap(bytes("frag")), true);
        FrameWriter.writePriority(out, 11, 5, true, 256);
        FrameWriter.writeRstStream(out, 13, ErrorCode.CANCEL);
        FrameWriter.writeSettings(out, FrameDescriptor.SETTINGS_MAX_FRAME_SIZE, 20_000,
                FrameDescriptor.SETTINGS_HEADER_TABLE_SIZE, -1);
        FrameWriter.writeSettingsAck(out);
        FrameWriter.writeFrameHeader(out, 4, FrameDescriptor.TYPE_PUSH_PROMISE, FLAG_END_HEADERS, 15);
        out.putInt(2);
        FrameWriter.writePing(out, 0x0102030405060708L, false);
        FrameWriter.writePing(out, -1L, true);
        FrameWriter.writeGoAway(out, 17, ErrorCode.ENHANCE_YOUR_CALM, bytes("calm"));
        FrameWriter.writeWindowUpdate(out, 0, Integer.MAX_VALUE);
        FrameWriter.writeWindowUpdate(out, 19, 1);
        FrameWriter.writeFrameHeader(out, 0, 0xfa, 0xff, 0x7fff_ffff);                           // extension
        FrameWriter.writeDataHeader(out, 21, 0, false);                                           // empty
        byte[] all = new byte[out.position()];
        out.flip().get(all);
        return all;
    }

    @Test
    void shouldParseEveryFrameTypeAsWritten() {
        List<Frame> frames = Frame.parseAll(everyFrameType());
        assertEquals(20, frames.size());
        assertEquals(new Frame(0, 0, 1, bytes("hello")), frames.get(0));
        assertEquals(new Frame(0, FLAG_END_STREAM, 1, bytes("end")), frames.get(1));
        assertEquals(new Frame(0, FLAG_PADDED, 3, new byte[] {2, 'x', 0, 0}), frames.get(2));
        assertEquals(new Frame(1, FLAG_END_STREAM | FLAG_END_HEADERS, 5, LiteralDecoder.get("/a")), frames.get(3));
        assertEquals(new Frame(1, 0, 7, new byte[16_384]), frames.get(4));
        assertEquals(new Frame(9, 0, 7, new byte[16_384]), frames.get(5));
        assertEquals(new Frame(9, FLAG_END_HEADERS, 7, new byte[40_000 - 2 * 16_384]), frames.get(6));
        assertEquals(new Frame(9, FLAG_END_HEADERS, 9, bytes("frag")), frames.get(7));
        assertEquals(new Frame(2, 0, 11, new byte[] {(byte) 0x80, 0, 0, 5, (byte) 255}), frames.get(8));
        assertEquals(new Frame(3, 0, 13, Peer.int32(8)), frames.get(9));
        assertEquals(new Frame(4, 0, 0, new byte[] {0, 5, 0, 0, 0x4e, 0x20, 0, 1, -1, -1, -1, -1}), frames.get(10));
        assertEquals(new Frame(4, 1, 0, new byte[0]), frames.get(11));
        assertEquals(new Frame(5, FLAG_END_HEADERS, 15, Peer.int32(2)), frames.get(12));
        assertEquals(new Frame(6, 0, 0, new byte[] {1, 2, 3, 4, 5, 6, 7, 8}), frames.get(13));
        assertEquals(new Frame(6, 1, 0, new byte[] {-1, -1, -1, -1, -1, -1, -1, -1}), frames.get(14));
        assertEquals(new Frame(7, 0, 0, Peer.concat(Peer.int32(17), Peer.int32(0xb), bytes("calm"))), frames.get(15));
        assertEquals(new Frame(8, 0, 0, Peer.int32(Integer.MAX_VALUE)), frames.get(16));
        assertEquals(new Frame(8, 0, 19, Peer.int32(1)), frames.get(17));
        assertEquals(new Frame(0xfa, 0xff, 0x7fff_ffff, new byte[0]), frames.get(18));
        assertEquals(new Frame(0, 0, 21, new byte[0]), frames.get(19));
    }

    @Test
    void shouldParseSameFramesAtEverySplitPoint() {
        byte[] bytes = everyFrameType();
        List<Frame> expected = Frame.parseAll(bytes);
        for (int cut = 0; cut <= bytes.length; cut += cut < 200 || bytes.length - cut < 400 ? 1 : 97) {
            assertEquals(expected, inReads(bytes, cut), "cut=" + cut);
        }
    }

    @Test
    void shouldParseSameFramesByteByByte() {
        byte[] bytes = everyFrameType();
        List<Frame> frames = new ArrayList<>();
        FrameReader reader = new FrameReader(FrameDescriptor.MAX_MAX_FRAME_BYTES);
        for (byte b : bytes) {
            ByteBuffer one = ByteBuffer.wrap(new byte[] {b});
            reader.read(one, Frame.collector(frames));
            assertFalse(one.hasRemaining());
        }
        assertTrue(reader.atFrameBoundary());
        assertEquals(Frame.parseAll(bytes), frames);
    }

    @Test
    void shouldParseSameFramesAtEveryPairOfSplitPointsOfSmallFrames() {
        ByteBuffer out = ByteBuffer.allocate(100);
        FrameWriter.writePing(out, 42, false);
        FrameWriter.writeRstStream(out, 3, ErrorCode.STREAM_CLOSED);
        FrameWriter.writeSettingsAck(out);
        byte[] bytes = new byte[out.position()];
        out.flip().get(bytes);
        List<Frame> expected = Frame.parseAll(bytes);
        for (int a = 0; a <= bytes.length; a++) {
            for (int b = a; b <= bytes.length; b++) {
                assertEquals(expected, inReads(bytes, a, b), "cuts=" + a + "," + b);
            }
        }
    }

    /** RFC 9113 section 4.1: the reserved bit "MUST be ignored when receiving". */
    @Test
    void shouldIgnoreReservedBitOfStreamId() {
        byte[] frame = Peer.frame(FrameDescriptor.TYPE_PING, 0, 0, new byte[8]);
        frame[5] = (byte) 0x80;
        assertEquals(0, Frame.parseAll(frame).get(0).streamId());
    }

    /** RFC 9113 section 4.2: a frame above SETTINGS_MAX_FRAME_SIZE, refused at its header before buffering. */
    @Test
    void shouldRejectFrameOverMaxFrameBytesWithFrameSizeErrorAtItsHeader() {
        FrameReader reader = new FrameReader(16_384);
        ByteBuffer header = ByteBuffer.allocate(9);
        FrameWriter.writeFrameHeader(header, 16_385, FrameDescriptor.TYPE_DATA, 0, 1);
        List<Frame> frames = new ArrayList<>();
        Http2Exception e = assertThrows(Http2Exception.class, () -> reader.read(header.flip(), Frame.collector(frames)));
        assertEquals(ErrorCode.FRAME_SIZE_ERROR, e.errorCode());
        assertTrue(e.isConnectionError());
        assertEquals("frame exceeds maxFrameBytes=16384: length=16385 type=DATA", e.getMessage());
    }

    @Test
    void shouldAcceptFrameOfExactlyMaxFrameBytes() {
        byte[] frame = Peer.frame(FrameDescriptor.TYPE_DATA, 0, 1, new byte[16_384]);
        List<Frame> frames = new ArrayList<>();
        new FrameReader(16_384).read(ByteBuffer.wrap(frame), Frame.collector(frames));
        assertEquals(16_384, frames.get(0).payload().length);
    }

    @Test
    void shouldStopAfterFrameWhenHandlerReturnsFalseAndKeepTheRest() {
        byte[] bytes = Peer.concat(Peer.ping(1), Peer.ping(2));
        ByteBuffer in = ByteBuffer.wrap(bytes);
        List<Frame> frames = new ArrayList<>();
        FrameReader reader = new FrameReader(16_384);
        reader.read(in, (type, flags, streamId, payload) -> frames.add(new Frame(type, flags, streamId, new byte[0]))
                && false);
        assertEquals(1, frames.size());
        assertEquals(17, in.position());
        assertEquals(bytes.length, in.limit());
    }

    @Test
    void shouldRestoreInputLimitAndPositionWhenHandlerThrows() {
        ByteBuffer in = ByteBuffer.wrap(Peer.concat(Peer.ping(1), Peer.ping(2)));
        FrameReader reader = new FrameReader(16_384);
        assertThrows(IllegalStateException.class, () -> reader.read(in, (t, f, s, p) -> {
            throw new IllegalStateException("handler");
        }));
        assertEquals(17, in.position());
        assertEquals(34, in.limit());
    }

    @Test
    void shouldRefuseMaxFrameBytesOutsideRfcRange() {
        assertThrows(IllegalArgumentException.class, () -> new FrameReader(16_383));
        assertThrows(IllegalArgumentException.class, () -> new FrameReader(16_777_216));
    }

    @Test
    void shouldWriteHeadersLengthAsComputed() {
        for (int length : new int[] {0, 1, 16_384, 16_385, 40_000}) {
            ByteBuffer out = ByteBuffer.allocate(50_000);
            FrameWriter.writeHeaders(out, 1, ByteBuffer.wrap(new byte[length]), false, 16_384);
            assertEquals(FrameWriter.headersLength(length, 16_384), out.position(), "length=" + length);
        }
    }

    @Test
    void shouldWriteDataHeaderByteExact() {
        ByteBuffer out = ByteBuffer.allocate(9);
        FrameWriter.writeDataHeader(out, 0x0102_0304, 0x01_0203, true);
        assertEquals(List.of(1, 2, 3, 0, 1, 1, 2, 3, 4), toList(out.array()));
    }

    @Test
    void shouldRefuseZeroWindowIncrementAndOddSettings() {
        ByteBuffer out = ByteBuffer.allocate(64);
        assertThrows(IllegalArgumentException.class, () -> FrameWriter.writeWindowUpdate(out, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> FrameWriter.writeSettings(out, 1));
        assertThrows(IllegalArgumentException.class,
                () -> FrameWriter.writeFrameHeader(out, 16_777_216, 0, 0, 1));
    }

    private static List<Integer> toList(byte[] bytes) {
        List<Integer> list = new ArrayList<>();
        for (byte b : bytes) {
            list.add(b & 0xff);
        }
        return list;
    }

    private static List<Frame> inReads(byte[] bytes, int... cuts) {
        List<Frame> frames = new ArrayList<>();
        FrameReader reader = new FrameReader(FrameDescriptor.MAX_MAX_FRAME_BYTES);
        int from = 0;
        for (int i = 0; i <= cuts.length; i++) {
            int to = i < cuts.length ? cuts[i] : bytes.length;
            ByteBuffer chunk = ByteBuffer.wrap(bytes, from, to - from).slice();
            reader.read(chunk, Frame.collector(frames));
            assertFalse(chunk.hasRemaining());
            from = to;
        }
        assertTrue(reader.atFrameBoundary());
        return frames;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
