package herald.protocol.http1;

import static herald.protocol.http1.Requests.assertStatus;
import static herald.protocol.http1.Requests.bytes;
import static herald.protocol.http1.Requests.parse;
import static herald.protocol.http1.Requests.repeat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The request line, line endings, the head's size limits, and the incremental contract of {@link RequestParser}. */
final class RequestParserTest {
    private static final String HOST = "Host: h\r\n\r\n";

    @Test
    void shouldParseTypicalChromeGet() {
        RequestHead head = parse(Requests.CHROME_GET);
        assertSame(HttpMethod.GET, head.method());
        assertEquals("/topics/news?lastEventId=42", head.target());
        assertEquals("/topics/news", head.path());
        assertEquals("/topics/news", head.rawPath());
        assertEquals("lastEventId=42", head.rawQuery());
        assertEquals("42", head.queryParams().first("lastEventId"));
        assertEquals(HttpVersion.HTTP_1_1, head.version());
        assertEquals("HTTP/1.1", head.version().toString());
        assertEquals("herald.example.com:8080", head.authority());
        assertEquals(12, head.headerCount());
        assertEquals("text/event-stream", head.header("accept"));
        assertEquals("Accept-Language", head.headerName(11));
        assertEquals("en-US,en;q=0.9,de;q=0.8", head.headerValue(11));
        assertTrue(head.keepAlive());
        assertFalse(head.hasBody());
        assertFalse(head.isChunked());
        assertEquals(-1, head.contentLength());
        assertFalse(head.expectsContinue());
    }

    @ParameterizedTest
    @ValueSource(strings = {"GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH", "TRACE"})
    void shouldReturnSharedConstantForKnownMethod(String method) {
        RequestHead head = parse(method + " / HTTP/1.1\r\n" + HOST);
        assertEquals(method, head.method());
        assertSame(method.intern(), head.method());
    }

    @ParameterizedTest
    @ValueSource(strings = {"PROPFIND", "get", "M-SEARCH", "GETS", "X", "BREW", "!#$%&'*+-.^_`|~09azAZ"})
    void shouldReturnUnknownTokenMethodAsNewString(String method) {
        RequestHead head = parse(method + " / HTTP/1.1\r\n" + HOST);
        assertEquals(method, head.method());
    }

    @Test
    void shouldAnswer501ForConnect() {
        assertStatus(501, "CONNECT is not supported", "CONNECT herald.example.com:443 HTTP/1.1\r\nHost: herald.example.com:443\r\n\r\n");
    }

    static Stream<Arguments> malformedRequestLines() {
        String method = "request line does not start with a method token and one SP";
        String target = "request-target contains a character outside its syntax";
        String form = "request-target is not origin-form, absolute-form or asterisk-form";
        String version = "HTTP-version is not HTTP/DIGIT.DIGIT";
        return Stream.of(
                Arguments.of("GE(T / HTTP/1.1\r\n", method),      // "(" is not a tchar
                Arguments.of(" / HTTP/1.1\r\n", method),          // empty method
                Arguments.of("GET  / HTTP/1.1\r\n", form),        // two SP after the method: an empty target
                Arguments.of("GET /  HTTP/1.1\r\n", version),     // two SP before the version
                Arguments.of("GET\t/ HTTP/1.1\r\n", method),      // HTAB is not SP
                Arguments.of("GET /\tHTTP/1.1\r\n", target),
                Arguments.of("GET / HTTP/1.1 \r\n", version),     // trailing SP
                Arguments.of(" GET / HTTP/1.1\r\n", method),      // leading SP
                Arguments.of("GET /\r\n", target),                // HTTP/0.9 style, no version
                Arguments.of("GET\r\n", method),
                Arguments.of("GET \r\n", form),
                Arguments.of("GET / \r\n", version),
                Arguments.of("\u00c9T / HTTP/1.1\r\n", method));  // obs-text in the method
    }

    @ParameterizedTest
    @MethodSource("malformedRequestLines")
    void shouldRejectMalformedRequestLineWith400(String line, String reason) {
        assertStatus(400, reason, line + HOST);
    }

    @Test
    void shouldParseHttp10() {
        RequestHead head = parse("GET / HTTP/1.0\r\n\r\n");
        assertEquals(HttpVersion.HTTP_1_0, head.version());
        assertEquals("HTTP/1.0", head.version().text());
        assertEquals("HTTP/1.1", HttpVersion.HTTP_1_1.text());
        assertNull(head.authority());
        assertFalse(head.keepAlive());
    }

