package herald.server.http;

import herald.protocol.http1.HttpVersion;
import herald.protocol.http1.RequestHead;
import herald.protocol.http1.ResponseHead;
import herald.protocol.sse.SseEncoder;
import herald.server.EventStream;
import herald.server.exchange.Exchange;

import java.io.IOException;
import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The {@link EventStream} of one embedded stream handler: events are encoded into one reusable heap buffer and
 * written at once with a blocking write (deadline: the write timeout), one write per event. To an HTTP/1.1 request
 * that keeps its connection the body is chunked, one chunk per event, framed in the same buffer, and
 * {@link #finish} writes the last chunk: the connection serves the next request (a chat client's next prompt costs
 * no new connection, nor a TLS handshake). Otherwise the body lasts until the connection closes.
 *
 * <p>Per event it allocates nothing for data of ASCII characters without a type or id (the usual token): the
 * string is copied into a reusable byte array and encoded from there. Once the head is out and the request is
 * read, the exchange gives back its request buffers for as long as the stream lasts ({@link Exchange#streaming}).
 */
final class HandlerStream implements EventStream {
    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[] LAST_CHUNK = "0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NO_BYTES = {};
    /** Room kept before an event for its chunk size line: up to 8 hex digits and CRLF. */
    private static final int SIZE_LINE_ROOM = 10;
    private static final int FIRST_BUFFER_BYTES = 256;

    private final Exchange exchange;
    private final boolean chunked;
    private ByteBuffer out = ByteBuffer.allocate(FIRST_BUFFER_BYTES);
    private byte[] ascii = new byte[64];                       // a token's characters, reused
    private final ByteBuffer[] gather = new ByteBuffer[1];     // reused: no array per event
    private boolean opened;
    private boolean released;                                  // the exchange holds no request buffers
    private boolean failed;
    private boolean ended;

    HandlerStream(Exchange exchange, RequestHead head) {
        this.exchange = exchange;
        this.chunked = head.version() == HttpVersion.HTTP_1_1 && head.keepAlive();
    }

    @Override
    public void open() throws IOException {
        if (ended) {
            throw new IOException("stream ended");
        }
        if (!opened) {
            sendHead(NO_BYTES);
        }
    }

    /**
     * Sends the head, with {@code firstBytes} of the body in the same write when the body is not chunked (the
     * first event of a handler that did not open the stream first: one write, and one read for the client).
     */
    private void sendHead(byte[] firstBytes) throws IOException {
        opened = true;
        try {
            var response = exchange.response().begin(200)
                    .header(ResponseHead.CONTENT_TYPE_EVENT_STREAM)
                    .header(ResponseHead.CACHE_CONTROL_NO_CACHE)
                    .header(ResponseHead.X_ACCEL_BUFFERING_NO);
            if (chunked) {
                response.sendChunkedStreamHead();
            } else {
                response.sendStreamHead(firstBytes);
            }
        } catch (IOException e) {
            failed = true;
            throw e;
        }
        released = exchange.streaming();
    }

    boolean opened() {
        return opened;
    }

    @Override
    public void send(String data) throws IOException {
        send(null, data, null);
    }

    @Override
    public void send(String eventType, String data) throws IOException {
        send(eventType, data, null);
    }

    @Override
    public void send(String eventType, String data, String id) throws IOException {
        if (data == null) {
            throw new IllegalArgumentException("data must not be null");
        }
        check(eventType, "eventType");
        check(id, "id");
        ensureWritable();
        int length = eventType == null && id == null ? copyAscii(data) : -1;
        while (true) {
            try {
                out.clear().position(chunked ? SIZE_LINE_ROOM : 0);
                if (length >= 0) {
                    SseEncoder.encode(out, null, ascii, 0, length, null, -1, -1);
                } else {
                    SseEncoder.encode(out, eventType, data, id, -1);
                }
                if (chunked && out.remaining() < CRLF.length) {
                    throw new BufferOverflowException();
                }
                break;
            } catch (BufferOverflowException e) {
                out = ByteBuffer.allocate(out.capacity() * 2);
            }
        }
        write();
    }

    /**
     * Copies {@code data} into {@link #ascii} when all its characters are ASCII (then its UTF-8 bytes are its
     * characters): the length, or -1 for data that needs the UTF-8 encoder.
     */
    private int copyAscii(String data) {
        int n = data.length();
        if (n > ascii.length) {
            if (n > out.capacity()) {
                return -1;                  // a long event: rare, encoded from a new array
            }
            ascii = new byte[out.capacity()];
        }
        byte[] a = ascii;
        for (int i = 0; i < n; i++) {
            char c = data.charAt(i);
            if (c >= 0x80) {
                return -1;
            }
            a[i] = (byte) c;
        }
        return n;
    }

    @Override
    public void comment(String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        ensureWritable();
        int length = SseEncoder.commentLength(bytes) + SIZE_LINE_ROOM + CRLF.length;
        if (out.capacity() < length) {
            out = ByteBuffer.allocate(Integer.highestOneBit(length) << 1);
        }
        out.clear().position(chunked ? SIZE_LINE_ROOM : 0);
        SseEncoder.encodeComment(out, bytes);
        write();
    }

    /** Refuses a stream that ended or failed; a chunked stream's head goes out now, before its first chunk. */
    private void ensureWritable() throws IOException {
        if (ended) {
            throw new IOException("stream ended");
        }
        if (failed) {
            throw new IOException("client gone");
        }
        if (chunked) {
            open();
        }
    }

    /**
     * Writes what was encoded into {@code out} from its start (or from {@link #SIZE_LINE_ROOM}, when chunked) up
     * to its position: as it is, or as one chunk (RFC 9112 section 7.1: size in hex, CRLF, data, CRLF) framed
     * around it in place, so that one event is one buffer and one write.
     */
    private void write() throws IOException {
        ByteBuffer b = out;
        if (!opened) {                          // not chunked: the head and this event in one write
            b.flip();
            byte[] first = new byte[b.remaining()];
            b.get(first);
            sendHead(first);
            return;
        }
        if (chunked) {
            int end = b.position();
            int size = end - SIZE_LINE_ROOM;
            b.put(CRLF);
            int start = SIZE_LINE_ROOM - CRLF.length - hexDigits(size);
            int at = start;
            for (int shift = (hexDigits(size) - 1) * 4; shift >= 0; shift -= 4) {
                b.put(at++, HEX[(size >>> shift) & 0xF]);
            }
            b.put(at++, (byte) '\r').put(at, (byte) '\n');
            b.limit(b.position()).position(start);
        } else {
            b.flip();
        }
        writeOut(b);
    }

    private void writeOut(ByteBuffer b) throws IOException {
        try {
            gather[0] = b;
            exchange.write(gather, 1);
        } catch (IOException e) {
            failed = true;
            throw e;
        }
        if (!released) {
            released = exchange.streaming();    // the handler read the body only after it opened the stream
        }
    }

    static int hexDigits(int size) {
        int digits = 1;
        while (digits < 8 && (size >>> (digits * 4)) != 0) {
            digits++;
        }
        return digits;
    }

    private static void check(String value, String name) {
        if (value != null && !SseEncoder.isValidFieldValue(value)) {
            throw new IllegalArgumentException(name + " must not contain CR, LF or NUL");
        }
    }

    /**
     * The handler returned (or was refused before the stream opened): from here the stream refuses every call. A
     * chunked body gets its last chunk and the connection goes on; a stream that failed or lasts until the close
     * ends the connection.
     */
    void finish() {
        ended = true;
        if (!opened) {
            return;                         // refused before it started: the refusal's answer decides
        }
        if (chunked && !failed) {
            try {
                writeOut(out.clear().put(LAST_CHUNK).flip());
                return;
            } catch (IOException e) {
                // failed: the connection ends
            }
        }
        exchange.closeAfterResponse();
    }

    @Override
    public boolean isOpen() {
        return !failed && !ended;
    }
}
