package herald.protocol.http2;

import herald.protocol.sse.AllocationMeter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/**
 * The per-event paths allocate nothing once warm: framing an SSE event's DATA header (the only per-subscriber byte
 * work) and receiving a request body's DATA frames with their WINDOW_UPDATEs. Measured with the thread's
 * allocation counter after warm-up; no time is asserted.
 */
final class Http2AllocationTest {
    private static final int WARM_UP = 20_000;
    private static final int MEASURED = 10_000;

    /** Counts; allocates nothing. */
    private static final class CountingListener implements Http2Listener {
        long dataBytes;
        long events;

        @Override
        public void onRequest(int streamId, RequestHeaders request, boolean endStream) {
            events++;
        }

        @Override
        public void onRequestRejected(int streamId, int status, String reason) {
            events++;
        }

        @Override
        public void onData(int streamId, ByteBuffer data, boolean endStream) {
            dataBytes += data.remaining();
        }

        @Override
        public void onStreamReset(int streamId, ErrorCode code) {
            events++;
        }

        @Override
        public void onSendWindowOpened(int streamId) {
            events++;
        }

        @Override
        public void onGoAway(int lastStreamId, ErrorCode code) {
            events++;
        }

        @Override
        public void onConnectionError(ErrorCode code, String reason) {
            events++;
        }

        @Override
        public void onLimitExceeded(Http2Limit limit) {
            events++;
        }
    }

    private static Http2Connection connection(CountingListener listener, byte[] request) {
        Http2Connection h2 = new Http2Connection(Http2Limits.DEFAULTS, new LiteralDecoder(), listener);
        h2.receive(ByteBuffer.wrap(Peer.concat(ConnectionPreface.bytes(), Peer.settings(), Peer.settingsAck(),
                request, Peer.windowUpdate(0, Integer.MAX_VALUE - 65_535),
                Peer.windowUpdate(1, Integer.MAX_VALUE - 65_535))));
        h2.drainOutput(ByteBuffer.allocate(4_096));
        assertEquals(1, listener.events);
        return h2;
    }

    private static long dataHeaders(Http2Connection h2, ByteBuffer out, int count) {
        long sum = 0;
        for (int i = 0; i < count; i++) {
            out.clear();
            int n = Math.min(h2.sendableBytes(1), 200);
            h2.writeDataHeader(out, 1, n, false);
            sum += out.position() + n;
        }
        return sum;
    }

    @Test
    void shouldFrameDataHeadersWithoutAllocating() {
        Http2Connection h2 = connection(new CountingListener(), Peer.get(1));
        ByteBuffer out = ByteBuffer.allocateDirect(FrameDescriptor.HEADER_BYTES);
        dataHeaders(h2, out, WARM_UP);
        long before = AllocationMeter.allocatedBytes();
        long sum = dataHeaders(h2, out, MEASURED);
        long allocated = AllocationMeter.allocatedBytes() - before;
        System.out.println("Http2Connection.writeDataHeader: " + allocated + " bytes allocated in " + MEASURED
                + " frames (checksum " + sum + ")");
        assertTrue(allocated < MEASURED, "allocated=" + allocated);     // one object per frame would be >= 16 x
    }

    private static long receiveBody(Http2Connection h2, CountingListener listener, byte[] frames, ByteBuffer sink,
                                    int rounds) {
        ByteBuffer in = ByteBuffer.wrap(frames);
        for (int i = 0; i < rounds; i++) {
            long before = listener.dataBytes;
            h2.receive(in.clear());
            h2.consumed(1, (int) (listener.dataBytes - before));
            sink.clear();
            h2.drainOutput(sink);
        }
        return listener.dataBytes;
    }

    @Test
    void shouldReceiveDataFramesWithoutAllocating() {
        CountingListener listener = new CountingListener();
        Http2Connection h2 = connection(listener, Peer.headers(1, LiteralDecoder.post("/p"), false));
        ByteArrayOutputStream frames = new ByteArrayOutputStream();
        for (int i = 0; i < 8; i++) {
            frames.writeBytes(Peer.data(1, new byte[1_000], false));
        }
        byte[] bytes = frames.toByteArray();
        ByteBuffer sink = ByteBuffer.allocate(4_096);
        receiveBody(h2, listener, bytes, sink, WARM_UP);
        long before = AllocationMeter.allocatedBytes();
        long sum = receiveBody(h2, listener, bytes, sink, MEASURED);
        long allocated = AllocationMeter.allocatedBytes() - before;
        System.out.println("Http2Connection.receive DATA: " + allocated + " bytes allocated in " + 8 * MEASURED
                + " frames (checksum " + sum + ")");
        assertTrue(allocated < MEASURED, "allocated=" + allocated);
        assertTrue(!h2.isClosed() && listener.events == 1, "events=" + listener.events);
    }
}
