package herald.server;

import herald.protocol.http1.HttpException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * HTTP/2 with real clients: curl with prior knowledge on the plain port (h2c) and by ALPN over TLS, nghttp. The same
 * routes as over HTTP/1.1: health, subscribe (SSE over DATA frames), publish with a body.
 */
class Http2IT {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    static Path dir;
    private static Path cert;
    private static Path key;

    @BeforeAll
    static void certificates() throws Exception {
        Path[] pair = TestCerts.ec(dir, "h2");
        cert = pair[0];
        key = pair[1];
    }

    /** curl's output (stdout and stderr), failing on a non-zero status. */
    private static String curl(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("curl", "-sS", "--max-time", "10"));
        command.addAll(List.of(args));
        return TestCerts.run(dir, command.toArray(new String[0]));
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    @Test
    void shouldAnswerHealthOverH2cWithPriorKnowledge() throws Exception {
        try (Herald herald = TestServer.start()) {
            String out = curl("-v", "--http2-prior-knowledge", "http://127.0.0.1:" + herald.port() + "/health");
            assertTrue(out.contains("< HTTP/2 200"), out);
            assertTrue(out.contains("< content-type: application/json") || out.contains("< content-type: text/plain"),
                    out);
            assertTrue(herald.metricsText().contains("herald_h2_connections_total 1\n"), herald.metricsText());
        }
    }

    @Test
    void shouldSubscribeAndPublishOverH2c() throws Exception {
        try (Herald herald = TestServer.start()) {
            subscribeAndPublish(herald, "http://127.0.0.1:" + herald.port(), "--http2-prior-knowledge");
        }
    }

    @Test
    void shouldSubscribeAndPublishOverTlsWithAlpnH2() throws Exception {
        try (Herald herald = TestServer.start(b -> b.tls(cert, key))) {
            String base = "https://127.0.0.1:" + herald.port();
            String health = curl("-v", "--http2", "-k", base + "/health");
            assertTrue(health.contains("ALPN: server accepted h2"), health);
            assertTrue(health.contains("< HTTP/2 200"), health);
            subscribeAndPublish(herald, base, "--http2", "-k");
        }
    }

    /** A curl subscriber gets the published event in DATA frames; deleting the topic ends its stream (END_STREAM). */
    private static void subscribeAndPublish(Herald herald, String base, String... flags) throws Exception {
        Path out = dir.resolve("stream-" + System.nanoTime() + ".out");
        List<String> command = new ArrayList<>(List.of("curl", "-sSN", "-v", "--max-time", "20"));
        command.addAll(List.of(flags));
        command.add(base + "/topics/h2");
        Process stream = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        try {
            assertTrue(TestServer.eventually(WAIT, () -> herald.subscribers("h2") == 1), read(out));
            List<String> publish = new ArrayList<>(List.of("-X", "POST", "--data-binary", "over h2\nline two"));
            publish.addAll(List.of(flags));
            publish.add(base + "/topics/h2?event=note");
            String published = curl(publish.toArray(new String[0]));
            assertTrue(published.startsWith("{\"id\":\""), published);
            assertTrue(TestServer.eventually(WAIT,
                    () -> read(out).contains("event: note\ndata: over h2\ndata: line two\nid: ")), read(out));
            assertTrue(herald.deleteTopic("h2"));
            assertTrue(stream.waitFor(10, TimeUnit.SECONDS), "curl ended with the stream: " + read(out));
            assertEquals(0, stream.exitValue(), read(out));
            assertTrue(read(out).contains("< HTTP/2 200"), read(out));
            assertTrue(read(out).contains("< content-type: text/event-stream"), read(out));
        } finally {
            stream.destroyForcibly();
        }
    }

    @Test
    void shouldAnswerThePrefaceWith505WhenH2cIsOff() throws Exception {
        try (Herald herald = TestServer.start(b -> b.http2(new Http2(100, false)))) {
            TestHttp.Response answer = TestHttp.exchange(herald.port(), "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");
            assertEquals(505, answer.status(), answer.toString());
            assertTrue(herald.metricsText().contains("herald_h2_connections_total 0\n"), herald.metricsText());
        }
    }

