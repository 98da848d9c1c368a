package herald.protocol.http1;

import static herald.protocol.http1.Requests.bytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The chunked transfer coding (RFC 9112 §7.1): sizes, extensions, data CRLF, trailers, limits. */
final class ChunkedBodyTest {
    private static final String HEAD = "POST /topics/a HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n";

    private static Requests.Outcome decode(String body, HttpLimits limits) {
        return Requests.whole(bytes(HEAD + body), limits, false);
    }

    private static Requests.Exchange decodeOk(String body) {
        return decodeOk(body, HttpLimits.DEFAULTS);
    }

    private static Requests.Exchange decodeOk(String body, HttpLimits limits) {
        Requests.Outcome outcome = decode(body, limits);
        assertEquals(0, outcome.status(), outcome.message());
        assertFalse(outcome.inBody(), "body incomplete");
        assertEquals(1, outcome.exchanges().size());
        return outcome.exchanges().get(0);
    }

    private static HttpException assertBodyStatus(int status, String body) {
        return assertBodyStatus(status, body, HttpLimits.DEFAULTS);
    }

    private static HttpException assertBodyStatus(int status, String body, HttpLimits limits) {
        Requests.Outcome outcome = decode(body, limits);
        assertEquals(status, outcome.status(), outcome.message());
        return HttpException.of(outcome.status(), outcome.message());
    }

    @Test
    void shouldDecodeChunks() {
        assertEquals("hello, world", decodeOk("5\r\nhello\r\n7\r\n, world\r\n0\r\n\r\n").body());
    }

    @Test
    void shouldDecodeEmptyBody() {
        Requests.Exchange exchange = decodeOk("0\r\n\r\n");
        assertEquals("", exchange.body());
        assertEquals(List.of(), exchange.trailers());
    }

    @Test
    void shouldDecodeHexSizesInEitherCase() {
        String data = "x".repeat(0xAb);
        assertEquals(data, decodeOk("aB\r\n" + data + "\r\n0\r\n\r\n").body());
        assertEquals(data, decodeOk("0000aB\r\n" + data + "\r\n000\r\n\r\n").body());
    }

    @Test
    void shouldPassCrAndLfInChunkDataThrough() {
        assertEquals("a\r\nb\nc\r", decodeOk("7\r\na\r\nb\nc\r\r\n0\r\n\r\n").body());
    }

    @Test
    void shouldLeavePipelinedRequestAfterBody() {
        ByteBuffer in = ByteBuffer.wrap(bytes(HEAD + "1\r\na\r\n0\r\n\r\nGET / HTTP/1.1\r\n"));
        RequestHead head = new RequestParser().parse(in);
        BodyDecoder body = BodyDecoder.of(head, HttpLimits.DEFAULTS);
        ByteBuffer out = ByteBuffer.allocate(16);
        assertEquals(1, body.decode(in, out));
        assertTrue(body.isComplete());
        assertEquals("GET / HTTP/1.1\r\n", Requests.text(Requests.slice(in.array(), in.position(), in.limit())));
    }

    @Test
    void shouldConsumeFramingWhenOutIsFull() {
        ByteBuffer in = ByteBuffer.wrap(bytes(HEAD + "2\r\nab\r\n0\r\n\r\n"));
        BodyDecoder body = BodyDecoder.of(new RequestParser().parse(in), HttpLimits.DEFAULTS);
        ByteBuffer out = ByteBuffer.allocate(2);
        assertEquals(2, body.decode(in, out));
        assertTrue(body.isComplete());
        assertFalse(in.hasRemaining());
    }

