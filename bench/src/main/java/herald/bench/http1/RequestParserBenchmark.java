package herald.bench.http1;

import herald.protocol.http1.BodyDecoder;
import herald.protocol.http1.HttpLimits;
import herald.protocol.http1.RequestHead;
import herald.protocol.http1.RequestParser;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.LastHttpContent;
import java.nio.ByteBuffer;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Herald's {@link RequestParser} (+ {@link BodyDecoder}) against Netty's {@link HttpRequestDecoder}, fed the same
 * bytes, each doing what a server needs before it can route the request:
 *
 * <ul>
 *   <li><b>get</b>: a browser's {@code EventSource} subscribe ({@link BenchRequests#SUBSCRIBE}, 16 fields, 1 KiB).
 *       Both sides then read the method, the path, and look up {@code Host}, {@code Accept}, {@code Last-Event-ID}
 *       and the absent {@code Origin}: Netty's decoder has already made a String per field; Herald makes one per
 *       lookup.</li>
 *   <li><b>post</b>: a publish with a 256-byte body ({@link BenchRequests#PUBLISH}). Both sides read the method,
 *       path, {@code Content-Type} and {@code Authorization}, and copy the body into a reused buffer (Netty hands
 *       it over as a slice of the input; Herald's {@code BodyDecoder} copies it out).</li>
 *   <li><b>pipelinedPosts</b>: two publishes in one read, parsed back to back.</li>
 *   <li><b>nettyChannelBaseline</b>: the harness alone, an {@link EmbeddedChannel} without handlers passing the
 *       GET's buffer through; part of every {@code netty*} score, none of the {@code herald*} ones.</li>
 * </ul>
 * <p>Parser, decoder channel, input buffers and body buffer are reused across invocations, as one connection
 * handles keep-alive requests in turn. Input is a heap buffer on both sides (Herald's server reads into one).
 * Netty's input is retained before each write so the decoder's release leaves it alive: no harness allocation.
 * Scores are ns per invocation: one request, or two for {@code *PipelinedPosts}; throughput ratios are the inverse
 * ratios of these times.
 *
 * <p>Warmup is 10 iterations, not the usual 5: on the shared 2-core machine Netty's decoder was still several times
 * slower than its steady state in warmup iterations 1-3 of both forks (C2 compiling Netty's larger code path while other
 * jobs ran), which would flatter Herald.
 *
 * <pre>
 * java -jar bench/target/benchmarks.jar RequestParserBenchmark -prof gc
 * </pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 10, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@State(Scope.Thread)
public class RequestParserBenchmark {
    private static final String LAST_EVENT_ID = "Last-Event-ID";

    final HttpLimits limits = HttpLimits.DEFAULTS;
    RequestParser parser;
    ByteBuffer getIn;
    ByteBuffer postIn;
    ByteBuffer pipelinedIn;
    ByteBuffer body;

    EmbeddedChannel netty;
    EmbeddedChannel passThrough;
    ByteBuf getBuf;
    ByteBuf postBuf;
    ByteBuf pipelinedBuf;

    @Setup
    public void setUp() {
        parser = new RequestParser(limits);
        getIn = ByteBuffer.wrap(BenchRequests.bytes(BenchRequests.SUBSCRIBE));
        postIn = ByteBuffer.wrap(BenchRequests.bytes(BenchRequests.PUBLISH));
        pipelinedIn = ByteBuffer.wrap(BenchRequests.bytes(BenchRequests.PUBLISH + BenchRequests.PUBLISH));
        body = ByteBuffer.allocate(4_096);

        netty = new EmbeddedChannel(new HttpRequestDecoder());
        passThrough = new EmbeddedChannel();
        getBuf = Unpooled.wrappedBuffer(BenchRequests.bytes(BenchRequests.SUBSCRIBE));
        postBuf = Unpooled.wrappedBuffer(BenchRequests.bytes(BenchRequests.PUBLISH));
        pipelinedBuf = Unpooled.wrappedBuffer(BenchRequests.bytes(BenchRequests.PUBLISH + BenchRequests.PUBLISH));
    }

    @TearDown
    public void tearDown() {
        netty.finishAndReleaseAll();
        passThrough.finishAndReleaseAll();
        getBuf.release();
        postBuf.release();
        pipelinedBuf.release();
    }

    // ----- GET: subscribe -----

    @Benchmark
    public int heraldGet(Blackhole bh) {
        getIn.rewind();
        return readSubscribe(parser.parse(getIn), bh);
    }

    @Benchmark
    public int nettyGet(Blackhole bh) {
        netty.writeInbound(reread(getBuf));
        int n = readSubscribe((HttpRequest) netty.readInbound(), bh);
        LastHttpContent end = netty.readInbound();          // EMPTY_LAST_CONTENT for a request without a body
        n += end.content().readableBytes();
        end.release();
        return n;
    }

    /** What {@code nettyGet} pays for {@link EmbeddedChannel} itself: write a buffer, read it back. */
    @Benchmark
    public int nettyChannelBaseline() {
        passThrough.writeInbound(reread(getBuf));
        ByteBuf same = passThrough.readInbound();
        int n = same.readableBytes();
        same.release();
        return n;
    }

    // ----- POST: publish with a 256-byte body -----

    @Benchmark
    public int heraldPost(Blackhole bh) {
        postIn.rewind();
        body.clear();
        return parsePublish(postIn, bh);
    }

    @Benchmark
    public int nettyPost(Blackhole bh) {
        netty.writeInbound(reread(postBuf));
        body.clear();
        return readPublish(bh);
    }

    // ----- two pipelined POSTs in one read -----

    @Benchmark
    public int heraldPipelinedPosts(Blackhole bh) {
        pipelinedIn.rewind();
        body.clear();
        int n = parsePublish(pipelinedIn, bh);
        return n + parsePublish(pipelinedIn, bh);
    }

    @Benchmark
    public int nettyPipelinedPosts(Blackhole bh) {
        netty.writeInbound(reread(pipelinedBuf));
        body.clear();
        int n = readPublish(bh);
        return n + readPublish(bh);
    }

    // ----- the work per request, shared by the single and the pipelined benchmarks -----

    private static int readSubscribe(RequestHead head, Blackhole bh) {
        bh.consume(head.method());
        bh.consume(head.path());
        bh.consume(head.header("Host"));
        bh.consume(head.header("Accept"));
        bh.consume(head.header(LAST_EVENT_ID));
        bh.consume(head.header("Origin"));
        return head.headerCount();
    }

    private static int readSubscribe(HttpRequest request, Blackhole bh) {
        HttpHeaders headers = request.headers();
        bh.consume(request.method());
        bh.consume(request.uri());
        bh.consume(headers.get(HttpHeaderNames.HOST));
        bh.consume(headers.get(HttpHeaderNames.ACCEPT));
        bh.consume(headers.get(LAST_EVENT_ID));
        bh.consume(headers.get(HttpHeaderNames.ORIGIN));
        return headers.size();
    }

    /** Parses one head from {@code in} and decodes its body into {@link #body}; returns the body bytes decoded. */
    private int parsePublish(ByteBuffer in, Blackhole bh) {
        RequestHead head = parser.parse(in);
        bh.consume(head.method());
        bh.consume(head.path());
        bh.consume(head.header("Content-Type"));
        bh.consume(head.header("Authorization"));
        BodyDecoder decoder = BodyDecoder.of(head, limits);
        int n = decoder.decode(in, body);
        if (!decoder.isComplete()) {
            throw new IllegalStateException("body incomplete: decodedBytes=" + decoder.decodedBytes());
        }
        return n;
    }

    /** Reads one request and its contents (up to the last) from {@link #netty}; returns the body bytes copied. */
    private int readPublish(Blackhole bh) {
        HttpRequest request = netty.readInbound();
        HttpHeaders headers = request.headers();
        bh.consume(request.method());
        bh.consume(request.uri());
        bh.consume(headers.get(HttpHeaderNames.CONTENT_TYPE));
        bh.consume(headers.get(HttpHeaderNames.AUTHORIZATION));
        int n = 0;
        HttpContent content;
        do {
            content = netty.readInbound();
            ByteBuf bytes = content.content();
            int length = bytes.readableBytes();
            body.limit(body.position() + length);
            bytes.readBytes(body);
            body.limit(body.capacity());
            n += length;
            content.release();
        } while (!(content instanceof LastHttpContent));
        return n;
    }

    /** {@code buf} from its start, retained once for the decoder to release when it has read it all. */
    private static ByteBuf reread(ByteBuf buf) {
        return buf.readerIndex(0).retain();
    }
}
