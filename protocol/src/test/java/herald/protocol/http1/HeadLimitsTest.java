package herald.protocol.http1;

import static herald.protocol.http1.Requests.assertNeedsMore;
import static herald.protocol.http1.Requests.assertStatus;
import static herald.protocol.http1.Requests.parse;
import static herald.protocol.http1.Requests.repeat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The head's limits: 414 for the request line, 431 for the header section's bytes and field count, each exactly
 * at the boundary (limit passes, limit + 1 fails) and at the byte that crosses it, without waiting for the LF.
 */
final class HeadLimitsTest {
    private static final String HOST = "Host: h\r\n\r\n";

    @Test
    void shouldAcceptRequestLineExactlyAtLimit() {
        HttpLimits limits = HttpLimits.DEFAULTS.withMaxRequestLineBytes(64);
        String line = requestLineOfLength(64);
        assertEquals(64, line.length());
        assertEquals(HttpMethod.GET, parse(line + HOST, limits).method());
    }

    @Test
    void shouldAnswer414WhenRequestLineExceedsLimit() {
        HttpLimits limits = HttpLimits.DEFAULTS.withMaxRequestLineBytes(64);
        assertStatus(414, "request line exceeds maxRequestLineBytes=64", requestLineOfLength(65) + HOST, limits);
    }

    @Test
    void shouldAnswer414ForDefaultLimitOf8KiB() {
        assertEquals(HttpMethod.GET, parse(requestLineOfLength(8_192) + HOST).method());
        assertStatus(414, "request line exceeds maxRequestLineBytes=8192", requestLineOfLength(8_193) + HOST);
    }

    @Test
    void shouldAnswer414AtTheByteThatCrossesLimitWithoutWaitingForLf() {
        HttpLimits limits = HttpLimits.DEFAULTS.withMaxRequestLineBytes(64);
        String prefix = "GET /" + repeat('a', 100);
        assertNeedsMore(prefix.substring(0, 63), limits);
        assertStatus(414, "request line exceeds maxRequestLineBytes=64", prefix.substring(0, 64), limits);        // 64 bytes and no LF: the line cannot fit
    }

    @Test
    void shouldAnswer414ForUnfinishedLineEvenWithInvalidBytesBeforeLimit() {
        HttpLimits limits = HttpLimits.DEFAULTS.withMaxRequestLineBytes(64);
        assertStatus(414, "request line exceeds maxRequestLineBytes=64", "GET /\0" + repeat('a', 100), limits);
    }

    @Test
    void shouldAcceptHeaderSectionExactlyAtLimit() {
        HttpLimits limits = HttpLimits.DEFAULTS.withMaxHeaderBytes(64);
        String fields = headerSectionOfLength(64);
        assertEquals(64, fields.length());
        RequestHead head = parse("GET / HTTP/1.1\r\n" + fields + "\r\n", limits);
        assertEquals(2, head.headerCount());
    }

    @Test
    void shouldRejectHeaderSectionOverLimitWith431() {
        HttpLimits limits = HttpLimits.DEFAULTS.withMaxHeaderBytes(64);
        assertStatus(431, "header section exceeds maxHeaderBytes=64", "GET / HTTP/1.1\r\n" + headerSectionOfLength(65) + "\r\n", limits);
    }

    @Test
    void shouldRejectHeaderSectionOverDefaultLimitOf16KiBWith431() {
        assertEquals(2, parse("GET / HTTP/1.1\r\n" + headerSectionOfLength(16_384) + "\r\n").headerCount());
        assertStatus(431, "header section exceeds maxHeaderBytes=16384", "GET / HTTP/1.1\r\n" + headerSectionOfLength(16_385) + "\r\n");
    }

    @Test
    void shouldAnswer431AtTheByteThatCrossesHeaderLimit() {
        HttpLimits limits = HttpLimits.DEFAULTS.withMaxHeaderBytes(64);
        String head = "GET / HTTP/1.1\r\nHost: h\r\nX: " + repeat('v', 100);
        int limitEnd = "GET / HTTP/1.1\r\n".length() + 64;
        assertNeedsMore(head.substring(0, limitEnd - 1), limits);
        assertStatus(431, "header section exceeds maxHeaderBytes=64", head.substring(0, limitEnd), limits);
    }

    @Test
    void shouldAnswer431WhenTheFirstByteOverTheLimitIsHtabInAValue() {
        HttpLimits limits = HttpLimits.DEFAULTS.withMaxHeaderBytes(64);
        String line = "GET / HTTP/1.1\r\n";
        String fields = "Host: h\r\nX: " + repeat('v', 64 - 12);
        assertEquals(64, fields.length());
        assertStatus(431, "header section exceeds maxHeaderBytes=64", line + fields + "\tmore\r\n\r\n", limits);
        assertStatus(431, "header section exceeds maxHeaderBytes=64", line + fields + "\r\n\r\n", limits);
    }

