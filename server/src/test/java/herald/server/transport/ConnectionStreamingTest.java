package herald.server.transport;

import herald.protocol.http1.HttpLimits;
import herald.protocol.http2.Http2Limits;
import herald.server.exchange.Client;
import herald.server.exchange.Exchange;
import herald.server.exchange.Permit;
import herald.server.health.MemoryBudget;
import herald.server.health.Supervisor;
import herald.server.metrics.Metrics;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link Connection#streaming}: a request-scoped stream whose request is read and whose head is out gives the
 * connection's pooled set back for as long as it writes, unless the client's next bytes are already in it or the
 * body is unread; the next request takes a set again, and a connection that closes after such a stream still
 * lingers (reads what the client sends until it closes), so that its answer is not destroyed by a reset.
 */
class ConnectionStreamingTest {
    private static final String STREAM_CLOSE = "POST /stream HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n"
            + "Connection: close\r\n\r\n{}";
    private static final String STREAM = "POST /stream HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n\r\n{}";
    private static final String NEXT = "GET /x HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n";

    private final Supervisor supervisor = new Supervisor(failure -> { });
    private final Watchdog watchdog = new Watchdog(50, supervisor);
    private final BufferPool pool = new BufferPool(HttpLimits.DEFAULTS, 4);
    private final BufferPool.Buffers pooled = pool.take();   // the one set the pool holds when a test starts
    private final AtomicReference<Boolean> gaveBack = new AtomicReference<>();
    private final AtomicReference<BufferPool.Buffers> poolHeldWhileStreaming = new AtomicReference<>();
    private final CountDownLatch clientSentMore = new CountDownLatch(1);
    private volatile boolean readBodyFirst = true;
    private volatile boolean waitForClient;

    ConnectionStreamingTest() {
        pool.give(pooled);
    }

    @AfterEach
    void stop() {
        watchdog.close();
    }

    /** POST /stream: a chunked (or, on a closing connection, close-delimited) stream of one event; else "ok". */
    private void handle(Exchange exchange) throws IOException {
        if (!exchange.head().path().equals("/stream")) {
            exchange.response().text(200, "ok");
            return;
        }
        if (readBodyFirst) {
            exchange.readBody();
        }
        boolean chunked = exchange.head().keepAlive();
        var response = exchange.response().begin(200).header("Content-Type", "text/event-stream");
        if (chunked) {
            response.sendChunkedStreamHead();
        } else {
            response.sendStreamHead(new byte[0]);
        }
        gaveBack.set(exchange.streaming());
        BufferPool.Buffers held = pool.take();       // what the pool holds now, given back at once
        poolHeldWhileStreaming.set(held);
        pool.give(held);
        if (waitForClient) {
            try {
                assertTrue(clientSentMore.await(5, TimeUnit.SECONDS));
            } catch (InterruptedException e) {
                throw new IOException(e);
            }
        }
        String event = "data: token 1\n\n";
        String body = chunked ? Integer.toHexString(event.length()) + "\r\n" + event + "\r\n0\r\n\r\n" : event;
        exchange.write(new ByteBuffer[] {ByteBuffer.wrap(body.getBytes(StandardCharsets.US_ASCII))}, 1);
    }

