package herald.protocol.http2;

import java.nio.ByteBuffer;

/**
 * The field block being received (RFC 9113 section 4.3): what its HEADERS frame said, and its fragments gathered
 * across CONTINUATION frames in a buffer that never grows past {@code maxBytes} (CVE-2024-27316: a block longer
 * than that is refused as it arrives, not buffered whole). A block that ends in its HEADERS frame is decoded in
 * place and never copied. One thread.
 */
final class FieldBlock {
    /** What the block is for. */
    static final int NEW_STREAM = 0;
    static final int TRAILERS = 1;
    /** Decoded only to keep HPACK in step (a stream Herald reset, or opened after its GOAWAY). */
    static final int IGNORED = 2;

    private final int maxBytes;
    private ByteBuffer buffer;                       // null until a block first spans frames
    private boolean open;
    private int streamId;
    private int kind;
    private boolean endStream;
    private boolean selfDependent;

    FieldBlock(int maxBytes) {
        this.maxBytes = maxBytes;
    }

    /** A HEADERS frame started a block. */
    void start(int streamId, int kind, boolean endStream, boolean selfDependent) {
        this.open = true;
        this.streamId = streamId;
        this.kind = kind;
        this.endStream = endStream;
        this.selfDependent = selfDependent;
        if (buffer != null) {
            buffer.clear();
        }
    }

    /**
     * Gathers a fragment of a block that spans frames.
     *
     * @return false (nothing gathered) if the block would exceed {@code maxBytes}
     */
    boolean append(ByteBuffer fragment) {
        int held = buffer == null ? 0 : buffer.position();
        int needed = held + fragment.remaining();
        if (needed > maxBytes) {
            return false;
        }
        if (buffer == null || buffer.capacity() < needed) {
            ByteBuffer bigger = ByteBuffer.allocate(Math.min(maxBytes,
                    Math.max(needed, buffer == null ? 1_024 : buffer.capacity() * 2)));
            if (buffer != null) {
                bigger.put(buffer.flip());
            }
            buffer = bigger;
        }
        buffer.put(fragment);
        return true;
    }

    /** The gathered block, ready to decode; the block is closed. */
    ByteBuffer complete() {
        open = false;
        return buffer.flip();
    }

    /** Closes the block without its bytes (it ended in its HEADERS frame, or the connection failed). */
    void close() {
        open = false;
    }

    boolean isOpen() {
        return open;
    }

    int streamId() {
        return streamId;
    }

    int kind() {
        return kind;
    }

    boolean endStream() {
        return endStream;
    }

    boolean selfDependent() {
        return selfDependent;
    }
}