    @Test
    void shouldAcceptAndIgnoreChunkExtensions() {
        assertEquals("abc", decodeOk("3;name\r\nabc\r\n0\r\n\r\n").body());
        assertEquals("abc", decodeOk("3;a=b;c=\"d;e\\\"f\"\r\nabc\r\n0;last\r\n\r\n").body());
        assertEquals("abc", decodeOk("3 ; a = b\t;\tc\r\nabc\r\n0\r\n\r\n").body());
        assertEquals("abc", decodeOk("3 ;a=b\r\nabc\r\n0\r\n\r\n").body());              // BWS before ";"
        assertEquals("abc", decodeOk("3;a=b ;c=d\r\nabc\r\n0 \t;e\r\n\r\n").body());
        assertEquals("abc", decodeOk("3;a=\"\"\r\nabc\r\n0\r\n\r\n").body());
        assertEquals("abc", decodeOk("3;a=\"caf\u00e9 \t\"\r\nabc\r\n0\r\n\r\n").body());
    }

    @Test
    void shouldAcceptBwsBetweenExtensionNameAndEqualsOrNextExtension() {
        assertEquals("abc", decodeOk("3;a =b\r\nabc\r\n0\r\n\r\n").body());
        assertEquals("abc", decodeOk("3;a \t =b\r\nabc\r\n0\r\n\r\n").body());
        assertEquals("abc", decodeOk("3;a ;b\r\nabc\r\n0\r\n\r\n").body());
        assertEquals("abc", decodeOk("3;a  ;b=c\r\nabc\r\n0\r\n\r\n").body());
    }

    @Test
    void shouldNameTheReasonForAMalformedChunkLine() {
        String lineEnd = "chunk line ends in a bare CR or LF, or after whitespace";
        String extension = "malformed chunk extension";
        assertReason(lineEnd, "3;a \r\n");       // CR after BWS
        assertReason(lineEnd, "3;\r\n");         // CR where a name must start
        assertReason(lineEnd, "3;a\n");           // bare LF
        assertReason(lineEnd, "3;a=\n");
        assertReason(extension, "3;a x\r\n");    // after a name and BWS only '=' or ';'
        assertReason(extension, "3;a=@\r\n");
        assertReason(extension, "3;=b\r\n");
    }

    private static void assertReason(String reason, String chunkLine) {
        HttpException e = assertBodyStatus(400, chunkLine + "abc\r\n0\r\n\r\n");
        assertEquals(reason, e.getMessage(), chunkLine);
    }

    @ParameterizedTest
    @ValueSource(strings = {"3;\r\n", "3;=b\r\n", "3;a=\r\n", "3;a=b \r\n", "3 \r\n", "3;a \r\n", "3;a=\"b\r\n",
        "3;a=\"b\"c\r\n", "3;a=b=c\r\n", "3;a@b\r\n", "3;a=\"\u0001\"\r\n", "3;a=\"\\\u0001\"\r\n", "3\t\r\n",
        "3 4\r\n", "3 ;\r\n", "3;a=(\r\n"})
    void shouldRejectMalformedChunkExtensionWith400(String line) {
        assertBodyStatus(400, line + "abc\r\n0\r\n\r\n");
    }

    @Test
    void shouldRejectChunkExtensionsOverLimitWith400() {
        HttpLimits limits = HttpLimits.DEFAULTS.withMaxChunkExtensionBytes(8);
        assertEquals("abc", decodeOk("3;abcdefg\r\nabc\r\n0\r\n\r\n", limits).body());      // 8 bytes: ";abcdefg"
        HttpException e = assertBodyStatus(400, "3;abcdefgh\r\nabc\r\n0\r\n\r\n", limits);
        assertTrue(e.getMessage().contains("maxChunkExtensionBytes=8"), e.getMessage());
        assertBodyStatus(400, "3;a=\"" + "x".repeat(100), limits);                             // before the CRLF
    }

    @Test
    void shouldBoundExtensionsPerChunkLine() {
        HttpLimits limits = HttpLimits.DEFAULTS.withMaxChunkExtensionBytes(8);
        assertEquals("ab", decodeOk("1;abcdefg\r\na\r\n1;abcdefg\r\nb\r\n0;abcdefg\r\n\r\n", limits).body());
    }