    @Test
    void shouldServeHttp12AsHttp11() {
        assertEquals(HttpVersion.HTTP_1_1, parse("GET / HTTP/1.2\r\n" + HOST).version());
    }

    @ParameterizedTest
    @ValueSource(strings = {"HTTP/1.3", "HTTP/1.5", "HTTP/1.9"})
    void shouldServeHigherHttp1MinorVersionsAsHttp11(String version) {
        assertEquals(HttpVersion.HTTP_1_1, parse("GET / " + version + "\r\n" + HOST).version());
    }

    @Test
    void shouldAnswer505ForHttp2() {
        assertStatus(505, "only HTTP/1.x is supported", "GET / HTTP/2.0\r\n" + HOST);
    }

    @ParameterizedTest
    @ValueSource(strings = {"HTTP/0.9", "HTTP/3.0", "HTTP/9.9", "HTTP/0.0", "HTTP/2.1"})
    void shouldAnswer505ForMajorVersionOtherThan1(String version) {
        assertStatus(505, "only HTTP/1.x is supported", "GET / " + version + "\r\n" + HOST);
    }

    @ParameterizedTest
    @ValueSource(strings = {"HTTP/1.10", "http/1.1", "HTTP/1", "HTTP/1.", "HTTP/a.1", "HTTP/1.a", "HTTP/1,1",
        "HTTP 1.1", "HTTPS/1.1", "HTTP/11", "HTTP/1.1x", "HTTP/2", "Http/1.1", "HTTP/-1.1", "HTTP/"})
    void shouldRejectMalformedVersionWith400(String version) {
        assertStatus(400, "HTTP-version is not HTTP/DIGIT.DIGIT", "GET / " + version + "\r\n" + HOST);
    }

    @Test
    void shouldRejectBareLfAfterRequestLineWith400() {
        assertStatus(400, "request line ends in a bare LF", "GET / HTTP/1.1\nHost: h\r\n\r\n");
    }

    @Test
    void shouldRejectBareLfAfterFieldLineWith400() {
        assertStatus(400, "field line ends in a bare LF", "GET / HTTP/1.1\r\nHost: h\nX: y\r\n\r\n");
    }

    @Test
    void shouldRejectBareLfAsEmptyLineWith400() {
        assertStatus(400, "field line ends in a bare LF", "GET / HTTP/1.1\r\nHost: h\r\n\n");
    }

    @Test
    void shouldRejectBareCrInRequestLineWith400() {
        assertStatus(400, "request-target contains a character outside its syntax", "GET /\r HTTP/1.1\r\nHost: h\r\n\r\n");
    }

    @Test
    void shouldRejectBareCrAsLineEndWith400() {
        assertStatus(400, "field value contains a bare CR", "GET / HTTP/1.1\r\nHost: h\rX: y\r\n\r\n");
    }

    @Test
    void shouldRejectBareCrAtStartOfLineWith400() {
        assertStatus(400, "bare CR", "GET / HTTP/1.1\r\nHost: h\r\n\rX: y\r\n\r\n");
        assertStatus(400, "bare CR", "\rGET / HTTP/1.1\r\n" + HOST);
    }

    @Test
    void shouldRejectBareLfBeforeRequestLineWith400() {
        assertStatus(400, "request line ends in a bare LF", "\nGET / HTTP/1.1\r\n" + HOST);
    }

    @Test
    void shouldIgnoreUpToEightEmptyLinesBeforeRequestLine() {
        RequestHead head = parse("\r\n".repeat(RequestParser.MAX_LEADING_EMPTY_LINES) + "GET / HTTP/1.1\r\n" + HOST);
        assertEquals("/", head.path());
        assertEquals(parse("GET / HTTP/1.1\r\n" + HOST), head);
    }

