package herald.protocol.http2;

import static herald.protocol.http2.FrameDescriptor.FLAG_END_HEADERS;
import static herald.protocol.http2.FrameDescriptor.FLAG_END_STREAM;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A client talking to one {@link Http2Connection}, for tests: builds client frames, feeds them, records every
 * listener event as a line of text and parses what the server queued.
 */
final class Peer implements Http2Listener {
    final LiteralDecoder decoder = new LiteralDecoder();
    final Http2Connection h2;
    final List<String> events = new ArrayList<>();
    final Map<Integer, RequestHeaders> requests = new HashMap<>();
    final Map<Integer, ByteArrayOutputStream> bodies = new HashMap<>();
    final List<Frame> received = new ArrayList<>();

    Peer(Http2Limits limits) {
        h2 = new Http2Connection(limits, decoder, this);
    }

    /** A connection past the preface and SETTINGS exchange, its output drained. */
    static Peer connected() {
        return connected(Http2Limits.DEFAULTS);
    }

    static Peer connected(Http2Limits limits) {
        Peer peer = new Peer(limits);
        peer.send(ConnectionPreface.bytes(), settings(), settingsAck());
        peer.drain();
        assertFalse(peer.h2.isClosed(), "handshake failed: " + peer.events);
        peer.events.clear();
        peer.received.clear();
        return peer;
    }

    Peer send(byte[]... chunks) {
        for (byte[] chunk : chunks) {
            ByteBuffer in = ByteBuffer.wrap(chunk);
            h2.receive(in);
            assertFalse(in.hasRemaining(), "receive left bytes");
        }
        return this;
    }

    /** Frames the server queued since the last drain. */
    List<Frame> drain() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ByteBuffer dst = ByteBuffer.allocate(4096);
        while (h2.hasOutput()) {
            dst.clear();
            h2.drainOutput(dst);
            bytes.write(dst.array(), 0, dst.position());
        }
        List<Frame> frames = Frame.parseAll(bytes.toByteArray());
        received.addAll(frames);
        return frames;
    }

    /** Drains and asserts the connection ended with GOAWAY {@code code}, the last frame. */
    Frame assertConnectionError(ErrorCode code) {
        List<Frame> frames = drain();
        assertTrue(h2.isClosed(), "connection still open; events=" + events);
        assertFalse(frames.isEmpty(), "no GOAWAY");
        Frame last = frames.get(frames.size() - 1);
        assertEquals(FrameDescriptor.TYPE_GOAWAY, last.type(), "last frame " + last);
        assertEquals(code, last.errorCode(), "GOAWAY code; events=" + events);
        assertTrue(events.contains("error " + code), "events=" + events);
        return last;
    }

    /** Drains and asserts a RST_STREAM {@code code} on {@code streamId}, the connection still open. */
    void assertStreamError(int streamId, ErrorCode code) {
        List<Frame> frames = drain();
        assertFalse(h2.isClosed(), "connection closed; events=" + events);
        assertTrue(frames.stream().anyMatch(f -> f.type() == FrameDescriptor.TYPE_RST_STREAM
                        && f.streamId() == streamId && f.errorCode() == code),
                "no RST_STREAM " + code + " on " + streamId + " in " + frames + "; events=" + events);
    }

    // ---------------------------------------------------------------- client frames

    static byte[] frame(int type, int flags, int streamId, byte[] payload) {
        ByteBuffer out = ByteBuffer.allocate(FrameDescriptor.HEADER_BYTES + payload.length);
        FrameWriter.writeFrameHeader(out, payload.length, type, flags, streamId);
        return out.put(payload).array();
    }

    static byte[] settings(int... pairs) {
        ByteBuffer out = ByteBuffer.allocate(FrameDescriptor.HEADER_BYTES + pairs.length * 3);
        FrameWriter.writeSettings(out, pairs);
        return out.array();
    }

    static byte[] settingsAck() {
        return frame(FrameDescriptor.TYPE_SETTINGS, FrameDescriptor.FLAG_ACK, 0, new byte[0]);
    }

    /** HEADERS with END_HEADERS, and END_STREAM when {@code endStream}. */
    static byte[] headers(int streamId, byte[] block, boolean endStream) {
        return frame(FrameDescriptor.TYPE_HEADERS, FLAG_END_HEADERS | (endStream ? FLAG_END_STREAM : 0), streamId,
                block);
    }

    static byte[] get(int streamId) {
        return headers(streamId, LiteralDecoder.get("/s" + streamId), true);
    }

    static byte[] data(int streamId, byte[] bytes, boolean endStream) {
        return frame(FrameDescriptor.TYPE_DATA, endStream ? FLAG_END_STREAM : 0, streamId, bytes);
    }

    static byte[] windowUpdate(int streamId, int increment) {
        return frame(FrameDescriptor.TYPE_WINDOW_UPDATE, 0, streamId, int32(increment));
    }

    static byte[] rstStream(int streamId, ErrorCode code) {
        return frame(FrameDescriptor.TYPE_RST_STREAM, 0, streamId, int32(code.code()));
    }

    static byte[] ping(long data) {
        return frame(FrameDescriptor.TYPE_PING, 0, 0, ByteBuffer.allocate(8).putLong(data).array());
    }

    static byte[] priority(int streamId, int dependency) {
        ByteBuffer out = ByteBuffer.allocate(FrameDescriptor.HEADER_BYTES + 5);
        FrameWriter.writePriority(out, streamId, dependency, false, 16);
        return out.array();
    }

    static byte[] int32(int value) {
        return ByteBuffer.allocate(4).putInt(value).array();
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    // ---------------------------------------------------------------- listener

    @Override
    public void onRequest(int streamId, RequestHeaders request, boolean endStream) {
        requests.put(streamId, request);
        events.add("request " + streamId + " " + request.method() + " " + request.path() + (endStream ? " end" : ""));
    }

    @Override
    public void onRequestRejected(int streamId, int status, String reason) {
        events.add("rejected " + streamId + " " + status);
    }

    @Override
    public void onData(int streamId, ByteBuffer data, boolean endStream) {
        byte[] bytes = new byte[data.remaining()];
        data.get(bytes);
        bodies.computeIfAbsent(streamId, id -> new ByteArrayOutputStream()).writeBytes(bytes);
        events.add("data " + streamId + " " + bytes.length + (endStream ? " end" : ""));
    }

    @Override
    public void onStreamReset(int streamId, ErrorCode code) {
        events.add("reset " + streamId + " " + code);
    }

    @Override
    public void onSendWindowOpened(int streamId) {
        events.add("window " + streamId);
    }

    @Override
    public void onGoAway(int lastStreamId, ErrorCode code) {
        events.add("goaway " + lastStreamId + " " + code);
    }

    @Override
    public void onConnectionError(ErrorCode code, String reason) {
        events.add("error " + code);
    }

    @Override
    public void onLimitExceeded(Http2Limit limit) {
        events.add("limit " + limit);
    }
}
