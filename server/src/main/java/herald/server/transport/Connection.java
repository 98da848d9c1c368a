package herald.server.transport;

import herald.protocol.http1.BodyDecoder;
import herald.protocol.http1.HttpException;
import herald.protocol.http1.HttpLimits;
import herald.protocol.http1.RequestHead;
import herald.protocol.http1.RequestParser;
import herald.server.metrics.Metrics;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * One HTTP/1.1 connection, served by its own virtual thread with blocking reads and writes: parse a request,
 * hand it to the {@link RequestHandler}, repeat while the connection is persistent (pipelined requests
 * included). Every blocking call has a deadline enforced by the {@link Watchdog}: the whole request head
 * within {@code headTimeout}, the next request within {@code idleTimeout}, a body within
 * {@code bodyTimeout}, each write within {@code writeTimeout}.
 *
 * <p>A handler that turns the connection into a broker stream calls {@link #handOver()}: the channel then
 * belongs to the broker and this thread ends without closing it.
 */
public final class Connection implements Runnable {
    private static final System.Logger LOG = System.getLogger(Connection.class.getName());
    /** Answers to pipelined requests kept back to go out in one write, at most. */
    private static final int MAX_HELD_BYTES = 16_384;
    /** How long, and how many bytes, a closing connection keeps reading what the client still sends. */
    private static final long LINGER_NANOS = TimeUnit.SECONDS.toNanos(2);
    private static final long LINGER_MAX_BYTES = 1L << 20;

    /** Timeouts of one connection's blocking calls. */
    public record Timeouts(long headNanos, long idleNanos, long bodyNanos, long writeNanos) {
        public static Timeouts ofMillis(long head, long idle, long body, long write) {
            return new Timeouts(TimeUnit.MILLISECONDS.toNanos(head), TimeUnit.MILLISECONDS.toNanos(idle),
                    TimeUnit.MILLISECONDS.toNanos(body), TimeUnit.MILLISECONDS.toNanos(write));
        }
    }

    private final SocketChannel channel;
    private final RequestHandler handler;
    private final HttpLimits limits;
    private final Timeouts timeouts;
    private final Watchdog watchdog;
    private final Watchdog.Guarded guard;
    private final ConnectionLimiter limiter;
    private final Metrics metrics;
    private final BufferPool pool;
    private BufferPool.Buffers buffers;           // request-phase state, from the pool; null once given back
    private final RequestParser parser;
    private final ByteBuffer in;
    private ByteBuffer held;                      // answers kept back while pipelined requests wait in `in`
    private final ResponseWriter response;
    private InetAddress remote;
    private RequestHead head;
    private boolean bodyConsumed;
    private boolean continueSent;
    private boolean closeAfterResponse;
    private boolean handedOver;
    private boolean serverCloses;                 // the server ends the connection while the client may still send

    public Connection(SocketChannel channel, RequestHandler handler, HttpLimits limits, Timeouts timeouts,
                      Watchdog watchdog, ConnectionLimiter limiter, Metrics metrics, DateHeader date, BufferPool pool) {
        this.channel = channel;
        this.handler = handler;
        this.limits = limits;
        this.timeouts = timeouts;
        this.watchdog = watchdog;
        this.guard = watchdog.guard(channel);
        this.limiter = limiter;
        this.metrics = metrics;
        this.pool = pool;
        this.buffers = pool.take();
        this.parser = buffers.parser;
        this.in = buffers.in;
        this.response = new ResponseWriter(this, date, buffers);
    }

    @Override
    public void run() {
        try {
            remote = ((InetSocketAddress) channel.getRemoteAddress()).getAddress();
            boolean first = true;
            while (true) {
                head = readHead(first);
                if (head == null) {
                    return;
                }
                first = false;
                metrics.requests.increment();
                bodyConsumed = !head.hasBody();
                continueSent = false;
                closeAfterResponse = !head.keepAlive();
                response.reset(head);
                try {
                    handler.handle(this, head);
                } catch (HttpException e) {
                    if (response.started()) {
                        throw e;
                    }
                    metrics.recordError(e.status());
                    response.error(e, !bodyConsumed);   // a refused request keeps the connection if it can
                }
                if (handedOver) {
                    return;
                }
                if (!bodyConsumed || closeAfterResponse) {
                    serverCloses = true;    // an unread body cannot be skipped to find the next request
                    return;
                }
            }
        } catch (HttpException e) {
            refuse(e);
            serverCloses = true;
        } catch (IOException e) {
            if (!guard.expired()) {
                LOG.log(Level.DEBUG, "connection ended: " + e);
            }
        } catch (RuntimeException e) {
            LOG.log(Level.ERROR, "request failed", e);
            if (!response.started()) {
                refuse(HttpException.of(500, "internal error"));
                serverCloses = true;
            }
        } finally {
            if (!handedOver) {
                close();
            }
        }
    }

    private RequestHead readHead(boolean first) throws IOException {
        boolean started = in.hasRemaining();
        guard.deadlineIn(started || first ? timeouts.headNanos() : timeouts.idleNanos());
        while (true) {
            if (in.hasRemaining()) {
                RequestHead parsed = parser.parse(in);
                if (parsed != null) {
                    guard.clearDeadline();
                    return parsed;
                }
            }
            flushHeld();                    // before waiting for the client: it may be waiting for these
            in.clear();
            int n = channel.read(in);
            in.flip();
            if (n < 0) {
                return null;                // closed between requests, or mid-head: nothing to answer
            }
            if (!started && n > 0) {
                started = true;
                guard.deadlineIn(timeouts.headNanos());
            }
        }
    }

    /** Sends the error response for {@code e}, then the connection closes. */
    private void refuse(HttpException e) {
        metrics.recordError(e.status());
        if (response.started() || !channel.isOpen()) {
            return;
        }
        try {
            response.error(e, true);
        } catch (IOException | RuntimeException writeFailed) {
            LOG.log(Level.DEBUG, "could not send error response: " + writeFailed);
        }
    }

    // ---- what handlers use ------------------------------------------------------------------------------

    public InetAddress remoteAddress() {
        return remote;
    }

    public ResponseWriter response() {
        return response;
    }

    /**
     * Reads the whole request body (Content-Length or chunked), at most the limits' {@code maxBodyBytes},
     * sending {@code 100 Continue} first when the client asked for it.
     *
     * @throws HttpException 413 over the limit (decided from Content-Length before reading), 400 malformed
     */
    public byte[] readBody() throws IOException {
        if (buffers == null) {                    // its read buffer may be another connection's by now
            throw new IOException("the request has ended: read its body during its handler call");
        }
        if (bodyConsumed) {
            return new byte[0];
        }
        BodyDecoder decoder = BodyDecoder.of(head, limits);     // 413 from Content-Length, before 100 Continue
        if (head.expectsContinue() && !continueSent) {
            continueSent = true;
            write(ByteBuffer.wrap("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII)));
        }
        long maxBytes = limits.maxBodyBytes();
        long declared = head.contentLength();
        ByteBuffer body = ByteBuffer.allocate((int) (declared >= 0 ? declared : Math.min(maxBytes, 8_192)));
        guard.deadlineIn(timeouts.bodyNanos());
        while (true) {
            if (in.hasRemaining() || decoder.isComplete()) {
                decoder.decode(in, body);
                if (decoder.isComplete()) {
                    break;
                }
                if (!body.hasRemaining()) {
                    body = grow(body, maxBytes);
                    continue;
                }
            }
            flushHeld();
            in.clear();
            int n = channel.read(in);
            in.flip();
            if (n < 0) {
                guard.clearDeadline();
                throw HttpException.badRequest("connection closed before the end of the body");
            }
        }
        guard.clearDeadline();
        bodyConsumed = true;
        if (body.position() == body.capacity()) {
            return body.array();                    // a Content-Length body fills its buffer exactly
        }
        byte[] bytes = new byte[body.position()];
        body.flip().get(bytes);
        return bytes;
    }

    private static ByteBuffer grow(ByteBuffer body, long maxBytes) {
        long size = Math.min(Math.max(2L * body.capacity(), 1), maxBytes + 1);
        return ByteBuffer.allocate((int) size).put(body.flip());
    }

    /**
     * Sends one complete answer: at once, or, while the client's next pipelined requests are already read
     * and waiting, kept back to go out with the following answers in one write.
     */
    void respond(ByteBuffer headBytes, byte[] body) throws IOException {
        int size = headBytes.remaining() + body.length;
        if (in.hasRemaining() && !closeAfterResponse && size <= MAX_HELD_BYTES) {
            if (held == null) {
                held = ByteBuffer.allocate(MAX_HELD_BYTES);
            }
            if (held.remaining() < size) {
                flushHeld();
            }
            held.put(headBytes).put(body);
            return;
        }
        write(new ByteBuffer[] {headBytes, ByteBuffer.wrap(body)}, 2);
    }

    private void flushHeld() throws IOException {
        if (held != null && held.position() > 0) {
            held.flip();
            writeNow(new ByteBuffer[] {held}, 1);
            held.clear();
        }
    }

    /** Writes all of {@code bytes} (after any answers kept back), blocking, within {@code writeTimeout}. */
    public void write(ByteBuffer bytes) throws IOException {
        write(new ByteBuffer[] {bytes}, 1);
    }

    /** Writes all of several buffers (after any answers kept back), blocking, within {@code writeTimeout}. */
    public void write(ByteBuffer[] buffers, int count) throws IOException {
        if (held != null && held.position() > 0) {
            ByteBuffer[] all = new ByteBuffer[count + 1];
            all[0] = held.flip();
            System.arraycopy(buffers, 0, all, 1, count);
            writeNow(all, count + 1);
            held.clear();
        } else {
            writeNow(buffers, count);
        }
    }

    private void writeNow(ByteBuffer[] buffers, int count) throws IOException {
        long remaining = 0;
        for (int i = 0; i < count; i++) {
            remaining += buffers[i].remaining();
        }
        guard.deadlineIn(timeouts.writeNanos());
        try {
            while (remaining > 0) {
                remaining -= channel.write(buffers, 0, count);
            }
        } finally {
            guard.clearDeadline();
        }
    }

    /** Asks for the connection to close once the current response is complete. */
    public void closeAfterResponse() {
        closeAfterResponse = true;
    }

    boolean closesAfterResponse() {
        return closeAfterResponse;
    }

    /** Whether the current request has a body nobody read: the next request cannot be found after it. */
    boolean bodyUnread() {
        return !bodyConsumed;
    }

    /**
     * Gives the channel away: no deadline applies any more, this thread will not close it, and the new
     * owner releases the connection slot ({@link ConnectionLimiter#release()}) when it closes it.
     */
    public SocketChannel handOver() throws IOException {
        flushHeld();
        handedOver = true;
        guard.clearDeadline();
        watchdog.release(guard);
        releaseBuffers();
        return channel;
    }

    /**
     * Closes in stages (RFC 9112 section 9.6): sends FIN after the last answer, then reads and discards what
     * the client still sends until it closes too, for {@link #LINGER_NANOS} and {@link #LINGER_MAX_BYTES} at
     * most. Closing at once with unread bytes would make the kernel send a reset, which can destroy the last
     * answer before the client has read it (a 413 to an upload, a 405 with a pipelined request behind it).
     */
    private void linger() {
        try {
            channel.shutdownOutput();
            guard.deadlineIn(LINGER_NANOS);     // the watchdog closes the channel of a client that never does
            long discarded = 0;
            while (discarded < LINGER_MAX_BYTES) {
                in.clear();
                int n = channel.read(in);
                if (n < 0) {
                    break;
                }
                discarded += n;
            }
            guard.clearDeadline();
        } catch (IOException e) {
            // the client reset the connection, or did not close it in time: the answer went out before either
        }
        in.clear().flip();
    }

    private void releaseBuffers() {
        if (buffers != null) {
            response.detach();
            pool.give(buffers);
            buffers = null;
        }
    }

    private void close() {
        if (!guard.expired()) {
            try {
                flushHeld();                // answers to the last pipelined requests
                if (serverCloses) {
                    linger();
                }
            } catch (IOException e) {
                LOG.log(Level.DEBUG, "connection ended before its last answers: " + e);
            }
        }
        watchdog.release(guard);
        releaseBuffers();
        try {
            channel.close();
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "closing connection", e);
        }
        limiter.release();
    }
}
