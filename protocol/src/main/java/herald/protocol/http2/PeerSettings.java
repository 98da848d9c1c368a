package herald.protocol.http2;

/**
 * The client's settings as last received (RFC 9113 section 6.5.2), starting at the RFC's initial values. Values
 * above 2^31-1 read as {@link Integer#MAX_VALUE}; "unlimited" reads as {@link Integer#MAX_VALUE} too.
 *
 * <p>The transport reads {@link #headerTableBytes()} before HPACK-encoding a response head, to size its encoder's
 * dynamic table, and need not read the others: {@link Http2Connection} applies the window and frame size itself.
 * Read it on the thread that drives the connection.
 */
public final class PeerSettings {
    private int headerTableBytes = FrameDescriptor.DEFAULT_HEADER_TABLE_BYTES;
    private boolean enablePush = true;
    private int maxConcurrentStreams = Integer.MAX_VALUE;
    private int initialWindowBytes = FrameDescriptor.DEFAULT_WINDOW_BYTES;
    private int maxFrameBytes = FrameDescriptor.DEFAULT_MAX_FRAME_BYTES;
    private int maxHeaderListBytes = Integer.MAX_VALUE;

    PeerSettings() {
    }

    /** SETTINGS_HEADER_TABLE_SIZE: the most the response encoder's dynamic table may hold. */
    public int headerTableBytes() {
        return headerTableBytes;
    }

    /** SETTINGS_ENABLE_PUSH (Herald never pushes). */
    public boolean enablePush() {
        return enablePush;
    }

    /** SETTINGS_MAX_CONCURRENT_STREAMS: limits streams Herald would open (it opens none). */
    public int maxConcurrentStreams() {
        return maxConcurrentStreams;
    }

    /** SETTINGS_INITIAL_WINDOW_SIZE: each stream's initial send window. */
    public int initialWindowBytes() {
        return initialWindowBytes;
    }

    /** SETTINGS_MAX_FRAME_SIZE: the largest payload Herald may send. */
    public int maxFrameBytes() {
        return maxFrameBytes;
    }

    /** SETTINGS_MAX_HEADER_LIST_SIZE: advisory bound on response heads. */
    public int maxHeaderListBytes() {
        return maxHeaderListBytes;
    }

    void headerTableBytes(int value) {
        headerTableBytes = value;
    }

    void enablePush(boolean value) {
        enablePush = value;
    }

    void maxConcurrentStreams(int value) {
        maxConcurrentStreams = value;
    }

    void initialWindowBytes(int value) {
        initialWindowBytes = value;
    }

    void maxFrameBytes(int value) {
        maxFrameBytes = value;
    }

    void maxHeaderListBytes(int value) {
        maxHeaderListBytes = value;
    }

    @Override
    public String toString() {
        return "PeerSettings[headerTableBytes=" + headerTableBytes + ", enablePush=" + enablePush
                + ", maxConcurrentStreams=" + maxConcurrentStreams + ", initialWindowBytes=" + initialWindowBytes
                + ", maxFrameBytes=" + maxFrameBytes + ", maxHeaderListBytes=" + maxHeaderListBytes + "]";
    }
}