    @Test
    void shouldGiveThePooledSetBackWhileAStreamWritesAndTakeOneForTheNextRequest() throws Exception {
        try (ServerSocketChannel server = listen(); Socket client = connect(server)) {
            Thread thread = Thread.ofVirtual().start(Connection.task(server.accept(), permit(), shared(), null));
            client.setSoTimeout(5_000);
            OutputStream out = client.getOutputStream();
            out.write(ascii(STREAM));
            String stream = readUntil(client.getInputStream(), "0\r\n\r\n");
            assertTrue(stream.startsWith("HTTP/1.1 200 ") && stream.contains("data: token 1\n\n"), stream);
            assertEquals(Boolean.TRUE, gaveBack.get());
            assertSame(pooled, poolHeldWhileStreaming.get(), "the stream's set was back in the pool while it wrote");

            out.write(ascii(NEXT));                         // the same connection, a set taken again
            String next = new String(client.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            client.shutdownOutput();
            thread.join(5_000);
            assertFalse(thread.isAlive());
            assertTrue(next.startsWith("HTTP/1.1 200 ") && next.endsWith("\r\n\r\nok\n"), next);
            assertSame(pooled, pool.take(), "and given back when the connection ended");
        }
    }

    @Test
    void shouldKeepTheSetWhileTheClientsNextRequestIsBufferedInIt() throws Exception {
        try (ServerSocketChannel server = listen(); Socket client = connect(server)) {
            Thread thread = Thread.ofVirtual().start(Connection.task(server.accept(), permit(), shared(), null));
            client.setSoTimeout(5_000);
            client.getOutputStream().write(ascii(STREAM + NEXT));     // pipelined: read with the first
            String answers = new String(client.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            client.shutdownOutput();
            thread.join(5_000);
            assertEquals(Boolean.FALSE, gaveBack.get());
            assertNotSame(pooled, poolHeldWhileStreaming.get(), "the stream kept its set");
            assertTrue(answers.contains("data: token 1\n\n\r\n0\r\n\r\nHTTP/1.1 200 "), answers);
            assertTrue(answers.endsWith("\r\n\r\nok\n"), "the pipelined request was answered: " + answers);
        }
    }

    @Test
    void shouldKeepTheSetWhileTheBodyIsUnread() throws Exception {
        readBodyFirst = false;
        try (ServerSocketChannel server = listen(); Socket client = connect(server)) {
            Thread thread = Thread.ofVirtual().start(Connection.task(server.accept(), permit(), shared(), null));
            client.setSoTimeout(5_000);
            client.getOutputStream().write(ascii(STREAM_CLOSE));
            String answer = new String(client.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            client.shutdownOutput();
            thread.join(5_000);
            assertEquals(Boolean.FALSE, gaveBack.get());
            assertNotSame(pooled, poolHeldWhileStreaming.get());
            assertTrue(answer.endsWith("\r\n\r\ndata: token 1\n\n"), answer);
        }
    }

    @Test
    void shouldLingerAfterAStreamThatGaveItsSetBackSoThatLateClientBytesCauseNoReset() throws Exception {
        waitForClient = true;
        try (ServerSocketChannel server = listen(); Socket client = connect(server)) {
            Thread thread = Thread.ofVirtual().start(Connection.task(server.accept(), permit(), shared(), null));
            client.setSoTimeout(5_000);
            OutputStream out = client.getOutputStream();
            out.write(ascii(STREAM_CLOSE));
            readUntil(client.getInputStream(), "\r\n\r\n");            // the head: the stream has its set back
            out.write(new byte[64 * 1024]);                             // bytes the server never reads as a request
            out.flush();
            clientSentMore.countDown();         // unread bytes at a plain close would make the kernel reset
            client.shutdownOutput();            // a lingering close reads them, and this end, first
            thread.join(5_000);
            assertFalse(thread.isAlive());
            assertEquals(Boolean.TRUE, gaveBack.get());
            String rest = new String(client.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            assertEquals("data: token 1\n\n", rest, "the whole answer arrived, then the end, and no reset");
        }
    }

    private Connection.Shared shared() {
        return new Connection.Shared(this::handle, HttpLimits.DEFAULTS,
                Connection.Timeouts.ofMillis(5_000, 5_000, 5_000, 5_000), watchdog, new Metrics(), new DateHeader(),
                pool, new MemoryBudget("maxInflightBodyBytes", 1 << 20), supervisor,
                new ForwardedClients(Networks.NONE), new Http2Sessions(Http2Limits.DEFAULTS, false, new Metrics()));
    }

    private static Permit permit() {
        return new Permit(Client.of(InetAddress.getLoopbackAddress()), () -> { });
    }

    private static ServerSocketChannel listen() throws IOException {
        return ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    }

    private static Socket connect(ServerSocketChannel server) throws IOException {
        return new Socket(InetAddress.getLoopbackAddress(), ((InetSocketAddress) server.getLocalAddress()).getPort());
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** Reads byte by byte until {@code end} (the stream's last chunk, or the end of a head). */
    private static String readUntil(InputStream in, String end) throws IOException {
        StringBuilder s = new StringBuilder();
        while (!s.toString().endsWith(end)) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            s.append((char) b);
        }
        return s.toString();
    }
}
