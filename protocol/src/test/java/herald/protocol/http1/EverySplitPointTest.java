package herald.protocol.http1;

import static herald.protocol.http1.Requests.bytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * An incremental parser gives the same result however reads are split: every request of the suite is parsed in
 * two reads cut at every byte, and one byte at a time, from heap and direct buffers, and compared with one read.
 * Invalid requests must fail with the same status and message at every split too.
 */
final class EverySplitPointTest {

    static Stream<String> validRequests() {
        return Stream.of(
                Requests.CHROME_GET,
                "GET / HTTP/1.1\r\nHost: h\r\n\r\n",
                "GET / HTTP/1.0\r\n\r\n",
                "\r\n\r\nGET /after-empty-lines HTTP/1.1\r\nHost: h\r\n\r\n",
                "OPTIONS * HTTP/1.1\r\nHost: h\r\n\r\n",
                "GET http://herald.example.com:8080/a/../b?x=%20 HTTP/1.1\r\nHost: other\r\n\r\n",
                "GET /a/./b/../c%2Fd/caf%C3%A9?q=1&q=2 HTTP/1.1\r\nHost: [::1]:80\r\nX:  \t v \t \r\nY:\r\n\r\n",
                "BREW /pot HTTP/1.2\r\nHost: h\r\nConnection: close\r\nX-Obs: caf\u00e9\r\n\r\n",
                "POST /topics/a?event=tick HTTP/1.1\r\nHost: h\r\nContent-Length: 11\r\n\r\nhello world",
                "POST /topics/a HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nExpect: 100-continue\r\n\r\nabc",
                """
                POST /topics/a HTTP/1.1\r
                Host: h\r
                Transfer-Encoding: chunked\r
                \r
                5;ext=1;q="a\\"b"\r
                hello\r
                1\r
                \r\r
                00\r
                Checksum: 1\r
                X-Trailer:  v \r
                \r
                """,
                "GET /a HTTP/1.1\r\nHost: h\r\n\r\nGET /b HTTP/1.1\r\nHost: h\r\n\r\n",
                """
                POST /a HTTP/1.1\r
                Host: h\r
                Content-Length: 3\r
                \r
                oneGET /b HTTP/1.1\r
                Host: h\r
                \r
                \r
                POST /c HTTP/1.1\r
                Host: h\r
                Transfer-Encoding: chunked\r
                \r
                a\r
                0123456789\r
                0\r
                \r
                GET /d HTTP/1.0\r
                Connection: keep-alive\r
                \r
                """);
    }

    static Stream<String> invalidRequests() {
        return Stream.of(
                "GET / HTTP/1.1\r\nHost: h\nX: y\r\n\r\n",
                "GET / HTTP/1.1\r\nHost: h\r\nX: a\rb\r\n\r\n",
                "GET / HTTP/2.0\r\nHost: h\r\n\r\n",
                "GET /" + "a".repeat(9_000) + " HTTP/1.1\r\nHost: h\r\n\r\n",
                "GET / HTTP/1.1\r\nHost: h\r\nX: " + "v".repeat(17_000) + "\r\n\r\n",
                "GET / HTTP/1.1\r\nHost: h\r\nX : v\r\n\r\n",
                "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n",
                "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\nX : v\r\n\r\n",
                "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n3;a=\"b\r\nabc\r\n0\r\n\r\n",
                "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcd\r\n",
                "GET /ok HTTP/1.1\r\nHost: h\r\n\r\nGET /%zz HTTP/1.1\r\nHost: h\r\n\r\n");
    }

    @ParameterizedTest
    @MethodSource("validRequests")
    void shouldParseSameHeadAndBodyAtEverySplitPoint(String raw) {
        byte[] bytes = bytes(raw);
        Requests.Outcome expected = Requests.whole(bytes, HttpLimits.DEFAULTS, false);
        assertEquals(0, expected.status(), expected.message());
        assertFalse(expected.inBody());
        assertFalse(expected.exchanges().isEmpty());
        assertEquals(expected, Requests.whole(bytes, HttpLimits.DEFAULTS, true), "direct");
        for (int cut = 0; cut <= bytes.length; cut++) {
            boolean direct = cut % 2 == 1;
            assertEquals(expected, Requests.inTwoReads(bytes, cut, HttpLimits.DEFAULTS, direct), "cut=" + cut);
        }
        assertEquals(expected, Requests.byteByByte(bytes, HttpLimits.DEFAULTS, false), "byte by byte");
        assertEquals(expected, Requests.byteByByte(bytes, HttpLimits.DEFAULTS, true), "byte by byte, direct");
    }

    @ParameterizedTest
    @MethodSource("invalidRequests")
    void shouldFailWithSameStatusAtEverySplitPoint(String raw) {
        byte[] bytes = bytes(raw);
        Requests.Outcome expected = Requests.whole(bytes, HttpLimits.DEFAULTS, false);
        assertTrue(expected.status() >= 400, "expected a failure");
        for (int cut = 0; cut <= bytes.length; cut += bytes.length > 2_000 ? 97 : 1) {
            assertEquals(expected, Requests.inTwoReads(bytes, cut, HttpLimits.DEFAULTS, cut % 2 == 0), "cut=" + cut);
        }
        assertEquals(expected, Requests.byteByByte(bytes, HttpLimits.DEFAULTS, false), "byte by byte");
    }
}
