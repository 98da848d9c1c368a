package herald.server.transport;

import herald.server.exchange.Client;
import herald.server.exchange.Permit;
import herald.server.health.Supervisor;
import herald.server.metrics.Metrics;
import herald.server.metrics.Metrics.Rejection;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadFactory;
import java.util.function.Consumer;

/**
 * Accepts connections on one platform thread and starts a virtual thread for each. Over
 * {@code maxConnections} a connection gets a {@code 503} with {@code Retry-After} and is closed; over its
 * address's connect rate or connections at once ({@link PeerLimits}), a {@code 429} with {@code Retry-After}.
 * The refusal is written without blocking (a fresh socket has room for it), what the client already sent is
 * drained without blocking so that the close is a FIN rather than a reset that could destroy the answer, and
 * each is counted in {@code herald_rejected_requests_total{reason}}. An error
 * (such as running out of file descriptors) never ends the accept loop: it is logged at most once a second
 * and accepting resumes after a short pause.
 */
public final class Listener implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Listener.class.getName());
    private static final byte[] OVER_CAPACITY = refusal("503 Service Unavailable", 5,
            "over capacity: maxConnections reached");
    private static final byte[] OVER_PER_IP = refusal("429 Too Many Requests", 5,
            "too many connections from this address: maxConnectionsPerIp reached");
    private static final byte[] OVER_CONNECT_RATE = refusal("429 Too Many Requests", 1,
            "too many new connections from this address: connectRatePerIp reached");
    private static final int DRAIN_BYTES = 4_096;

    private static byte[] refusal(String status, int retryAfterSeconds, String reason) {
        String body = reason + "\n";
        return ("HTTP/1.1 " + status + "\r\nRetry-After: " + retryAfterSeconds
                + "\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: " + body.length()
                + "\r\nConnection: close\r\n\r\n" + body).getBytes(StandardCharsets.US_ASCII);
    }

    private final ServerSocketChannel server;
    private final ConnectionLimiter limiter;
    private final PeerLimits peers;
    private final Consumer<InetAddress> releasePeer;       // one for all permits
    private final ByteBuffer drain = ByteBuffer.allocate(DRAIN_BYTES);    // the accept thread's only
    private final Metrics metrics;
    private final Supervisor supervisor;
    private final ConnectionFactory connections;
    private final ThreadFactory connectionThreads = Thread.ofVirtual().name("herald-conn").factory();
    private final Thread thread;
    private volatile boolean running = true;
    private volatile boolean closing;
    private long lastErrorLogMillis;
    private final boolean tls;

    /**
     * @param tls whether the port speaks TLS: a connection refused at accept is then closed without the text
     *            answer, which a TLS client could not read before a handshake (it sees a failed handshake and
     *            retries later)
     */
    public Listener(InetSocketAddress address, int backlog, ConnectionLimiter limiter, PeerLimits peers,
                    Metrics metrics, Supervisor supervisor, boolean tls, ConnectionFactory connections)
            throws IOException {
        this.tls = tls;
        this.limiter = limiter;
        this.peers = peers;
        this.releasePeer = peers::release;
        this.supervisor = supervisor;
        this.metrics = metrics;
        this.connections = connections;
        this.server = ServerSocketChannel.open();
        server.setOption(StandardSocketOptions.SO_REUSEADDR, true);
        server.bind(address, backlog);
        this.thread = Thread.ofPlatform().name("herald-accept")
                .uncaughtExceptionHandler(supervisor.uncaughtHandler()).unstarted(this::loop);
        thread.start();
    }

    /**
     * Makes the task that serves one accepted connection, which owns the channel and the permit from then on.
     * Called on the accept thread, so it should do no more than allocate the task: the connection's set-up
     * belongs in the task, on the connection's own thread ({@link Connection#task}).
     */
    @FunctionalInterface
    public interface ConnectionFactory {
        Runnable create(SocketChannel channel, Permit permit);
    }

    public int port() {
        try {
            return ((InetSocketAddress) server.getLocalAddress()).getPort();
        } catch (IOException e) {
            throw new IllegalStateException("listener is closed", e);
        }
    }

    private void loop() {
        while (running) {
            try {
                acceptOne();
            } catch (OutOfMemoryError e) {
                supervisor.outOfMemory("herald-accept", e);     // survive: memory may come back
            }
        }
        if (!closing) {
            supervisor.fatal("herald-accept", new IllegalStateException("the listening socket closed"));
        }
    }

    /** Accepts one connection and starts its thread, or refuses it. */
    private void acceptOne() {
        SocketChannel channel;
        try {
            channel = server.accept();
        } catch (ClosedChannelException e) {
            running = false;
            return;
        } catch (IOException | RuntimeException e) {
            logThrottled(e);
            pause();
            return;
        }
        metrics.connectionsAccepted.increment();
        Client client;
        try {
            client = Client.of(((InetSocketAddress) channel.getRemoteAddress()).getAddress());
        } catch (IOException e) {                // gone already
            closeQuietly(channel);
            return;
        }
        InetAddress peer = client.address();
        boolean counted = peers.counts(peer);
        Rejection refused = peers.admit(peer, counted, System.nanoTime());
        if (refused != null) {
            refuse(channel, refused);
            return;
        }
        Permit permit = limiter.tryAcquire(client, counted ? releasePeer : null);
        if (permit == null) {
            if (counted) {
                peers.release(peer);
            }
            refuse(channel, Rejection.MAX_CONNECTIONS);
            return;
        }
        boolean started = false;
        try {
            connectionThreads.newThread(connections.create(channel, permit)).start();
            started = true;
        } catch (RuntimeException e) {
            logThrottled(e);
        } finally {
            if (!started) {                     // also when out of memory: the slot and socket are not lost
                closeQuietly(channel);
                permit.release();
            }
        }
    }

    private void refuse(SocketChannel channel, Rejection reason) {
        metrics.connectionsRejected.increment();
        metrics.recordRejection(reason);
        metrics.recordError(reason == Rejection.MAX_CONNECTIONS ? 503 : 429);
        byte[] answer = switch (reason) {
            case MAX_CONNECTIONS -> OVER_CAPACITY;
            case MAX_CONNECTIONS_PER_IP -> OVER_PER_IP;
            case CONNECT_RATE -> OVER_CONNECT_RATE;
            case PUBLISH_RATE -> throw new IllegalArgumentException("not an accept-time refusal: " + reason);
        };
        try {
            channel.configureBlocking(false);
            channel.read(drain.clear());            // unread bytes at close would send a reset instead of a FIN
            if (!tls) {
                channel.write(ByteBuffer.wrap(answer));   // best effort: a fresh socket has room for it
            }
            channel.shutdownOutput();
            channel.read(drain.clear());
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "refusing connection", e);
        }
        closeQuietly(channel);
    }

    private void logThrottled(Exception e) {
        long now = System.currentTimeMillis();
        if (now - lastErrorLogMillis >= 1_000) {
            lastErrorLogMillis = now;
            LOG.log(Level.WARNING, "accept failed, continuing: " + e);
        }
    }

    private static void pause() {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(SocketChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "closing socket", e);
        }
    }

    /** Stops accepting; open connections are not touched. */
    @Override
    public void close() {
        closing = true;
        running = false;
        try {
            server.close();
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "closing listener", e);
        }
        try {
            thread.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
