package herald.server;

import herald.protocol.http1.HttpLimits;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** Limits and hostile clients over real sockets: the precise status, the connection closed, the server up. */
class HostileClientsIT {

    @Test
    void shouldCloseASlowlorisThatTricklesItsHeadPastTheHeadTimeout() throws Exception {
        try (Herald herald = TestServer.start(b -> b.timeouts(Duration.ofMillis(500), Duration.ofSeconds(60),
                Duration.ofSeconds(30), Duration.ofSeconds(30)));
             Socket socket = TestHttp.connect(herald.port())) {
            long start = System.nanoTime();
            String head = "GET /topics/slow HTTP/1.1\r\nHost: x\r\nX-Drip: ";
            boolean closed = false;
            try {
                for (int i = 0; i < head.length() + 200 && !closed; i++) {
                    socket.getOutputStream().write(i < head.length() ? head.charAt(i) : 'a');
                    socket.getOutputStream().flush();
                    Thread.sleep(20);
                    closed = i > head.length() && socket.getInputStream().available() == 0 && isClosed(socket);
                }
            } catch (java.io.IOException e) {
                closed = true;                      // writing to a connection the server closed
            }
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertTrue(closed || isClosed(socket), "the server closed the connection");
            assertTrue(millis < 4_000, "closed after " + millis + " ms");
            assertEquals(200, TestHttp.request(herald.port(), "GET", "/health", null).status());
        }
    }

