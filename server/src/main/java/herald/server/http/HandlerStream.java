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
 * The {@link EventStream} of one embedded stream handler: events are encoded into one reusable buffer and
 * written at once with a blocking write (deadline: the write timeout). To an HTTP/1.1 request that keeps its
 * connection the body is chunked, one chunk per event, and {@link #finish} writes the last chunk: the connection
 * serves the next request (a chat client's next prompt costs no new connection, nor a TLS handshake). Otherwise
 * the body lasts until the connection closes.
 */
final class HandlerStream implements EventStream {
    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[] LAST_CHUNK = "0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    private final Exchange exchange;
    private final boolean chunked;
    private ByteBuffer out = ByteBuffer.allocateDirect(1_024);
    private final ByteBuffer[] gather = new ByteBuffer[3];     // reused: no array per event
    private final ByteBuffer sizeLine = ByteBuffer.allocate(10);
    private final ByteBuffer crlf = ByteBuffer.wrap(CRLF);
    private boolean opened;
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
            opened = true;
            try {
                var response = exchange.response().begin(200)
                        .header(ResponseHead.CONTENT_TYPE_EVENT_STREAM)
                        .header(ResponseHead.CACHE_CONTROL_NO_CACHE)
                        .header(ResponseHead.X_ACCEL_BUFFERING_NO);
                if (chunked) {
                    response.sendChunkedStreamHead();
                } else {
                    response.sendStreamHead(new byte[0]);
                }
            } catch (IOException e) {
                failed = true;
                throw e;
            }
        }
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
        while (true) {
            try {
                out.clear();
                SseEncoder.encode(out, eventType, data, id, -1);
                break;
            } catch (BufferOverflowException e) {
                out = ByteBuffer.allocateDirect(out.capacity() * 2);
            }
        }
        write();
    }

    @Override
    public void comment(String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        ensureWritable();
        int length = SseEncoder.commentLength(bytes);
        if (out.capacity() < length) {
            out = ByteBuffer.allocateDirect(Integer.highestOneBit(length) << 1);
        }
        out.clear();
        SseEncoder.encodeComment(out, bytes);
        write();
    }

    private void ensureWritable() throws IOException {
        if (ended) {
            throw new IOException("stream ended");
        }
        if (failed) {
            throw new IOException("client gone");
        }
        open();
    }

    /** Writes {@code out}: as it is, or as one chunk (RFC 9112 section 7.1: size in hex, CRLF, data, CRLF). */
    private void write() throws IOException {
        try {
            out.flip();
            if (chunked) {
                chunkSize(out.remaining());
                gather[0] = sizeLine;
                gather[1] = out;
                gather[2] = crlf.clear();
                exchange.write(gather, 3);
            } else {
                gather[0] = out;
                exchange.write(gather, 1);
            }
        } catch (IOException e) {
            failed = true;
            throw e;
        }
    }

    private void chunkSize(int size) {
        sizeLine.clear();
        int shift = 28;
        while (shift > 0 && (size >>> shift) == 0) {
            shift -= 4;
        }
        for (; shift >= 0; shift -= 4) {
            sizeLine.put(HEX[(size >>> shift) & 0xF]);
        }
        sizeLine.put(CRLF).flip();
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
                gather[0] = ByteBuffer.wrap(LAST_CHUNK);
                exchange.write(gather, 1);
                return;
            } catch (IOException e) {
                failed = true;
            }
        }
        exchange.closeAfterResponse();
    }

    @Override
    public boolean isOpen() {
        return !failed && !ended;
    }
}
