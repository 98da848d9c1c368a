package herald.protocol.http1;

import static herald.protocol.http1.Requests.assertStatus;
import static herald.protocol.http1.Requests.parse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The rules checked at the end of the head: Host, Content-Length, Transfer-Encoding, Connection, Expect. */
final class MessageFramingTest {

    private static RequestHead post(String fields) {
        return parse("POST /topics/a HTTP/1.1\r\nHost: h\r\n" + fields + "\r\n");
    }

    private static HttpException assertPostStatus(int status, String reason, String fields) {
        return assertStatus(status, reason, "POST /topics/a HTTP/1.1\r\nHost: h\r\n" + fields + "\r\n");
    }

    // Host (RFC 9112 §3.2)

    @Test
    void shouldRejectHttp11WithoutHostWith400() {
        assertStatus(400, "HTTP/1.1 request without Host", "GET / HTTP/1.1\r\nAccept: */*\r\n\r\n");
    }

    @Test
    void shouldRejectHttp11AbsoluteFormWithoutHostWith400() {
        assertStatus(400, "HTTP/1.1 request without Host", "GET http://h/ HTTP/1.1\r\n\r\n");
    }

    @Test
    void shouldAcceptHttp10WithoutHost() {
        assertEquals(HttpVersion.HTTP_1_0, parse("GET / HTTP/1.0\r\n\r\n").version());
    }

    @Test
    void shouldRejectTwoHostFieldsWith400() {
        assertStatus(400, "more than one Host field line", "GET / HTTP/1.1\r\nHost: a\r\nHost: a\r\n\r\n");
        assertStatus(400, "more than one Host field line", "GET / HTTP/1.0\r\nHost: a\r\nhost: b\r\n\r\n");
    }

    @ParameterizedTest
    @ValueSource(strings = {"herald.example.com", "herald.example.com:8080", "localhost:", "127.0.0.1:80", "[::1]",
        "[::1]:8443", "[2001:db8:85a3::8a2e:370:7334]", "[::ffff:192.0.2.128]", "[1:2:3:4:5:6:7:8]",
        "xn--bcher-kva.example",
        "a_b~c", "%41", "[v7.abc:def]", "1.2.3.4.5", "999.1.1.1", "[::255.255.255.255]", "[::0.0.0.0]",
        "[1:2:3:4:5:6:1.2.3.4]", "[ffff::]", "[1:2:3:4:5:6:7::]", "[::1:2:3:4:5:6:7]", "[1::]", "[V1.x]",
        "[vF.a]", "[v12.a:b]", "h:", "h:0", "a%4Fz", "[::199.249.10.100]"})
    void shouldAcceptValidHost(String host) {
        assertEquals(host, parse("GET / HTTP/1.1\r\nHost: " + host + "\r\n\r\n").authority());
    }

    @Test
    void shouldValidateHostWhereverItsFieldLineIs() {
        assertEquals("h:80", parse("GET / HTTP/1.1\r\nA: b\r\nHost: h:80\r\n\r\n").authority());
        assertEquals("[::1]", parse("GET / HTTP/1.1\r\nA: b\r\nC: d\r\nHost: [::1]\r\n\r\n").authority());
        assertEquals("h", parse("GET / HTTP/1.1\r\nA: [::1\r\nC: d\r\nE: f\r\nHost: h\r\n\r\n").authority());
        assertStatus(400, "Host is not a valid uri-host", "GET / HTTP/1.1\r\nA: b\r\nHost: a b\r\n\r\n");
        assertStatus(400, "Host is not a valid uri-host", "GET / HTTP/1.1\r\nA: h\r\nC: h\r\nHost: [h\r\n\r\n");
    }

    @Test
    void shouldAcceptEmptyHost() {
        assertEquals("", parse("GET / HTTP/1.1\r\nHost:\r\n\r\n").authority());
    }

