package herald.protocol.http1;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Writing status lines and field lines. */
final class ResponseHeadTest {

    private static String written(ByteBuffer out) {
        return new String(out.array(), 0, out.position(), StandardCharsets.ISO_8859_1);
    }

    @Test
    void shouldWriteSseResponseHead() {
        ByteBuffer out = ByteBuffer.allocate(256);
        ResponseHead.writeStatusLine(out, 200);
        ResponseHead.writeHeader(out, ResponseHead.CONTENT_TYPE_EVENT_STREAM);
        ResponseHead.writeHeader(out, ResponseHead.CACHE_CONTROL_NO_CACHE);
        ResponseHead.writeHeader(out, ResponseHead.X_ACCEL_BUFFERING_NO);
        ResponseHead.writeHeader(out, "Access-Control-Allow-Origin", "https://app.example");
        ResponseHead.writeEnd(out);
        assertEquals("""
                HTTP/1.1 200 OK\r
                Content-Type: text/event-stream\r
                Cache-Control: no-cache\r
                X-Accel-Buffering: no\r
                Access-Control-Allow-Origin: https://app.example\r
                \r
                """, written(out));
    }

    @ParameterizedTest
    @CsvSource({
        "100, HTTP/1.1 100 Continue",
        "202, HTTP/1.1 202 Accepted",
        "204, HTTP/1.1 204 No Content",
        "400, HTTP/1.1 400 Bad Request",
        "413, HTTP/1.1 413 Content Too Large",
        "414, HTTP/1.1 414 URI Too Long",
        "417, HTTP/1.1 417 Expectation Failed",
        "429, HTTP/1.1 429 Too Many Requests",
        "431, HTTP/1.1 431 Request Header Fields Too Large",
        "501, HTTP/1.1 501 Not Implemented",
        "503, HTTP/1.1 503 Service Unavailable",
        "505, HTTP/1.1 505 HTTP Version Not Supported",
    })
    void shouldWriteStatusLineWithReasonPhrase(int status, String line) {
        ByteBuffer out = ByteBuffer.allocate(64);
        ResponseHead.writeStatusLine(out, status);
        assertEquals(line + "\r\n", written(out));
    }

    @Test
    void shouldWriteEmptyReasonForUnregisteredStatus() {
        ByteBuffer out = ByteBuffer.allocate(64);
        ResponseHead.writeStatusLine(out, 299);
        assertEquals("HTTP/1.1 299 \r\n", written(out));
        assertEquals("", ResponseHead.reasonPhrase(599));
        assertEquals("Not Found", ResponseHead.reasonPhrase(404));
    }

    @ParameterizedTest
    @ValueSource(ints = {-1, 0, 99, 600, 1000})
    void shouldRejectStatusOutOfRange(int status) {
        assertThrows(IllegalArgumentException.class, () -> ResponseHead.writeStatusLine(ByteBuffer.allocate(64),
                status));
        assertThrows(IllegalArgumentException.class, () -> ResponseHead.reasonPhrase(status));
    }

    @ParameterizedTest
    @CsvSource({"0, 0", "7, 7", "10, 10", "1048576, 1048576", "9223372036854775807, 9223372036854775807"})
    void shouldWriteLongValueWithoutAllocating(long value, String text) {
        ByteBuffer out = ByteBuffer.allocateDirect(64);
        ResponseHead.writeHeader(out, "Content-Length", value);
        byte[] bytes = new byte[out.position()];
        out.flip().get(bytes);
        assertEquals("Content-Length: " + text + "\r\n", new String(bytes, StandardCharsets.ISO_8859_1));
    }

    @Test
    void shouldRejectNegativeLongValue() {
        assertThrows(IllegalArgumentException.class, () -> ResponseHead.writeHeader(ByteBuffer.allocate(64),
                "Retry-After", -1));
    }