    @ParameterizedTest
    @ValueSource(strings = {"OPTIONS * HTTP/1.1", "GET http://herald.example.com:8080/a%20b?x=%41 HTTP/1.1",
        "GET http://h?q HTTP/1.1", "POST /topics/a%2Fb/./c?lastEventId=42&x=%41 HTTP/1.0", "GET /a.b?x HTTP/1.1",
        "PURGE /x?y HTTP/1.1"})
    void shouldParseRequestAfterEmptyLinesAsIfAlone(String requestLine) {
        String raw = requestLine + "\r\nHost: h\r\n\r\n";
        RequestHead alone = parse(raw);
        for (int empty = 1; empty <= RequestParser.MAX_LEADING_EMPTY_LINES; empty += 7) {
            RequestHead after = parse("\r\n".repeat(empty) + raw);
            assertEquals(alone, after, "empty lines: " + empty);
            assertEquals(alone.method(), after.method());
            assertEquals(alone.target(), after.target());
            assertEquals(alone.rawPath(), after.rawPath());
            assertEquals(alone.path(), after.path());
            assertEquals(alone.rawQuery(), after.rawQuery());
            assertEquals(alone.authority(), after.authority());
            assertEquals(requestLine.substring(0, requestLine.indexOf(' ')), after.method());
        }
    }

    @Test
    void shouldJudgeMethodAfterEmptyLinesAsIfAlone() {
        assertSame(HttpMethod.POST, parse("\r\nPOST / HTTP/1.1\r\n" + HOST).method());
        assertStatus(501, "CONNECT is not supported", "\r\n\r\nCONNECT h:443 HTTP/1.1\r\nHost: h:443\r\n\r\n");
    }

    @Test
    void shouldRejectFieldLineInPlaceOfRequestLineWith400() {
        assertStatus(400, "request line does not start with a method token and one SP",
                "Foo: bar\r\nGET / HTTP/1.1\r\n" + HOST);
        assertStatus(400, "request line does not start with a method token and one SP",
                "\r\nHost: h\r\nGET / HTTP/1.1\r\n" + HOST);
    }

    @Test
    void shouldRejectNineEmptyLinesBeforeRequestLineWith400() {
        assertStatus(400, "too many empty lines before the request line: max=8", "\r\n".repeat(RequestParser.MAX_LEADING_EMPTY_LINES + 1) + "GET / HTTP/1.1\r\n" + HOST);
    }

    @Test
    void shouldReturnNullUntilHeadIsComplete() {
        RequestParser parser = new RequestParser();
        byte[] raw = bytes("GET / HTTP/1.1\r\nHost: h\r\n\r\n");
        for (int i = 0; i < raw.length - 1; i++) {
            ByteBuffer in = ByteBuffer.wrap(raw, i, 1);
            assertNull(parser.parse(in), "byte " + i);
            assertFalse(in.hasRemaining());
        }
        assertNotNull(parser.parse(ByteBuffer.wrap(raw, raw.length - 1, 1)));
    }

    @Test
    void shouldReturnNullForEmptyBuffer() {
        assertNull(new RequestParser().parse(ByteBuffer.allocate(0)));
    }

    @Test
    void shouldLeaveBodyInBufferRightAfterHead() {
        String head = "POST /topics/a HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\n";
        ByteBuffer in = ByteBuffer.wrap(bytes(head + "hello"));
        RequestHead parsed = new RequestParser().parse(in);
        assertEquals(5, parsed.contentLength());
        assertEquals(head.length(), in.position());
        assertEquals(5, in.remaining());
    }

    @Test
    void shouldGiveBackBodyBytesWhenHeadSpansReads() {
        RequestParser parser = new RequestParser();
        assertNull(parser.parse(ByteBuffer.wrap(bytes("POST / HTTP/1.1\r\nHost: h\r\nContent-Le"))));
        ByteBuffer second = ByteBuffer.wrap(bytes("ngth: 3\r\n\r\nabcGET / HTTP/1.1\r\n"));
        assertEquals(3, parser.parse(second).contentLength());
        assertEquals("ngth: 3\r\n\r\n".length(), second.position());
    }

    @Test
    void shouldHonourBufferPositionAndLimit() {
        byte[] raw = bytes("junkGET / HTTP/1.1\r\nHost: h\r\n\r\nmore");
        ByteBuffer in = ByteBuffer.wrap(raw, 4, raw.length - 8);
        assertEquals("/", new RequestParser().parse(in).path());
        assertEquals(raw.length - 4, in.position());
        assertFalse(in.hasRemaining());
    }

    @Test
    void shouldParseFromDirectBuffer() {
        ByteBuffer in = Requests.buffer(bytes(Requests.CHROME_GET + "GET /x HTTP/1.1\r\n"), true);
        assertEquals(parse(Requests.CHROME_GET), new RequestParser().parse(in));
        assertEquals("GET /x HTTP/1.1\r\n".length(), in.remaining());
    }

