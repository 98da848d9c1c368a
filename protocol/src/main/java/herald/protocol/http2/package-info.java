/**
 * HTTP/2 (RFC 9113), server side, as pure code: framing and the connection state machine a transport drives.
 *
 * <p>{@link herald.protocol.http2.FrameReader} cuts bytes into frames at any split point;
 * {@link herald.protocol.http2.FrameWriter} writes every frame type (DATA as a 9-byte header before a shared
 * payload); {@link herald.protocol.http2.FrameDescriptor} holds the layout and the RFC's constants;
 * {@link herald.protocol.http2.ConnectionPreface} detects and checks the client preface.
 * {@link herald.protocol.http2.Http2Connection} is one connection: SETTINGS exchange, stream states, field blocks
 * across CONTINUATION frames, flow control in both directions, PING, GOAWAY, RST_STREAM, every connection and
 * stream error of RFC 9113 with its code, and the limits of {@link herald.protocol.http2.Http2Limits} against the
 * known attacks, each reported as an {@link herald.protocol.http2.Http2Limit}. It reports to an
 * {@link herald.protocol.http2.Http2Listener} and queues its own frames for the transport to drain.
 * {@link herald.protocol.http2.FrameBatch} holds what one gathering write sends: frames framed in place and DATA
 * payloads referenced in shared memory through a stream's {@link herald.protocol.http2.PayloadViews}, never copied.
 *
 * <p>HPACK plugs in through {@link herald.protocol.http2.HeaderBlockDecoder}; the decoded fields are validated
 * into {@link herald.protocol.http2.RequestHeaders} (RFC 9113 sections 8.2 and 8.3).
 */
package herald.protocol.http2;