    @ParameterizedTest
    @ValueSource(strings = {"a b", "a/b", "user@h", "h:80:80", "h:8o", "[::1", "::1", "[::1]x", "[:::1]", "[1::2::3]",
        "[12345::1]", "[1:2:3:4:5:6:7:8:9]", "[1:2:3:4:5:6:7]", "[::1.2.3.256]", "[::1.2.3]", "[::01.2.3.4]",
        "[1:2:3:4:5:6:7:1.2.3.4]", "%zz", "%4", "h?", "h#", "[vz.1]", "[v1.]", "h\u00e9", "\"h\"", "[::1]:80a",
        "[]", "[1:]", "[:1]", "%4z", "a%4z", "[::1.2.3.4x]", "[::1.2.3.4.]", "[::1.2.3.4:1]", "[::256.1.1.1]", "[::1.2.3]", "[::01.2.3.4]",
        "[::1.2.3.1000]", "[::1.2.3.4.5]", "[1:2:3:4:5:6:7:8:9]", "[1:2:3:4:5:6:7]", "[12345::]", "[1:2:3:4:5:6:7:1.2.3.4]",
        "[1:2:3:4:5:6:7:8::]", "[v.a]", "[vx.a]", "[v1.%41]", "[v1.a/b]", "%", "a%"})
    void shouldRejectInvalidHostWith400(String host) {
        assertStatus(400, "Host is not a valid uri-host", "GET / HTTP/1.1\r\nHost: " + host + "\r\n\r\n");
    }

    // Content-Length (RFC 9112 §6.3, RFC 9110 §8.6)

    @Test
    void shouldParseContentLength() {
        RequestHead head = post("Content-Length: 12\r\n");
        assertEquals(12, head.contentLength());
        assertTrue(head.hasBody());
        assertFalse(head.isChunked());
    }

    @Test
    void shouldTreatContentLengthZeroAsNoBody() {
        RequestHead head = post("Content-Length: 0\r\n");
        assertEquals(0, head.contentLength());
        assertFalse(head.hasBody());
    }

    @ParameterizedTest
    @ValueSource(strings = {"Content-Length: 5, 5\r\n", "Content-Length: 5,5\r\n", "Content-Length: 5,5 ,\t5\r\n",
        "Content-Length: 5, 6\r\n", "Content-Length: 0, 5\r\n", "Content-Length: 5, 0\r\n", "Content-Length: 0, 0\r\n"})
    void shouldRejectAListOfContentLengthsEvenIdenticalWith400(String field) {
        assertPostStatus(400, "Content-Length is a list; send one value (RFC 9110 section 8.6)", field);
    }

