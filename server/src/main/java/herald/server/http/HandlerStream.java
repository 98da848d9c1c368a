package herald.server.http;

import herald.protocol.http1.ResponseHead;
import herald.protocol.sse.SseEncoder;
import herald.server.EventStream;
import herald.server.exchange.Exchange;

import java.io.IOException;
import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;

/**
 * The {@link EventStream} of one embedded stream handler: events are encoded into one reusable buffer and
 * written at once with a blocking write (deadline: the write timeout).
 */
final class HandlerStream implements EventStream {
    private final Exchange exchange;
    private ByteBuffer out = ByteBuffer.allocateDirect(1_024);
    private final ByteBuffer[] single = new ByteBuffer[1];     // reused: no array per event
    private boolean opened;
    private boolean failed;
    private boolean ended;

    HandlerStream(Exchange exchange) {
        this.exchange = exchange;
    }

    @Override
    public void open() throws IOException {
        if (ended) {
            throw new IOException("stream ended");
        }
        if (!opened) {
            opened = true;
            try {
                exchange.response().begin(200)
                        .header(ResponseHead.CONTENT_TYPE_EVENT_STREAM)
                        .header(ResponseHead.CACHE_CONTROL_NO_CACHE)
                        .header(ResponseHead.X_ACCEL_BUFFERING_NO)
                        .sendStreamHead(new byte[0]);
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
        byte[] bytes = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
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

    private void write() throws IOException {
        try {
            single[0] = out.flip();
            exchange.write(single, 1);
        } catch (IOException e) {
            failed = true;
            throw e;
        }
    }

    private static void check(String value, String name) {
        if (value != null && !SseEncoder.isValidFieldValue(value)) {
            throw new IllegalArgumentException(name + " must not contain CR, LF or NUL");
        }
    }

    void end() {
        ended = true;
    }

    @Override
    public boolean isOpen() {
        return !failed && !ended;
    }
}
