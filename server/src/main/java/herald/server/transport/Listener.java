package herald.server.transport;

import herald.server.exchange.Client;
import herald.server.exchange.Permit;
import herald.server.health.Supervisor;
import herald.server.metrics.Metrics;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadFactory;

/**
 * Accepts connections on one platform thread and starts a virtual thread for each. Over
 * {@code maxConnections} a connection gets a {@code 503} with {@code Retry-After} and is closed. An error
 * (such as running out of file descriptors) never ends the accept loop: it is logged at most once a second
 * and accepting resumes after a short pause.
 */
public final class Listener implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Listener.class.getName());
    private static final String OVER_CAPACITY_REASON = "over capacity: maxConnections reached\n";
    private static final byte[] OVER_CAPACITY = ("HTTP/1.1 503 Service Unavailable\r\n"
            + "Retry-After: 5\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: "
            + OVER_CAPACITY_REASON.length() + "\r\nConnection: close\r\n\r\n" + OVER_CAPACITY_REASON)
            .getBytes(StandardCharsets.US_ASCII);

    private final ServerSocketChannel server;
    private final ConnectionLimiter limiter;
    private final Metrics metrics;
    private final Supervisor supervisor;
    private final ConnectionFactory connections;
    private final ThreadFactory connectionThreads = Thread.ofVirtual().name("herald-conn").factory();
    private final Thread thread;
    private volatile boolean running = true;
    private volatile boolean closing;
    private long lastErrorLogMillis;

    public Listener(InetSocketAddress address, int backlog, ConnectionLimiter limiter, Metrics metrics,
                    Supervisor supervisor, ConnectionFactory connections) throws IOException {
        this.limiter = limiter;
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

    /** Makes the task that serves one accepted connection, which owns the channel and the permit from then on. */
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
        Permit permit = limiter.tryAcquire(client);
        if (permit == null) {
            refuse(channel);
            return;
        }
        boolean started = false;
        try {
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            connectionThreads.newThread(connections.create(channel, permit)).start();
            started = true;
        } catch (IOException | RuntimeException e) {
            logThrottled(e);
        } finally {
            if (!started) {                     // also when out of memory: the slot and socket are not lost
                closeQuietly(channel);
                permit.release();
            }
        }
    }

    private void refuse(SocketChannel channel) {
        metrics.connectionsRejected.increment();
        metrics.recordError(503);
        try {
            channel.configureBlocking(false);
            channel.write(ByteBuffer.wrap(OVER_CAPACITY));   // best effort: a fresh socket has room for it
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