    /** Also a first value of 0 and another after it: taking either one could smuggle a body (RFC 9112 §6.3). */
    @ParameterizedTest
    @ValueSource(strings = {"Content-Length: 5\r\ncontent-length: 5\r\n", "Content-Length: 5\r\nContent-Length: 005\r\n",
        "Content-Length: 5\r\nContent-Length: 6\r\n", "Content-Length: 0\r\nContent-Length: 0\r\n",
        "Content-Length: 0\r\nContent-Length: 5\r\n", "Content-Length: 5\r\nContent-Length: 0\r\n"})
    void shouldRejectTwoContentLengthFieldLinesEvenIdenticalWith400(String fields) {
        assertPostStatus(400, "more than one Content-Length field line", fields);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "+5", "-5", "-0", "5 5", "0x10", "1e3", "5.0", "five", ",5", "5;", "\"5\"", "٥"})
    void shouldRejectMalformedContentLengthWith400(String value) {
        assertPostStatus(400, "Content-Length is not a decimal number", "Content-Length: " + value + "\r\n");
    }

    @ParameterizedTest
    @ValueSource(strings = {"5,", "5,,5"})
    void shouldRejectAContentLengthWithACommaAsAListWith400(String value) {
        assertPostStatus(400, "Content-Length is a list", "Content-Length: " + value + "\r\n");
    }

    @Test
    void shouldRejectContentLengthOverflowingLongWith400() {
        assertPostStatus(400, "Content-Length overflows a long", "Content-Length: 9223372036854775808\r\n");
        assertPostStatus(400, "Content-Length overflows a long", "Content-Length: 99999999999999999999\r\n");
        HttpLimits unlimited = HttpLimits.DEFAULTS.withMaxBodyBytes(Long.MAX_VALUE);
        assertEquals(Long.MAX_VALUE, parse("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 9223372036854775807\r\n\r\n",
                unlimited).contentLength());
    }

    @Test
    void shouldAnswer413WhenContentLengthExceedsLimitAtTheHead() {
        HttpLimits limits = HttpLimits.DEFAULTS.withMaxBodyBytes(100);
        assertEquals(100, parse("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 100\r\n\r\n", limits).contentLength());
        HttpException e = assertStatus(413, "body exceeds maxBodyBytes=100", "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 101\r\n\r\n", limits);
        assertTrue(e.getMessage().contains("maxBodyBytes=100"), e.getMessage());
    }

    @Test
    void shouldAnswer413ForDefaultLimitOf1MiB() {
        assertEquals(1_048_576, post("Content-Length: 1048576\r\n").contentLength());
        assertPostStatus(413, "body exceeds maxBodyBytes=1048576", "Content-Length: 1048577\r\n");
    }

    // Transfer-Encoding (RFC 9112 §6.1)

    @ParameterizedTest
    @ValueSource(strings = {"chunked", "Chunked", "CHUNKED", " chunked ", ", chunked", "chunked,", ",,chunked, ,"})
    void shouldAcceptChunked(String value) {
        RequestHead head = post("Transfer-Encoding: " + value + "\r\n");
        assertTrue(head.isChunked());
        assertTrue(head.hasBody());
        assertEquals(-1, head.contentLength());
    }

    @Test
    void shouldRejectContentLengthWithTransferEncodingWith400() {
        assertPostStatus(400, "both Transfer-Encoding and Content-Length", "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n");
        assertPostStatus(400, "both Transfer-Encoding and Content-Length", "Transfer-Encoding: chunked\r\nContent-Length: 5\r\n");
        assertPostStatus(400, "both Transfer-Encoding and Content-Length", "Transfer-Encoding: gzip\r\nContent-Length: 5\r\n");
        assertPostStatus(400, "both Transfer-Encoding and Content-Length", "Content-Length: 0\r\nTransfer-Encoding: chunked\r\n");
        assertPostStatus(400, "both Transfer-Encoding and Content-Length", "Transfer-Encoding: chunked\r\nContent-Length: 0\r\n");
    }

    @Test
    void shouldRejectTransferEncodingInHttp10With400() {
        assertStatus(400, "Transfer-Encoding in an HTTP/1.0 request", "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n");
    }

    @ParameterizedTest
    @ValueSource(strings = {"gzip", "deflate", "compress", "identity", "x-custom", "gzip, chunked", "GZIP",
        "br, chunked", "gzip;q=1, chunked"})
    void shouldAnswer501ForTransferCodingOtherThanChunked(String value) {
        assertPostStatus(501, "transfer coding other than chunked", "Transfer-Encoding: " + value + "\r\n");
    }

    /** A quoted parameter value is skipped to its closing DQUOTE, so the list goes on to chunked. */
    @Test
    void shouldAnswer501ForUnknownCodingWithQuotedParameterBeforeChunked() {
        assertPostStatus(501, "transfer coding other than chunked", "Transfer-Encoding: gzip;q=\"1\", chunked\r\n");
        assertPostStatus(501, "transfer coding other than chunked",
                "Transfer-Encoding: gzip;q=\"a\\\"b,c\", chunked\r\n");
        assertPostStatus(501, "transfer coding other than chunked", "Transfer-Encoding: gzip;q=\"\", chunked\r\n");
        assertPostStatus(501, "transfer coding other than chunked",
                "Transfer-Encoding: gzip;q=\"1\";r=\"\\\\\", chunked\r\n");
        assertPostStatus(400, "Transfer-Encoding is not a list of tokens", "Transfer-Encoding: gzip;q=\"1\"x\r\n");
    }

    @ParameterizedTest
    @ValueSource(strings = {"gzip;q=\"\\", "gzip;q=\"a", "gzip;q=\"a\\\"", "gzip;q=\""})
    void shouldRejectUnterminatedQuotedParameterWith400(String value) {
        assertPostStatus(400, "malformed quoted-string", "Transfer-Encoding: " + value + "\r\n");
    }

    @Test
    void shouldAnswer501ForUnknownCodingOnSeparateLine() {
        assertPostStatus(501, "transfer coding other than chunked", "Transfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n");
    }

    @ParameterizedTest
    @ValueSource(strings = {"chunked, chunked", "chunked,chunked"})
    void shouldRejectChunkedTwiceWith400(String value) {
        assertPostStatus(400, "chunked transfer coding applied more than once", "Transfer-Encoding: " + value + "\r\n");
    }

    @ParameterizedTest
    @ValueSource(strings = {"chunked, gzip", "chunked, identity"})
    void shouldRejectChunkedNotLastWith400(String value) {
        assertPostStatus(400, "chunked is not the final transfer coding", "Transfer-Encoding: " + value + "\r\n");
    }

    @ParameterizedTest
    @ValueSource(strings = {"chunked;a=b", "chunked ; x=\"y\""})
    void shouldRejectChunkedWithParametersWith400(String value) {
        assertPostStatus(400, "chunked transfer coding takes no parameters", "Transfer-Encoding: " + value + "\r\n");
    }

    @Test
    void shouldRejectChunkedTwiceAcrossLinesWith400() {
        assertPostStatus(400, "chunked transfer coding applied more than once", "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n");
        assertPostStatus(400, "chunked is not the final transfer coding", "Transfer-Encoding: chunked\r\nTransfer-Encoding: gzip\r\n");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '\'', value = {
        "''           | Transfer-Encoding names no coding",
        ",            | Transfer-Encoding names no coding",
        "' , '        | Transfer-Encoding names no coding",
        "chunked gzip | Transfer-Encoding is not a list of tokens",
        "chunked/1    | Transfer-Encoding is not a list of tokens",
        "\"chunked\"    | Transfer-Encoding is not a list of tokens",
        "gzip;q=1 x   | Transfer-Encoding is not a list of tokens",
        "gzip;        | transfer-parameter has no name",
        "gzip;=1      | transfer-parameter has no name",
        "gzip;q       | transfer-parameter has no value",
        "gzip;q=      | transfer-parameter has no value",
        "gzip;q=\"1    | malformed quoted-string"})
    void shouldRejectMalformedTransferEncodingWith400(String value, String reason) {
        assertPostStatus(400, reason, "Transfer-Encoding: " + (value == null ? "" : value) + "\r\n");
    }

    // Connection (RFC 9112 §9.3)

    @Test
    void shouldKeepHttp11AliveUnlessConnectionClose() {
        assertTrue(parse("GET / HTTP/1.1\r\nHost: h\r\n\r\n").keepAlive());
        assertTrue(parse("GET / HTTP/1.1\r\nHost: h\r\nConnection: keep-alive\r\n\r\n").keepAlive());
        assertFalse(parse("GET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n").keepAlive());
        assertFalse(parse("GET / HTTP/1.1\r\nHost: h\r\nConnection: Upgrade, CLOSE\r\n\r\n").keepAlive());
        assertFalse(parse("GET / HTTP/1.1\r\nHost: h\r\nConnection: x\r\nconnection: Close\r\n\r\n").keepAlive());
    }

    @Test
    void shouldKeepHttp10AliveOnlyWithConnectionKeepAlive() {
        assertFalse(parse("GET / HTTP/1.0\r\n\r\n").keepAlive());
        assertTrue(parse("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n").keepAlive());
        assertTrue(parse("GET / HTTP/1.0\r\nConnection: x, Keep-Alive\r\n\r\n").keepAlive());
        assertFalse(parse("GET / HTTP/1.0\r\nConnection: keep-alive, close\r\n\r\n").keepAlive());
    }

    @Test
    void shouldNotMistakeSimilarTokensForClose() {
        assertTrue(parse("GET / HTTP/1.1\r\nHost: h\r\nConnection: closed, clos, xclose\r\n\r\n").keepAlive());
    }

    @ParameterizedTest
    @ValueSource(strings = {"close;x", "\"close\"", "close x", "a/b"})
    void shouldRejectMalformedConnectionWith400(String value) {
        assertStatus(400, "Connection is not a list of tokens", "GET / HTTP/1.1\r\nHost: h\r\nConnection: " + value + "\r\n\r\n");
    }

    // Expect (RFC 9110 §10.1.1)

    @Test
    void shouldExposeExpect100Continue() {
        assertTrue(post("Content-Length: 5\r\nExpect: 100-continue\r\n").expectsContinue());
        assertTrue(post("Content-Length: 5\r\nExpect: 100-Continue\r\n").expectsContinue());
        assertFalse(post("Content-Length: 5\r\n").expectsContinue());
    }

    @Test
    void shouldIgnoreExpect100ContinueInHttp10() {
        assertFalse(parse("POST / HTTP/1.0\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n").expectsContinue());
    }

    @ParameterizedTest
    @ValueSource(strings = {"100-continues", "200-ok", "100-continue, foo", "foo=bar", "100-continue;a=b", "x"})
    void shouldAnswer417ForOtherExpectations(String value) {
        assertPostStatus(417, "expectation other than 100-continue", "Content-Length: 5\r\nExpect: " + value + "\r\n");
    }

    @Test
    void shouldIgnoreEmptyExpect() {
        assertFalse(post("Expect:\r\n").expectsContinue());
        assertTrue(post("Expect: , 100-continue ,\r\n").expectsContinue());
    }

    // Precedence

    @Test
    void shouldJudgeHostBeforeFramingAndFramingBeforeLimits() {
        assertStatus(400, "HTTP/1.1 request without Host", "POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\nContent-Length: 9999999\r\n\r\n");
        assertPostStatus(501, "transfer coding other than chunked", "Transfer-Encoding: gzip\r\nExpect: x\r\n");
        assertPostStatus(413, "body exceeds maxBodyBytes=1048576", "Content-Length: 9999999\r\nExpect: x\r\n");
    }
}