    @Test
    void shouldServeNghttpOverH2cAndTls() throws Exception {
        try (Herald plain = TestServer.start(); Herald tls = TestServer.start(b -> b.tls(cert, key))) {
            for (String base : List.of("http://127.0.0.1:" + plain.port(), "https://127.0.0.1:" + tls.port())) {
                String health = TestCerts.run(dir, "nghttp", "-v", "-y", "-t", "10", base + "/health");
                assertTrue(health.contains(":status: 200"), health);
                assertTrue(health.contains("recv SETTINGS frame"), health);
                Path body = dir.resolve("ng-body.txt");
                Files.writeString(body, "from nghttp");
                String published = TestCerts.run(dir, "nghttp", "-y", "-t", "10", "-d", body.toString(),
                        base + "/topics/ng");
                assertTrue(published.startsWith("{\"id\":\""), published);
                String many = TestCerts.run(dir, "nghttp", "-y", "-t", "10", "-s", "-m", "50", base + "/health");
                assertTrue(many.contains("Request timing"), many);       // 50 streams on one connection, all ended
                for (String tableSize : List.of("0", "100")) {     // Herald's HPACK encoder follows the client's table
                    String small = TestCerts.run(dir, "nghttp", "-y", "-t", "10", "-v", "-c", tableSize, "-m", "5",
                            base + "/health");
                    assertTrue(small.contains(":status: 200") && !small.contains("COMPRESSION_ERROR"), small);
                }
            }
            assertTrue(plain.metricsText().contains("herald_h2_connections_total 5\n"), plain.metricsText());
        }
    }

    @Test
    void shouldServeH2loadWithoutErrors() throws Exception {
        try (Herald herald = TestServer.start()) {
            String out = TestCerts.run(dir, "h2load", "-n", "2000", "-c", "4", "-m", "20",
                    "http://127.0.0.1:" + herald.port() + "/health");
            assertTrue(out.contains("2000 succeeded, 0 failed, 0 errored"), out);
            assertTrue(out.contains("status codes: 2000 2xx"), out);
        }
    }

    @Test
    void shouldStreamToNodesBuiltInHttp2ClientOverH2cAndTls() throws Exception {
        try (Herald plain = TestServer.start(); Herald tls = TestServer.start(b -> b.tls(cert, key))) {
            nodeClient(plain, "http://127.0.0.1:" + plain.port());
            nodeClient(tls, "https://127.0.0.1:" + tls.port());
        }
    }

    private static void nodeClient(Herald herald, String base) throws Exception {
        {
            Path script = dir.resolve("h2client.js");
            Files.writeString(script, """
                    const http2 = require('node:http2');
                    const session = http2.connect(process.argv[2], {rejectUnauthorized: false});
                    const streams = 20;
                    let done = 0;
                    const timer = setTimeout(() => { console.log('TIMEOUT ' + done); process.exit(2); }, 15000);
                    for (let i = 0; i < streams; i++) {
                      const req = session.request({':path': '/topics/node'});
                      let text = '';
                      req.setEncoding('utf8');
                      req.on('response', (h) => { if (h[':status'] !== 200) { console.log('STATUS ' + h[':status']); } });
                      req.on('data', (chunk) => {
                        text += chunk;
                        if (text.includes('data: hello node\\n')) {
                          req.close();
                          if (++done === streams) { clearTimeout(timer); console.log('ALL ' + done); session.close(); }
                        }
                      });
                    }
                    setTimeout(() => {
                      const pub = session.request({':method': 'POST', ':path': '/topics/node'});
                      pub.end('hello node');
                      pub.resume();
                    }, 1000);
                    """);
            String out = TestCerts.run(dir, "node", script.toString(), base);
            assertTrue(out.contains("ALL 20"), out);
            assertTrue(TestServer.eventually(WAIT, () -> herald.subscribers("node") == 0), "reset streams ended");
        }
    }