    @Test
    void shouldRejectAnyExtensionWhenLimitIsZero() {
        assertBodyStatus(400, "3;a\r\nabc\r\n0\r\n\r\n", HttpLimits.DEFAULTS.withMaxChunkExtensionBytes(0));
    }

    @ParameterizedTest
    @ValueSource(strings = {"\r\n", "g\r\n", "-3\r\n", "+3\r\n", " 3\r\n", "0x3\r\n", ";a\r\n", "3\n", "3\r\r\n",
        "3\rx"})
    void shouldRejectMalformedChunkSizeWith400(String line) {
        assertBodyStatus(400, line + "abc\r\n0\r\n\r\n");
    }

    @Test
    void shouldRejectChunkSizeWithMoreThan16HexDigitsWith400() {
        HttpLimits unlimited = HttpLimits.DEFAULTS.withMaxBodyBytes(Long.MAX_VALUE);
        assertEquals("abc", decodeOk("0000000000000003\r\nabc\r\n0\r\n\r\n", unlimited).body());
        HttpException e = assertBodyStatus(400, "00000000000000003\r\nabc\r\n0\r\n\r\n", unlimited);
        assertTrue(e.getMessage().contains("16"), e.getMessage());
    }

    @Test
    void shouldRejectChunkSizeOverflowingLongWith400() {
        HttpLimits unlimited = HttpLimits.DEFAULTS.withMaxBodyBytes(Long.MAX_VALUE);
        assertBodyStatus(400, "8000000000000000\r\n", unlimited);
        assertBodyStatus(400, "FFFFFFFFFFFFFFFF\r\n", unlimited);
        Requests.Outcome outcome = decode("7FFFFFFFFFFFFFFF\r\nabc", unlimited);
        assertEquals(0, outcome.status(), outcome.message());
        assertTrue(outcome.inBody());
    }

    @Test
    void shouldRequireCrlfAfterChunkDataWith400() {
        assertBodyStatus(400, "3\r\nabcd\r\n0\r\n\r\n");
        assertBodyStatus(400, "3\r\nabc\n0\r\n\r\n");
        assertBodyStatus(400, "3\r\nabc\rx0\r\n\r\n");
        assertBodyStatus(400, "3\r\nabc0\r\n\r\n");
    }

    @Test
    void shouldAnswer413WhenChunksExceedBodyLimitBeforeReadingData() {
        HttpLimits limits = HttpLimits.DEFAULTS.withMaxBodyBytes(10);
        assertEquals("0123456789", decodeOk("5\r\n01234\r\n5\r\n56789\r\n0\r\n\r\n", limits).body());
        HttpException e = assertBodyStatus(413, "5\r\n01234\r\n6\r\n", limits);   // no data of the 2nd chunk yet
        assertTrue(e.getMessage().contains("maxBodyBytes=10"), e.getMessage());
        assertBodyStatus(413, "B\r\n", limits);
    }

    @Test
    void shouldAnswer413ForDefaultLimitOf1MiB() {
        assertBodyStatus(413, "100001\r\n", HttpLimits.DEFAULTS);
        Requests.Outcome outcome = decode("100000\r\n", HttpLimits.DEFAULTS);
        assertEquals(0, outcome.status());
        assertTrue(outcome.inBody());
    }

    @Test
    void shouldExposeTrailersAfterCompletion() {
        Requests.Exchange exchange = decodeOk("3\r\nabc\r\n0\r\nChecksum: 42\r\nX-Note:  a b \r\n\r\n");
        assertEquals("abc", exchange.body());
        assertEquals(List.of("Checksum: 42", "X-Note: a b"), exchange.trailers());
    }

