package herald.protocol.http2;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** A frame as a value, for tests: parsed from bytes, compared, printed. */
record Frame(int type, int flags, int streamId, byte[] payload) {

    static List<Frame> parseAll(byte[] bytes) {
        List<Frame> frames = new ArrayList<>();
        FrameReader reader = new FrameReader(FrameDescriptor.MAX_MAX_FRAME_BYTES);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        reader.read(in, collector(frames));
        if (!reader.atFrameBoundary()) {
            throw new AssertionError("output ends inside a frame");
        }
        return frames;
    }

    static FrameReader.FrameHandler collector(List<Frame> frames) {
        return (type, flags, streamId, payload) -> {
            byte[] p = new byte[payload.remaining()];
            payload.get(p);
            frames.add(new Frame(type, flags, streamId, p));
            return true;
        };
    }

    boolean has(int flag) {
        return (flags & flag) != 0;
    }

    int int32(int offset) {
        return ByteBuffer.wrap(payload).getInt(offset);
    }

    /** The error code of a RST_STREAM or GOAWAY. */
    ErrorCode errorCode() {
        return ErrorCode.of(int32(type == FrameDescriptor.TYPE_GOAWAY ? 4 : 0));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Frame f && f.type == type && f.flags == flags && f.streamId == streamId
                && Arrays.equals(f.payload, payload);
    }

    @Override
    public int hashCode() {
        return (type * 31 + flags) * 31 + streamId * 17 + Arrays.hashCode(payload);
    }

    @Override
    public String toString() {
        return FrameDescriptor.typeName(type) + "[flags=0x" + Integer.toHexString(flags) + " stream=" + streamId
                + " length=" + payload.length + "]";
    }
}
