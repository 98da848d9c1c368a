package herald.protocol.http2;

/**
 * The ids of the last {@value #CAPACITY} streams that closed, each marked if Herald reset it: frames the client
 * sent before it learnt of Herald's RST_STREAM are ignored (RFC 9113 section 5.4.2), a HEADERS on another recently
 * closed stream is STREAM_CLOSED rather than a reused id's PROTOCOL_ERROR (section 5.1.1). A ring; one thread.
 */
final class ClosedStreams {
    static final int CAPACITY = 64;
    private static final int RESET_BY_US = 0x8000_0000;        // ids are 31-bit: the top bit is free for the mark

    private final int[] ids = new int[CAPACITY];
    private int next;

    void remember(int streamId, boolean resetByUs) {
        ids[next] = resetByUs ? streamId | RESET_BY_US : streamId;
        next = (next + 1) % CAPACITY;
    }

    boolean resetByUs(int streamId) {
        int marked = streamId | RESET_BY_US;
        for (int id : ids) {
            if (id == marked) {
                return true;
            }
        }
        return false;
    }

    boolean contains(int streamId) {
        for (int id : ids) {
            if (id != 0 && (id & FrameDescriptor.STREAM_ID_MASK) == streamId) {
                return true;
            }
        }
        return false;
    }
}
