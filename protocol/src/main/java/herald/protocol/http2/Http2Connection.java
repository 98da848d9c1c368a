package herald.protocol.http2;

import static herald.protocol.http2.FrameDescriptor.DEFAULT_MAX_FRAME_BYTES;
import static herald.protocol.http2.FrameDescriptor.DEFAULT_WINDOW_BYTES;
import static herald.protocol.http2.FrameDescriptor.FLAG_ACK;
import static herald.protocol.http2.FrameDescriptor.FLAG_END_HEADERS;
import static herald.protocol.http2.FrameDescriptor.FLAG_END_STREAM;
import static herald.protocol.http2.FrameDescriptor.FLAG_PADDED;
import static herald.protocol.http2.FrameDescriptor.FLAG_PRIORITY;
import static herald.protocol.http2.FrameDescriptor.HEADER_BYTES;
import static herald.protocol.http2.FrameDescriptor.MAX_WINDOW_BYTES;
import static herald.protocol.http2.FrameDescriptor.STREAM_ID_MASK;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The server side of one HTTP/2 connection (RFC 9113) as a state machine: bytes from the client in
 * ({@link #receive}), {@link Http2Listener} events and queued control frames out ({@link #drainOutput}), and the
 * transport's own frames (response heads, DATA headers, resets) checked and accounted as it writes them. No
 * threads, no I/O, no clock.
 *
 * <p><b>Assumptions.</b> One thread at a time: the transport holds its connection lock around every call (the
 * reading thread in {@code receive}, a stream's thread writing its response, the fan-out writing DATA). HPACK
 * encoding of a response head happens under the same lock, right before {@link #writeHeaders}, after checking
 * {@link #streamWritable}. Frames the transport writes itself (response HEADERS, a DATA header and its payload) go
 * on the wire whole and before the output queued during or after the call that framed them: write the frame, then
 * {@link #drainOutput} (never between a DATA header and its payload). <b>Guarantees.</b> Every client violation ends in a stream error (RST_STREAM queued,
 * {@link Http2Listener#onStreamReset} if the transport knew the stream) or a connection error (GOAWAY queued as the
 * last output, {@link Http2Listener#onConnectionError}), with the code RFC 9113 names; no other exception escapes
 * {@code receive} (an exception from the listener or the decoder, a bug, propagates). Memory is bounded by
 * {@link Http2Limits}.
 *
 * <pre>{@code
 * Http2Connection h2 = new Http2Connection(Http2Limits.DEFAULTS, hpackDecoder, listener);
 * drain(h2);                                    // Herald's SETTINGS: the first frame it sends
 * while (!h2.isClosed() && !h2.isFinished()) {
 *     read(socket, in);                         // a settings-ack timer calls h2.settingsTimeout() while
 *     lock(); h2.receive(in.flip()); in.compact(); drain(h2); unlock();   // h2.awaitingSettingsAck()
 * }
 * // a stream's thread:  lock(); if (h2.streamWritable(id)) h2.writeHeaders(out, id, hpack(head), false); unlock();
 * // the fan-out:        n = min(h2.sendableBytes(id), event.remaining()); h2.writeDataHeader(hdr, id, n, false);
 * //                     gathering write of hdr and n bytes of the shared event buffer
 * }</pre>
 *
 * <p>Decisions where RFC 9113 leaves a choice:
 * <ul>
 *   <li>A frame longer than {@code maxFrameBytes} is a connection error FRAME_SIZE_ERROR, whatever its type.</li>
 *   <li>Frames on a stream Herald reset are ignored (section 5.4.2), among the last 64 streams closed; DATA on
 *       another closed stream is a stream error STREAM_CLOSED; HEADERS a connection error, STREAM_CLOSED for one of
 *       those 64, else PROTOCOL_ERROR (a stream id not above the previous ones, section 5.1.1). Their DATA still counts against
 *       the connection window, and is returned at once.</li>
 *   <li>A stream beyond {@code maxConcurrentStreams} is refused with REFUSED_STREAM (section 5.1.2), also before
 *       the client acknowledged the setting. After Herald's GOAWAY, new streams are decoded and ignored.</li>
 *   <li>A field list over {@code maxHeaderListBytes} is answered 431 (section 10.5.1); an encoded block buffered
 *       over it across CONTINUATION frames ends the connection with ENHANCE_YOUR_CALM.</li>
 *   <li>When Herald ends its response (END_STREAM) while the request is still open, it also sends RST_STREAM
 *       NO_ERROR (section 8.1) so the client stops sending.</li>
 *   <li>WINDOW_UPDATEs are sent when half a window was consumed; padding is returned at once.</li>
 * </ul>
 */
public final class Http2Connection {
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0).asReadOnlyBuffer();

    private final Http2Limits limits;
    private final HeaderBlockDecoder decoder;
    private final Http2Listener listener;
    private final FrameReader reader;
    private final FrameReader.FrameHandler handler = this::onFrame;
    private final OutputQueue output = new OutputQueue();
    private final StreamTable streams = new StreamTable();
    private final HeaderListCollector collector;
    private final PeerSettings peer = new PeerSettings();
    private final AttackGuard guard;
    private final ClosedStreams closedStreams = new ClosedStreams();
    private final FieldBlock block;

    private int prefaceMatched;
    private boolean peerSettingsReceived;
    private boolean awaitingSettingsAck = true;
    private int receiveInitialWindow = DEFAULT_WINDOW_BYTES;  // limits.initialWindowBytes once acknowledged
    private int connectionSendWindow = DEFAULT_WINDOW_BYTES;
    private int connectionReceiveWindow;
    private int connectionCreditPending;
    private int lastPeerStreamId;
    private int lastProcessedStreamId;
    private boolean goAwaySent;
    private boolean goAwayReceived;
    private boolean closed;

    /**
     * A connection before the client preface; queues Herald's SETTINGS (and a WINDOW_UPDATE raising the connection
     * window), which the transport must send before anything else.
     *
     * @param decoder the connection's HPACK decoder, its dynamic table sized {@link Http2Limits#headerTableBytes()}
     */
    public Http2Connection(Http2Limits limits, HeaderBlockDecoder decoder, Http2Listener listener) {
        this.limits = limits;
        this.decoder = decoder;
        this.listener = listener;
        this.reader = new FrameReader(limits.maxFrameBytes());
        this.collector = new HeaderListCollector(limits.maxHeaderListBytes());
        this.guard = new AttackGuard(limits, listener);
        this.block = new FieldBlock(limits.maxHeaderListBytes());
        queueSettings();
        connectionReceiveWindow = limits.connectionWindowBytes();
        if (connectionReceiveWindow > DEFAULT_WINDOW_BYTES) {
            FrameWriter.writeWindowUpdate(output.claim(HEADER_BYTES + 4), 0,
                    connectionReceiveWindow - DEFAULT_WINDOW_BYTES);
        }
    }

    private void queueSettings() {
        int[] pairs = {
            FrameDescriptor.SETTINGS_MAX_CONCURRENT_STREAMS, limits.maxConcurrentStreams(),
            FrameDescriptor.SETTINGS_INITIAL_WINDOW_SIZE, limits.initialWindowBytes(),
            FrameDescriptor.SETTINGS_MAX_FRAME_SIZE, limits.maxFrameBytes(),
            FrameDescriptor.SETTINGS_MAX_HEADER_LIST_SIZE, limits.maxHeaderListBytes(),
            FrameDescriptor.SETTINGS_HEADER_TABLE_SIZE, limits.headerTableBytes(),
        };
        FrameWriter.writeSettings(output.claim(HEADER_BYTES + pairs.length * 3), pairs);
    }

    // ---------------------------------------------------------------- receiving

    /**
     * Processes the client's bytes between {@code in}'s position and limit: the preface first, then frames;
     * an incomplete frame is kept for the next call. Events go to the listener as frames complete; answers are
     * queued for {@link #drainOutput}. After a connection error (or once {@link #isClosed()}) it consumes and
     * ignores everything.
     */
    public void receive(ByteBuffer in) {
        if (closed) {
            in.position(in.limit());
            return;
        }
        try {
            if (prefaceMatched < ConnectionPreface.LENGTH) {
                prefaceMatched = ConnectionPreface.consume(in, prefaceMatched);
                if (prefaceMatched < 0) {
                    throw Http2Exception.connection(ErrorCode.PROTOCOL_ERROR, "invalid connection preface (RFC 9113 section 3.4)");
                }
                if (prefaceMatched < ConnectionPreface.LENGTH) {
                    return;
                }
            }
            reader.read(in, handler);
        } catch (Http2Exception e) {
            connectionError(e.errorCode(), e.getMessage());
            in.position(in.limit());
        }
    }

    private boolean onFrame(int type, int flags, int streamId, ByteBuffer payload) {
        if (block.isOpen() && type != FrameDescriptor.TYPE_CONTINUATION) {
            throw Http2Exception.connection(ErrorCode.PROTOCOL_ERROR, FrameDescriptor.typeName(type)
                    + " inside a field block (RFC 9113 section 6.10)");
        }
        if (!peerSettingsReceived) {
            if (type != FrameDescriptor.TYPE_SETTINGS || (flags & FLAG_ACK) != 0) {
                throw Http2Exception.connection(ErrorCode.PROTOCOL_ERROR,
                        "first frame not SETTINGS (RFC 9113 section 3.4)");
            }
            peerSettingsReceived = true;
        }
        try {
            switch (type) {
                case FrameDescriptor.TYPE_DATA -> onData(flags, streamId, payload);
                case FrameDescriptor.TYPE_HEADERS -> onHeaders(flags, streamId, payload);
                case FrameDescriptor.TYPE_PRIORITY -> onPriority(streamId, payload);
                case FrameDescriptor.TYPE_RST_STREAM -> onRstStream(streamId, payload);
                case FrameDescriptor.TYPE_SETTINGS -> onSettings(flags, streamId, payload);
                case FrameDescriptor.TYPE_PUSH_PROMISE -> throw Http2Exception.connection(ErrorCode.PROTOCOL_ERROR,
                        "PUSH_PROMISE from a client (RFC 9113 section 8.4)");
                case FrameDescriptor.TYPE_PING -> onPing(flags, streamId, payload);
                case FrameDescriptor.TYPE_GOAWAY -> onGoAway(streamId, payload);
                case FrameDescriptor.TYPE_WINDOW_UPDATE -> onWindowUpdate(streamId, payload);
                case FrameDescriptor.TYPE_CONTINUATION -> onContinuation(flags, streamId, payload);
                default -> guard.emptyFrame();          // unknown types are ignored (section 4.1)
            }
        } catch (Http2Exception e) {
            if (e.isConnectionError()) {
                throw e;
            }
            streamError(e.streamId(), e.errorCode());
        }
        return !closed;
    }

    private void onData(int flags, int streamId, ByteBuffer payload) {
        if (streamId == 0) {
            throw Http2Exception.connection(ErrorCode.PROTOCOL_ERROR, "DATA on stream 0 (RFC 9113 section 6.1)");
        }
        int length = payload.remaining();
        int padding = (flags & FLAG_PADDED) != 0 ? padding(payload, "DATA") : 0;
        checkPadding(payload, padding, "DATA");
        int dataLength = payload.remaining() - padding;
        boolean endStream = (flags & FLAG_END_STREAM) != 0;
        if (length > connectionReceiveWindow) {
            throw Http2Exception.connection(ErrorCode.FLOW_CONTROL_ERROR, "DATA exceeds the connection window="
                    + connectionReceiveWindow + " (RFC 9113 section 6.9.1)");
        }
        connectionReceiveWindow -= length;
        Http2Stream stream = streams.get(streamId);
        if (stream == null) {
            creditConnection(length);
            if (streamId > lastPeerStreamId) {
                throw Http2Exception.connection(ErrorCode.PROTOCOL_ERROR, "DATA on idle stream="
                        + streamId + " (RFC 9113 section 5.1)");
            }
            if (!closedStreams.resetByUs(streamId) && !ignoredAfterGoAway(streamId)) {
                throw Http2Exception.stream(streamId, ErrorCode.STREAM_CLOSED,
                        "DATA on closed stream (RFC 9113 section 6.1)");
            }
            return;
        }
        if (stream.remoteClosed) {
            creditConnection(length);
            throw Http2Exception.stream(streamId, ErrorCode.STREAM_CLOSED,
                    "DATA after END_STREAM (RFC 9113 section 5.1)");
        }
        if (length > stream.receiveWindow) {
            creditConnection(length);
            throw Http2Exception.stream(streamId, ErrorCode.FLOW_CONTROL_ERROR, "DATA exceeds the stream window="
                    + stream.receiveWindow + " (RFC 9113 section 6.9.1)");
        }
        stream.receiveWindow -= length;
        stream.dataReceived += dataLength;
        if (stream.contentLength >= 0 && (stream.dataReceived > stream.contentLength
                || (endStream && stream.dataReceived != stream.contentLength))) {
            creditConnection(length);
            throw Http2Exception.stream(streamId, ErrorCode.PROTOCOL_ERROR,
                    "DATA length differs from content-length (RFC 9113 section 8.1.1)");
        }
        if (dataLength == 0 && !endStream) {
            guard.emptyFrame();
        } else {
            guard.contentFrame();
        }
        if (endStream) {
            stream.remoteClosed = true;                             // no stream WINDOW_UPDATE from here on
        }
        if (length - dataLength > 0) {                          // padding and its length byte: returned at once
            creditStream(stream, length - dataLength);
            creditConnection(length - dataLength);
        }
        if (stream.rejected) {
            creditStream(stream, dataLength);
            creditConnection(dataLength);
        } else {
            stream.unconsumed += dataLength;
            int limit = payload.limit();
            payload.limit(payload.position() + dataLength);
            listener.onData(streamId, payload, endStream);
            payload.limit(limit);
        }
        if (endStream) {
            remoteClose(stream);
        }
    }

    /** Reads the Pad Length byte; returns the padding to drop from the end of what remains. */
    private static int padding(ByteBuffer payload, String type) {
        if (!payload.hasRemaining()) {
            throw Http2Exception.connection(ErrorCode.FRAME_SIZE_ERROR, type
                    + " with PADDED and no Pad Length (RFC 9113 section 4.2)");
        }
        return payload.get() & 0xff;
    }

    private static void checkPadding(ByteBuffer payload, int padding, String type) {
        if (padding > payload.remaining()) {
            throw Http2Exception.connection(ErrorCode.PROTOCOL_ERROR, type
                    + " padding exceeds the payload (RFC 9113 section 6.1, 6.2)");
        }
    }

    private void onHeaders(int flags, int streamId, ByteBuffer payload) {
        if (streamId == 0) {
            throw Http2Exception.connection(ErrorCode.PROTOCOL_ERROR, "HEADERS on stream 0 (RFC 9113 section 6.2)");
        }
        int padding = (flags & FLAG_PADDED) != 0 ? padding(payload, "HEADERS") : 0;
        boolean selfDependent = false;
        if ((flags & FLAG_PRIORITY) != 0) {
            if (payload.remaining() < FrameDescriptor.PRIORITY_BYTES) {
                throw Http2Exception.connection(ErrorCode.FRAME_SIZE_ERROR,
                        "HEADERS too short for its priority fields (RFC 9113 section 4.2)");
            }
            selfDependent = (payload.getInt() & STREAM_ID_MASK) == streamId;
            payload.get();                                          // weight: priorities are ignored
        }
        checkPadding(payload, padding, "HEADERS");
        payload.limit(payload.limit() - padding);
        int kind;
        Http2Stream stream = streams.get(streamId);
        if (stream != null) {
            kind = FieldBlock.TRAILERS;
        } else if (streamId <= lastPeerStreamId) {
            if (!closedStreams.resetByUs(streamId) && !ignoredAfterGoAway(streamId)) {
                throw closedStreams.contains(streamId)
                        ? Http2Exception.connection(ErrorCode.STREAM_CLOSED,
                                "HEADERS on a closed stream (RFC 9113 section 5.1)")
                        : Http2Exception.connection(ErrorCode.PROTOCOL_ERROR,
                                "stream id not above the previous ones (RFC 9113 section 5.1.1)");
            }
            kind = FieldBlock.IGNORED;                              // decoded to keep HPACK in step
        } else if ((streamId & 1) == 0) {
            throw Http2Exception.connection(ErrorCode.PROTOCOL_ERROR,
                    "client stream id is even (RFC 9113 section 5.1.1)");
        } else {
            lastPeerStreamId = streamId;
            kind = goAwaySent ? FieldBlock.IGNORED : FieldBlock.NEW_STREAM;
        }
        block.start(streamId, kind, (flags & FLAG_END_STREAM) != 0, selfDependent);
        if ((flags & FLAG_END_HEADERS) != 0) {
            block.close();
            decodeBlock(payload);                                   // in place: never copied
        } else {
            appendFragment(payload, false);
        }
    }

    private void onContinuation(int flags, int streamId, ByteBuffer payload) {
        if (!block.isOpen() || streamId != block.streamId()) {
            throw Http2Exception.connection(ErrorCode.PROTOCOL_ERROR, block.isOpen()
                    ? "CONTINUATION on another stream (RFC 9113 section 6.10)"
                    : "CONTINUATION without a field block (RFC 9113 section 6.10)");
        }
        appendFragment(payload, (flags & FLAG_END_HEADERS) != 0);
        if ((flags & FLAG_END_HEADERS) != 0) {
            decodeBlock(block.complete());
        }
    }

    private void appendFragment(ByteBuffer fragment, boolean endHeaders) {
        if (!fragment.hasRemaining() && !endHeaders) {
            guard.emptyFrame();
        }
        if (!block.append(fragment)) {
            throw guard.exceeded(Http2Limit.CONTINUATION_FLOOD, "field block exceeds maxHeaderListBytes="
                    + limits.maxHeaderListBytes() + " across CONTINUATION frames");
        }
    }

    private void decodeBlock(ByteBuffer bytes) {
        int streamId = block.streamId();
        int kind = block.kind();
        collector.reset(kind == FieldBlock.TRAILERS);
        try {
            decoder.decode(bytes, collector);
        } catch (Http2Exception e) {
            throw e.isConnectionError() ? e : Http2Exception.compression(e.getMessage());
        }
        collector.finish();
        if (block.selfDependent() && kind != FieldBlock.IGNORED) {
            throw Http2Exception.stream(streamId, ErrorCode.PROTOCOL_ERROR,
                    "stream depends on itself (RFC 9113 section 5.3.1 of RFC 7540)");
        }
        if (kind == FieldBlock.NEW_STREAM && !goAwaySent) {         // (a GOAWAY may have come since its HEADERS)
            openStream(streamId);
        } else if (kind == FieldBlock.TRAILERS && streams.get(streamId) != null) {
            trailers(streams.get(streamId));                        // (null: the transport reset it meanwhile)
        }
    }

    private void openStream(int streamId) {
        String malformed = collector.malformed();
        boolean endStream = block.endStream();
        if (malformed == null && endStream && collector.contentLength() > 0) {
            malformed = "content-length without DATA (RFC 9113 section 8.1.1)";
        }
        if (malformed != null) {
            throw Http2Exception.stream(streamId, ErrorCode.PROTOCOL_ERROR, "malformed request: " + malformed);
        }
        if (streams.size() >= limits.maxConcurrentStreams()) {
            guard.hit(Http2Limit.STREAM_REFUSED);
            throw Http2Exception.stream(streamId, ErrorCode.REFUSED_STREAM, "streams exceed maxConcurrentStreams="
                    + limits.maxConcurrentStreams() + " (RFC 9113 section 5.1.2)");
        }
        Http2Stream stream = new Http2Stream(streamId, peer.initialWindowBytes(), receiveInitialWindow);
        stream.remoteClosed = endStream;
        streams.put(stream);
        lastProcessedStreamId = streamId;
        guard.streamOpened();
        if (collector.tooLarge()) {
            stream.rejected = true;
            guard.hit(Http2Limit.HEADER_LIST_TOO_LARGE);
            listener.onRequestRejected(streamId, 431, "header list exceeds maxHeaderListBytes="
                    + limits.maxHeaderListBytes());
        } else {
            stream.contentLength = collector.contentLength();
            listener.onRequest(streamId, collector.request(), endStream);
        }
    }

    private void trailers(Http2Stream stream) {
        int streamId = stream.id;
        if (stream.remoteClosed) {
            throw Http2Exception.stream(streamId, ErrorCode.STREAM_CLOSED,
                    "HEADERS after END_STREAM (RFC 9113 section 5.1)");
        }
        if (!block.endStream()) {
            throw Http2Exception.stream(streamId, ErrorCode.PROTOCOL_ERROR,
                    "trailers without END_STREAM (RFC 9113 section 8.1)");
        }
        if (collector.malformed() != null) {
            throw Http2Exception.stream(streamId, ErrorCode.PROTOCOL_ERROR, "malformed trailers: "
                    + collector.malformed());
        }
        if (stream.contentLength >= 0 && stream.dataReceived != stream.contentLength) {
            throw Http2Exception.stream(streamId, ErrorCode.PROTOCOL_ERROR,
                    "DATA length differs from content-length (RFC 9113 section 8.1.1)");
        }
        guard.contentFrame();
        if (!stream.rejected) {
            listener.onData(streamId, EMPTY.duplicate(), true);
        }
        remoteClose(stream);
    }

    private void onPriority(int streamId, ByteBuffer payload) {
        if (streamId == 0) {
            throw Http2Exception.connection(ErrorCode.PROTOCOL_ERROR,
                    "PRIORITY on stream 0 (RFC 9113 section 6.3)");
        }
        if (payload.remaining() != FrameDescriptor.PRIORITY_BYTES) {
            throw Http2Exception.stream(streamId, ErrorCode.FRAME_SIZE_ERROR,
                    "PRIORITY length other than 5 (RFC 9113 section 6.3)");
        }
        if ((payload.getInt() & STREAM_ID_MASK) == streamId) {
            throw Http2Exception.stream(streamId, ErrorCode.PROTOCOL_ERROR,
                    "stream depends on itself (RFC 9113 section 5.3.1 of RFC 7540)");
        }
        guard.emptyFrame();                                         // accepted and ignored
    }

    private void onRstStream(int streamId, ByteBuffer payload) {
        if (streamId == 0) {
            throw Http2Exception.connection(ErrorCode.PROTOCOL_ERROR,
                    "RST_STREAM on stream 0 (RFC 9113 section 6.4)");
        }
        if (payload.remaining() != FrameDescriptor.RST_STREAM_BYTES) {
            throw Http2Exception.connection(ErrorCode.FRAME_SIZE_ERROR,
                    "RST_STREAM length other than 4 (RFC 9113 section 6.4)");
        }
        ErrorCode code = ErrorCode.of(payload.getInt());
        Http2Stream stream = streams.get(streamId);
        if (stream == null) {
            if (streamId > lastPeerStreamId) {
                throw Http2Exception.connection(ErrorCode.PROTOCOL_ERROR, "RST_STREAM on idle stream="
                        + streamId + " (RFC 9113 section 6.4)");
            }
            return;                                                 // closed: nothing to do (section 5.1)
        }
        boolean early = !stream.responseStarted;
        removeStream(stream, false);
        listener.onStreamReset(streamId, code);
        if (early) {
            guard.earlyReset();
        }
    }

    private void onSettings(int flags, int streamId, ByteBuffer payload) {
        if (streamId != 0) {
            throw Http2Exception.connection(ErrorCode.PROTOCOL_ERROR,
                    "SETTINGS on a stream (RFC 9113 section 6.5)");
        }
        if ((flags & FLAG_ACK) != 0) {
            if (payload.hasRemaining()) {
                throw Http2Exception.connection(ErrorCode.FRAME_SIZE_ERROR,
                        "SETTINGS ack with a payload (RFC 9113 section 6.5)");
            }
            if (awaitingSettingsAck) {
                awaitingSettingsAck = false;
                adjustReceiveWindows(limits.initialWindowBytes() - receiveInitialWindow);
                receiveInitialWindow = limits.initialWindowBytes();
            }
            return;
        }
        if (payload.remaining() % FrameDescriptor.SETTING_BYTES != 0) {
            throw Http2Exception.connection(ErrorCode.FRAME_SIZE_ERROR,
                    "SETTINGS length not a multiple of 6 (RFC 9113 section 6.5)");
        }
        while (payload.hasRemaining()) {
            int id = payload.getShort() & 0xffff;
            int value = payload.getInt();
            int saturated = value < 0 ? Integer.MAX_VALUE : value;       // unsigned values above 2^31-1
            switch (id) {
                case FrameDescriptor.SETTINGS_HEADER_TABLE_SIZE -> peer.headerTableBytes(saturated);
                case FrameDescriptor.SETTINGS_ENABLE_PUSH -> {
                    if (value != 0 && value != 1) {
                        throw Http2Exception.connection(ErrorCode.PROTOCOL_ERROR,
                                "SETTINGS_ENABLE_PUSH other than 0 or 1 (RFC 9113 section 6.5.2)");
                    }
                    peer.enablePush(value == 1);
                }
                case FrameDescriptor.SETTINGS_MAX_CONCURRENT_STREAMS -> peer.maxConcurrentStreams(saturated);
                case FrameDescriptor.SETTINGS_INITIAL_WINDOW_SIZE -> {
                    if (value < 0) {
                        throw Http2Exception.connection(ErrorCode.FLOW_CONTROL_ERROR,
                                "SETTINGS_INITIAL_WINDOW_SIZE above 2^31-1 (RFC 9113 section 6.5.2)");
                    }
                    adjustSendWindows(value - peer.initialWindowBytes());
                    peer.initialWindowBytes(value);
                }
                case FrameDescriptor.SETTINGS_MAX_FRAME_SIZE -> {
                    if (value < DEFAULT_MAX_FRAME_BYTES || value > FrameDescriptor.MAX_MAX_FRAME_BYTES) {
                        throw Http2Exception.connection(ErrorCode.PROTOCOL_ERROR,
                                "SETTINGS_MAX_FRAME_SIZE outside 16384..16777215 (RFC 9113 section 6.5.2)");
                    }
                    peer.maxFrameBytes(value);
                }
                case FrameDescriptor.SETTINGS_MAX_HEADER_LIST_SIZE -> peer.maxHeaderListBytes(saturated);
                default -> {
                }                                                    // unknown settings are ignored
            }
        }
        queueAnswer(Http2Limit.SETTINGS_FLOOD, HEADER_BYTES);
        FrameWriter.writeSettingsAck(output.claim(HEADER_BYTES));
    }

    private void adjustSendWindows(int delta) {
        if (delta == 0) {
            return;
        }
        for (int i = 0; i < streams.capacity(); i++) {
            Http2Stream stream = streams.at(i);
            if (stream == null) {
                continue;
            }
            long window = (long) stream.sendWindow + delta;
            if (window > MAX_WINDOW_BYTES) {
                guard.hit(Http2Limit.WINDOW_UPDATE_OVERFLOW);
                throw Http2Exception.connection(ErrorCode.FLOW_CONTROL_ERROR,
                        "SETTINGS_INITIAL_WINDOW_SIZE takes a window above 2^31-1 (RFC 9113 section 6.9.2)");
            }
            boolean opened = stream.sendWindow <= 0 && window > 0;
            stream.sendWindow = (int) window;
            if (opened) {
                listener.onSendWindowOpened(stream.id);
            }
        }
    }

    private void adjustReceiveWindows(int delta) {
        for (int i = 0; delta != 0 && i < streams.capacity(); i++) {
            Http2Stream stream = streams.at(i);
            if (stream != null) {
                stream.receiveWindow = (int) Math.max(Integer.MIN_VALUE, (long) stream.receiveWindow + delta);
            }
        }
    }

    private void onPing(int flags, int streamId, ByteBuffer payload) {
        if (streamId != 0) {
            throw Http2Exception.connection(ErrorCode.PROTOCOL_ERROR, "PING on a stream (RFC 9113 section 6.7)");
        }
        if (payload.remaining() != FrameDescriptor.PING_BYTES) {
            throw Http2Exception.connection(ErrorCode.FRAME_SIZE_ERROR,
                    "PING length other than 8 (RFC 9113 section 6.7)");
        }
        if ((flags & FLAG_ACK) == 0) {
            queueAnswer(Http2Limit.PING_FLOOD, HEADER_BYTES + FrameDescriptor.PING_BYTES);
            FrameWriter.writePing(output.claim(HEADER_BYTES + FrameDescriptor.PING_BYTES), payload.getLong(), true);
        }                                                           // Herald sends no PING: an ack is ignored
    }

    private void onGoAway(int streamId, ByteBuffer payload) {
        if (streamId != 0) {
            throw Http2Exception.connection(ErrorCode.PROTOCOL_ERROR, "GOAWAY on a stream (RFC 9113 section 6.8)");
        }
        if (payload.remaining() < FrameDescriptor.GOAWAY_MIN_BYTES) {
            throw Http2Exception.connection(ErrorCode.FRAME_SIZE_ERROR,
                    "GOAWAY shorter than 8 (RFC 9113 section 6.8)");
        }
        int lastStreamId = payload.getInt() & STREAM_ID_MASK;
        ErrorCode code = ErrorCode.of(payload.getInt());           // debug data is not read
        goAwayReceived = true;
        listener.onGoAway(lastStreamId, code);
    }

    private void onWindowUpdate(int streamId, ByteBuffer payload) {
        if (payload.remaining() != FrameDescriptor.WINDOW_UPDATE_BYTES) {
            throw Http2Exception.connection(ErrorCode.FRAME_SIZE_ERROR,
                    "WINDOW_UPDATE length other than 4 (RFC 9113 section 6.9)");
        }
        int increment = payload.getInt() & STREAM_ID_MASK;
        if (streamId == 0) {
            if (increment == 0) {
                throw Http2Exception.connection(ErrorCode.PROTOCOL_ERROR,
                        "WINDOW_UPDATE of 0 on the connection (RFC 9113 section 6.9)");
            }
            long window = (long) connectionSendWindow + increment;
            if (window > MAX_WINDOW_BYTES) {
                guard.hit(Http2Limit.WINDOW_UPDATE_OVERFLOW);
                throw Http2Exception.connection(ErrorCode.FLOW_CONTROL_ERROR,
                        "connection window above 2^31-1 (RFC 9113 section 6.9.1)");
            }
            boolean opened = connectionSendWindow <= 0;
            connectionSendWindow = (int) window;
            if (opened && window > 0) {
                listener.onSendWindowOpened(0);
            }
            return;
        }
        Http2Stream stream = streams.get(streamId);
        if (stream == null) {
            if (streamId > lastPeerStreamId) {
                throw Http2Exception.connection(ErrorCode.PROTOCOL_ERROR, "WINDOW_UPDATE on idle stream="
                        + streamId + " (RFC 9113 section 5.1)");
            }
            return;                                                 // closed: ignored (section 5.1)
        }
        if (increment == 0) {
            throw Http2Exception.stream(streamId, ErrorCode.PROTOCOL_ERROR,
                    "WINDOW_UPDATE of 0 on a stream (RFC 9113 section 6.9)");
        }
        long window = (long) stream.sendWindow + increment;
        if (window > MAX_WINDOW_BYTES) {
            guard.hit(Http2Limit.WINDOW_UPDATE_OVERFLOW);
            throw Http2Exception.stream(streamId, ErrorCode.FLOW_CONTROL_ERROR,
                    "stream window above 2^31-1 (RFC 9113 section 6.9.1)");
        }
        boolean opened = stream.sendWindow <= 0 && window > 0;
        stream.sendWindow = (int) window;
        if (opened) {
            listener.onSendWindowOpened(streamId);
        }
    }

    // ---------------------------------------------------------------- errors and limits

    private void streamError(int streamId, ErrorCode code) {
        queueAnswer(Http2Limit.RESET_FLOOD, HEADER_BYTES + FrameDescriptor.RST_STREAM_BYTES);
        FrameWriter.writeRstStream(output.claim(HEADER_BYTES + FrameDescriptor.RST_STREAM_BYTES), streamId, code);
        Http2Stream stream = streams.get(streamId);
        if (stream != null) {
            removeStream(stream, true);
            listener.onStreamReset(streamId, code);
        } else {
            closedStreams.remember(streamId, true);
        }
    }

    private void connectionError(ErrorCode code, String reason) {
        if (closed) {
            return;
        }
        closed = true;
        block.close();
        byte[] debug = reason.getBytes(StandardCharsets.US_ASCII);
        FrameWriter.writeGoAway(output.claim(HEADER_BYTES + FrameDescriptor.GOAWAY_MIN_BYTES + debug.length),
                lastProcessedStreamId, code, debug);
        listener.onConnectionError(code, reason);
    }

    /** Checks room for one more answer the client caused; over the limit, a connection error. */
    private void queueAnswer(Http2Limit flood, int bytes) {
        guard.answer(output.pendingAnswers(), flood);
        output.answerQueued();
        output.claim(bytes);
    }

    /** A stream the client opened after Herald's GOAWAY: its frames are discarded (section 6.8). */
    private boolean ignoredAfterGoAway(int streamId) {
        return goAwaySent && streamId > lastProcessedStreamId;
    }


    // ---------------------------------------------------------------- stream lifecycle and flow control

    private void remoteClose(Http2Stream stream) {
        stream.remoteClosed = true;
        if (stream.localClosed) {
            removeStream(stream, false);
        }
    }

    private void localClose(Http2Stream stream) {
        stream.localClosed = true;
        if (!stream.remoteClosed) {                                 // section 8.1: stop the client's request
            FrameWriter.writeRstStream(output.claim(HEADER_BYTES + FrameDescriptor.RST_STREAM_BYTES), stream.id,
                    ErrorCode.NO_ERROR);
        }
        removeStream(stream, !stream.remoteClosed);
    }

    /** Removes an active stream, returning its unconsumed bytes to the connection window. */
    private void removeStream(Http2Stream stream, boolean reset) {
        if (stream.removed) {
            return;
        }
        stream.removed = true;
        streams.remove(stream.id);
        closedStreams.remember(stream.id, reset);
        if (stream.unconsumed > 0) {
            creditConnection(stream.unconsumed);
            stream.unconsumed = 0;
        }
    }

    private void creditConnection(int bytes) {
        connectionCreditPending += bytes;
        if (connectionCreditPending >= limits.connectionWindowBytes() / 2 && !closed) {
            FrameWriter.writeWindowUpdate(output.claim(HEADER_BYTES + 4), 0, connectionCreditPending);
            connectionReceiveWindow += connectionCreditPending;
            connectionCreditPending = 0;
        }
    }

    private void creditStream(Http2Stream stream, int bytes) {
        if (stream.remoteClosed || stream.removed) {
            return;                                                 // no more DATA can come on it
        }
        stream.creditPending += bytes;
        if (stream.creditPending >= Math.max(1, limits.initialWindowBytes() / 2)) {
            FrameWriter.writeWindowUpdate(output.claim(HEADER_BYTES + 4), stream.id, stream.creditPending);
            stream.receiveWindow += stream.creditPending;
            stream.creditPending = 0;
        }
    }

    /**
     * The transport used {@code bytes} of the request body delivered by {@link Http2Listener#onData} on
     * {@code streamId}: they return to the client's windows (a WINDOW_UPDATE is queued once half a window was
     * used). Ignored for a stream no longer active (its bytes were returned when it ended).
     *
     * @throws IllegalArgumentException more bytes than were delivered and not yet consumed
     */
    public void consumed(int streamId, int bytes) {
        Http2Stream stream = streams.get(streamId);
        if (closed || stream == null || bytes == 0) {
            return;
        }
        if (bytes < 0 || bytes > stream.unconsumed) {
            throw new IllegalArgumentException("consumed bytes=" + bytes + " of unconsumed=" + stream.unconsumed
                    + " on stream=" + streamId);
        }
        stream.unconsumed -= bytes;
        creditStream(stream, bytes);
        creditConnection(bytes);
    }

    // ---------------------------------------------------------------- sending

    /** True when Herald may still send HEADERS or DATA on {@code streamId} (active, its response not ended). */
    public boolean streamWritable(int streamId) {
        if (closed) {
            return false;
        }
        Http2Stream stream = streams.get(streamId);
        return stream != null && !stream.localClosed;
    }

    /**
     * DATA bytes {@code streamId} may send now in one frame: the smaller of the connection and stream send
     * windows and the client's SETTINGS_MAX_FRAME_SIZE; 0 while a window is shut (wait for
     * {@link Http2Listener#onSendWindowOpened}) or when the stream is not writable.
     */
    public int sendableBytes(int streamId) {
        if (closed) {
            return 0;
        }
        Http2Stream stream = streams.get(streamId);
        if (stream == null || stream.localClosed) {
            return 0;
        }
        return Math.max(0, Math.min(Math.min(connectionSendWindow, stream.sendWindow), peer.maxFrameBytes()));
    }

    /**
     * Writes the 9-byte header of a DATA frame of {@code length} bytes into {@code out} and takes them from the
     * send windows; the transport writes the payload itself right after. {@code endStream} ends the response.
     *
     * @throws IllegalStateException    the stream is not {@link #streamWritable}
     * @throws IllegalArgumentException {@code length} is negative or above {@link #sendableBytes}
     */
    public void writeDataHeader(ByteBuffer out, int streamId, int length, boolean endStream) {
        Http2Stream stream = writable(streamId);
        if (length < 0 || length > sendableBytes(streamId)) {
            throw new IllegalArgumentException("DATA length=" + length + " above sendableBytes="
                    + sendableBytes(streamId) + " on stream=" + streamId);
        }
        FrameWriter.writeDataHeader(out, streamId, length, endStream);
        connectionSendWindow -= length;
        stream.sendWindow -= length;
        if (endStream) {
            localClose(stream);
        }
    }

    /**
     * Writes a response's encoded field block as HEADERS (and CONTINUATION frames beyond the client's
     * SETTINGS_MAX_FRAME_SIZE) into {@code out}, which needs {@link FrameWriter#headersLength} bytes of room.
     * {@code endStream}: the response has no body (or these are its trailers).
     *
     * @throws IllegalStateException the stream is not {@link #streamWritable}: encode only after checking, or the
     *                               HPACK encoder's state would run ahead of the client's decoder
     */
    public void writeHeaders(ByteBuffer out, int streamId, ByteBuffer block, boolean endStream) {
        Http2Stream stream = writable(streamId);
        FrameWriter.writeHeaders(out, streamId, block, endStream, peer.maxFrameBytes());
        stream.responseStarted = true;
        if (endStream) {
            localClose(stream);
        }
    }

    private Http2Stream writable(int streamId) {
        Http2Stream stream = closed ? null : streams.get(streamId);
        if (stream == null || stream.localClosed) {
            throw new IllegalStateException("stream not writable: stream=" + streamId);
        }
        return stream;
    }

    /**
     * Resets an active stream (RST_STREAM with {@code code} queued): a slow consumer cut off (CANCEL), a handler
     * failure (INTERNAL_ERROR). No listener event follows.
     *
     * @return false if the stream was not active (nothing queued)
     */
    public boolean resetStream(int streamId, ErrorCode code) {
        Http2Stream stream = closed ? null : streams.get(streamId);
        if (stream == null) {
            return false;
        }
        FrameWriter.writeRstStream(output.claim(HEADER_BYTES + FrameDescriptor.RST_STREAM_BYTES), streamId, code);
        removeStream(stream, true);
        return true;
    }

    /**
     * Starts a graceful shutdown (section 6.8): queues GOAWAY NO_ERROR naming the last stream Herald processed;
     * later streams are ignored, open ones finish. {@link #isFinished()} tells when to close. Idempotent. One
     * GOAWAY, not the two-step one of section 6.8: a stream the client opened while it was in flight is ignored,
     * and the client may retry it on a new connection.
     */
    public void goAway() {
        if (closed || goAwaySent) {
            return;
        }
        goAwaySent = true;
        FrameWriter.writeGoAway(output.claim(HEADER_BYTES + FrameDescriptor.GOAWAY_MIN_BYTES), lastProcessedStreamId,
                ErrorCode.NO_ERROR, new byte[0]);
    }

    /** The client has not acknowledged Herald's SETTINGS yet: the transport runs a timer meanwhile. */
    public boolean awaitingSettingsAck() {
        return awaitingSettingsAck;
    }

    /** The transport's timer ran out before the client acknowledged Herald's SETTINGS: a connection error. */
    public void settingsTimeout() {
        if (awaitingSettingsAck) {
            connectionError(ErrorCode.SETTINGS_TIMEOUT, "SETTINGS not acknowledged in time (RFC 9113 section 6.5.3)");
        }
    }

    // ---------------------------------------------------------------- output and state

    /** True when queued frames wait for {@link #drainOutput}. */
    public boolean hasOutput() {
        return !output.isEmpty();
    }

    /** Copies queued frames into {@code dst}, as many bytes as fit, in order; returns the count. */
    public int drainOutput(ByteBuffer dst) {
        return output.drainTo(dst);
    }

    /** Queued bytes waiting for {@link #drainOutput}. */
    public int outputBytes() {
        return output.bytes();
    }

    /** A connection error happened: drain the output (its GOAWAY last) and close. */
    public boolean isClosed() {
        return closed;
    }

    /** A GOAWAY was sent or received and no stream is active: drain the output and close. */
    public boolean isFinished() {
        return closed || ((goAwaySent || goAwayReceived) && streams.size() == 0 && !block.isOpen());
    }

    /** Streams open or half-closed. */
    public int activeStreams() {
        return streams.size();
    }

    /** The highest stream id handed to the transport (the GOAWAY's last stream id). */
    public int lastProcessedStreamId() {
        return lastProcessedStreamId;
    }

    /** The client's settings as last received. */
    public PeerSettings peerSettings() {
        return peer;
    }

    public Http2Limits limits() {
        return limits;
    }

    /** Times {@code limit} was hit on this connection. */
    public long limitCount(Http2Limit limit) {
        return guard.count(limit);
    }

    /** The connection send window (DATA bytes all streams together may still send). */
    public int connectionSendWindow() {
        return connectionSendWindow;
    }

    /** The connection receive window (DATA bytes the client may still send before a WINDOW_UPDATE). */
    public int connectionReceiveWindow() {
        return connectionReceiveWindow;
    }
}