    @Test
    void shouldLetAClientStillUploadingReadItsRefusalAndSeeAnOrderlyClose() throws Exception {
        try (Herald herald = TestServer.start(b -> b.limits(
                HttpLimits.DEFAULTS.withMaxBodyBytes(1_024)));
             Socket socket = TestHttp.connect(herald.port())) {
            socket.setSoTimeout(5_000);
            byte[] chunk = new byte[16_384];
            java.util.Arrays.fill(chunk, (byte) 'x');
            java.io.OutputStream out = socket.getOutputStream();
            out.write(("POST /topics/big HTTP/1.1\r\nHost: x\r\nContent-Length: " + 40 * chunk.length
                    + "\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            out.write(chunk);
            out.flush();
            TestHttp.Response refused = TestHttp.read(socket.getInputStream(), false);
            assertEquals(413, refused.status());
            assertEquals("close", refused.header("Connection"));
            Thread.sleep(200);                      // the server has had time to close: it reads on instead
            for (int i = 1; i < 40; i++) {
                out.write(chunk);                   // a reset here would mean the server closed with bytes unread
            }
            out.flush();
            assertEquals(-1, socket.getInputStream().read(), "an orderly end of stream, not a reset");
        }
    }

    @Test
    void shouldCloseAConnectionThatSendsNothing() throws Exception {
        try (Herald herald = TestServer.start(b -> b.timeouts(Duration.ofMillis(300), Duration.ofSeconds(60),
                Duration.ofSeconds(30), Duration.ofSeconds(30)));
             Socket socket = TestHttp.connect(herald.port())) {
            socket.setSoTimeout(3_000);
            assertEquals(-1, socket.getInputStream().read(), "closed without a response");
        }
    }

    @Test
    void shouldAnswer414And431AtTheLimitsAndKeepServing() throws Exception {
        try (Herald herald = TestServer.start()) {
            int port = herald.port();
            TestHttp.Response longLine = TestHttp.exchange(port,
                    "GET /topics/" + "a".repeat(9_000) + " HTTP/1.1\r\nHost: x\r\n\r\n");
            assertEquals(414, longLine.status());
            TestHttp.Response bigHeaders = TestHttp.exchange(port,
                    "GET /health HTTP/1.1\r\nHost: x\r\nX-Big: " + "b".repeat(17_000) + "\r\n\r\n");
            assertEquals(431, bigHeaders.status());
            StringBuilder many = new StringBuilder("GET /health HTTP/1.1\r\nHost: x\r\n");
            for (int i = 0; i < 101; i++) {
                many.append("X-H").append(i).append(": v\r\n");
            }
            assertEquals(431, TestHttp.exchange(port, many.append("\r\n").toString()).status());
            assertEquals(505, TestHttp.exchange(port, "GET /health HTTP/2.0\r\nHost: x\r\n\r\n").status());
            assertEquals(400, TestHttp.exchange(port, "GET /health HTTP/1.1\r\n\r\n").status(), "no Host");
            assertEquals(400, TestHttp.exchange(port, "POST /topics/t HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n"
                    + "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n").status(), "smuggling shape");
            assertEquals(501, TestHttp.exchange(port, "POST /topics/t HTTP/1.1\r\nHost: x\r\n"
                    + "Transfer-Encoding: gzip\r\n\r\n").status());
            assertEquals(200, TestHttp.request(port, "GET", "/health", null).status());
        }
    }

    @Test
    void shouldAnswerAMalformedRequestPipelinedAfterAValidOneWith400() throws Exception {
        try (Herald herald = TestServer.start();
             Socket socket = TestHttp.connect(herald.port())) {
            TestHttp.write(socket, "GET /health HTTP/1.1\r\nHost: x\r\n\r\nGET /a b c HTTP/1.1\r\nHost: x\r\n\r\n");
            InputStream in = socket.getInputStream();
            assertEquals(200, TestHttp.read(in, false).status());
            TestHttp.Response refused = TestHttp.read(in, false);   // was dropped: the first answer had started
            assertEquals(400, refused.status());
            assertEquals("close", refused.header("Connection"));
            assertEquals(-1, in.read());
        }
    }

    @Test
    void shouldPublishAChunkedBody() throws Exception {
        try (Herald herald = TestServer.start(); SseClient client = SseClient.open(herald.port(), "/topics/chunks")) {
            assertTrue(TestServer.eventually(Duration.ofSeconds(5), () -> herald.subscribers("chunks") == 1));
            TestHttp.Response response = TestHttp.exchange(herald.port(), "POST /topics/chunks HTTP/1.1\r\nHost: x\r\n"
                    + "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\n\r\n");
            assertEquals(202, response.status());
            assertEquals("hello world", client.next(Duration.ofSeconds(5)).data());
        }
    }

    @Test
    void shouldAnswer503WithRetryAfterOverMaxConnections() throws Exception {
        try (Herald herald = TestServer.start(b -> b.maxConnections(5))) {
            List<SseClient> held = new ArrayList<>();
            try {
                for (int i = 0; i < 5; i++) {
                    held.add(SseClient.open(herald.port(), "/topics/full"));
                }
                TestHttp.Response refused = TestHttp.request(herald.port(), "GET", "/health", null);
                assertEquals(503, refused.status());
                assertEquals("5", refused.header("Retry-After"));
            } finally {
                for (SseClient client : held) {
                    client.close();
                }
            }
            assertTrue(TestServer.eventually(Duration.ofSeconds(5), () -> {
                try {
                    return TestHttp.request(herald.port(), "GET", "/health", null).status() == 200;
                } catch (java.io.IOException e) {
                    return false;
                }
            }), "slots come back when streams end");
        }
    }

    private static boolean isClosed(Socket socket) {
        try {
            socket.setSoTimeout(50);
            InputStream in = socket.getInputStream();
            return in.read() < 0;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (java.io.IOException e) {
            return true;
        }
    }

    @Test
    void shouldNeverEchoClientBytesInErrors() throws Exception {
        try (Herald herald = TestServer.start()) {
            String marker = "Zq7marker";
            for (String raw : List.of(
                    "GET /topics/" + marker + "\u0001 HTTP/1.1\r\nHost: x\r\n\r\n",
                    "GET /health HTTP/1.1\r\nHost: x\r\n" + marker + " : v\r\n\r\n",
                    "POST /topics/t?event=" + marker + "%0A HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\n\r\nx")) {
                TestHttp.Response response = TestHttp.exchange(herald.port(), raw);
                assertEquals(400, response.status());
                if (response.body().contains(marker)) {
                    fail("echoed client bytes: " + response.body());
                }
            }
        }
    }
}
