package herald.protocol.http2;

import static herald.protocol.http2.FrameDescriptor.HEADER_BYTES;
import static herald.protocol.http2.FrameDescriptor.STREAM_ID_MASK;

import java.nio.ByteBuffer;

/**
 * Cuts a byte stream into HTTP/2 frames (RFC 9113 section 4.1), incrementally: feed whatever a read produced,
 * get each complete frame once, the same frames however the bytes were split. A frame whose payload lies whole in
 * the input is handed over in place (no copy); a frame split across reads is gathered in a buffer of at most
 * {@link #maxFrameBytes()} bytes, allocated the first time it is needed.
 *
 * <p>The reader knows only lengths: it refuses a frame longer than {@link #maxFrameBytes()} when its header
 * arrives, before buffering any of it, and leaves every other rule to {@link Http2Connection}.
 *
 * <p>Not thread-safe: one connection, one thread at a time.
 */
public final class FrameReader {

    /** Receives each complete frame. */
    @FunctionalInterface
    public interface FrameHandler {
        /**
         * One frame. {@code payload}'s position..limit are the payload bytes; the buffer and its bytes are valid
         * only during the call (copy what is kept); the handler may move its position.
         *
         * @param type     the frame type, also unknown ones (0..255)
         * @param flags    the flags byte (0..255)
         * @param streamId the stream identifier with the reserved bit cleared
         * @return true to read on, false to stop after this frame (the rest stays in the input)
         */
        boolean frame(int type, int flags, int streamId, ByteBuffer payload);
    }

    private final byte[] header = new byte[HEADER_BYTES];
    private int headerFill;
    private boolean inPayload;
    private int length;
    private int type;
    private int flags;
    private int streamId;
    private ByteBuffer partial;                 // payload of a frame split across reads; null until first needed
    private int maxFrameBytes;

    /** A reader refusing frames longer than {@code maxFrameBytes} (16,384 .. 16,777,215). */
    public FrameReader(int maxFrameBytes) {
        maxFrameBytes(maxFrameBytes);
    }

    public int maxFrameBytes() {
        return maxFrameBytes;
    }

    /** Changes the largest accepted payload, from the next frame header on. */
    public void maxFrameBytes(int value) {
        if (value < FrameDescriptor.DEFAULT_MAX_FRAME_BYTES || value > FrameDescriptor.MAX_MAX_FRAME_BYTES) {
            throw new IllegalArgumentException("maxFrameBytes=" + value + " (must be 16384..16777215)");
        }
        this.maxFrameBytes = value;
    }

    /** True when no part of a frame is held back (the bytes read so far ended on a frame boundary). */
    public boolean atFrameBoundary() {
        return !inPayload && headerFill == 0;
    }

    /**
     * Reads every complete frame between {@code in}'s position and limit, handing each to {@code handler}, and
     * keeps the bytes of an incomplete last frame. On return {@code in} is consumed, or positioned after the frame
     * for which the handler returned false.
     *
     * @throws Http2Exception a connection error FRAME_SIZE_ERROR for a frame longer than {@link #maxFrameBytes()}
     *                        (section 4.2), raised when its header arrives; and whatever the handler throws, after
     *                        {@code in} was positioned past that frame
     */
    public void read(ByteBuffer in, FrameHandler handler) {
        while (true) {
            if (!inPayload && !readHeader(in)) {
                return;
            }
            ByteBuffer payload;
            int next;
            int limit = in.limit();
            if (partial == null || partial.position() == 0) {
                if (in.remaining() >= length) {
                    next = in.position() + length;
                    in.limit(next);
                    payload = in;                       // in place: no copy, no slice
                } else {
                    bufferPartial(in);
                    return;
                }
            } else if (fillPartial(in)) {
                payload = partial.flip();
                next = in.position();
            } else {
                return;
            }
            inPayload = false;
            boolean more;
            try {
                more = handler.frame(type, flags, streamId, payload);
            } finally {
                if (payload == in) {
                    in.limit(limit);
                    in.position(next);
                } else {
                    partial.clear();
                }
            }
            if (!more) {
                return;
            }
        }
    }

    private boolean readHeader(ByteBuffer in) {
        int p = in.position();
        if (headerFill == 0 && in.remaining() >= HEADER_BYTES) {
            length = (in.get(p) & 0xff) << 16 | (in.get(p + 1) & 0xff) << 8 | in.get(p + 2) & 0xff;
            type = in.get(p + 3) & 0xff;
            flags = in.get(p + 4) & 0xff;
            streamId = in.getInt(p + 5) & STREAM_ID_MASK;
            in.position(p + HEADER_BYTES);
        } else {
            int n = Math.min(HEADER_BYTES - headerFill, in.remaining());
            in.get(header, headerFill, n);
            headerFill += n;
            if (headerFill < HEADER_BYTES) {
                return false;
            }
            headerFill = 0;
            length = (header[0] & 0xff) << 16 | (header[1] & 0xff) << 8 | header[2] & 0xff;
            type = header[3] & 0xff;
            flags = header[4] & 0xff;
            streamId = ((header[5] & 0xff) << 24 | (header[6] & 0xff) << 16 | (header[7] & 0xff) << 8
                    | header[8] & 0xff) & STREAM_ID_MASK;
        }
        if (length > maxFrameBytes) {
            throw Http2Exception.connection(ErrorCode.FRAME_SIZE_ERROR, "frame exceeds maxFrameBytes="
                    + maxFrameBytes + ": length=" + length + " type=" + FrameDescriptor.typeName(type));
        }
        inPayload = true;
        return true;
    }

    private void bufferPartial(ByteBuffer in) {
        if (partial == null || partial.capacity() < length) {
            partial = ByteBuffer.allocate(Math.max(length, partial == null ? 0 : partial.capacity()));
        }
        partial.clear().limit(length);
        partial.put(in);
    }

    /** Adds to a partly gathered payload; true when it is complete. */
    private boolean fillPartial(ByteBuffer in) {
        int n = Math.min(partial.remaining(), in.remaining());
        int limit = in.limit();
        in.limit(in.position() + n);
        partial.put(in);
        in.limit(limit);
        return !partial.hasRemaining();
    }
}
