package herald.bench.sse;

import herald.protocol.sse.SseEncoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
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
 * {@link SseEncoder#encode(ByteBuffer, byte[], byte[], int, int, byte[], long, long)} of one event, as the publish
 * path does once per event: event type {@code update}, data of {@code dataBytes}, an id line of a prefix and an
 * increasing sequence number, no retry line; into a direct buffer, as the event log holds events.
 *
 * <ul>
 *   <li><b>encodeSingleLine</b>: data without line breaks (one {@code data:} line).</li>
 *   <li><b>encodeMultiLine</b>: the same number of bytes with an LF every 60 bytes (every 8 for 16 B data), so
 *       the encoder splits them into {@code dataBytes / 61 + 1} {@code data:} lines.</li>
 *   <li><b>copyBaseline</b>: {@code out.put(data)} alone: the memory copy any encoder must do.</li>
 * </ul>
 * Goal: 0 B/op ({@code gc.alloc.rate.norm}).
 *
 * <pre>
 * java -jar bench/target/benchmarks.jar SseEncoderBenchmark -prof gc
 * </pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@State(Scope.Thread)
public class SseEncoderBenchmark {
    static final byte[] EVENT_TYPE = "update".getBytes(StandardCharsets.US_ASCII);
    static final byte[] ID_PREFIX = "1f3a9c-".getBytes(StandardCharsets.US_ASCII);
    static final long FIRST_SEQ = 1_000_000_000L;
    static final int LINE_BYTES = 60;

    @Param({"16", "256", "4096"})
    int dataBytes;

    ByteBuffer out;
    byte[] singleLine;
    byte[] multiLine;
    long seq;

    @Setup
    public void setUp() {
        singleLine = data(dataBytes, Integer.MAX_VALUE);
        multiLine = data(dataBytes, Math.min(LINE_BYTES, dataBytes / 2));
        out = ByteBuffer.allocateDirect(2 * dataBytes + 256);
        seq = FIRST_SEQ;
    }

    @Benchmark
    public int encodeSingleLine() {
        out.clear();
        return SseEncoder.encode(out, EVENT_TYPE, singleLine, 0, singleLine.length, ID_PREFIX, seq++, -1);
    }

    @Benchmark
    public int encodeMultiLine() {
        out.clear();
        return SseEncoder.encode(out, EVENT_TYPE, multiLine, 0, multiLine.length, ID_PREFIX, seq++, -1);
    }

    @Benchmark
    public int copyBaseline() {
        out.clear();
        out.put(singleLine);
        return out.position();
    }

    /** {@code length} bytes of JSON-ish ASCII text with an LF after every {@code lineBytes} bytes (none last). */
    static byte[] data(int length, int lineBytes) {
        String text = "{\"id\":42,\"symbol\":\"ACME\",\"price\":131.07,\"note\":\"the quick brown fox\"} ";
        byte[] data = new byte[length];
        for (int i = 0, column = 0; i < length; i++) {
            if (column == lineBytes && i < length - 1) {
                data[i] = '\n';
                column = 0;
            } else {
                data[i] = (byte) text.charAt(i % text.length());
                column++;
            }
        }
        return data;
    }
}
