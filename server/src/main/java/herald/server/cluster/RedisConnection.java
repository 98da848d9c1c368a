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
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * One connection to Redis, pipelined: any number of threads {@link #send} commands, which are written in the
 * order they take the write lock and answered in that order; one reader thread parses replies as they arrive and
 * completes the oldest pending command with each. Many commands are in flight at once; {@link #sendAll} writes a
 * batch with one system call.
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

    private final String name;
    private final Socket socket;
    private final OutputStream out;
    private final InputStream in;
    private final RespWriter writer = new RespWriter(8 << 10);
    private final ReentrantLock writeLock = new ReentrantLock();
    private final ConcurrentLinkedQueue<Pending> inflight = new ConcurrentLinkedQueue<>();
    private final AtomicReference<RedisException> failure = new AtomicReference<>();
    private final long commandTimeoutNanos;
    private final Consumer<RedisConnection> onFailure;
    private final Stats stats;
    private volatile long clientId = -1;

    /** Round-trip counters, shared by the connections of one client. */
    static final class Stats {
        final LongAdder roundTrips = new LongAdder();
        final LongAdder roundTripNanos = new LongAdder();
        volatile long lastRoundTripNanos;
    }

    /** A command sent and not yet answered. Completes with the reply value, or exceptionally with {@link RedisException}. */
    static final class Pending extends CompletableFuture<Object> {
        final long sentNanos;
        final long deadlineNanos;

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
     * Sends one command; its reply must arrive within {@code timeoutNanos}.
     *
     * @throws RedisException {@code UNAVAILABLE} when the connection is closed or the write fails
     */
    Pending send(long timeoutNanos, Object... args) {
        writeLock.lock();
        try {
            RedisException failed = failure.get();
            if (failed != null) {
                throw failed;
            }
            writer.command(args);
            Pending pending = new Pending(System.nanoTime(), timeoutNanos);
            inflight.add(pending);
            flush();
            return pending;
        } finally {
            writer.reset();
            writeLock.unlock();
        }
    }

    /** Sends a batch in one write; the pendings are in the batch's order. */
    List<Pending> sendAll(List<Object[]> commands, long timeoutNanos) {
        List<Pending> pendings = new ArrayList<>(commands.size());
        writeLock.lock();
        try {
            RedisException failed = failure.get();
            if (failed != null) {
                throw failed;
            }
            long now = System.nanoTime();
            for (Object[] command : commands) {
                writer.command(command);
                Pending pending = new Pending(now, timeoutNanos);
                pendings.add(pending);
                inflight.add(pending);
            }
            flush();
            return pendings;
        } finally {
            writer.reset();
            writeLock.unlock();
        }
    }

    private void flush() {
        try {
            out.write(writer.buffer(), 0, writer.size());
            out.flush();
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
