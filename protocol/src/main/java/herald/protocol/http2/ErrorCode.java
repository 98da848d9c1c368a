package herald.protocol.http2;

/**
 * The error codes of RST_STREAM and GOAWAY frames (RFC 9113 section 7).
 *
 * <p>Codes Herald does not know are reported as {@link #INTERNAL_ERROR}, which section 7 allows ("Unknown or
 * unsupported error codes MUST NOT trigger any special behavior").
 */
public enum ErrorCode {
    NO_ERROR(0x0),
    PROTOCOL_ERROR(0x1),
    INTERNAL_ERROR(0x2),
    FLOW_CONTROL_ERROR(0x3),
    SETTINGS_TIMEOUT(0x4),
    STREAM_CLOSED(0x5),
    FRAME_SIZE_ERROR(0x6),
    REFUSED_STREAM(0x7),
    CANCEL(0x8),
    COMPRESSION_ERROR(0x9),
    CONNECT_ERROR(0xa),
    ENHANCE_YOUR_CALM(0xb),
    INADEQUATE_SECURITY(0xc),
    HTTP_1_1_REQUIRED(0xd);

    private static final ErrorCode[] BY_CODE = values();

    private final int code;

    ErrorCode(int code) {
        this.code = code;
    }

    /** The 32-bit value on the wire. */
    public int code() {
        return code;
    }

    /** The code for a wire value (unsigned); unknown values give {@link #INTERNAL_ERROR}. */
    public static ErrorCode of(int wireValue) {
        return wireValue >= 0 && wireValue < BY_CODE.length ? BY_CODE[wireValue] : INTERNAL_ERROR;
    }
}
