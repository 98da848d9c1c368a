package herald.server.cluster;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Herald's Redis client: one pipelined command connection, re-established in the background with exponential
 * backoff and jitter when it fails, plus dedicated connections for blocking reads ({@link #openDedicated}).
 *
 * <p><b>Guarantees.</b> {@link #call} and {@link #pipeline} never wait for a connection: while there is none they
 * fail at once with {@code UNAVAILABLE} (a publish answers 503). A command sent on a connection that then fails
 * fails with that connection's cause; its effect in Redis is unknown (callers that must not apply a command twice
 * make it idempotent or check). Every command has a deadline ({@code commandTimeout}); one timer thread closes a
 * connection whose oldest command is overdue, so a write stuck on a full socket ends too.
 *
 * <p>Thread-safe: any thread may call. Today the client talks to one Redis (the URL's). Cluster slot routing and
 * {@code MOVED}/{@code ASK} redirects would sit here: a connection per master and {@link ClusterSlots#slot} per
 * command's key; a {@code MOVED} reply arrives as a {@link RedisException} with reason {@code REPLY} now.
 */
public final class RedisClient implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(RedisClient.class.getName());

    private final RedisUrl url;
    private final RedisOptions options;
    private final String name;
    private final SSLContext tls;
    private final RedisConnection.Stats stats = new RedisConnection.Stats();
    private final RedisConnection.Stats blockingStats = new RedisConnection.Stats();   // not round trips: they wait
    private final Set<RedisConnection> open = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService timer;
    private final ReentrantLock reconnectLock = new ReentrantLock();
    private final AtomicLong reconnects = new AtomicLong();
    private final AtomicLong connectFailures = new AtomicLong();
    private final AtomicLong dedicatedCount = new AtomicLong();
    private volatile RedisConnection current;
    private volatile RedisException lastFailure = RedisException.unavailable("redis not connected yet");
    private volatile boolean reconnecting;
    private volatile boolean closed;

    /**
     * @param name names the connections ({@code CLIENT SETNAME herald-<name>…}) and threads
     * @throws IllegalArgumentException when the trust store cannot be read
     */
    public RedisClient(RedisUrl url, RedisOptions options, String name) {
        this.url = url;
        this.options = options;
        this.name = name;
        this.tls = url.tls() ? tlsContext(options) : null;
        long tick = Math.max(TimeUnit.MILLISECONDS.toNanos(10), options.commandTimeout().toNanos() / 10);
        this.timer = Executors.newSingleThreadScheduledExecutor(
                r -> Thread.ofPlatform().name("herald-redis-timer-" + name).daemon().unstarted(r));
        timer.scheduleWithFixedDelay(this::expireOverdue, tick, tick, TimeUnit.NANOSECONDS);
    }

    /**
     * Connects now. When that fails, reconnection goes on in the background (with backoff) and this returns
     * false; commands fail with {@code UNAVAILABLE} until a connection is up.
     */
    public boolean start() {
        try {
            install(connect("cmd", stats));
            return true;
        } catch (RedisException e) {
            lastFailure = e;
            LOG.log(System.Logger.Level.WARNING, "redis {0}: {1}; retrying in the background", url, e.getMessage());
            scheduleReconnect();
            return false;
        }
    }

    public RedisUrl url() {
        return url;
    }

    public RedisOptions options() {
        return options;
    }

    public boolean isConnected() {
        RedisConnection connection = current;
        return connection != null && connection.isOpen();
    }

    /**
     * Runs one command and returns its reply value (see {@link RespParser} for the types).
     *
     * @throws RedisException {@code REPLY} for an error reply, {@code UNAVAILABLE} when there is no connection
     *                        (at once) or it broke, {@code TIMEOUT} after {@code commandTimeout}
     */
    public Object call(Object... args) {
        RedisConnection connection = connection();
        Object value = connection.await(connection.send(args));
        if (value instanceof RespParser.ErrorReply error) {
            throw RedisException.reply(error.message());
        }
        return value;
    }

    /**
     * Sends the commands in one write and waits for all replies. An error reply stays in its place as a
     * {@link RespParser.ErrorReply}; a failure of the connection throws.
     */
    public List<Object> pipeline(List<Object[]> commands) {
        RedisConnection connection = connection();
        List<RedisConnection.Pending> pendings = connection.sendAll(commands, options.commandTimeout().toNanos());
        List<Object> values = new ArrayList<>(pendings.size());
        for (RedisConnection.Pending pending : pendings) {
            values.add(connection.await(pending));
        }
        return values;
    }

    /** The command connection, or {@code UNAVAILABLE} at once. */
    RedisConnection connection() {
        RedisConnection connection = current;
        if (connection == null || !connection.isOpen()) {
            if (closed) {
                throw RedisException.unavailable("redis client closed");
            }
            scheduleReconnect();
            RedisException cause = connection == null ? lastFailure : connection.failure();
            throw RedisException.unavailable("redis unavailable: " + (cause == null ? "connecting" : cause.getMessage()));
        }
        return connection;
    }

    /**
     * Opens a connection of the caller's own (blocking reads): not shared, not reconnected (the caller opens
     * another). Its overdue commands are expired by this client's timer; close it when done.
     *
     * @throws RedisException {@code UNAVAILABLE} (or {@code REPLY} for a refused AUTH) when it cannot open
     */
    RedisConnection openDedicated(String role) {
        return connect(role + "-" + dedicatedCount.incrementAndGet(), blockingStats);
    }

    private RedisConnection connect(String role, RedisConnection.Stats counters) {
        if (closed) {
            throw RedisException.unavailable("redis client closed");
        }
        RedisConnection connection = RedisConnection.open(url, options, tls, name + "-" + role, open::remove, counters);
        open.add(connection);
        if (!connection.isOpen() || closed) {      // failed or closed while being added
            connection.close();
            open.remove(connection);
            throw RedisException.unavailable("redis client closed");
        }
        return connection;
    }

    private void install(RedisConnection connection) {
        current = connection;
        if (closed) {
            connection.close();
        }
    }

    private void scheduleReconnect() {
        if (closed || reconnecting) {
            return;
        }
        reconnectLock.lock();
        try {
            if (reconnecting || closed || isConnected()) {
                return;
            }
            reconnecting = true;
        } finally {
            reconnectLock.unlock();
        }
        Thread.ofVirtual().name("herald-redis-reconnect-" + name).start(this::reconnectLoop);
    }

    private void reconnectLoop() {
        Backoff backoff = new Backoff(options.reconnectMin().toNanos(), options.reconnectMax().toNanos(),
                ThreadLocalRandom.current());
        try {
            while (!closed) {
                try {
                    install(connect("cmd", stats));
                    reconnects.incrementAndGet();
                    LOG.log(System.Logger.Level.INFO, "redis {0}: connected", url);
                    return;
                } catch (RedisException e) {
                    lastFailure = e;
                    connectFailures.incrementAndGet();
                    LockSupport.parkNanos(backoff.nextDelayNanos());
                }
            }
        } finally {
            reconnecting = false;
        }
    }

    private void expireOverdue() {
        long now = System.nanoTime();
        for (RedisConnection connection : open) {
            connection.expireOverdue(now);
        }
        RedisConnection connection = current;
        if (connection != null && !connection.isOpen() && !closed) {
            scheduleReconnect();                // lost while idle: come back before the next command needs it
        }
    }

    /** Round trips completed on the command connection (blocking reads are not counted). */
    public long roundTrips() {
        return stats.roundTrips.sum();
    }

    /** Sum of round-trip times on the command connection, nanoseconds, from the call to its reply. */
    public long roundTripNanosTotal() {
        return stats.roundTripNanos.sum();
    }

    public long lastRoundTripNanos() {
        return stats.lastRoundTripNanos;
    }

    /** Writes (system calls) on the command connection: {@link #roundTrips()} per write is the batching. */
    public long writes() {
        return stats.writes.sum();
    }

    /** Connections re-established after a failure. */
    public long reconnects() {
        return reconnects.get();
    }

    /** Failed attempts to connect in the background. */
    public long connectFailures() {
        return connectFailures.get();
    }

    @Override
    public void close() {
        closed = true;
        timer.shutdownNow();
        for (RedisConnection connection : open) {
            connection.close();
        }
    }

    private static SSLContext tlsContext(RedisOptions options) {
        try {
            if (options.trustStore() == null) {
                return SSLContext.getDefault();
            }
            byte[] bytes = Files.readAllBytes(options.trustStore());
            KeyStore store;
            if (new String(bytes, 0, Math.min(bytes.length, 64), java.nio.charset.StandardCharsets.US_ASCII)
                    .contains("-----BEGIN")) {
                store = KeyStore.getInstance(KeyStore.getDefaultType());
                store.load(null, null);
                int i = 0;
                try (InputStream in = new ByteArrayInputStream(bytes)) {
                    for (Certificate certificate : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                        store.setCertificateEntry("redis-" + i++, certificate);
                    }
                }
                if (i == 0) {
                    throw new IllegalArgumentException("redis trust store " + options.trustStore()
                            + " holds no certificate");
                }
            } else {
                store = KeyStore.getInstance("PKCS12");
                String password = options.trustStorePassword();
                store.load(new ByteArrayInputStream(bytes), password == null ? new char[0] : password.toCharArray());
            }
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(store);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("redis trust store " + options.trustStore() + " unreadable: "
                    + e.getMessage());
        }
    }
}
