package herald.server.transport;

// Longer than ~300 lines on purpose: the request loop, pipelined answers, body reading and the staged close share
// the read buffer, the watchdog guard and the permit; split, they would pass all of them around.

import herald.protocol.http1.BodyDecoder;
import herald.protocol.http1.HttpException;
import herald.protocol.http1.HttpLimits;
import herald.protocol.http1.RequestHead;
import herald.protocol.http1.RequestParser;
import herald.protocol.http2.ConnectionPreface;
import herald.server.broker.Broker;
import herald.server.broker.Subscription;
import herald.server.exchange.Client;
import herald.server.exchange.Exchange;
import herald.server.exchange.Permit;
import herald.server.health.MemoryBudget;
import herald.server.health.Supervisor;
import herald.server.metrics.Metrics;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.GatheringByteChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * One HTTP/1.1 connection, served by its own virtual thread with blocking reads and writes: parse a request,
 * hand it to the {@link RequestHandler} as an {@link Exchange}, repeat while the connection is persistent
 * (pipelined requests included). Every blocking call has a deadline enforced by the {@link Watchdog}: the whole request head
 * within {@code headTimeout}, the next request within {@code idleTimeout}, a body within
 * {@code bodyTimeout}, each write within {@code writeTimeout}.
 *
 * <p>A handler that turns the connection into a broker stream calls {@link #attach}: the channel then
 * belongs to the broker and this thread ends without closing it. The connection's {@link Permit} is released
 * exactly once, by whoever ends the connection.
 */
public final class Connection implements Runnable, Exchange {
    private static final System.Logger LOG = System.getLogger(Connection.class.getName());
    /** Answers to pipelined requests kept back to go out in one write, at most. */
    private static final int MAX_HELD_BYTES = 16_384;
    /** How long, and how many bytes, a closing connection keeps reading what the client still sends. */
    private static final long LINGER_NANOS = TimeUnit.SECONDS.toNanos(2);
    private static final long LINGER_MAX_BYTES = 1L << 20;
    /**
     * What a connection reads its first bytes into before it takes a pooled set: enough for a short request head,
     * and little for a connection whose client has not sent anything yet.
     */
    private static final int FIRST_READ_BYTES = 256;
    /** The first buffer of a request body; it doubles as bytes arrive. */
    private static final int FIRST_BODY_BUFFER_BYTES = 8_192;

    /** Timeouts of one connection's blocking calls. */
    public record Timeouts(long headNanos, long idleNanos, long bodyNanos, long writeNanos) {
        public static Timeouts ofMillis(long head, long idle, long body, long write) {
            return new Timeouts(TimeUnit.MILLISECONDS.toNanos(head), TimeUnit.MILLISECONDS.toNanos(idle),
                    TimeUnit.MILLISECONDS.toNanos(body), TimeUnit.MILLISECONDS.toNanos(write));
        }
    }

    private final SocketChannel channel;
    private final ReadableByteChannel reader;     // the socket itself, or its TLS channel
    private final GatheringByteChannel writer;
    private final TlsChannel tls;                 // null on a plain connection
    private final RequestHandler handler;
    private final HttpLimits limits;
    private final Timeouts timeouts;
    private final Watchdog watchdog;
    private final Watchdog.Guarded guard;
    private final Permit permit;
    private final Metrics metrics;
    private final MemoryBudget bodies;
    private final Supervisor supervisor;
    private final BufferPool pool;
    private BufferPool.Buffers buffers;           // request-phase state, from the pool; null before the first
                                                  // bytes arrive and once given back
    private RequestParser parser;                 // the pooled set's, from the first bytes on
    private ByteBuffer in;
    private ByteBuffer held;                      // answers kept back while pipelined requests wait in `in`
    private final ResponseWriter response;
    private RequestHead head;
    private boolean bodyConsumed;
    private boolean continueSent;
    private boolean closeAfterResponse;
    private boolean handedOver;
    private boolean serverCloses;                 // the server ends the connection while the client may still send
    private boolean answeredWithoutBuffers;       // the current answer streams after its pooled set went back
    private long bodyBytesReserved;               // of the in-flight body budget, for the current request
    private final ForwardedClients proxies;
    private final Shared shared;
    private Client requestClient;                 // the current request's client, resolved on first use

    /** What every connection of a server shares. */
    public record Shared(RequestHandler handler, HttpLimits limits, Timeouts timeouts, Watchdog watchdog,
                         Metrics metrics, DateHeader date, BufferPool pool,
                         MemoryBudget bodies, Supervisor supervisor, ForwardedClients proxies,
                         Http2Sessions h2) {
    }

    public Connection(SocketChannel channel, Permit permit, Shared shared) {
        this(channel, permit, shared, (TlsChannel) null);
    }

    /**
     * The task that serves one accepted connection on its own thread (plain, or TLS with {@code tls}'s identity
     * when not null). The connection is set up there — {@code TCP_NODELAY}, its pooled buffers, its watchdog
     * registration, its response writer, its TLS engine — so that the accept thread only accepts, admits and
     * starts threads. The pooled buffers are taken later still, when the client's first bytes arrive. If the
     * set-up fails (out of memory, a socket already gone), the socket is closed and the permit released.
     */
    public static Runnable task(SocketChannel channel, Permit permit, Shared shared, TlsContext tls) {
        return () -> {
            Connection connection;
            try {
                channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
                connection = tls == null ? new Connection(channel, permit, shared)
                        : new Connection(channel, permit, shared, tls);
            } catch (IOException | RuntimeException | OutOfMemoryError e) {
                try {
                    channel.close();
                } catch (IOException closing) {
                    LOG.log(Level.DEBUG, "closing connection", closing);
                }
                permit.release();
                if (e instanceof OutOfMemoryError oom) {
                    shared.supervisor().outOfMemory("connection", oom);
                } else {
                    LOG.log(Level.DEBUG, "connection not set up: " + e);
                }
                return;
            }
            connection.run();
        };
    }

    /** A connection speaking TLS with {@code tls}'s identity ({@link TlsChannel}); the handshake runs on its thread. */
    public Connection(SocketChannel channel, Permit permit, Shared shared, TlsContext tls) {
        this(channel, permit, shared, new TlsChannel(channel, tls, shared.metrics()));
    }

    private Connection(SocketChannel channel, Permit permit, Shared shared, TlsChannel tls) {
        this.channel = channel;
        this.tls = tls;
        this.reader = tls == null ? channel : tls;
        this.writer = tls == null ? channel : tls;
        this.permit = permit;
        this.handler = shared.handler();
        this.limits = shared.limits();
        this.timeouts = shared.timeouts();
        this.watchdog = shared.watchdog();
        this.metrics = shared.metrics();
        this.bodies = shared.bodies();
        this.supervisor = shared.supervisor();
        this.proxies = shared.proxies();
        this.shared = shared;
        BufferPool pool = shared.pool();
        DateHeader date = shared.date();
        this.pool = pool;
        this.response = new ResponseWriter(this, date);
        this.guard = watchdog.guard(channel);     // last: a set-up that failed before leaves nothing watched
    }

    @Override
    public void run() {
        try {
            Http2Sessions h2 = shared.h2();
            if (h2 != null && (tls != null ? h2.tlsH2() : h2.h2c()) && startsHttp2()) {
                handOverToHttp2(h2);
                return;
            }
            boolean first = true;
            while (true) {
                response.reset(null);                   // an error before the next head is that request's
                head = readHead(first);
                if (head == null) {
                    return;
                }
                first = false;
                requestClient = null;
                metrics.requests.increment();
                bodyConsumed = !head.hasBody();
                continueSent = false;
                closeAfterResponse = !head.keepAlive();
                response.reset(head);
                try {
                    handler.handle(this);
                } catch (HttpException e) {
                    if (response.started()) {
                        throw e;
                    }
                    metrics.recordError(e.status());
                    response.error(e, !bodyConsumed);   // a refused request keeps the connection if it can
                } finally {
                    releaseBodyBudget();                // the handler is done with its body
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
        } catch (OutOfMemoryError e) {
            supervisor.outOfMemory("connection", e);
            if (buffers != null && !response.started()) {
                refuse(HttpException.retryLater(503, "server out of memory", 5));
                serverCloses = true;
            }
        } finally {
            releaseBodyBudget();
            if (!handedOver) {
                close();
            }
        }
    }

    /**
     * Reads the connection's first bytes until they tell HTTP/2 from HTTP/1.1, within the head deadline: on TLS, the
     * protocol ALPN chose (the handshake runs inside the first read); on a plain port, the HTTP/2 connection preface
     * (RFC 9113 section 3.4, h2c with prior knowledge). The bytes read stay in {@code in} for either protocol.
     */
    private boolean startsHttp2() throws IOException {
        guard.phase(Watchdog.Phase.IDLE, timeouts.headNanos());
        if (buffers == null && !readFirstBytes()) {
            return false;                   // closed before sending anything: the HTTP/1.1 path sees the end too
        }
        while (true) {
            if (tls != null) {
                String protocol = tls.applicationProtocol();
                if (protocol != null && in.hasRemaining()) {
                    return "h2".equals(protocol);
                }
            } else {
                ConnectionPreface.Detection detection = ConnectionPreface.detect(in);
                if (detection != ConnectionPreface.Detection.PARTIAL) {
                    return detection == ConnectionPreface.Detection.MATCH;
                }
                if (in.hasRemaining() && guard.currentPhase() != Watchdog.Phase.HEAD) {
                    guard.phase(Watchdog.Phase.HEAD, timeouts.headNanos());   // from the first byte, once
                }
            }
            in.compact();
            int n;
            try {
                n = reader.read(in);
            } finally {
                in.flip();
            }
            if (n < 0) {
                return false;               // the HTTP/1.1 path answers what is there (a 408 after a timeout)
            }
        }
    }

    /** Serves the rest of the connection as HTTP/2 on this thread, from the bytes read so far. */
    private void handOverToHttp2(Http2Sessions h2) {
        ByteBuffer first = ByteBuffer.allocate(in.remaining()).put(in).flip();
        handedOver = true;
        guard.endPhase();
        releaseBuffers();
        new Http2Session(channel, reader, writer, tls, permit, shared, h2, guard, first).run();
    }

    /**
     * Reads the next request head. The head deadline runs from its first byte (or from the connection's
     * start for its first request, or at once for a pipelined request already buffered); flushing answers
     * kept back moves only the write deadline, never this one.
     */
    private RequestHead readHead(boolean first) throws IOException {
        boolean started = buffers != null && in.hasRemaining();
        if (started) {
            guard.phase(Watchdog.Phase.HEAD, timeouts.headNanos());
        } else {
            guard.phase(Watchdog.Phase.IDLE, first ? timeouts.headNanos() : timeouts.idleNanos());
        }
        if (buffers == null) {
            if (!readFirstBytes()) {
                return null;                // closed before sending anything
            }
            started = true;
            guard.phase(Watchdog.Phase.HEAD, timeouts.headNanos());
        }
        while (true) {
            if (in.hasRemaining()) {
                RequestHead parsed = parser.parse(in);
                if (parsed != null) {
                    guard.endPhase();
                    return parsed;
                }
            }
            flushHeld();                    // before waiting for the client: it may be waiting for these
            in.clear();
            int n = reader.read(in);
            in.flip();
            if (n < 0) {
                if (guard.headTimedOut()) {
                    throw HttpException.of(408, "request head not complete within headTimeoutMillis="
                            + TimeUnit.NANOSECONDS.toMillis(timeouts.headNanos()));
                }
                return null;                // closed between requests, or mid-head: nothing to answer
            }
            if (!started && n > 0) {
                started = true;
                guard.phase(Watchdog.Phase.HEAD, timeouts.headNanos());
            }
        }
    }

    /**
     * Waits for the client's first bytes in a small buffer of its own, then takes the pooled set and moves them
     * into its read buffer: a connection whose request is still on its way holds {@link #FIRST_READ_BYTES}, not
     * a pooled set of a few KiB (in a burst of connects, thousands wait like this at once). False at the end of
     * the stream.
     */
    private boolean readFirstBytes() throws IOException {
        ByteBuffer first = ByteBuffer.allocate(FIRST_READ_BYTES);
        int n;
        do {
            n = reader.read(first);         // a blocking read returns 0 only for a TLS record without data
        } while (n == 0);
        if (n < 0) {
            return false;
        }
        buffers = pool.take();
        parser = buffers.parser;
        in = buffers.in.clear().put(first.flip()).flip();
        response.use(buffers);
        answeredWithoutBuffers = false;
        return true;
    }

    /** Sends the error response for {@code e}, then the connection closes. */
    private void refuse(HttpException e) {
        metrics.recordError(e.status());
        if (buffers == null || response.started() || !channel.isOpen()) {
            return;
        }
        try {
            response.error(e, true);
        } catch (IOException | RuntimeException writeFailed) {
            LOG.log(Level.DEBUG, "could not send error response: " + writeFailed);
        }
    }

    // ---- the exchange, as routes see it -------------------------------------------------------------------

    @Override
    public RequestHead head() {
        return head;
    }

    /**
     * The peer (the permit's client), or, when the peer is a trusted proxy, the client its forwarding fields
     * name in this request's head ({@link ForwardedClients}). The permit keeps the peer: connection limits are
     * the peer's.
     */
    @Override
    public Client client() {
        Client client = requestClient;
        if (client == null) {
            client = proxies.resolve(permit.client(), head);
            requestClient = client;
        }
        return client;
    }

    @Override
    public ResponseWriter response() {
        return response;
    }

    /**
     * Reads the whole request body (Content-Length or chunked), at most the limits' {@code maxBodyBytes},
     * sending {@code 100 Continue} first when the client asked for it.
     *
     * @throws HttpException 413 over the limit (decided from Content-Length before reading), 400 malformed
     */
    @Override
    public byte[] readBody() throws IOException {
        if (bodyConsumed) {
            return new byte[0];
        }
        if (buffers == null) {                    // its read buffer may be another connection's by now
            throw new IOException("the request has ended: read its body during its handler call");
        }
        BodyDecoder decoder = BodyDecoder.of(head, limits);     // 413 from Content-Length, before 100 Continue
        if (head.expectsContinue() && !continueSent) {
            continueSent = true;
            write(ByteBuffer.wrap("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII)));
        }
        long maxBytes = limits.maxBodyBytes();
        long declared = head.contentLength();
        long expected = declared >= 0 ? declared : maxBytes + 1;     // the buffer never grows past this
        ByteBuffer body = allocateBody(Math.min(expected, FIRST_BODY_BUFFER_BYTES));
        guard.phase(Watchdog.Phase.BODY, timeouts.bodyNanos());
        while (true) {
            if (in.hasRemaining() || decoder.isComplete()) {
                decoder.decode(in, body);
                if (decoder.isComplete()) {
                    break;
                }
                if (!body.hasRemaining()) {
                    body = grow(body, expected);
                    continue;
                }
            }
            flushHeld();
            in.clear();
            int n = reader.read(in);
            in.flip();
            if (n < 0) {
                guard.endPhase();
                throw HttpException.badRequest("connection closed before the end of the body");
            }
        }
        guard.endPhase();
        bodyConsumed = true;
        if (body.position() == body.capacity()) {
            return body.array();                    // a Content-Length body fills its buffer exactly
        }
        byte[] bytes = new byte[body.position()];
        body.flip().get(bytes);
        return bytes;
    }

    /**
     * A body buffer grows as bytes arrive (doubling, at most to {@code expected}) instead of being allocated
     * at its declared length up front, and every byte of it is taken from the in-flight body budget first:
     * clients that declare large bodies and stall cannot hold more than they sent, nor more than the budget.
     */
    private ByteBuffer grow(ByteBuffer body, long expected) {
        long size = Math.min(Math.max(2L * body.capacity(), 1), expected);
        reserveBody(size - body.capacity());        // the old buffer is garbage once copied
        return ByteBuffer.allocate((int) size).put(body.flip());
    }

    private ByteBuffer allocateBody(long size) {
        reserveBody(size);
        return ByteBuffer.allocate((int) size);
    }

    private void reserveBody(long bytes) {
        if (!bodies.tryReserve(bytes)) {
            throw HttpException.retryLater(503, "server busy: request bodies in flight reached "
                    + bodies.name() + "=" + bodies.limit(), 1);
        }
        bodyBytesReserved += bytes;
    }

    private void releaseBodyBudget() {
        if (bodyBytesReserved > 0) {
            bodies.release(bodyBytesReserved);
            bodyBytesReserved = 0;
        }
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
    @Override
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
        guard.writeDeadlineIn(timeouts.writeNanos());
        try {
            while (remaining > 0) {
                remaining -= writer.write(buffers, 0, count);
            }
        } finally {
            guard.writeDone();
        }
    }

    /**
     * Gives the pooled set back while a handler stream writes its answer, when the request is read (body
     * included), its answer's head is sent and none of the client's next bytes are buffered: thousands of streams
     * of a few seconds each then hold no read buffers (the pool's few sets serve their starts), and the next
     * request on the connection takes a set as a new connection's first does. Otherwise the set stays.
     */
    @Override
    public boolean streaming() {
        if (buffers == null) {
            return true;
        }
        if (!bodyConsumed || !response.started() || in.hasRemaining() || held != null && held.position() > 0) {
            return false;
        }
        releaseBuffers();
        in = null;                          // the pool's now: nothing here reads or parses into it
        parser = null;
        answeredWithoutBuffers = true;
        return true;
    }

    /** Asks for the connection to close once the current response is complete. */
    @Override
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
     * Gives the channel to the broker: no deadline applies any more, this thread will not close it, and the
     * broker releases the connection's permit when it ends the stream.
     */
    @Override
    public void attach(Broker broker, Subscription subscription) throws IOException {
        flushHeld();
        handedOver = true;
        guard.endPhase();
        watchdog.release(guard);
        releaseBuffers();
        if (tls == null) {
            broker.attach(subscription, channel, permit);   // the permit is its own release action
        } else {
            broker.attach(subscription, channel, tls.sinkWriter(), permit);
        }
    }

    /**
     * Closes in stages (RFC 9112 section 9.6): sends FIN after the last answer, then reads and discards what
     * the client still sends until it closes too, for {@link #LINGER_NANOS} and {@link #LINGER_MAX_BYTES} at
     * most. Closing at once with unread bytes would make the kernel send a reset, which can destroy the last
     * answer before the client has read it (a 413 to an upload, a 405 with a pipelined request behind it).
     */
    private void linger() {
        try {
            if (tls != null) {
                closeTls();
            }
            channel.shutdownOutput();
            guard.phase(Watchdog.Phase.LINGER, LINGER_NANOS);   // the watchdog closes it if the client never does
            ByteBuffer sink = buffers != null ? in : ByteBuffer.allocate(FIRST_READ_BYTES);   // after a stream
            long discarded = 0;
            while (discarded < LINGER_MAX_BYTES) {
                sink.clear();
                int n = channel.read(sink);
                if (n < 0) {
                    break;
                }
                discarded += n;
            }
            guard.endPhase();
        } catch (IOException e) {
            // the client reset the connection, or did not close it in time: the answer went out before either
        }
        if (buffers != null) {
            in.clear().flip();
        }
    }

    /** TLS close_notify before the FIN, under a write deadline. */
    private void closeTls() throws IOException {
        guard.writeDeadlineIn(timeouts.writeNanos());
        try {
            tls.closeOutbound();
        } finally {
            guard.writeDone();
        }
    }

    private void releaseBuffers() {
        if (buffers != null) {
            response.detach();
            pool.give(buffers);
            buffers = null;
        }
    }

    private void close() {
        if (!guard.expired() || guard.headTimedOut()) {   // after a 408 the input is shut: linger ends at once
            try {
                flushHeld();                // answers to the last pipelined requests
                if (serverCloses && (buffers != null || answeredWithoutBuffers)) {   // else nothing was answered
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
        permit.release();
    }
}
