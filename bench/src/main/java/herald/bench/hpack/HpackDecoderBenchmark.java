package herald.bench.hpack;

import herald.protocol.hpack.FieldSink;
import herald.protocol.hpack.HpackDecoder;
import herald.protocol.hpack.HpackEncoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http2.DefaultHttp2HeadersDecoder;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2Headers;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * {@link HpackDecoder#decode} of the header block of a browser's {@code EventSource} subscribe over HTTP/2: the 18
 * fields of {@code herald.bench.http1.BenchRequests.SUBSCRIBE} in HTTP/2 form (pseudo-header fields, lowercase names,
 * no {@code Host}/{@code Connection}), encoded by {@link HpackEncoder} with Huffman strings.
 *
 * <ul>
 *   <li>{@code firstRequest}: the first block of a connection (literals with incremental indexing, 485 octets) into
 *       a new decoder: every field becomes strings and a table entry.</li>
 *   <li>{@code repeatRequest}: a second {@code EventSource} on the same connection, the same fields but no
 *       {@code last-event-id}: 17 octets, every field from the dynamic table, into a decoder that has seen the first
 *       block. The table does not change, so every invocation decodes the same fields.</li>
 * </ul>
 * The sink hands every value to the {@code Blackhole}.
 *
 * <p>Beside each, the peer: Netty's HTTP/2 header decoder ({@code DefaultHttp2HeadersDecoder} of
 * {@code netty-codec-http2}, which Netty's HTTP/2 codec uses) on the same bytes ({@code nettyFirstRequest}: a new
 * decoder per block; {@code nettyRepeatRequest}: one that has seen the first block). Netty's header validation is
 * off, as Herald's decoder only decodes (Herald checks the fields afterwards, in {@code RequestHeaders}). What each
 * produces differs: Herald a {@code String} per name and value handed to a sink, Netty a {@code Http2Headers} of
 * {@code AsciiString}s (bytes, no character decoding), which goes to the {@code Blackhole}.
 *
 * <pre>
 * java -jar bench/target/benchmarks.jar HpackDecoderBenchmark -prof gc
 * </pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@State(Scope.Thread)
public class HpackDecoderBenchmark {
    /** The subscribe request's fields, in Chrome's order. */
    static final List<String> FIELDS = List.of(
            ":method", "GET",
            ":authority", "sse.example.com",
            ":scheme", "https",
            ":path", "/topics/news",
            "sec-ch-ua-platform", "\"Linux\"",
            "cache-control", "no-cache",
            "sec-ch-ua", "\"Google Chrome\";v=\"131\", \"Chromium\";v=\"131\", \"Not_A Brand\";v=\"24\"",
            "sec-ch-ua-mobile", "?0",
            "user-agent", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
                    + "Chrome/131.0.0.0 Safari/537.36",
            "accept", "text/event-stream",
            "sec-fetch-site", "same-origin",
            "sec-fetch-mode", "cors",
            "sec-fetch-dest", "empty",
            "referer", "https://sse.example.com/dashboard/news",
            "accept-encoding", "gzip, deflate, br, zstd",
            "accept-language", "en-US,en;q=0.9,de;q=0.8",
            "cookie", "_ga=GA1.1.1736251845.1731024000; theme=dark; "
                    + "session=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiI0MiIsImV4cCI6MTczMTAyNzYwMH0.c2lnbmF0dXJlLWJ5dGVz",
            "last-event-id", "1f3a9c-1000000042");

    ByteBuffer first;
    ByteBuffer repeat;
    HpackDecoder warmDecoder;
    final Consuming sink = new Consuming();
    ByteBuf nettyFirst;
    ByteBuf nettyRepeat;
    DefaultHttp2HeadersDecoder nettyWarmDecoder;

    @Setup
    public void setUp() {
        HpackEncoder encoder = new HpackEncoder(HpackDecoder.DEFAULT_HEADER_TABLE_SIZE);
        first = encode(encoder, FIELDS);
        repeat = encode(encoder, FIELDS.subList(0, FIELDS.size() - 2));
        warmDecoder = new HpackDecoder(HpackDecoder.DEFAULT_HEADER_TABLE_SIZE, 65_536);
        warmDecoder.decode(first.duplicate(), (name, value) -> { });
        nettyFirst = Unpooled.wrappedBuffer(first.duplicate());
        nettyRepeat = Unpooled.wrappedBuffer(repeat.duplicate());
        nettyWarmDecoder = new DefaultHttp2HeadersDecoder(false);
        try {
            nettyWarmDecoder.decodeHeaders(1, nettyFirst.duplicate());
        } catch (Http2Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Benchmark
    public int firstRequest(Blackhole bh) {
        sink.bh = bh;
        first.rewind();
        new HpackDecoder(HpackDecoder.DEFAULT_HEADER_TABLE_SIZE, 65_536).decode(first, sink);
        return first.position();
    }

    @Benchmark
    public int repeatRequest(Blackhole bh) {
        sink.bh = bh;
        repeat.rewind();
        warmDecoder.decode(repeat, sink);
        return repeat.position();
    }

    @Benchmark
    public Http2Headers nettyFirstRequest() throws Http2Exception {
        nettyFirst.readerIndex(0);
        return new DefaultHttp2HeadersDecoder(false).decodeHeaders(1, nettyFirst);
    }

    @Benchmark
    public Http2Headers nettyRepeatRequest() throws Http2Exception {
        nettyRepeat.readerIndex(0);
        return nettyWarmDecoder.decodeHeaders(3, nettyRepeat);
    }

    static ByteBuffer encode(HpackEncoder encoder, List<String> namesAndValues) {
        ByteBuffer out = ByteBuffer.allocate(4096);
        encoder.startBlock(out);
        for (int i = 0; i < namesAndValues.size(); i += 2) {
            encoder.field(out, namesAndValues.get(i), namesAndValues.get(i + 1));
        }
        return ByteBuffer.wrap(Arrays.copyOf(out.array(), out.position()));
    }

    /** Hands every value to the benchmark's {@code Blackhole}; counts fields for the setup test. */
    static final class Consuming implements FieldSink {
        Blackhole bh;
        int fields;

        @Override
        public void field(String name, String value) {
            fields++;
            if (bh != null) {
                bh.consume(value);
            }
        }
    }
}