    @Test
    void shouldLookUpTrailersCaseInsensitively() {
        ByteBuffer in = ByteBuffer.wrap(bytes(HEAD + "0\r\nChecksum: 1\r\nchecksum: 2\r\n\r\n"));
        BodyDecoder body = BodyDecoder.of(new RequestParser().parse(in), HttpLimits.DEFAULTS);
        body.decode(in, ByteBuffer.allocate(8));
        assertTrue(body.isComplete());
        assertEquals("1", body.trailer("CHECKSUM"));
        assertEquals(List.of("1", "2"), body.trailers("checksum"));
        assertEquals(2, body.trailerCount());
        assertEquals("checksum", body.trailerName(1));
        assertEquals("2", body.trailerValue(1));
        assertEquals(null, body.trailer("Other"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"X : v\r\n\r\n", " folded\r\n\r\n", "X: a\0b\r\n\r\n", "X: a\rb\r\n\r\n", "X: v\n\r\n",
        "NoColon\r\n\r\n", "\n", "\rX", ": v\r\n\r\n", "X(: v\r\n\r\n"})
    void shouldRejectMalformedTrailerWith400(String trailers) {
        assertBodyStatus(400, "0\r\n" + trailers);
    }

    @Test
    void shouldRejectTrailerSectionOverLimitWith431() {
        HttpLimits limits = HttpLimits.DEFAULTS.withMaxTrailerBytes(16);
        String exact = "X: 0123456789a\r\n";
        assertEquals(16, exact.length());
        assertEquals(List.of("X: 0123456789a"), decodeOk("0\r\n" + exact + "\r\n", limits).trailers());
        HttpException e = assertBodyStatus(431, "0\r\nX: 0123456789ab\r\n\r\n", limits);
        assertTrue(e.getMessage().contains("maxTrailerBytes=16"), e.getMessage());
        assertBodyStatus(431, "0\r\n" + exact + "Y", limits);                          // limit reached, another line
        assertBodyStatus(431, "0\r\nX: " + "v".repeat(100), limits);                   // before the CRLF
    }

    @Test
    void shouldCountEachTrailerLineOnceAgainstTheLimit() {
        HttpLimits limits = HttpLimits.DEFAULTS.withMaxTrailerBytes(16);
        String exact = "A: 1\r\nB: 2\r\nC:\r\n";
        assertEquals(16, exact.length());
        assertEquals(List.of("A: 1", "B: 2", "C: "), decodeOk("0\r\n" + exact + "\r\n", limits).trailers());
        assertBodyStatus(431, "0\r\nA: 1\r\nB: 2\r\nC:x\r\n\r\n", limits);
    }

    @Test
    void shouldKeepLongTrailerSectionsWhole() {
        StringBuilder section = new StringBuilder();
        List<String> expected = new java.util.ArrayList<>();
        for (int i = 0; i < 20; i++) {
            String line = "X-Trailer-" + i + ": " + "v".repeat(i * 7);
            section.append(line).append("\r\n");
            expected.add(line);
        }
        assertTrue(section.length() > 4 * 64, "several times the first 64-byte buffer");
        assertEquals(expected, decodeOk("0\r\n" + section + "\r\n").trailers());
    }

    @Test
    void shouldRejectAnyTrailerWhenLimitIsZero() {
        HttpLimits limits = HttpLimits.DEFAULTS.withMaxTrailerBytes(0);
        assertEquals("", decodeOk("0\r\n\r\n", limits).body());
        assertBodyStatus(431, "0\r\nX: v\r\n\r\n", limits);
    }

    @Test
    void shouldRejectTooManyTrailerFieldsWith431() {
        HttpLimits limits = HttpLimits.DEFAULTS.withMaxHeaderCount(3);
        assertEquals(3, decodeOk("0\r\n" + "T: v\r\n".repeat(3) + "\r\n", limits).trailers().size());
        assertBodyStatus(431, "0\r\n" + "T: v\r\n".repeat(4) + "\r\n", limits);
    }

    @Test
    void shouldRejectTruncatedBodyOnlyByStayingIncomplete() {
        Requests.Outcome outcome = decode("5\r\nab", HttpLimits.DEFAULTS);
        assertEquals(0, outcome.status());
        assertTrue(outcome.inBody());
    }
}