    @ParameterizedTest
    @ValueSource(strings = {"OPTIONS * HTTP/1.1", "GET http://herald.example.com:8080/a%20b?x=%41 HTTP/1.1",
        "GET http://h?q HTTP/1.1", "POST /topics/a%2Fb/./c?lastEventId=42&x=%41 HTTP/1.0", "GET /a.b?x HTTP/1.1",
        "PURGE /x HTTP/1.1"})
    void shouldParseRequestAfterAnotherInTheSameBufferAsIfAlone(String requestLine) {
        String raw = requestLine + "\r\nHost: h\r\n\r\n";
        RequestHead alone = parse(raw);
        ByteBuffer in = ByteBuffer.wrap(bytes("GET /first?y=1 HTTP/1.1\r\nHost: h\r\n\r\n" + raw));
        RequestParser parser = new RequestParser();
        assertEquals("/first", parser.parse(in).path());
        RequestHead second = parser.parse(in);
        assertEquals(alone.method(), second.method());
        assertEquals(alone.target(), second.target());
        assertEquals(alone.rawPath(), second.rawPath());
        assertEquals(alone.path(), second.path());
        assertEquals(alone.rawQuery(), second.rawQuery());
        assertEquals(alone.queryParams(), second.queryParams());
        assertEquals(alone.authority(), second.authority());
        assertEquals(alone.version(), second.version());
        assertEquals(requestLine.substring(0, requestLine.indexOf(' ')), second.method().toString());
    }

    @Test
    void shouldParseTwoPipelinedRequestsInOrder() {
        ByteBuffer in = ByteBuffer.wrap(bytes("GET /a HTTP/1.1\r\nHost: h\r\n\r\nGET /b HTTP/1.1\r\nHost: h\r\n\r\n"));
        RequestParser parser = new RequestParser();
        assertEquals("/a", parser.parse(in).path());
        assertEquals("/b", parser.parse(in).path());
        assertFalse(in.hasRemaining());
        assertNull(parser.parse(in));
    }

    @Test
    void shouldParseThreePipelinedRequestsWithBodiesInOrder() {
        String raw = """
                POST /topics/a HTTP/1.1\r
                Host: h\r
                Content-Length: 3\r
                \r
                oneGET /topics/a HTTP/1.1\r
                Host: h\r
                \r
                POST /topics/b HTTP/1.1\r
                Host: h\r
                Transfer-Encoding: chunked\r
                \r
                3\r
                two\r
                0\r
                \r
                """;
        Requests.Outcome outcome = Requests.whole(bytes(raw), HttpLimits.DEFAULTS, false);
        assertEquals(0, outcome.status(), outcome.message());
        List<Requests.Exchange> exchanges = outcome.exchanges();
        assertEquals(3, exchanges.size());
        assertEquals("/topics/a", exchanges.get(0).head().path());
        assertEquals("one", exchanges.get(0).body());
        assertEquals(HttpMethod.GET, exchanges.get(1).head().method());
        assertEquals("", exchanges.get(1).body());
        assertEquals("/topics/b", exchanges.get(2).head().path());
        assertEquals("two", exchanges.get(2).body());
    }

    @Test
    void shouldBeReadyForNextRequestAfterReturningHead() {
        RequestParser parser = new RequestParser();
        RequestHead first = parser.parse(ByteBuffer.wrap(bytes("\r\nGET /a HTTP/1.1\r\nHost: h\r\nX: 1\r\n\r\n")));
        RequestHead second = parser.parse(ByteBuffer.wrap(bytes("GET /a HTTP/1.1\r\nHost: h\r\nX: 1\r\n\r\n")));
        assertEquals(first, second);
        assertNotSame(first, second);
    }

    @Test
    void shouldBeUsableAfterReset() {
        RequestParser parser = new RequestParser();
        ByteBuffer bad = ByteBuffer.wrap(bytes("GET / HTTP/1.1\r\nBad Name: x\r\n"));
        assertThrows(HttpException.class, () -> parser.parse(bad));
        parser.reset();
        assertEquals("/ok", parser.parse(ByteBuffer.wrap(bytes("GET /ok HTTP/1.1\r\n" + HOST))).path());
    }

    @Test
    void shouldParseHeadLargerThanScratchAndReadStep() {
        String big = "GET / HTTP/1.1\r\nHost: h\r\n" + ("X-Filler: " + repeat('f', 990) + "\r\n").repeat(15) + "\r\n";
        RequestHead head = parse(big);
        assertEquals(16, head.headerCount());
        assertEquals(repeat('f', 990), head.headerValue(15));
    }

