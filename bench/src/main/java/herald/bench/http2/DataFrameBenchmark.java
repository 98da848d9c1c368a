package herald.bench.http2;

import herald.protocol.hpack.HpackEncoder;
import herald.protocol.http2.ConnectionPreface;
import herald.protocol.http2.ErrorCode;
import herald.protocol.http2.FrameBatch;
import herald.protocol.http2.FrameWriter;
import herald.protocol.http2.HpackBlockDecoder;
import herald.protocol.http2.Http2Connection;
import herald.protocol.http2.Http2Limit;
import herald.protocol.http2.Http2Limits;
import herald.protocol.http2.Http2Listener;
import herald.protocol.http2.PayloadViews;
import herald.protocol.http2.RequestHeaders;
import herald.protocol.sse.SseEncoder;
import java.nio.ByteBuffer;
import java.nio.channels.GatheringByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * An SSE event leaving on an HTTP/2 stream, in user space: what Herald's connection does per event and subscriber
 * from the shared encoded event to the socket's gathering write, which here is a null socket
 * ({@link CountingChannel}: positions move, nothing is copied). One invocation is one event to one stream, framed
 * into an empty batch ({@link FrameBatch}: the 9-byte DATA header and the window accounting of
 * {@link Http2Connection}), laid out for the write ({@link FrameBatch#gather}), written and cleared.
 *
 * <ul>
 *   <li>{@code referenceEvent}: what Herald does. The event lies in a read-only view of direct log memory; the
 *       frame's payload is a reused view of it ({@link PayloadViews}), the header the only bytes written.</li>
 *   <li>{@code copyEvent}: the baseline, what Herald did before: the same event from a writable buffer, so the batch
 *       copies it behind the header.</li>
 * </ul>
 * {@code eventBytes}: 96 (a 64-byte datum encoded, as in FanOutBenchmark) and 4,096. Goal: 0 B/op with
 * {@code -prof gc}.
 *
 * <pre>
 * java -jar bench/target/benchmarks.jar DataFrameBenchmark -prof gc
 * </pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@State(Scope.Thread)
public class DataFrameBenchmark {
    private static final int STREAM = 1;

    @Param({"96", "4096"})
    int eventBytes;

    Http2Connection h2;
    FrameBatch batch;
    PayloadViews views;
    ByteBuffer shared;          // the event in read-only log memory
    ByteBuffer writable;        // the same bytes in a writable buffer: copied
    final ByteBuffer[] srcs = new ByteBuffer[1];
    final CountingChannel channel = new CountingChannel();
    ByteBuffer refill;

    @Setup
    public void setUp() {
        h2 = new Http2Connection(Http2Limits.DEFAULTS, new HpackBlockDecoder(Http2Limits.DEFAULTS), new Quiet());
        ByteBuffer client = ByteBuffer.allocate(1_024);
        client.put(ConnectionPreface.bytes());
        FrameWriter.writeSettings(client);
        FrameWriter.writeSettingsAck(client);
        ByteBuffer block = ByteBuffer.allocate(256);
        HpackEncoder encoder = new HpackEncoder(0);
        encoder.startBlock(block);
        encoder.field(block, ":method", "GET");
        encoder.field(block, ":scheme", "https");
        encoder.field(block, ":authority", "sse.example.com");
        encoder.field(block, ":path", "/topics/news");
        FrameWriter.writeHeaders(client, STREAM, block.flip(), true, 16_384);
        FrameWriter.writeWindowUpdate(client, 0, Integer.MAX_VALUE - 65_535);
        FrameWriter.writeWindowUpdate(client, STREAM, Integer.MAX_VALUE - 65_535);
        h2.receive(client.flip());
        if (!h2.streamWritable(STREAM)) {
            throw new IllegalStateException("stream not open");
        }
        h2.drainOutput(ByteBuffer.allocate(1_024));
        refill = ByteBuffer.allocate(2 * 13);
        FrameWriter.writeWindowUpdate(refill, 0, 1 << 30);
        FrameWriter.writeWindowUpdate(refill, STREAM, 1 << 30);
        refill.flip();

        ByteBuffer segment = ByteBuffer.allocateDirect(256 * 1024);
        byte[] data = new byte[eventBytes - 30];             // id line (22), "data: " and two line feeds
        Arrays.fill(data, (byte) 'x');
        int length = SseEncoder.encode(segment, 0, null, data, 0, data.length,
                "1f3a9c-".getBytes(StandardCharsets.US_ASCII), 1_000_000_042L, -1);
        shared = segment.asReadOnlyBuffer().limit(length);
        writable = ByteBuffer.allocateDirect(length).put(shared.duplicate()).flip();
        batch = new FrameBatch(2_048, 32 * 1024, 128);
        views = new PayloadViews(32);
    }

    @Benchmark
    public long referenceEvent() {
        shared.position(0);
        return frame(shared, views);
    }

    @Benchmark
    public long copyEvent() {
        writable.position(0);
        return frame(writable, null);
    }

    private long frame(ByteBuffer event, PayloadViews streamViews) {
        srcs[0] = event;
        long taken = batch.writeData(h2, STREAM, srcs, 0, 1, streamViews);
        int count = batch.gather();
        long written = channel.write(batch.gathered(), 0, count);
        batch.clear();
        if (h2.connectionSendWindow() < 1 << 30) {
            h2.receive(refill.position(0));
        }
        return taken + written;
    }

    /** Ignores every event: the benchmark's stream only sends. */
    static final class Quiet implements Http2Listener {
        @Override
        public void onRequest(int streamId, RequestHeaders request, boolean endStream) {
        }

        @Override
        public void onRequestRejected(int streamId, int status, String reason) {
        }

        @Override
        public void onData(int streamId, ByteBuffer data, boolean endStream) {
        }

        @Override
        public void onStreamReset(int streamId, ErrorCode code) {
        }

        @Override
        public void onSendWindowOpened(int streamId) {
        }

        @Override
        public void onGoAway(int lastStreamId, ErrorCode code) {
        }

        @Override
        public void onConnectionError(ErrorCode code, String reason) {
        }

        @Override
        public void onLimitExceeded(Http2Limit limit) {
        }
    }

    /** A socket that takes every byte at once and keeps none. */
    static final class CountingChannel implements GatheringByteChannel {
        long bytes;

        @Override
        public long write(ByteBuffer[] sources, int offset, int length) {
            long written = 0;
            for (int i = offset; i < offset + length; i++) {
                written += sources[i].remaining();
                sources[i].position(sources[i].limit());
            }
            bytes += written;
            return written;
        }

        @Override
        public long write(ByteBuffer[] sources) {
            return write(sources, 0, sources.length);
        }

        @Override
        public int write(ByteBuffer source) {
            return (int) write(new ByteBuffer[] {source}, 0, 1);
        }

        @Override
        public boolean isOpen() {
            return true;
        }

        @Override
        public void close() {
        }
    }
}
