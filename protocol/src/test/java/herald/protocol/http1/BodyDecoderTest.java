package herald.protocol.http1;

import static herald.protocol.http1.Requests.bytes;
import static herald.protocol.http1.Requests.parse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertThrowsExactly;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/** Bodies framed by Content-Length, and heads without a body. */
final class BodyDecoderTest {

    private static RequestHead postWithLength(long length) {
        return parse("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: " + length + "\r\n\r\n",
                HttpLimits.DEFAULTS.withMaxBodyBytes(Long.MAX_VALUE));
    }

    @Test
    void shouldBeCompleteAtOnceWithoutBody() {
        BodyDecoder body = BodyDecoder.of(parse("GET / HTTP/1.1\r\nHost: h\r\n\r\n"), HttpLimits.DEFAULTS);
        assertTrue(body.isComplete());
        assertEquals(0, body.length());
        ByteBuffer in = ByteBuffer.wrap(bytes("GET /next"));
        assertEquals(0, body.decode(in, ByteBuffer.allocate(16)));
        assertEquals(0, in.position());
        assertEquals(0, body.trailerCount());
        assertNull(body.trailer("X"));
    }

    @Test
    void shouldBeCompleteAtOnceWithContentLengthZero() {
        assertTrue(BodyDecoder.of(postWithLength(0), HttpLimits.DEFAULTS).isComplete());
    }

    @Test
    void shouldReadExactlyContentLengthBytesAndLeaveTheRest() {
        BodyDecoder body = BodyDecoder.of(postWithLength(5), HttpLimits.DEFAULTS);
        assertFalse(body.isComplete());
        ByteBuffer in = ByteBuffer.wrap(bytes("helloGET / HTTP/1.1\r\n"));
        ByteBuffer out = ByteBuffer.allocate(64);
        assertEquals(5, body.decode(in, out));
        assertTrue(body.isComplete());
        assertEquals(5, body.decodedBytes());
        assertEquals("hello", Requests.text(java.util.Arrays.copyOf(out.array(), out.position())));
        assertEquals(5, in.position());
        assertEquals(0, body.decode(in, out));
        assertEquals(5, in.position());
    }

    @Test
    void shouldStopWhenOutIsFull() {
        BodyDecoder body = BodyDecoder.of(postWithLength(10), HttpLimits.DEFAULTS);
        ByteBuffer in = ByteBuffer.wrap(bytes("0123456789"));
        ByteBuffer out = ByteBuffer.allocate(4);
        assertEquals(4, body.decode(in, out));
        assertFalse(out.hasRemaining());
        assertEquals(0, body.decode(in, out));
        out.clear();
        assertEquals(4, body.decode(in, out));
        out.clear();
        assertEquals(2, body.decode(in, out));
        assertTrue(body.isComplete());
        assertEquals(10, body.decodedBytes());
    }

    @Test
    void shouldStopWhenInIsEmptyAndContinueLater() {
        BodyDecoder body = BodyDecoder.of(postWithLength(6), HttpLimits.DEFAULTS);
        ByteBuffer out = ByteBuffer.allocate(16);
        assertEquals(3, body.decode(ByteBuffer.wrap(bytes("abc")), out));
        assertFalse(body.isComplete());
        assertEquals(3, body.decode(ByteBuffer.wrap(bytes("defg")), out));
        assertTrue(body.isComplete());
    }

    @Test
    void shouldWorkWithDirectBuffers() {
        BodyDecoder body = BodyDecoder.of(postWithLength(3), HttpLimits.DEFAULTS);
        ByteBuffer in = Requests.buffer(bytes("xyzrest"), true);
        ByteBuffer out = ByteBuffer.allocateDirect(8);
        assertEquals(3, body.decode(in, out));
        assertEquals('x', out.get(0));
        assertEquals('z', out.get(2));
        assertEquals(4, in.remaining());
    }

    @Test
    void shouldHandleBodyLargerThanInt() {
        BodyDecoder body = BodyDecoder.of(postWithLength(5_000_000_000L), HttpLimits.DEFAULTS.withMaxBodyBytes(
                Long.MAX_VALUE));
        assertEquals(5_000_000_000L, body.length());
        assertEquals(3, body.decode(ByteBuffer.wrap(bytes("abc")), ByteBuffer.allocate(8)));
        assertFalse(body.isComplete());
    }

    @Test
    void shouldAnswer413WhenContentLengthExceedsDecoderLimit() {
        RequestHead head = postWithLength(101);
        HttpException e = assertThrows(HttpException.class,
                () -> BodyDecoder.of(head, HttpLimits.DEFAULTS.withMaxBodyBytes(100)));
        assertEquals(413, e.status());
        assertEquals(100, BodyDecoder.of(postWithLength(100), HttpLimits.DEFAULTS.withMaxBodyBytes(100)).length());
    }

    @Test
    void shouldRefuseTrailersBeforeCompletion() {
        BodyDecoder body = BodyDecoder.of(postWithLength(1), HttpLimits.DEFAULTS);
        assertThrows(IllegalStateException.class, () -> body.trailer("X"));
        assertThrows(IllegalStateException.class, body::trailerCount);
        assertThrows(IllegalStateException.class, () -> body.trailers("X"));
        assertThrows(IllegalStateException.class, () -> body.trailerName(0));
        assertThrows(IllegalStateException.class, () -> body.trailerValue(0));
    }

    @Test
    void shouldReportNoTrailersForContentLengthBody() {
        BodyDecoder body = BodyDecoder.of(postWithLength(1), HttpLimits.DEFAULTS);
        body.decode(ByteBuffer.wrap(bytes("x")), ByteBuffer.allocate(1));
        assertEquals(0, body.trailerCount());
        assertEquals(java.util.List.of(), body.trailers("X"));
        assertThrowsExactly(IndexOutOfBoundsException.class, () -> body.trailerName(0));
        assertThrowsExactly(IndexOutOfBoundsException.class, () -> body.trailerValue(0));
    }
}