    @Test
    void shouldReuseScratchForSmallHeadAfterLargeOne() {
        RequestParser parser = new RequestParser();
        String big = "GET /big HTTP/1.1\r\nHost: h\r\nX: " + repeat('x', 10_000) + "\r\n\r\n";
        assertEquals("/big", parser.parse(ByteBuffer.wrap(bytes(big))).path());
        assertEquals("/small", parser.parse(ByteBuffer.wrap(bytes("GET /small HTTP/1.1\r\n" + HOST))).path());
    }

    @Test
    void shouldNeverEchoClientBytesInMessages() {
        String marker = "Xq7Zmarker";
        List<String> hostile = List.of(
                "G" + marker + "( / HTTP/1.1\r\n" + HOST,
                "GET /" + marker + "\0 HTTP/1.1\r\n" + HOST,
                "GET / HTTP/" + marker + "\r\n" + HOST,
                "GET / HTTP/1.1\r\n" + marker + " : v\r\n" + HOST,
                "GET / HTTP/1.1\r\nX: " + marker + "\0\r\n" + HOST,
                "GET / HTTP/1.1\r\nHost: " + marker + "/\r\n\r\n",
                "GET / HTTP/1.1\r\nHost: h\r\nContent-Length: " + marker + "\r\n\r\n",
                "GET / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: " + marker + "\r\n\r\n",
                "GET / HTTP/1.1\r\nHost: h\r\nExpect: " + marker + "\r\n\r\n",
                "GET /%" + marker + " HTTP/1.1\r\n" + HOST);
        for (String raw : hostile) {
            HttpException e = Requests.reject(raw);
            assertFalse(e.getMessage().contains(marker), e.getMessage());
            assertFalse(e.getMessage().contains("q7Z"), e.getMessage());
        }
    }

    @Test
    void shouldThrowStacklessExceptions() {
        assertEquals(0, Requests.reject("BAD\r\n\r\n").getStackTrace().length);
    }

    @Test
    void shouldRejectNullLimits() {
        assertThrows(IllegalArgumentException.class, () -> new RequestParser(null));
    }

    @Test
    void shouldKeepItsLimits() {
        HttpLimits limits = HttpLimits.DEFAULTS.withMaxHeaderCount(7);
        assertSame(limits, new RequestParser(limits).limits());
        assertSame(HttpLimits.DEFAULTS, new RequestParser().limits());
    }

    @Test
    void shouldReportGrownBuffersAfterAHeadWithManyFieldsOrManyBytes() {
        RequestParser parser = new RequestParser();
        assertNotNull(parser.parse(ByteBuffer.wrap(bytes("GET / HTTP/1.1\r\nHost: a\r\n\r\n"))));
        assertFalse(parser.grown());

        StringBuilder many = new StringBuilder("GET / HTTP/1.1\r\nHost: a\r\n");
        for (int i = 0; i < 40; i++) {
            many.append("X-F").append(i).append(": v\r\n");
        }
        RequestParser fields = new RequestParser();
        assertNotNull(fields.parse(ByteBuffer.wrap(bytes(many + "\r\n"))));
        assertTrue(fields.grown());

        RequestParser large = new RequestParser();
        assertNotNull(large.parse(ByteBuffer.wrap(bytes("GET / HTTP/1.1\r\nHost: a\r\nCookie: " + "c".repeat(5_000)
                + "\r\n\r\n"))));
        assertTrue(large.grown());
    }

    @Test
    void shouldBeEqualByContent() {
        RequestHead a = parse("GET /a?x=1 HTTP/1.1\r\nHost: h\r\n\r\n");
        RequestHead same = parse("GET /a?x=1 HTTP/1.1\r\nHost: h\r\n\r\n");
        assertEquals(a, a);
        assertEquals(a, same);
        assertEquals(a.hashCode(), same.hashCode());
        assertFalse(a.equals(null));
        assertFalse(a.equals("GET /a?x=1"));
        for (String other : List.of("GET /b?x=1 HTTP/1.1\r\nHost: h\r\n\r\n", "GET /a?x=1 HTTP/1.0\r\nHost: h\r\n\r\n",
                "GET /a?x=1 HTTP/1.1\r\nHost: i\r\n\r\n", "POST /a?x=1 HTTP/1.1\r\nHost: h\r\n\r\n")) {
            RequestHead b = parse(other);
            assertFalse(a.equals(b), other);
            assertNotEquals(a.hashCode(), b.hashCode(), other);
        }
    }
}
