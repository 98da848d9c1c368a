package herald.bench.sse;

import herald.protocol.sse.SseEncoder;
import herald.protocol.sse.SseListener;
import herald.protocol.sse.SseStreamParser;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@link SseStreamParser#parse(ByteBuffer)} of a read holding {@value #EVENTS} events as Herald encodes them (event
 * type, one data line of {@code dataBytes}, an id line), from a heap or a direct buffer, with a listener that reads
 * every {@link CharSequence} it is given (sums their lengths and one char of each). This is the load generator's
 * receive path. Scores are <b>per event</b> ({@code @OperationsPerInvocation}); goal 0 B/op.
 *
 * <pre>
 * java -jar bench/target/benchmarks.jar SseStreamParserBenchmark -prof gc
 * </pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@State(Scope.Thread)
public class SseStreamParserBenchmark {
    static final int EVENTS = 64;

    @Param({"64", "1024"})
    int dataBytes;

    @Param({"heap", "direct"})
    String buffer;

    ByteBuffer in;
    SseStreamParser parser;
    final Summing listener = new Summing();

    @Setup
    public void setUp() {
        byte[] stream = stream(dataBytes);
        in = "direct".equals(buffer)
                ? ByteBuffer.allocateDirect(stream.length).put(stream).flip()
                : ByteBuffer.wrap(stream);
        parser = new SseStreamParser(listener);
    }

    @Benchmark
    @OperationsPerInvocation(EVENTS)
    public long parse() {
        in.clear();                                         // the whole stream again: limit == capacity
        parser.parse(in);
        return listener.sum;
    }

    /** {@value #EVENTS} encoded events of {@code dataBytes} each: what one large read from a server might hold. */
    static byte[] stream(int dataBytes) {
        byte[] data = SseEncoderBenchmark.data(dataBytes, Integer.MAX_VALUE);
        ByteBuffer out = ByteBuffer.allocate(EVENTS * (dataBytes + 64));
        for (int i = 0; i < EVENTS; i++) {
            SseEncoder.encode(out, SseEncoderBenchmark.EVENT_TYPE, data, 0, data.length, SseEncoderBenchmark.ID_PREFIX,
                    SseEncoderBenchmark.FIRST_SEQ + i, -1);
        }
        byte[] stream = new byte[out.flip().remaining()];
        out.get(stream);
        return stream;
    }

    /** Reads what it is given, allocation-free: the lengths and one char of each sequence. */
    static final class Summing implements SseListener {
        long sum;
        int events;

        @Override
        public void onEvent(CharSequence type, CharSequence data, CharSequence lastEventId) {
            events++;
            sum += type.length() + data.length() + lastEventId.length()
                    + data.charAt(data.length() - 1) + lastEventId.charAt(lastEventId.length() - 1);
        }
    }
}
