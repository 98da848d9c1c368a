package herald.protocol.http2;

import static herald.protocol.http2.FrameDescriptor.FLAG_ACK;
import static herald.protocol.http2.FrameDescriptor.FLAG_END_HEADERS;
import static herald.protocol.http2.FrameDescriptor.FLAG_END_STREAM;
import static herald.protocol.http2.FrameDescriptor.HEADER_BYTES;
import static herald.protocol.http2.FrameDescriptor.STREAM_ID_MASK;

import java.nio.ByteBuffer;

/**
 * Writes HTTP/2 frames (RFC 9113 section 6) into {@link ByteBuffer}s. Static methods, no state, no allocation;
 * any thread may call them. Each writes at {@code out.position()} and advances it; without room it throws
 * {@link java.nio.BufferOverflowException} (bytes before the failing write may have been written).
 *
 * <p>DATA is written as a header only ({@link #writeDataHeader}): a transport writes those 9 bytes, then the
 * payload straight from the shared encoded event memory with a gathering write, so the frame header is the only
 * byte work done per subscriber.
 *
 * <p>These methods frame; they do not check the connection's state, windows or the peer's frame size limit.
 * {@link Http2Connection} does, and calls them.
 */
public final class FrameWriter {

    private FrameWriter() {
    }

    /** Writes a 9-byte frame header. */
    public static void writeFrameHeader(ByteBuffer out, int length, int type, int flags, int streamId) {
        if (length < 0 || length > FrameDescriptor.MAX_MAX_FRAME_BYTES) {
            throw new IllegalArgumentException("frame length=" + length + " (must be 0..16777215)");
        }
        out.put((byte) (length >>> 16)).put((byte) (length >>> 8)).put((byte) length)
                .put((byte) type).put((byte) flags).putInt(streamId & STREAM_ID_MASK);
    }

    /**
     * The header of a DATA frame of {@code length} payload bytes, unpadded; the payload follows separately.
     *
     * @see Http2Connection#writeDataHeader
     */
    public static void writeDataHeader(ByteBuffer out, int streamId, int length, boolean endStream) {
        writeFrameHeader(out, length, FrameDescriptor.TYPE_DATA, endStream ? FLAG_END_STREAM : 0, streamId);
    }

    /** A whole unpadded DATA frame: the header, then {@code data}'s remaining bytes (consumed). */
    public static void writeData(ByteBuffer out, int streamId, ByteBuffer data, boolean endStream) {
        writeDataHeader(out, streamId, data.remaining(), endStream);
        out.put(data);
    }

    /**
     * The bytes {@link #writeHeaders} writes for a field block of {@code blockLength} bytes: the block and one
     * frame header per {@code maxFrameBytes} piece (at least one).
     */
    public static int headersLength(int blockLength, int maxFrameBytes) {
        int frames = Math.max(1, (blockLength + maxFrameBytes - 1) / maxFrameBytes);
        return blockLength + frames * HEADER_BYTES;
    }

    /**
     * A field block as one HEADERS frame, or HEADERS and CONTINUATION frames when it is longer than
     * {@code maxFrameBytes} (the peer's SETTINGS_MAX_FRAME_SIZE); END_HEADERS on the last frame, END_STREAM (when
     * asked) on the HEADERS frame. Consumes {@code block}'s remaining bytes; writes {@link #headersLength} bytes.
     */
    public static void writeHeaders(ByteBuffer out, int streamId, ByteBuffer block, boolean endStream,
                                    int maxFrameBytes) {
        int remaining = block.remaining();
        int first = Math.min(remaining, maxFrameBytes);
        int flags = (endStream ? FLAG_END_STREAM : 0) | (first == remaining ? FLAG_END_HEADERS : 0);
        writeFrameHeader(out, first, FrameDescriptor.TYPE_HEADERS, flags, streamId);
        putSome(out, block, first);
        while (block.hasRemaining()) {
            int n = Math.min(block.remaining(), maxFrameBytes);
            writeFrameHeader(out, n, FrameDescriptor.TYPE_CONTINUATION,
                    n == block.remaining() ? FLAG_END_HEADERS : 0, streamId);
            putSome(out, block, n);
        }
    }

