package herald.protocol.http2;

import java.nio.ByteBuffer;

/**
 * What {@link Http2Connection} tells its transport, from inside {@link Http2Connection#receive} (and
 * {@link Http2Connection#settingsTimeout}), on the thread driving the connection.
 *
 * <p>A stream the transport knows starts with exactly one {@link #onRequest} or {@link #onRequestRejected}; it
 * then gets {@link #onData} until one with {@code endStream}, and at most one {@link #onStreamReset}, after which
 * it is gone. Streams refused or reset before their request was complete are never reported.
 *
 * <p>Callbacks may call the connection's sending methods ({@link Http2Connection#writeHeaders},
 * {@link Http2Connection#resetStream}, {@link Http2Connection#consumed}, ...), never {@code receive}. They must not
 * block: hand work to the stream's own thread.
 */
public interface Http2Listener {

    /**
     * A new stream's request head, validated. {@code endStream}: the request has no body (the stream is
     * half-closed (remote)). Answer with {@link Http2Connection#writeHeaders}.
     */
    void onRequest(int streamId, RequestHeaders request, boolean endStream);

    /**
     * A new stream whose request Herald refuses with an HTTP status, here 431 (its field list exceeded
     * {@code maxHeaderListBytes}); the transport writes that response. Its body, if any, is discarded and its
     * flow-control window returned by the connection.
     */
    void onRequestRejected(int streamId, int status, String reason);

    /**
     * Request body bytes, padding removed: {@code data}'s position..limit, valid only during the call. Call
     * {@link Http2Connection#consumed} as the bytes are used, or the client's window closes. {@code endStream}
     * (possibly with no data, after trailers, which are validated and dropped): the body is complete.
     */
    void onData(int streamId, ByteBuffer data, boolean endStream);

    /**
     * The stream ended abnormally: the client reset it ({@code code} as sent) or it broke a stream rule (the code
     * Herald sent in its RST_STREAM). Stop its work; send nothing more on it.
     */
    void onStreamReset(int streamId, ErrorCode code);

    /**
     * A WINDOW_UPDATE or SETTINGS opened a send window that was shut: on {@code streamId}, or with 0 on the
     * connection (every stream may send again). Resume writers waiting on {@link Http2Connection#sendableBytes}.
     */
    void onSendWindowOpened(int streamId);

    /** The client sent GOAWAY: it opens no more streams; the connection ends once the open ones are done. */
    void onGoAway(int lastStreamId, ErrorCode code);

    /**
     * A connection error: a GOAWAY with {@code code} is queued as the last output. Drain
     * {@link Http2Connection#drainOutput}, then close the connection. Every open stream is gone with it, without an
     * {@link #onStreamReset} each: the transport ends their work itself.
     */
    void onConnectionError(ErrorCode code, String reason);

    /** A limit of {@link Http2Limits} was hit (for the server's metrics); the consequence follows separately. */
    void onLimitExceeded(Http2Limit limit);
}
