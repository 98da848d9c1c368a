package herald.server;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Every phase of a connection keeps its deadline whatever the server writes in between: a pipelined answer
 * flushed before the next read does not wipe the head, body or idle deadline that was running. A connection
 * that misses the head deadline of a request it started gets {@code 408 Request Timeout}, then the close; one
 * that sent nothing at all is closed without an answer (HostileClientsIT.shouldCloseAConnectionThatSendsNothing),
 * and so is a keep-alive connection whose next request never starts (below).
 *
 * <p>The deadline under test is 300 ms and the others a minute, so only that one can end the connection; each
 * test fails, instead of hanging, once {@link #BOUND_MILLIS} have passed since the client stopped sending.
 */
class DeadlinesIT {
    private static final Duration SHORT = Duration.ofMillis(300);
    private static final Duration LONG = Duration.ofSeconds(60);
    /** How long after its last byte a connection with a 300 ms deadline may still be open. */
    private static final long BOUND_MILLIS = 3_000;
    /** A 408 earlier than this after the client's last byte came before the 300 ms deadline. */
    private static final long EARLIEST_MILLIS = 200;
    private static final String HEALTH = "GET /health HTTP/1.1\r\nHost: x\r\n\r\n";

    @Test
    void shouldAnswer408AndCloseWhenTheFirstByteOfARequestFollowsAPipelinedOne() throws Exception {
        assertPipelinedPartialHeadGets408(HEALTH + "G");
    }

    @Test
    void shouldAnswer408AndCloseWhenHeaderLinesWithoutTheirEndFollowAPipelinedRequest() throws Exception {
        assertPipelinedPartialHeadGets408(HEALTH + "GET /topics/t HTTP/1.1\r\nHost: x\r\nLast-Event-ID: 5\r\n");
    }

    @Test
    void shouldAnswer408AndCloseWhenTwoPipelinedRequestsAreFollowedByAPartialHead() throws Exception {
        try (Herald herald = start(SHORT, LONG, LONG); Socket socket = TestHttp.connect(herald.port())) {
            String sent = HEALTH + HEALTH + "GET /health HTTP/1.1\r\nHo";
            TestHttp.write(socket, sent);
            long stopped = System.nanoTime();
            assertEquals(200, TestHttp.read(socket.getInputStream(), false).status());
            assertEquals(200, TestHttp.read(socket.getInputStream(), false).status());
            assert408ThenEnd(rest(socket, stopped, sent), sent);
        }
    }

    @Test
    void shouldAnswer408AndCloseAFirstRequestWhoseHeadStopsHalfway() throws Exception {
        try (Herald herald = start(SHORT, LONG, LONG); Socket socket = TestHttp.connect(herald.port())) {
            String sent = "GET / HTTP/1.1\r\nHo";
            TestHttp.write(socket, sent);
            assert408ThenEnd(rest(socket, System.nanoTime(), sent), sent);
        }
    }

    @Test
    void shouldEnforceTheBodyTimeoutAfterAPipelinedRequest() throws Exception {
        try (Herald herald = start(LONG, LONG, SHORT); Socket socket = TestHttp.connect(herald.port())) {
            String sent = HEALTH + "POST /topics/t HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc";
            TestHttp.write(socket, sent);
            long stopped = System.nanoTime();
            assertEquals(200, TestHttp.read(socket.getInputStream(), false).status());
            Ending ending = rest(socket, stopped, sent);
            if (!ending.bytes().isEmpty()) {                // closing without an answer is as good
                assertTrue(ending.bytes().startsWith("HTTP/1.1 408 "), "only a 408 may answer a stalled body: "
                        + show(ending.bytes()));
            }
            assertEquals(0, metric(herald, "herald_events_published_total"), "the 3 of 10 bytes were published");
        }
    }

    @Test
    void shouldEnforceTheBodyTimeoutOfAFirstRequest() throws Exception {
        try (Herald herald = start(LONG, LONG, SHORT); Socket socket = TestHttp.connect(herald.port())) {
            String sent = "POST /topics/t HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc";
            TestHttp.write(socket, sent);
            Ending ending = rest(socket, System.nanoTime(), sent);
            if (!ending.bytes().isEmpty()) {
                assertTrue(ending.bytes().startsWith("HTTP/1.1 408 "), show(ending.bytes()));
            }
            assertEquals(0, metric(herald, "herald_events_published_total"));
        }
    }

    /**
     * RFC 9112 section 2.2: some clients send an extra CRLF after a POST body, and a server ignores empty lines
     * before a request line. The answer kept back behind that CRLF must not take the connection's deadline
     * with it when it goes out: the connection still ends (a 408 allowed, the CRLF being a request begun).
     */
    @Test
    void shouldCloseAConnectionWhoseRequestIsFollowedByAStrayEmptyLine() throws Exception {
        try (Herald herald = start(SHORT, SHORT, LONG); Socket socket = TestHttp.connect(herald.port())) {
            String sent = "POST /topics/t HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc\r\n";
            TestHttp.write(socket, sent);
            long stopped = System.nanoTime();
            assertEquals(202, TestHttp.read(socket.getInputStream(), false).status());
            Ending ending = rest(socket, stopped, sent);
            if (!ending.bytes().isEmpty()) {
                assertTrue(ending.bytes().startsWith("HTTP/1.1 408 "), show(ending.bytes()));
            }
            assertEquals(1, metric(herald, "herald_events_published_total"));
        }
    }

    @Test
    void shouldCloseAKeepAliveConnectionAfterAPipelinedPairWithinTheIdleTimeoutWithoutA408() throws Exception {
        try (Herald herald = start(LONG, SHORT, LONG); Socket socket = TestHttp.connect(herald.port())) {
            String sent = HEALTH + HEALTH;
            TestHttp.write(socket, sent);
            long stopped = System.nanoTime();
            assertEquals(200, TestHttp.read(socket.getInputStream(), false).status());
            assertEquals(200, TestHttp.read(socket.getInputStream(), false).status());
            Ending ending = rest(socket, stopped, sent);
            assertEquals("", ending.bytes(), "no request was started: nothing to answer");
            assertTrue(ending.millis() >= EARLIEST_MILLIS, "closed before the idle timeout: " + ending.millis() + " ms");
        }
    }

    /**
     * The answers kept back for pipelined requests go out under the write deadline, whatever phase the
     * connection is in: a client that sends many requests and reads none of the answers is closed once a write
     * has waited {@code writeTimeout}, not after the minute of the other deadlines.
     */
    @Test
    void shouldCloseAClientThatReadsNoneOfItsPipelinedAnswersWithinTheWriteTimeout() throws Exception {
        try (Herald herald = TestServer.start(b -> b.timeouts(LONG, LONG, LONG, SHORT)); Socket socket = new Socket()) {
            socket.setReceiveBufferSize(4_096);
            socket.connect(new InetSocketAddress("127.0.0.1", herald.port()), 5_000);
            int requests = 8 * 1024 * 1024 / herald.metricsText().length() + 1;  // more than the kernels buffer
            String sent = "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n".repeat(requests) + "G";
            Thread writer = Thread.ofVirtual().start(() -> {
                try {
                    TestHttp.write(socket, sent);   // may block until the server closes: not on the test's thread
                } catch (IOException e) {
                    // the server closed first
                }
            });
            long stopped = System.nanoTime();
            // The server answers about a thousand /metrics requests before its writes wait: on a loaded machine
            // that alone takes seconds. 10 s is still far from the minute of the other deadlines.
            assertTrue(TestServer.eventually(Duration.ofSeconds(10),
                    () -> metric(herald, "herald_connections") == 0), "connection still open "
                    + millisSince(stopped) + " ms after the client stopped sending: " + requests
                    + " x GET /metrics, then G, none of the answers read");
            socket.close();
            writer.join(5_000);
        }
    }

    private static void assertPipelinedPartialHeadGets408(String sent) throws IOException {
        try (Herald herald = start(SHORT, LONG, LONG); Socket socket = TestHttp.connect(herald.port())) {
            TestHttp.write(socket, sent);
            long stopped = System.nanoTime();
            TestHttp.Response health = TestHttp.read(socket.getInputStream(), false);
            assertEquals(200, health.status(), "the pipelined request is answered first");
            assert408ThenEnd(rest(socket, stopped, sent), sent);
            assertEquals(200, TestHttp.request(herald.port(), "GET", "/health", null).status());
        }
    }

    private static void assert408ThenEnd(Ending ending, String sent) throws IOException {
        if (ending.bytes().isEmpty()) {
            fail("closed " + ending.millis() + " ms after the client stopped sending, without a 408"
                    + (ending.reset() ? " (reset)" : "") + ": " + show(sent));
        }
        InputStream in = new ByteArrayInputStream(ending.bytes().getBytes(StandardCharsets.ISO_8859_1));
        TestHttp.Response timeout = TestHttp.read(in, false);
        assertTrue(timeout.statusLine().startsWith("HTTP/1.1 408 "), "a 408 status line: " + timeout.statusLine());
        assertEquals("close", timeout.header("Connection"), "the 408 announces the close");
        assertEquals(0, in.available(), "nothing after the 408: " + show(ending.bytes()));
        assertFalse(ending.reset(), "a reset after the 408 instead of an orderly end of stream");
        assertTrue(ending.millis() >= EARLIEST_MILLIS, "408 before the head timeout: " + ending.millis() + " ms");
    }

    /** What the server sent after the answers already read, up to its close, and when the close came. */
    private record Ending(String bytes, boolean reset, long millis) {
    }

    /**
     * Reads until the server closes; fails once {@link #BOUND_MILLIS} have passed since {@code stoppedNanos},
     * when the client sent its last byte.
     */
    private static Ending rest(Socket socket, long stoppedNanos, String sent) throws IOException {
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        byte[] buffer = new byte[4_096];
        while (true) {
            long left = BOUND_MILLIS - millisSince(stoppedNanos);
            if (left <= 0) {
                throw stillOpen(stoppedNanos, sent, got);
            }
            socket.setSoTimeout((int) left);
            int n;
            try {
                n = socket.getInputStream().read(buffer);
            } catch (SocketTimeoutException e) {
                throw stillOpen(stoppedNanos, sent, got);
            } catch (SocketException e) {
                return new Ending(got.toString(StandardCharsets.ISO_8859_1), true, millisSince(stoppedNanos));
            }
            if (n < 0) {
                return new Ending(got.toString(StandardCharsets.ISO_8859_1), false, millisSince(stoppedNanos));
            }
            got.write(buffer, 0, n);
        }
    }

    private static AssertionError stillOpen(long stoppedNanos, String sent, ByteArrayOutputStream got) {
        return new AssertionError("connection still open " + millisSince(stoppedNanos)
                + " ms after the client stopped sending: " + show(sent)
                + (got.size() > 0 ? "; received since: " + show(got.toString(StandardCharsets.ISO_8859_1)) : ""));
    }

    private static Herald start(Duration head, Duration idle, Duration body) {
        return TestServer.start(b -> b.timeouts(head, idle, body, LONG));
    }

    private static long millisSince(long nanos) {
        return (System.nanoTime() - nanos) / 1_000_000;
    }

    static long metric(Herald herald, String name) {
        for (String line : herald.metricsText().split("\n")) {
            if (line.startsWith(name + " ")) {
                return (long) Double.parseDouble(line.substring(name.length() + 1).trim());
            }
        }
        throw new AssertionError("no metric " + name + " in\n" + herald.metricsText());
    }

    static String show(String raw) {
        return "\"" + raw.replace("\r", "\\r").replace("\n", "\\n") + "\"";
    }
}