    @ParameterizedTest
    @ValueSource(strings = {"a\rb", "a\nb", "a\r\nSet-Cookie: x=y", "a\0b", "\u0001", "a\u007fb", "\u0100", "\u2028"})
    void shouldRejectValueThatCouldSplitResponse(String value) {
        ByteBuffer out = ByteBuffer.allocate(64);
        assertThrows(IllegalArgumentException.class, () -> ResponseHead.writeHeader(out, "X", value));
        assertThrows(IllegalArgumentException.class, () -> HeaderLine.of("X", value));
        assertEquals(0, out.position());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "a b", "a:b", "a\rb", "a\nb", "a\0b", "\u00e9", "(x)"})
    void shouldRejectNameThatIsNotToken(String name) {
        assertThrows(IllegalArgumentException.class, () -> ResponseHead.writeHeader(ByteBuffer.allocate(64), name,
                "v"));
        assertThrows(IllegalArgumentException.class, () -> ResponseHead.writeHeader(ByteBuffer.allocate(64), name,
                1L));
        assertThrows(IllegalArgumentException.class, () -> HeaderLine.of(name, "v"));
    }

    @Test
    void shouldRejectNulls() {
        assertThrows(IllegalArgumentException.class, () -> ResponseHead.writeHeader(ByteBuffer.allocate(64), null,
                "v"));
        assertThrows(IllegalArgumentException.class, () -> ResponseHead.writeHeader(ByteBuffer.allocate(64), "X",
                (String) null));
    }

    @Test
    void shouldAcceptHtabAndObsTextInValue() {
        ByteBuffer out = ByteBuffer.allocate(64);
        ResponseHead.writeHeader(out, "X", "a\tb\u00e9");
        assertEquals("X: a\tb\u00e9\r\n", written(out));
    }

    @Test
    void shouldWriteNothingWhenBufferIsTooSmall() {
        ByteBuffer out = ByteBuffer.allocate(10);
        assertThrows(BufferOverflowException.class, () -> ResponseHead.writeHeader(out, "Name", "value"));
        assertThrows(BufferOverflowException.class, () -> ResponseHead.writeHeader(out, "Content-Length", 5L));
        assertThrows(BufferOverflowException.class, () -> ResponseHead.writeStatusLine(out, 200));
        assertThrows(BufferOverflowException.class, () -> ResponseHead.writeStatusLine(out, 299));
        assertThrows(BufferOverflowException.class,
                () -> ResponseHead.writeHeader(out, ResponseHead.CONTENT_TYPE_EVENT_STREAM));
        assertEquals(0, out.position());
        ByteBuffer exact = ByteBuffer.allocate(9);
        ResponseHead.writeHeader(exact, "Name", "v");
        assertEquals(9, exact.position());
    }

    @Test
    void shouldAcceptLastLatin1CharacterInValue() {
        ByteBuffer out = ByteBuffer.allocate(64);
        ResponseHead.writeHeader(out, "X", "a\u00ff");
        assertEquals("X: a\u00ff\r\n", written(out));
        assertEquals("X: a\u00ff", HeaderLine.of("X", "a\u00ff").toString());
    }

    @Test
    void shouldWriteNothingWhenLongValueMissesOneByte() {
        ByteBuffer out = ByteBuffer.allocate("Content-Length: 12345\r\n".length() - 1);
        assertThrows(BufferOverflowException.class, () -> ResponseHead.writeHeader(out, "Content-Length", 12345L));
        assertEquals(0, out.position());
        ByteBuffer exact = ByteBuffer.allocate("Content-Length: 12345\r\n".length());
        ResponseHead.writeHeader(exact, "Content-Length", 12345L);
        assertFalse(exact.hasRemaining());
    }

    @Test
    void shouldDescribeHeaderLine() {
        HeaderLine line = HeaderLine.of("X-Accel-Buffering", "no");
        assertEquals("X-Accel-Buffering: no", line.toString());
        assertEquals("X-Accel-Buffering", line.name());
        assertEquals(23, line.length());
    }

    @Test
    void shouldRoundTripThroughRequestParserFieldRules() {
        ByteBuffer out = ByteBuffer.allocate(256);
        out.put("GET / HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII));
        ResponseHead.writeHeader(out, "Host", "h");
        ResponseHead.writeHeader(out, "X-Value", "caf\u00e9\tok");
        ResponseHead.writeHeader(out, "X-Number", 42L);
        ResponseHead.writeEnd(out);
        RequestHead head = new RequestParser().parse(out.flip());
        assertEquals("caf\u00e9\tok", head.header("x-value"));
        assertEquals("42", head.header("x-number"));
    }
}