    @Test
    void shouldAnswer431WhenLimitIsReachedAndAnotherFieldLineStarts() {
        HttpLimits limits = HttpLimits.DEFAULTS.withMaxHeaderBytes(64);
        String head = "GET / HTTP/1.1\r\n" + headerSectionOfLength(64);
        assertNeedsMore(head, limits);
        assertStatus(431, "header section exceeds maxHeaderBytes=64", head + "X", limits);
    }

    @Test
    void shouldNotCountRequestLineAgainstHeaderLimit() {
        HttpLimits limits = HttpLimits.DEFAULTS.withMaxHeaderBytes(64).withMaxRequestLineBytes(200);
        assertEquals(2, parse(requestLineOfLength(200) + headerSectionOfLength(64) + "\r\n", limits).headerCount());
    }

    @Test
    void shouldAcceptHeaderCountAtLimit() {
        HttpLimits limits = HttpLimits.DEFAULTS.withMaxHeaderCount(5);
        assertEquals(5, parse("GET / HTTP/1.1\r\nHost: h\r\n" + "X: y\r\n".repeat(4) + "\r\n", limits).headerCount());
    }

    @Test
    void shouldRejectHeaderCountOverLimitWith431() {
        HttpLimits limits = HttpLimits.DEFAULTS.withMaxHeaderCount(5);
        HttpException e = assertStatus(431, "header section exceeds maxHeaderCount=5", "GET / HTTP/1.1\r\nHost: h\r\n" + "X: y\r\n".repeat(5) + "\r\n", limits);
        assertTrue(e.getMessage().contains("maxHeaderCount=5"), e.getMessage());
    }

    @Test
    void shouldRejectOverDefaultHeaderCountOf100With431() {
        assertEquals(100, parse("GET / HTTP/1.1\r\nHost: h\r\n" + "X: y\r\n".repeat(99) + "\r\n").headerCount());
        assertStatus(431, "header section exceeds maxHeaderCount=100", "GET / HTTP/1.1\r\nHost: h\r\n" + "X: y\r\n".repeat(100) + "\r\n");
    }

    @Test
    void shouldAnswer431AtTheCrossingByteWhenFedOneByteAtATime() {
        HttpLimits limits = HttpLimits.DEFAULTS.withMaxHeaderBytes(64);
        byte[] raw = Requests.bytes("GET / HTTP/1.1\r\nHost: h\r\nX: " + repeat('v', 100));
        int crossing = "GET / HTTP/1.1\r\n".length() + 64 - 1;        // the 64th header byte, still no LF
        RequestParser parser = new RequestParser(limits);
        for (int i = 0; i < crossing; i++) {
            assertEquals(null, parser.parse(java.nio.ByteBuffer.wrap(raw, i, 1)), "byte " + i);
        }
        HttpException e = org.junit.jupiter.api.Assertions.assertThrows(HttpException.class,
                () -> parser.parse(java.nio.ByteBuffer.wrap(raw, crossing, 1)));
        assertEquals(431, e.status());
    }

    @Test
    void shouldNotCountLeadingEmptyLinesAgainstRequestLineLimit() {
        HttpLimits limits = HttpLimits.DEFAULTS.withMaxRequestLineBytes(64);
        assertEquals(HttpMethod.GET, parse("\r\n\r\n" + requestLineOfLength(64) + HOST, limits).method());
    }

    @Test
    void shouldCountObsTextAndWhitespaceAsHeaderBytes() {
        HttpLimits limits = HttpLimits.DEFAULTS.withMaxHeaderBytes(20);
        String fields = "Host: h\r\nX: \u00e9  \u00e9  \r\n";                  // 9 + 11 bytes
        assertEquals(20, fields.length());
        assertEquals("\u00e9  \u00e9", parse("GET / HTTP/1.1\r\n" + fields + "\r\n", limits).header("X"));
        assertStatus(431, "header section exceeds maxHeaderBytes=20", "GET / HTTP/1.1\r\nHost: h\r\nX: \u00e9  \u00e9   \r\n\r\n", limits);
    }

    /** {@code GET /aaa… HTTP/1.1\r\n} of exactly {@code length} bytes. */
    static String requestLineOfLength(int length) {
        return "GET /" + repeat('a', length - 16) + " HTTP/1.1\r\n";
    }

    /** {@code Host: a\r\nX: vvv…\r\n}: a header section of exactly {@code length} bytes. */
    static String headerSectionOfLength(int length) {
        return "Host: a\r\nX: " + repeat('v', length - 14) + "\r\n";
    }
}
