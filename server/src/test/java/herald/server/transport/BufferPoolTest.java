package herald.server.transport;

import herald.protocol.http1.HttpLimits;
import herald.protocol.http1.RequestHead;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

class BufferPoolTest {
    private final BufferPool pool = new BufferPool(HttpLimits.DEFAULTS, 2);

    @Test
    void aGivenBackSetIsTakenAgain() {
        BufferPool.Buffers first = pool.take();
        pool.give(first);
        assertSame(first, pool.take());
    }

    @Test
    void aSetComesBackEmptyAfterAHalfReadRequest() {
        BufferPool.Buffers buffers = pool.take();
        ByteBuffer in = buffers.in.clear();
        in.put(ascii("GET /topics/left-over HTTP/1.1\r\nHost: a\r\nX-Half")).flip();
        assertNull(buffers.parser.parse(in), "the head is not complete yet");
        in.clear().put(ascii("...")).flip();                // unread bytes left behind in the buffer
        buffers.head.put(ascii("HTTP/1.1 200 OK\r\n"));
        pool.give(buffers);

        BufferPool.Buffers again = pool.take();
        assertSame(buffers, again);
        assertEquals(0, again.in.remaining(), "no bytes of the last connection are readable");
        assertEquals(0, again.head.position());
        ByteBuffer next = again.in.clear();
        next.put(ascii("GET /topics/fresh HTTP/1.1\r\nHost: b\r\n\r\n")).flip();
        RequestHead head = again.parser.parse(next);
        assertNotNull(head);
        assertEquals("/topics/fresh", head.path());
        assertEquals("b", head.header("host"));
    }

    @Test
    void aSetWithAGrownHeadBufferIsNotKept() {
        BufferPool.Buffers buffers = pool.take();
        buffers.head = ByteBuffer.allocate(64 * 1024);
        pool.give(buffers);
        BufferPool.Buffers next = pool.take();
        assertNotSame(buffers, next);
        assertEquals(BufferPool.HEAD_BUFFER_BYTES, next.head.capacity());
    }

    @Test
    void aSetWhoseParserGrewForALargeHeadIsNotKept() {
        BufferPool.Buffers buffers = pool.take();
        String cookie = "Cookie: " + "c".repeat(6_000) + "\r\n";
        ByteBuffer big = ByteBuffer.wrap(ascii("GET / HTTP/1.1\r\nHost: a\r\n" + cookie + "\r\n"));
        assertNotNull(buffers.parser.parse(big));
        pool.give(buffers);
        assertNotSame(buffers, pool.take());

        BufferPool.Buffers small = pool.take();
        assertNotNull(small.parser.parse(ByteBuffer.wrap(ascii("GET / HTTP/1.1\r\nHost: a\r\n\r\n"))));
        pool.give(small);
        assertSame(small, pool.take(), "a parser that did not grow is kept");
    }

    @Test
    void setsBeyondTheCapacityAreLeftToTheCollector() {
        BufferPool.Buffers a = pool.take();
        BufferPool.Buffers b = pool.take();
        BufferPool.Buffers c = pool.take();
        pool.give(a);
        pool.give(b);
        pool.give(c);                                       // capacity 2: dropped
        BufferPool.Buffers first = pool.take();
        BufferPool.Buffers second = pool.take();
        BufferPool.Buffers third = pool.take();
        assertSame(b, first);
        assertSame(a, second);
        assertNotSame(c, third);
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
