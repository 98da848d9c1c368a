package herald.server.transport;

// Longer than ~300 lines on purpose: the stream's request (head, body) and its response (HEADERS, DATA) share the
// session lock, the stream's state and its deadlines.

import herald.protocol.http1.HeaderLine;
import herald.protocol.http1.HttpException;
import herald.protocol.http1.RequestHead;
import herald.protocol.http1.RequestParser;
import herald.protocol.http2.ErrorCode;
import herald.protocol.http2.FrameWriter;
import herald.protocol.http2.RequestHeaders;
import herald.server.broker.Broker;
import herald.server.broker.Subscription;
import herald.server.exchange.Client;
import herald.server.exchange.Exchange;
import herald.server.exchange.Permit;
import herald.server.exchange.Response;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * One HTTP/2 request stream as an {@link Exchange}: the same routes serve it as an HTTP/1.1 request. The request
 * head is the stream's fields written as an HTTP/1.1 head and parsed by {@link RequestParser}, so every check of
 * the HTTP/1.1 path applies (with {@code Connection: close}: a route's stream ends with the route, never chunked).
 * The body is buffered as DATA arrives, up to {@code maxBodyBytes}, within the in-flight body budget. The response
 * goes out as HPACK-encoded HEADERS and DATA within the flow-control windows, each wait within {@code writeTimeout};
 * a subscription becomes an {@link Http2Sink}.
 *
 * <p>Threads: {@link #run} and the {@link Exchange}/{@link Response} methods on the stream's own virtual thread;
 * the package-private state methods under the session lock (the connection's reading thread).
 */
final class Http2Exchange implements Runnable, Exchange, Response {
    private static final System.Logger LOG = System.getLogger(Http2Exchange.class.getName());
    private static final byte[] NO_BYTES = new byte[0];
    private static final int FIRST_BODY_BUFFER_BYTES = 8_192;

    private final Http2Session session;
    private final int streamId;
    private final Permit permit;
    private final RequestHeaders request;

    // under the session lock
    private boolean requestEnded;
    private boolean reset;
    private boolean bodyTooLarge;
    private boolean bodyRefused;                  // over the in-flight body budget
    private ByteBuffer body;
    private long bodyReserved;
    private int rejectStatus;
    private String rejectReason;
    private Http2Sink sink;

    // the stream's thread only
    private RequestHead head;
    private Client client;
    private boolean started;
    private boolean headersSent;
    private boolean finished;                     // END_STREAM or RST_STREAM sent
    private boolean attached;
    private int status;
    private final List<String> names = new ArrayList<>();
    private final List<String> values = new ArrayList<>();
    private String allowOrigin;
    private boolean allowCredentials;

    Http2Exchange(Http2Session session, int streamId, Permit permit, RequestHeaders request, boolean endStream) {
        this.session = session;
        this.streamId = streamId;
        this.permit = permit;
        this.request = request;
        this.requestEnded = endStream;
    }

    // ---- state, under the session lock ------------------------------------------------------------------------

    void rejectWith(int status, String reason) {
        this.rejectStatus = status;
        this.rejectReason = reason;
        this.requestEnded = true;
    }

    /** Request body bytes (the reading thread, under the lock): kept up to {@code maxBodyBytes}, else dropped. */
    void bodyBytes(ByteBuffer data, boolean endStream) {
        int n = data.remaining();
        if (n > 0 && !bodyTooLarge && !bodyRefused) {
            long max = session.shared.limits().maxBodyBytes();
            long size = (body == null ? 0 : body.position()) + (long) n;
            if (size > max) {
                bodyTooLarge = true;
                body = null;
            } else {
                ensureBody(size, max);
                if (body != null) {
                    body.put(data);
                }
            }
        }
        if (endStream) {
            requestEnded = true;
        }
    }

    private void ensureBody(long size, long max) {
        int capacity = body == null ? 0 : body.capacity();
        if (size <= capacity) {
            return;
        }
        long grown = Math.min(max, Math.max(size, Math.max(FIRST_BODY_BUFFER_BYTES, 2L * capacity)));
        if (!session.shared.bodies().tryReserve(grown - capacity)) {
            bodyRefused = true;
            body = null;
            return;
        }
        bodyReserved += grown - capacity;
        ByteBuffer bigger = ByteBuffer.allocate((int) grown);
        if (body != null) {
            bigger.put(body.flip());
        }
        body = bigger;
    }

    /** The client reset the stream or the connection ended: the route's waits end, its writes fail. */
    void resetByPeer() {
        reset = true;
    }

    Http2Sink sink() {
        return sink;
    }

    // ---- the stream's thread ----------------------------------------------------------------------------------

    @Override
    public void run() {
        try {
            if (rejectStatus != 0) {
                session.shared.metrics().recordError(rejectStatus);
                text(rejectStatus, rejectReason);
                return;
            }
            head = toHead(request);
            try {
                session.shared.handler().handle(this);
            } catch (HttpException e) {
                if (started) {
                    throw e;
                }
                session.shared.metrics().recordError(e.status());
                error(e, false);
            }
            if (attached) {
                return;
            }
            if (!started) {
                session.shared.metrics().recordError(500);
                text(500, "internal error: no response");
            } else if (!finished) {
                writeData(null, 0, true);                     // a stream head's body ends with the route
            }
        } catch (HttpException e) {
            session.shared.metrics().recordError(e.status());
            if (!started) {
                try {
                    error(e, false);
                } catch (IOException | RuntimeException writeFailed) {
                    LOG.log(Level.DEBUG, "h2 error response failed: " + writeFailed);
                }
            } else {
                resetStream(ErrorCode.INTERNAL_ERROR);
            }
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "h2 stream ended: " + e);
            resetStream(ErrorCode.CANCEL);
        } catch (RuntimeException e) {
            LOG.log(Level.ERROR, "h2 request failed", e);
            if (!started) {
                try {
                    text(500, "internal error");
                } catch (IOException | RuntimeException writeFailed) {
                    resetStream(ErrorCode.INTERNAL_ERROR);
                }
            } else {
                resetStream(ErrorCode.INTERNAL_ERROR);
            }
        } finally {
            session.lock.lock();
            try {
                if (bodyReserved > 0) {
                    session.shared.bodies().release(bodyReserved);
                    bodyReserved = 0;
                }
                body = null;
                if (!attached) {
                    session.remove(streamId);
                }
            } finally {
                session.lock.unlock();
            }
        }
    }

    /**
     * The stream's fields as an HTTP/1.1 head ({@code Host} from {@code :authority}, {@code Connection: close}),
     * parsed with the HTTP/1.1 parser: its limits and checks answer a bad request here as they would there.
     */
    private RequestHead toHead(RequestHeaders fields) {
        StringBuilder text = new StringBuilder(256);
        text.append(fields.method()).append(' ').append(fields.path() == null ? "/" : fields.path())
                .append(" HTTP/1.1\r\n");
        if (fields.authority() != null) {
            text.append("host: ").append(fields.authority()).append("\r\n");
        }
        for (int i = 0; i < fields.fieldCount(); i++) {
            String name = fields.name(i);
            if (!name.equals("host")) {
                text.append(name).append(": ").append(fields.value(i)).append("\r\n");
            }
        }
        text.append("connection: close\r\n\r\n");
        ByteBuffer bytes = ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.ISO_8859_1));
        RequestHead parsed = new RequestParser(session.shared.limits()).parse(bytes);
        if (parsed == null) {
            throw HttpException.badRequest("request head incomplete");
        }
        return parsed;
    }

    @Override
    public RequestHead head() {
        return head;
    }

    @Override
    public Client client() {
        Client c = client;
        if (c == null) {
            c = session.shared.proxies().resolve(permit.client(), head);
            client = c;
        }
        return c;
    }

    @Override
    public byte[] readBody() throws IOException {
        long max = session.shared.limits().maxBodyBytes();
        if (request != null && request.contentLength() > max) {
            throw HttpException.contentTooLarge(max);
        }
        long deadline = System.nanoTime() + session.shared.timeouts().bodyNanos();
        session.lock.lock();
        try {
            while (!requestEnded && !reset && !bodyTooLarge && !bodyRefused) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw HttpException.of(408, "request body not complete within bodyTimeoutMillis="
                            + TimeUnit.NANOSECONDS.toMillis(session.shared.timeouts().bodyNanos()));
                }
                session.changed.awaitNanos(left);
            }
            if (reset) {
                throw new IOException("stream reset before the end of the body");
            }
            if (bodyTooLarge) {
                throw HttpException.contentTooLarge(max);
            }
            if (bodyRefused) {
                throw HttpException.retryLater(503, "server busy: request bodies in flight reached "
                        + session.shared.bodies().name() + "=" + session.shared.bodies().limit(), 1);
            }
            if (body == null) {
                return NO_BYTES;
            }
            byte[] bytes = new byte[body.position()];
            body.flip().get(bytes);
            body.clear();
            return bytes;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        } finally {
            session.lock.unlock();
        }
    }

    @Override
    public Response response() {
        return this;
    }

    @Override
    public void write(ByteBuffer[] buffers, int count) throws IOException {
        writeData(buffers, count, false);
    }

    @Override
    public boolean streaming() {
        return true;        // the session's buffers are shared by its streams: this one holds none of its own
    }

    @Override
    public void closeAfterResponse() {
        // the stream ends with its response; the connection goes on
    }

    @Override
    public void attach(Broker broker, Subscription subscription) throws IOException {
        Http2Sink created = new Http2Sink(session, streamId);
        session.lock.lock();
        try {
            if (reset || !session.h2.streamWritable(streamId)) {
                throw new IOException("stream reset before the subscription started");
            }
            sink = created;
            attached = true;
        } finally {
            session.lock.unlock();
        }
        broker.attach(subscription, created);
    }

    // ---- the response -----------------------------------------------------------------------------------------

    @Override
    public boolean started() {
        return started;
    }

    @Override
    public void allowOrigin(String origin) {
        allowOrigin = origin;
        allowCredentials = false;
    }

    @Override
    public void allowOriginWithCredentials(String origin) {
        allowOrigin = origin;
        allowCredentials = origin != null;
    }

    @Override
    public Response begin(int status) {
        started = true;
        this.status = status;
        names.clear();
        values.clear();
        header(session.shared.date().line());
        header("server", "herald");
        if (allowOrigin != null) {
            header("access-control-allow-origin", allowOrigin);
            if (allowCredentials) {
                header("access-control-allow-credentials", "true");
            }
            header("vary", "Origin");
        }
        return this;
    }

    @Override
    public Response header(String name, String value) {
        String lower = name.toLowerCase(Locale.ROOT);
        switch (lower) {
            case "connection", "keep-alive", "transfer-encoding", "upgrade", "proxy-connection" -> {
                return this;                          // connection-specific: not in HTTP/2 (RFC 9113 section 8.2.2)
            }
            default -> {
                names.add(lower);
                values.add(value);
                return this;
            }
        }
    }

    @Override
    public Response header(String name, long value) {
        return header(name, Long.toString(value));
    }

    @Override
    public Response header(HeaderLine line) {
        String text = line.toString();
        return header(line.name(), text.substring(line.name().length() + 2));
    }

    @Override
    public void send(byte[] body) throws IOException {
        header("content-length", body.length);
        if (isHead() || body.length == 0) {
            writeHeaders(true);
        } else {
            writeHeaders(false);
            writeData(new ByteBuffer[] {ByteBuffer.wrap(body)}, 1, true);
        }
    }

    @Override
    public void sendWithoutBody() throws IOException {
        writeHeaders(true);
    }

    @Override
    public void sendStreamHead(byte[] firstBytes) throws IOException {
        writeHeaders(false);
        if (firstBytes.length > 0) {
            writeData(new ByteBuffer[] {ByteBuffer.wrap(firstBytes)}, 1, false);
        }
    }

    @Override
    public void sendChunkedStreamHead() throws IOException {
        writeHeaders(false);                          // DATA frames delimit the body: no chunked coding over h2
    }

    @Override
    public void error(HttpException e, boolean close) throws IOException {
        begin(e.status());
        if (e.retryAfterSeconds() >= 0) {
            header("retry-after", e.retryAfterSeconds());
        }
        header("content-type", "text/plain; charset=utf-8");
        send((e.getMessage() + "\n").getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void text(int status, String reason, String... nameValues) throws IOException {
        begin(status);
        for (int i = 0; i + 1 < nameValues.length; i += 2) {
            header(nameValues[i], nameValues[i + 1]);
        }
        header("content-type", "text/plain; charset=utf-8");
        send((reason + "\n").getBytes(StandardCharsets.UTF_8));
    }

    private boolean isHead() {
        return head != null && "HEAD".equals(head.method());
    }

    /** HPACK-encodes the head and frames it as HEADERS, under one lock hold (the encoder's order is the wire's). */
    private void writeHeaders(boolean endStream) throws IOException {
        if (headersSent) {
            throw new IllegalStateException("response head already sent on stream=" + streamId);
        }
        int bound = 32;                               // table size updates and :status
        for (int i = 0; i < names.size(); i++) {
            bound += names.get(i).length() + values.get(i).length() + 12;
        }
        session.lock.lock();
        try {
            int need = FrameWriter.headersLength(bound, session.h2.peerSettings().maxFrameBytes());
            if (need > Http2Session.OUTPUT_BYTES) {
                throw new IOException("response head too large: bytes=" + bound);
            }
            long deadline = System.nanoTime() + session.shared.timeouts().writeNanos();
            while (!session.room(need)) {
                awaitChange(deadline);
            }
            checkWritable();
            session.encoder.peerMaxTableSize(session.h2.peerSettings().headerTableBytes());
            ByteBuffer block = ByteBuffer.allocate(bound);
            session.encoder.startBlock(block);
            session.encoder.status(block, status);
            for (int i = 0; i < names.size(); i++) {
                session.encoder.field(block, names.get(i), values.get(i));
            }
            session.h2.writeHeaders(session.output(), streamId, block.flip(), endStream);
            headersSent = true;
            if (endStream) {
                finished = true;
            }
            session.framed();
        } finally {
            session.lock.unlock();
        }
    }

    /** Frames {@code buffers} (null: nothing) as DATA within the windows and the output room; blocks within writeTimeout. */
    private void writeData(ByteBuffer[] buffers, int count, boolean endStream) throws IOException {
        if (!headersSent) {
            throw new IllegalStateException("DATA before the response head on stream=" + streamId);
        }
        long remaining = 0;
        for (int i = 0; i < count; i++) {
            remaining += buffers[i].remaining();
        }
        session.lock.lock();
        try {
            long deadline = System.nanoTime() + session.shared.timeouts().writeNanos();
            do {
                int n;
                while (true) {
                    checkWritable();
                    long wanted = Math.min(session.h2.sendableBytes(streamId), remaining);
                    n = (int) Math.min(session.dataRoom(wanted), wanted);
                    if (n > 0 || (remaining == 0 && session.room(9))) {
                        break;
                    }
                    awaitChange(deadline);
                }
                boolean last = endStream && n == remaining;
                ByteBuffer out = session.output();
                session.h2.writeDataHeader(out, streamId, n, last);
                copy(buffers, count, out, n);
                remaining -= n;
                if (last) {
                    finished = true;
                }
                session.framed();
            } while (remaining > 0);
        } finally {
            session.lock.unlock();
        }
    }

    static void copy(ByteBuffer[] buffers, int count, ByteBuffer out, int n) {
        int left = n;
        for (int i = 0; i < count && left > 0; i++) {
            ByteBuffer src = buffers[i];
            int take = Math.min(left, src.remaining());
            if (take == 0) {
                continue;
            }
            int limit = src.limit();
            src.limit(src.position() + take);
            out.put(src);
            src.limit(limit);
            left -= take;
        }
    }

    /** Under the lock. */
    private void checkWritable() throws IOException {
        if (reset || session.writerGone() || !session.h2.streamWritable(streamId)) {
            throw new IOException("stream closed: stream=" + streamId);
        }
    }

    /** Under the lock: waits for a change until {@code deadline}; past it, the stream is reset (CANCEL). */
    private void awaitChange(long deadline) throws IOException {
        checkWritable();
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            session.h2.resetStream(streamId, ErrorCode.CANCEL);
            finished = true;
            session.framed();
            throw new IOException("h2 write not done within writeTimeoutMillis");
        }
        try {
            session.changed.awaitNanos(left);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        }
    }

    private void resetStream(ErrorCode code) {
        session.lock.lock();
        try {
            if (!finished && session.h2.resetStream(streamId, code)) {
                session.framed();
            }
            finished = true;
        } finally {
            session.lock.unlock();
        }
    }
}
