package herald.server;

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
}