    /** A CONTINUATION frame carrying {@code fragment}'s remaining bytes (consumed). */
    public static void writeContinuation(ByteBuffer out, int streamId, ByteBuffer fragment, boolean endHeaders) {
        writeFrameHeader(out, fragment.remaining(), FrameDescriptor.TYPE_CONTINUATION,
                endHeaders ? FLAG_END_HEADERS : 0, streamId);
        out.put(fragment);
    }

    /** A PRIORITY frame (accepted and ignored by Herald; written by test clients). */
    public static void writePriority(ByteBuffer out, int streamId, int dependency, boolean exclusive, int weight) {
        writeFrameHeader(out, FrameDescriptor.PRIORITY_BYTES, FrameDescriptor.TYPE_PRIORITY, 0, streamId);
        out.putInt((dependency & STREAM_ID_MASK) | (exclusive ? 0x8000_0000 : 0)).put((byte) (weight - 1));
    }

    /** A RST_STREAM frame. */
    public static void writeRstStream(ByteBuffer out, int streamId, ErrorCode code) {
        writeFrameHeader(out, FrameDescriptor.RST_STREAM_BYTES, FrameDescriptor.TYPE_RST_STREAM, 0, streamId);
        out.putInt(code.code());
    }

    /**
     * A SETTINGS frame with the given settings as identifier/value pairs ({@code pairs[2i]} identifier,
     * {@code pairs[2i+1]} value, unsigned).
     */
    public static void writeSettings(ByteBuffer out, int... pairs) {
        if (pairs.length % 2 != 0) {
            throw new IllegalArgumentException("settings come in pairs: length=" + pairs.length);
        }
        writeFrameHeader(out, pairs.length / 2 * FrameDescriptor.SETTING_BYTES, FrameDescriptor.TYPE_SETTINGS, 0, 0);
        for (int i = 0; i < pairs.length; i += 2) {
            out.putShort((short) pairs[i]).putInt(pairs[i + 1]);
        }
    }

    /** A SETTINGS frame with the ACK flag and no payload. */
    public static void writeSettingsAck(ByteBuffer out) {
        writeFrameHeader(out, 0, FrameDescriptor.TYPE_SETTINGS, FLAG_ACK, 0);
    }

    /** A PING frame; {@code ack} answers a PING with the same {@code opaqueData}. */
    public static void writePing(ByteBuffer out, long opaqueData, boolean ack) {
        writeFrameHeader(out, FrameDescriptor.PING_BYTES, FrameDescriptor.TYPE_PING, ack ? FLAG_ACK : 0, 0);
        out.putLong(opaqueData);
    }

    /** A GOAWAY frame; {@code debugData} (may be empty) is diagnostic text of Herald's own, never peer bytes. */
    public static void writeGoAway(ByteBuffer out, int lastStreamId, ErrorCode code, byte[] debugData) {
        writeFrameHeader(out, FrameDescriptor.GOAWAY_MIN_BYTES + debugData.length, FrameDescriptor.TYPE_GOAWAY, 0,
                0);
        out.putInt(lastStreamId & STREAM_ID_MASK).putInt(code.code()).put(debugData);
    }

    /** A WINDOW_UPDATE frame; {@code increment} is 1..2^31-1, {@code streamId} 0 for the connection. */
    public static void writeWindowUpdate(ByteBuffer out, int streamId, int increment) {
        if (increment <= 0) {
            throw new IllegalArgumentException("increment=" + increment + " (must be 1..2147483647)");
        }
        writeFrameHeader(out, FrameDescriptor.WINDOW_UPDATE_BYTES, FrameDescriptor.TYPE_WINDOW_UPDATE, 0, streamId);
        out.putInt(increment);
    }

    private static void putSome(ByteBuffer out, ByteBuffer src, int n) {
        int limit = src.limit();
        src.limit(src.position() + n);
        out.put(src);
        src.limit(limit);
    }
}
