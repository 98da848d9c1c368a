package herald.protocol.http2;

/**
 * A limit of {@link Http2Limits} the client ran into, reported through {@link Http2Listener#onLimitExceeded} so
 * the server can count each in its metrics.
 */
public enum Http2Limit {
    /** Too many streams reset by the client before their response head (CVE-2023-44487); GOAWAY follows. */
    RAPID_RESET,
    /** A field block longer than {@code maxHeaderListBytes} across CONTINUATION frames (CVE-2024-27316); GOAWAY. */
    CONTINUATION_FLOOD,
    /** Too many SETTINGS acknowledgements waiting to be sent; GOAWAY follows. */
    SETTINGS_FLOOD,
    /** Too many PING acknowledgements waiting to be sent; GOAWAY follows. */
    PING_FLOOD,
    /** Too many RST_STREAM answers to the client's stream errors waiting to be sent; GOAWAY follows. */
    RESET_FLOOD,
    /** Too many frames in a row carrying nothing (empty DATA, empty fragments, PRIORITY, unknown types); GOAWAY. */
    EMPTY_FRAME_FLOOD,
    /** A WINDOW_UPDATE took a window above 2^31-1: FLOW_CONTROL_ERROR on the stream or the connection. */
    WINDOW_UPDATE_OVERFLOW,
    /** A request's decoded field list exceeded {@code maxHeaderListBytes}: answered 431, the connection lives. */
    HEADER_LIST_TOO_LARGE,
    /** A stream beyond {@code maxConcurrentStreams}: refused with REFUSED_STREAM, the connection lives. */
    STREAM_REFUSED
}
