package herald.server.cluster;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * One connection to Redis, pipelined: any number of threads {@link #send} commands, which are written in the
 * order they are queued and answered in that order; one reader thread parses replies as they arrive and completes
 * the oldest pending command with each. Many commands are in flight at once. Callers queue encoded commands; one
 * writer thread writes everything queued with one system call, so concurrent callers share writes and Redis reads
 * many commands per read.
 *
 * <p><b>Failure.</b> Any I/O error, a protocol violation, or a command past its deadline (the caller's wait, or
 * {@link #expireOverdue} from the client's timer, which also catches a write stuck on a full socket) closes the
 * connection and fails every pending command with the same {@link RedisException}; sending on a closed connection
 * fails at once. A connection is never reopened: {@link RedisClient} opens a new one.
 *
 * <p><b>Opening</b> ({@link #open}): TCP connect within {@code connectTimeout}, the TLS handshake for
 * {@code rediss://} (host name verified), then {@code AUTH}, {@code SELECT}, {@code CLIENT SETNAME} and
 * {@code CLIENT ID} pipelined, answered within {@code connectTimeout}. RESP2 throughout (no {@code HELLO 3}).
 *
 * <p>A blocking command ({@code XREAD BLOCK}) holds up every command behind it, so blocking reads get
 * connections of their own.
 */
final class RedisConnection implements AutoCloseable {
    private static final int READ_BUFFER_BYTES = 64 << 10;
    private static final int FLUSH_BYTES = 64 << 10;

    private final String name;
    private final Socket socket;
    private final OutputStream out;
    private final InputStream in;
    private final RespWriter writer = new RespWriter(8 << 10);
    private final ReentrantLock batchLock = new ReentrantLock();
    private final AtomicBoolean writerIdle = new AtomicBoolean();
    private Thread writerThread;
    private final ConcurrentLinkedQueue<Pending> inflight = new ConcurrentLinkedQueue<>();    // written, unanswered
    private final ConcurrentLinkedQueue<Pending> submitted = new ConcurrentLinkedQueue<>();   // encoded, unwritten
    private final AtomicReference<RedisException> failure = new AtomicReference<>();
    private final long commandTimeoutNanos;
    private final Consumer<RedisConnection> onFailure;
    private final Stats stats;
    private volatile long clientId = -1;

    /** Round-trip counters, shared by the connections of one client. */
    static final class Stats {
        final LongAdder roundTrips = new LongAdder();
        final LongAdder roundTripNanos = new LongAdder();
        final LongAdder writes = new LongAdder();
        volatile long lastRoundTripNanos;
    }

    /** A command sent and not yet answered. Completes with the reply value, or exceptionally with {@link RedisException}. */
    static final class Pending extends CompletableFuture<Object> {
        final long sentNanos;
        final long deadlineNanos;
        byte[] command;                        // encoded by the caller; written, then dropped, by the writer thread
        int commandLength;

        Pending(long sentNanos, long timeoutNanos) {
            this.sentNanos = sentNanos;
            this.deadlineNanos = sentNanos + timeoutNanos;
        }
    }

    private RedisConnection(String name, Socket socket, long commandTimeoutNanos, Consumer<RedisConnection> onFailure,
                            Stats stats) throws IOException {
        this.name = name;
        this.socket = socket;
        this.out = socket.getOutputStream();
        this.in = socket.getInputStream();
        this.commandTimeoutNanos = commandTimeoutNanos;
        this.onFailure = onFailure;
        this.stats = stats;
    }

    /**
     * Connects, authenticates and selects the database; ready for commands when it returns.
     *
     * @param tls       for {@code rediss://}, else null
     * @param onFailure called once, on the thread that saw it, when the connection fails or is closed
     * @throws RedisException {@code UNAVAILABLE} when Redis cannot be reached or the handshake fails,
     *                        {@code TIMEOUT} when the handshake's replies are late, {@code REPLY} when AUTH or SELECT is refused
     */
    static RedisConnection open(RedisUrl url, RedisOptions options, SSLContext tls, String name,
                                Consumer<RedisConnection> onFailure, Stats stats) {
        int connectMillis = (int) Math.min(Integer.MAX_VALUE, options.connectTimeout().toMillis());
        Socket socket = new Socket();
        RedisConnection connection;
        try {
            socket.setTcpNoDelay(true);
            socket.setKeepAlive(true);
            socket.connect(new InetSocketAddress(url.host(), url.port()), connectMillis);
            if (tls != null) {
                SSLSocket ssl = (SSLSocket) tls.getSocketFactory().createSocket(socket, url.host(), url.port(), true);
                SSLParameters parameters = ssl.getSSLParameters();
                parameters.setEndpointIdentificationAlgorithm("HTTPS");
                ssl.setSSLParameters(parameters);
                ssl.setSoTimeout(connectMillis);
                ssl.startHandshake();
                ssl.setSoTimeout(0);
                socket = ssl;
            }
            connection = new RedisConnection(name, socket, options.commandTimeout().toNanos(), onFailure, stats);
        } catch (IOException e) {
            closeQuietly(socket);
            throw RedisException.unavailable("redis " + url.host() + ":" + url.port() + " unreachable: " + describe(e));
        }
        Thread.ofPlatform().name("herald-redis-read-" + name).daemon().start(connection::readLoop);
        connection.writerThread = Thread.ofPlatform().name("herald-redis-write-" + name).daemon()
                .start(connection::writeLoop);
        connection.handshake(url, options.connectTimeout().toNanos());
        return connection;
    }

    private void handshake(RedisUrl url, long timeoutNanos) {
        List<Object[]> commands = new ArrayList<>(4);
        if (url.password() != null) {
            commands.add(url.user() == null ? new Object[] {"AUTH", url.password()}
                    : new Object[] {"AUTH", url.user(), url.password()});
        }
        if (url.database() != 0) {
            commands.add(new Object[] {"SELECT", url.database()});
        }
        commands.add(new Object[] {"CLIENT", "SETNAME", "herald-" + name});
        commands.add(new Object[] {"CLIENT", "ID"});
        try {
            List<Pending> replies = sendAll(commands, timeoutNanos);
            for (int i = 0; i < replies.size(); i++) {
                Object value = await(replies.get(i));
                if (value instanceof RespParser.ErrorReply error) {
                    String command = (String) commands.get(i)[0];
                    throw RedisException.reply("redis " + command + " refused: " + error.message());
                }
                if (i == replies.size() - 1) {
                    clientId = (Long) value;
                }
            }
        } catch (RedisException e) {
            fail(e);
            throw e;
        }
    }

    /** Redis's id of this connection ({@code CLIENT ID}), for {@code CLIENT UNBLOCK}. */
    long clientId() {
        return clientId;
    }

    String name() {
        return name;
    }

    boolean isOpen() {
        return failure.get() == null;
    }

    /** Why the connection failed or was closed, or null while it is open. */
    RedisException failure() {
        return failure.get();
    }

    /** Sends one command with the default timeout. */
    Pending send(Object... args) {
        return send(commandTimeoutNanos, args);
    }

    /**
     * Sends one command; its reply must arrive within {@code timeoutNanos}. The caller encodes it and queues it;
     * the connection's writer thread writes everything queued with one system call, so concurrent callers share
     * writes (and Redis reads many commands per read).
     *
     * @throws RedisException {@code UNAVAILABLE} at once when the connection is closed; a later failure completes
     *                        the returned pending instead
     */
    Pending send(long timeoutNanos, Object... args) {
        RedisException failed = failure.get();
        if (failed != null) {
            throw failed;
        }
        RespWriter encoder = new RespWriter(128);
        encoder.command(args);
        Pending pending = new Pending(System.nanoTime(), timeoutNanos);
        pending.command = encoder.buffer();
        pending.commandLength = encoder.size();
        submitted.add(pending);
        if (failure.get() != null) {
            drainSubmitted(failure.get());     // fail() may have drained before the add
        }
        wakeWriter();
        return pending;
    }

    /**
     * Sends a batch in one write (the writer may add other callers' commands to it); the pendings are in the
     * batch's order.
     *
     * @throws RedisException {@code UNAVAILABLE} at once when the connection is closed
     */
    List<Pending> sendAll(List<Object[]> commands, long timeoutNanos) {
        RedisException failed = failure.get();
        if (failed != null) {
            throw failed;
        }
        if (commands.isEmpty()) {
            return List.of();
        }
        RespWriter encoder = new RespWriter(128 * commands.size());
        for (Object[] command : commands) {
            encoder.command(command);
        }
        List<Pending> pendings = new ArrayList<>(commands.size());
        long now = System.nanoTime();
        for (int i = 0; i < commands.size(); i++) {
            pendings.add(new Pending(now, timeoutNanos));
        }
        Pending last = pendings.get(pendings.size() - 1);
        last.command = encoder.buffer();        // all the bytes ride on the last; the others only wait in order
        last.commandLength = encoder.size();
        batchLock.lock();                       // the batch's pendings stay together in the queue
        try {
            submitted.addAll(pendings);
        } finally {
            batchLock.unlock();
        }
        if (failure.get() != null) {
            drainSubmitted(failure.get());
        }
        wakeWriter();
        return pendings;
    }

    private void wakeWriter() {
        if (writerIdle.get() && writerIdle.compareAndSet(true, false)) {
            LockSupport.unpark(writerThread);
        }
    }

    /** The writer thread: writes what is queued, parks when nothing is. */
    private void writeLoop() {
        try {
            while (failure.get() == null) {
                Pending pending = submitted.poll();
                if (pending == null) {
                    if (writer.size() > 0) {
                        flush();
                        continue;
                    }
                    writerIdle.set(true);
                    if (submitted.isEmpty() && failure.get() == null) {
                        LockSupport.park(this);
                    }
                    writerIdle.set(false);
                    continue;
                }
                if (pending.command != null) {
                    writer.encoded(pending.command, pending.commandLength);
                    pending.command = null;
                }
                inflight.add(pending);                // in write order: replies come back in this order
                if (writer.size() >= FLUSH_BYTES) {
                    flush();
                }
            }
        } catch (RedisException e) {
            // flush() failed the connection and every pending: their callers see it in await()
        }
        RedisException cause = failure.get();
        drainSubmitted(cause);
        for (Pending pending; (pending = inflight.poll()) != null; ) {
            pending.completeExceptionally(cause);      // added after fail() drained inflight
        }
    }

    private void drainSubmitted(RedisException cause) {
        for (Pending pending; (pending = submitted.poll()) != null; ) {
            pending.completeExceptionally(cause);
        }
    }

    private void flush() {
        try {
            out.write(writer.buffer(), 0, writer.size());
            out.flush();
            writer.reset();
            stats.writes.increment();
        } catch (IOException e) {
            RedisException cause = RedisException.unavailable("redis connection " + name + " lost: " + describe(e));
            fail(cause);
            throw failure.get();
        }
    }

    /**
     * Waits for a reply until its deadline. A late reply closes the connection (a reply could still come and be
     * taken for the next command's otherwise).
     *
     * @return the value, possibly a {@link RespParser.ErrorReply} (callers decide what an error means)
     * @throws RedisException {@code TIMEOUT}, or the connection's failure
     */
    Object await(Pending pending) {
        long waitNanos = pending.deadlineNanos - System.nanoTime();
        try {
            return pending.get(Math.max(0, waitNanos), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            fail(RedisException.timeout("redis reply took longer than timeoutMillis="
                    + TimeUnit.NANOSECONDS.toMillis(pending.deadlineNanos - pending.sentNanos) + " on " + name));
            return awaitFailed(pending);
        } catch (ExecutionException e) {
            throw (RedisException) e.getCause();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw RedisException.unavailable("interrupted while waiting for redis");
        }
    }

    private static Object awaitFailed(Pending pending) {
        try {
            return pending.join();              // fail() completed it, unless the reply won the race
        } catch (java.util.concurrent.CompletionException e) {
            throw (RedisException) e.getCause();
        }
    }

    /** Closes the connection when its oldest pending command is past its deadline (the client's timer). */
    void expireOverdue(long nowNanos) {
        Pending oldest = inflight.peek();
        if (oldest != null && nowNanos - oldest.deadlineNanos > 0) {
            fail(RedisException.timeout("redis reply took longer than timeoutMillis="
                    + TimeUnit.NANOSECONDS.toMillis(oldest.deadlineNanos - oldest.sentNanos) + " on " + name));
        }
    }

    /** Commands sent and not yet answered. */
    int inflight() {
        return inflight.size();
    }

    private void readLoop() {
        RespParser parser = RespParser.withDefaultLimits();
        byte[] bytes = new byte[READ_BUFFER_BYTES];
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        try {
            while (failure.get() == null) {
                int n = in.read(bytes);
                if (n < 0) {
                    fail(RedisException.unavailable("redis closed connection " + name));
                    return;
                }
                buffer.clear().limit(n);
                while (buffer.hasRemaining()) {
                    Object value = parser.next(buffer);
                    if (value == RespParser.INCOMPLETE) {
                        break;
                    }
                    if (value instanceof RespParser.PushReply) {
                        continue;                  // out of band (RESP3 only): answers no command
                    }
                    Pending pending = inflight.poll();
                    if (pending == null) {
                        fail(RedisException.protocol("redis sent a reply no command asked for on " + name));
                        return;
                    }
                    long nanos = System.nanoTime() - pending.sentNanos;
                    stats.roundTrips.increment();
                    stats.roundTripNanos.add(nanos);
                    stats.lastRoundTripNanos = nanos;
                    pending.complete(value);
                }
            }
        } catch (RedisException e) {
            fail(e);
        } catch (IOException e) {
            fail(RedisException.unavailable("redis connection " + name + " lost: " + describe(e)));
        }
    }

    /** Closes the connection once, failing what is pending with {@code cause}. */
    void fail(RedisException cause) {
        if (!failure.compareAndSet(null, cause)) {
            return;
        }
        closeQuietly(socket);
        for (Pending pending; (pending = inflight.poll()) != null; ) {
            pending.completeExceptionally(cause);
        }
        drainSubmitted(cause);
        LockSupport.unpark(writerThread);
        onFailure.accept(this);
    }

    @Override
    public void close() {
        fail(RedisException.unavailable("redis connection " + name + " closed"));
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    static String describe(IOException e) {
        String message = e.getMessage();
        return message == null ? e.getClass().getSimpleName() : e.getClass().getSimpleName() + ": " + message;
    }
}
