package herald.server.transport;

import herald.protocol.http1.HttpLimits;
import herald.protocol.http2.Http2Limits;
import herald.server.exchange.Client;
import herald.server.exchange.Permit;
import herald.server.health.MemoryBudget;
import herald.server.health.Supervisor;
import herald.server.metrics.Metrics;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link Connection#task}: what the accept thread makes for a connection. Making it sets nothing up (no pooled
 * buffers, no watchdog registration); running it, on the connection's own thread, does, and takes a pooled set
 * only once the client's first bytes arrive; a set-up that fails closes the socket and gives the permit back.
 */
class ConnectionTaskTest {
    private final Supervisor supervisor = new Supervisor(failure -> { });
    private final Watchdog watchdog = new Watchdog(50, supervisor);
    private final BufferPool pool = new BufferPool(HttpLimits.DEFAULTS, 4);
    private final Connection.Shared shared = new Connection.Shared(
            exchange -> exchange.response().text(200, "ok"), HttpLimits.DEFAULTS,
            Connection.Timeouts.ofMillis(5_000, 5_000, 5_000, 5_000), watchdog, new Metrics(), new DateHeader(),
            pool, new MemoryBudget("maxInflightBodyBytes", 1 << 20), supervisor,
            new ForwardedClients(Networks.NONE), new Http2Sessions(Http2Limits.DEFAULTS, false, new Metrics()));
    private final AtomicInteger releases = new AtomicInteger();

    @AfterEach
    void stop() {
        watchdog.close();
    }

    @Test
    void shouldTakeNoPooledBuffersWhenMadeAndServeAndGiveThemBackWhenRun() throws Exception {
        BufferPool.Buffers pooled = pool.take();
        pool.give(pooled);
        try (ServerSocketChannel server = listen(); Socket client = connect(server)) {
            SocketChannel channel = server.accept();
            Runnable task = Connection.task(channel, permit(), shared, null);
            assertSame(pooled, pool.take(), "making the task took nothing from the pool");
            pool.give(pooled);

            client.getOutputStream().write("GET /x HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            Thread thread = Thread.ofVirtual().start(task);
            client.setSoTimeout(5_000);
            String answer = readAll(client.getInputStream());
            client.shutdownOutput();                    // ends the server's linger at once
            thread.join(5_000);
            assertFalse(thread.isAlive(), "the connection's thread ended");
            assertTrue(answer.startsWith("HTTP/1.1 200 "), answer);
            assertTrue(answer.endsWith("\r\n\r\nok\n"), answer);
            assertEquals(1, releases.get(), "the permit was released once");
            assertFalse(channel.isOpen());
            assertSame(pooled, pool.take(), "the connection gave its pooled set back");
        }
    }

    @Test
    void shouldTakeAPooledSetOnlyOnceTheClientsFirstBytesArrive() throws Exception {
        BufferPool.Buffers pooled = pool.take();
        pool.give(pooled);
        try (ServerSocketChannel server = listen(); Socket client = connect(server)) {
            Thread thread = Thread.ofVirtual().start(Connection.task(server.accept(), permit(), shared, null));
            for (int i = 0; i < 500 && thread.getState() != Thread.State.WAITING; i++) {
                Thread.sleep(10);
            }
            assertEquals(Thread.State.WAITING, thread.getState(), "the connection waits for its client");
            assertSame(pooled, pool.take(), "a connection that has read nothing holds no pooled set");
            pool.give(pooled);

            client.getOutputStream().write("GET /x HTTP/1.1\r\nHost: a\r\n".getBytes(StandardCharsets.US_ASCII));
            client.getOutputStream().write("Connection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            client.setSoTimeout(5_000);
            String answer = readAll(client.getInputStream());
            client.shutdownOutput();
            thread.join(5_000);
            assertTrue(answer.startsWith("HTTP/1.1 200 ") && answer.endsWith("\r\n\r\nok\n"), answer);
            assertSame(pooled, pool.take(), "the set went back when the connection ended");
        }
    }

    @Test
    void shouldCloseTheSocketAndReleaseThePermitWhenTheSetUpFails() throws Exception {
        try (ServerSocketChannel server = listen(); Socket client = connect(server)) {
            SocketChannel channel = server.accept();
            channel.close();                            // TCP_NODELAY, the first step of the set-up, fails
            Connection.task(channel, permit(), shared, null).run();
            assertEquals(1, releases.get(), "the permit was released");
            assertFalse(channel.isOpen());
            client.setSoTimeout(5_000);
            assertEquals(-1, client.getInputStream().read(), "the client sees the close, and no answer");
        }
    }

    private Permit permit() {
        return new Permit(Client.of(InetAddress.getLoopbackAddress()), releases::incrementAndGet);
    }

    private static ServerSocketChannel listen() throws IOException {
        return ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    }

    private static Socket connect(ServerSocketChannel server) throws IOException {
        return new Socket(InetAddress.getLoopbackAddress(), ((InetSocketAddress) server.getLocalAddress()).getPort());
    }

    private static String readAll(InputStream in) throws IOException {
        return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
    }
}