    @Test
    void shouldServeTheOtherRoutesOverH2AsOverHttp11() throws Exception {
        try (Herald herald = TestServer.start(b -> b.stream("POST", "/v1/chat", (request, stream) -> {
            if (!"Bearer secret".equals(request.header("Authorization"))) {
                throw HttpException.of(401, "bearer token required");
            }
            for (String token : new String(request.body(), StandardCharsets.UTF_8).split(" ")) {
                stream.send("token", token);
            }
            stream.send("[DONE]");
        }))) {
            String base = "http://127.0.0.1:" + herald.port();
            String h2 = "--http2-prior-knowledge";
            String chat = curl(h2, "-H", "Authorization: Bearer secret", "--data-binary", "tell a story",
                    base + "/v1/chat");
            assertEquals("event: token\ndata: tell\n\nevent: token\ndata: a\n\nevent: token\ndata: story\n\n"
                    + "data: [DONE]\n\n", chat);
            // no body: Debian's curl 7.88 reports a complete response followed by RST_STREAM NO_ERROR (RFC 9113
            // section 8.1, sent when Herald answers before the request ended) as error 92 when it had body left
            String refused = curl(h2, "-i", "-X", "POST", base + "/v1/chat");
            assertTrue(refused.startsWith("HTTP/2 401"), refused);
            assertTrue(refused.endsWith("bearer token required\n"), refused);
            String preflight = curl(h2, "-i", "-X", "OPTIONS", "-H", "Origin: https://app.example",
                    "-H", "Access-Control-Request-Method: GET", base + "/topics/h2r");
            assertTrue(preflight.contains("access-control-allow-origin: https://app.example"), preflight);
            assertTrue(curl(h2, "-X", "POST", "--data", "x", base + "/topics/h2r").startsWith("{\"id\":"));
            String head = curl(h2, "-I", base + "/topics/h2r");
            assertTrue(head.startsWith("HTTP/2 200"), head);
            assertTrue(head.contains("content-type: text/event-stream"), head);
            String deleted = curl(h2, "-i", "-X", "DELETE", base + "/topics/h2r");
            assertTrue(deleted.startsWith("HTTP/2 204"), deleted);
            String gone = curl(h2, "-i", base + "/topics/h2r");
            assertTrue(gone.startsWith("HTTP/2 204"), gone);
            Path multi = dir.resolve("multi-" + System.nanoTime() + ".out");
            Process both = new ProcessBuilder("curl", "-sSN", h2, "--max-time", "20", base + "/events?topic=m1&topic=m2")
                    .redirectErrorStream(true).redirectOutput(multi.toFile()).start();
            try {
                assertTrue(TestServer.eventually(WAIT, () -> herald.subscribers("m1") == 1
                        && herald.subscribers("m2") == 1), read(multi));
                herald.publish("m1", "one");
                herald.publish("m2", "two");
                assertTrue(TestServer.eventually(WAIT, () -> read(multi).contains("data: one\n")
                        && read(multi).contains("data: two\n")), read(multi));
            } finally {
                both.destroyForcibly();
            }
            String metrics = curl(h2, base + "/metrics");
            assertTrue(metrics.contains("herald_h2_streams_total "), metrics);
            String notFound = curl(h2, "-i", base + "/nowhere");
            assertTrue(notFound.startsWith("HTTP/2 404"), notFound);
        }
    }

    @Test
    void shouldAnswer408ToAPrefaceThatStallsWithinTheHeadTimeout() throws Exception {
        try (Herald herald = TestServer.start(b -> b.timeouts(Duration.ofMillis(300), Duration.ofSeconds(30),
                Duration.ofSeconds(10), Duration.ofSeconds(10)))) {
            long start = System.nanoTime();
            TestHttp.Response answer = TestHttp.exchange(herald.port(), "PRI * HTT");
            assertEquals(408, answer.status(), answer.toString());
            assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(5), "within the head timeout");
        }
    }
}
