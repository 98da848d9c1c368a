package herald.bench.http1;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import herald.protocol.http1.BodyDecoder;
import herald.protocol.http1.HttpLimits;
import herald.protocol.http1.RequestHead;
import herald.protocol.http1.RequestParser;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.LastHttpContent;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.infra.Blackhole;

/** The benchmark's inputs parse, both libraries agree on them, and every benchmark method does the work it claims. */
class RequestParserBenchmarkTest {
    private static final Blackhole BH = new Blackhole(
            "Today's password is swordfish. I understand instantiating Blackholes directly is dangerous.");

    @Test
    void shouldParseSubscribeTheSameInHeraldAndNetty() {
        Parsed herald = herald(BenchRequests.SUBSCRIBE);
        Parsed netty = netty(BenchRequests.SUBSCRIBE);
        assertEquals(new Parsed("GET", "/topics/news", BenchRequests.SUBSCRIBE_FIELDS, fieldsOf(BenchRequests.SUBSCRIBE), ""),
                herald);
        assertEquals(herald, netty);
    }

    @Test
    void shouldParsePublishTheSameInHeraldAndNetty() {
        Parsed herald = herald(BenchRequests.PUBLISH);
        Parsed netty = netty(BenchRequests.PUBLISH);
        assertEquals(256, BenchRequests.BODY.length());
        assertEquals(new Parsed("POST", "/topics/news?event=update", BenchRequests.PUBLISH_FIELDS,
                fieldsOf(BenchRequests.PUBLISH), BenchRequests.BODY), herald);
        assertEquals(herald, netty);
    }

    @Test
    void shouldDoTheFullWorkInEveryBenchmarkMethodAndLeakNothing() {
        RequestParserBenchmark b = new RequestParserBenchmark();
        b.setUp();
        int subscribeBytes = BenchRequests.SUBSCRIBE.length();
        byte[] body = BenchRequests.bytes(BenchRequests.BODY);
        for (int i = 0; i < 3; i++) {                       // reuse across invocations, as JMH does
            assertEquals(BenchRequests.SUBSCRIBE_FIELDS, b.heraldGet(BH));
            assertEquals(BenchRequests.SUBSCRIBE_FIELDS, b.nettyGet(BH));
            assertEquals(subscribeBytes, b.nettyChannelBaseline());

            assertEquals(256, b.heraldPost(BH));
            assertEquals(ByteBuffer.wrap(body), b.body.flip());
            assertEquals(256, b.nettyPost(BH));
            assertEquals(ByteBuffer.wrap(body), b.body.flip());

            assertEquals(512, b.heraldPipelinedPosts(BH));
            assertEquals(ByteBuffer.wrap(body), b.body.flip().limit(256));
            assertEquals(ByteBuffer.wrap(body), b.body.position(256).limit(512));
            assertEquals(512, b.nettyPipelinedPosts(BH));
            assertEquals(ByteBuffer.wrap(body), b.body.flip().limit(256));
            assertEquals(ByteBuffer.wrap(body), b.body.position(256).limit(512));

            assertNull(b.netty.readInbound(), "a decoded message left behind");
            assertEquals(1, b.getBuf.refCnt());
            assertEquals(1, b.postBuf.refCnt());
            assertEquals(1, b.pipelinedBuf.refCnt());
        }
        b.tearDown();
    }

    private record Parsed(String method, String uri, int headerCount, List<Map.Entry<String, String>> fields,
                          String body) {
    }

    private static Parsed herald(String request) {
        ByteBuffer in = ByteBuffer.wrap(BenchRequests.bytes(request));
        RequestHead head = new RequestParser(HttpLimits.DEFAULTS).parse(in);
        assertNotNull(head);
        List<Map.Entry<String, String>> fields = new ArrayList<>();
        for (int i = 0; i < head.headerCount(); i++) {
            fields.add(Map.entry(head.headerName(i), head.headerValue(i)));
        }
        ByteBuffer body = ByteBuffer.allocate(1_024);
        BodyDecoder decoder = BodyDecoder.of(head, HttpLimits.DEFAULTS);
        decoder.decode(in, body);
        assertTrue(decoder.isComplete());
        assertEquals(0, in.remaining());
        return new Parsed(head.method(), head.target(), head.headerCount(), fields,
                StandardCharsets.ISO_8859_1.decode(body.flip()).toString());
    }

    private static Parsed netty(String request) {
        EmbeddedChannel channel = new EmbeddedChannel(new HttpRequestDecoder());
        ByteBuf in = Unpooled.wrappedBuffer(BenchRequests.bytes(request));
        channel.writeInbound(in);
        HttpRequest head = channel.readInbound();
        assertTrue(head.decoderResult().isSuccess(), () -> head.decoderResult().toString());
        List<Map.Entry<String, String>> fields = new ArrayList<>();
        head.headers().forEach(e -> fields.add(Map.entry(e.getKey(), e.getValue())));
        StringBuilder body = new StringBuilder();
        Object message;
        do {
            message = channel.readInbound();
            HttpContent content = assertInstanceOf(HttpContent.class, message);
            assertTrue(content.decoderResult().isSuccess());
            body.append(content.content().toString(StandardCharsets.ISO_8859_1));
            content.release();
        } while (!(message instanceof LastHttpContent));
        assertNull(channel.readInbound());
        assertEquals(0, in.refCnt(), "the decoder released its input");
        channel.finishAndReleaseAll();
        return new Parsed(head.method().name(), head.uri(), head.headers().size(), fields, body.toString());
    }

    /** The field lines of {@code request} split at the first colon and trimmed: the expectation for both. */
    private static List<Map.Entry<String, String>> fieldsOf(String request) {
        List<Map.Entry<String, String>> fields = new ArrayList<>();
        String[] lines = BenchRequests.head(request).split("\r\n");
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            fields.add(Map.entry(lines[i].substring(0, colon), lines[i].substring(colon + 1).strip()));
        }
        return fields;
    }
}
