package herald.protocol.http2;

/**
 * An HTTP/2 error: a connection error (RFC 9113 section 5.4.1, {@link #streamId()} 0), answered with GOAWAY and
 * the end of the connection, or a stream error (section 5.4.2), answered with RST_STREAM on that stream.
 *
 * <p>{@link Http2Connection} raises and handles these itself; the transport sees them only as
 * {@link Http2Listener} events. A {@link HeaderBlockDecoder} throws one ({@link #compression}) for a block it cannot
 * decode. Messages use {@code name=value} and never echo peer bytes. Stackless: hostile input is normal traffic.
 */
public final class Http2Exception extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient ErrorCode errorCode;
    private final int streamId;

    private Http2Exception(ErrorCode errorCode, int streamId, String reason) {
        super(reason, null, false, false);          // no suppression, no stack trace
        this.errorCode = errorCode;
        this.streamId = streamId;
    }

    /** A connection error: GOAWAY with {@code code}, then the connection closes. */
    public static Http2Exception connection(ErrorCode code, String reason) {
        return new Http2Exception(code, 0, reason);
    }

    /** A stream error: RST_STREAM with {@code code} on {@code streamId} (greater than 0). */
    public static Http2Exception stream(int streamId, ErrorCode code, String reason) {
        if (streamId <= 0) {
            throw new IllegalArgumentException("a stream error needs a stream: streamId=" + streamId);
        }
        return new Http2Exception(code, streamId, reason);
    }

    /** A field block that cannot be decoded: a connection error COMPRESSION_ERROR (RFC 9113 section 4.3). */
    public static Http2Exception compression(String reason) {
        return new Http2Exception(ErrorCode.COMPRESSION_ERROR, 0, reason);
    }

    public ErrorCode errorCode() {
        return errorCode;
    }

    /** The stream of a stream error, 0 for a connection error. */
    public int streamId() {
        return streamId;
    }

    public boolean isConnectionError() {
        return streamId == 0;
    }
}
