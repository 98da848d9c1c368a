package herald.loadtest.client;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The client-side HTTP framing: response heads, chunked bodies and payloads, however reads split them. */
class FramingTest {

    @Test
    void shouldReadTheSameHeadAtEverySplitPoint() {
        byte[] bytes = ("HTTP/1.1 200 OK\r\nContent-Type: Text/Event-Stream; charset=utf-8\r\n"
                + "transfer-encoding: chunked\r\nConnection: close\r\n\r\nrest").getBytes(StandardCharsets.US_ASCII);
        for (int cut = 0; cut <= bytes.length - 4; cut++) {
            ResponseHead h = new ResponseHead();
            int end = h.feed(bytes, 0, cut);
            if (end < 0) {
                end = h.feed(bytes, cut, bytes.length);
            }
            assertEquals(bytes.length - 4, end, "cut=" + cut);
            assertEquals(200, h.status());
            assertTrue(h.chunked() && h.close() && h.eventStream(), "cut=" + cut);
        }
    }

    @Test
    void shouldReadStatusAndLengthAndRejectWhatIsNotHttp() {
        ResponseHead h = new ResponseHead();
        byte[] head = "HTTP/1.1 503 Busy\nContent-Length: 12\n\n".getBytes(StandardCharsets.US_ASCII);
        assertEquals(head.length, h.feed(head, 0, head.length), "bare LF line ends");
        assertEquals(503, h.status());
        assertEquals(12, h.contentLength());
        byte[] junk = "SSH-2.0-OpenSSH\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        assertThrows(ProtocolError.class, () -> new ResponseHead().feed(junk, 0, junk.length));
    }

    @Test
    void shouldSkipInterimHeadsAtEverySplitPoint() {
        byte[] bytes = ("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n"
                + "HTTP/1.1 202 Accepted\r\nContent-Length: 7\r\nConnection: keep-alive, Close\r\n\r\nrest")
                .getBytes(StandardCharsets.US_ASCII);
        for (int cut = 0; cut <= bytes.length - 4; cut++) {
            ResponseHead h = new ResponseHead();
            int end = h.feed(bytes, 0, cut);
            if (end < 0) {
                end = h.feed(bytes, cut, bytes.length);
            }
            assertEquals(bytes.length - 4, end, "cut=" + cut);
            assertEquals(202, h.status(), "cut=" + cut);
            assertEquals(7, h.contentLength(), "cut=" + cut);
            assertTrue(h.close() && !h.chunked() && !h.eventStream(), "cut=" + cut);
        }
        byte[] low = "HTTP/1.1 099 Odd\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        assertThrows(ProtocolError.class, () -> new ResponseHead().feed(low, 0, low.length));
        byte[] badLength = "HTTP/1.1 200 OK\r\nContent-Length: 1x\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        assertThrows(ProtocolError.class, () -> new ResponseHead().feed(badLength, 0, badLength.length));
    }

    @Test
    void shouldDecodeTheSameChunkedBodyAtEverySplitPoint() {
        String data = "data: 1 2\n\ndata: 3 4\n\n";
        byte[] body = ("5;x=\"y\"\r\ndata:\r\n10\r\n 1 2\n\ndata: 3 4\n\r\n1\r\n\n\r\n0\r\nTrailer: t\r\n\r\nNEXT")
                .getBytes(StandardCharsets.US_ASCII);
        int bodyEnd = body.length - 4;
        for (int cut = 0; cut <= bodyEnd; cut++) {
            ChunkedBody c = new ChunkedBody();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ChunkedBody.Sink sink = (a, from, to) -> out.write(a, from, to - from);
            int end = c.decode(body, 0, cut, sink);
            if (!c.done()) {
                end = c.decode(body, cut, body.length, sink);
            }
            assertTrue(c.done(), "cut=" + cut);
            assertEquals(bodyEnd, end, "cut=" + cut);
            assertEquals(data, out.toString(StandardCharsets.US_ASCII), "cut=" + cut);
        }
        byte[] bad = "zz\r\n".getBytes(StandardCharsets.US_ASCII);
        assertThrows(ProtocolError.class, () -> new ChunkedBody().decode(bad, 0, bad.length, (a, f, t) -> { }));
    }

    @Test
    void shouldWriteAndParsePayloads() {
        byte[] out = new byte[100];
        int end = Payload.write(out, 0, 42, 123_456_789_012L, 64);
        assertEquals(64, end);
        assertEquals(64, Payload.length(42, 123_456_789_012L, 64));
        String s = new String(out, 0, end, StandardCharsets.US_ASCII);
        assertTrue(s.startsWith("42 123456789012 xxx"), s);
        assertEquals(42, Payload.parseSeq(s));
        assertEquals(123_456_789_012L, Payload.parseSendNanos(s));

        end = Payload.write(out, 0, 7, -5, 1);
        assertEquals("7 -5", new String(out, 0, end, StandardCharsets.US_ASCII), "no room: no padding");
        assertEquals(-5, Payload.parseSendNanos("7 -5"));
        assertEquals(Payload.NOT_A_PAYLOAD, Payload.parseSeq("hello"));
        assertEquals(Payload.NOT_A_PAYLOAD, Payload.parseSeq("12"));
        assertEquals(Long.MIN_VALUE, Payload.parseSendNanos("12 x"));
    }
}
