package herald.protocol.http2;

/**
 * The layout of an HTTP/2 frame and the constants of RFC 9113 sections 4.1, 6 and 6.5.2: offsets, frame types,
 * flags, setting identifiers and the limits the RFC fixes. Behaviour lives in {@link FrameReader},
 * {@link FrameWriter} and {@link Http2Connection}.
 *
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-----------------------------------------------+---------------+
 *  |                 Length (24)                   |   Type (8)    |
 *  +---------------+-+-------------+---------------+---------------+
 *  |   Flags (8)   |R|                 Stream Identifier (31)      |
 *  +---------------+-+---------------------------------------------+
 *  |                 Frame Payload (Length bytes)                ...
 *  +---------------------------------------------------------------+
 * </pre>
 * The reserved bit R is sent as 0 and ignored when received.
 */
public final class FrameDescriptor {
    /** Bytes of the frame header before the payload. */
    public static final int HEADER_BYTES = 9;
    public static final int LENGTH_OFFSET = 0;
    public static final int TYPE_OFFSET = 3;
    public static final int FLAGS_OFFSET = 4;
    public static final int STREAM_ID_OFFSET = 5;
    /** Masks the reserved bit off a stream identifier, a window increment or a stream dependency. */
    public static final int STREAM_ID_MASK = 0x7fff_ffff;

    public static final int TYPE_DATA = 0x0;
    public static final int TYPE_HEADERS = 0x1;
    public static final int TYPE_PRIORITY = 0x2;
    public static final int TYPE_RST_STREAM = 0x3;
    public static final int TYPE_SETTINGS = 0x4;
    public static final int TYPE_PUSH_PROMISE = 0x5;
    public static final int TYPE_PING = 0x6;
    public static final int TYPE_GOAWAY = 0x7;
    public static final int TYPE_WINDOW_UPDATE = 0x8;
    public static final int TYPE_CONTINUATION = 0x9;

    /** DATA, HEADERS: the last frame the sender sends on the stream. */
    public static final int FLAG_END_STREAM = 0x1;
    /** SETTINGS, PING: an acknowledgement. */
    public static final int FLAG_ACK = 0x1;
    /** HEADERS, PUSH_PROMISE, CONTINUATION: the field block ends in this frame. */
    public static final int FLAG_END_HEADERS = 0x4;
    /** DATA, HEADERS, PUSH_PROMISE: a Pad Length byte first and that many padding bytes last. */
    public static final int FLAG_PADDED = 0x8;
    /** HEADERS: Exclusive bit, Stream Dependency (31) and Weight (8) before the field block fragment. */
    public static final int FLAG_PRIORITY = 0x20;

    public static final int SETTINGS_HEADER_TABLE_SIZE = 0x1;
    public static final int SETTINGS_ENABLE_PUSH = 0x2;
    public static final int SETTINGS_MAX_CONCURRENT_STREAMS = 0x3;
    public static final int SETTINGS_INITIAL_WINDOW_SIZE = 0x4;
    public static final int SETTINGS_MAX_FRAME_SIZE = 0x5;
    public static final int SETTINGS_MAX_HEADER_LIST_SIZE = 0x6;
    /** Bytes of one setting: Identifier (16), Value (32). */
    public static final int SETTING_BYTES = 6;

    /** Payload bytes of PRIORITY; also the priority fields of a HEADERS frame. */
    public static final int PRIORITY_BYTES = 5;
    /** Payload bytes of RST_STREAM and WINDOW_UPDATE. */
    public static final int RST_STREAM_BYTES = 4;
    public static final int WINDOW_UPDATE_BYTES = 4;
    /** Payload bytes of PING. */
    public static final int PING_BYTES = 8;
    /** Payload bytes of GOAWAY before its debug data: Last-Stream-ID (31), Error Code (32). */
    public static final int GOAWAY_MIN_BYTES = 8;

    /** SETTINGS_MAX_FRAME_SIZE's initial value and lowest allowed value (section 6.5.2). */
    public static final int DEFAULT_MAX_FRAME_BYTES = 16_384;
    /** SETTINGS_MAX_FRAME_SIZE's highest allowed value, 2^24-1. */
    public static final int MAX_MAX_FRAME_BYTES = 16_777_215;
    /** Initial stream and connection flow-control windows (section 6.9.2). */
    public static final int DEFAULT_WINDOW_BYTES = 65_535;
    /** The largest flow-control window, 2^31-1 (section 6.9.1). */
    public static final int MAX_WINDOW_BYTES = Integer.MAX_VALUE;
    /** SETTINGS_HEADER_TABLE_SIZE's initial value (section 6.5.2). */
    public static final int DEFAULT_HEADER_TABLE_BYTES = 4_096;

    private FrameDescriptor() {
    }

    /** The frame type's name for messages, or {@code "0x.."} for an extension type. */
    public static String typeName(int type) {
        return switch (type) {
            case TYPE_DATA -> "DATA";
            case TYPE_HEADERS -> "HEADERS";
            case TYPE_PRIORITY -> "PRIORITY";
            case TYPE_RST_STREAM -> "RST_STREAM";
            case TYPE_SETTINGS -> "SETTINGS";
            case TYPE_PUSH_PROMISE -> "PUSH_PROMISE";
            case TYPE_PING -> "PING";
            case TYPE_GOAWAY -> "GOAWAY";
            case TYPE_WINDOW_UPDATE -> "WINDOW_UPDATE";
            case TYPE_CONTINUATION -> "CONTINUATION";
            default -> String.format("0x%02x", type);
        };
    }
}
