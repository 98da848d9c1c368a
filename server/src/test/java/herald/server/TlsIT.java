package herald.server;

import herald.protocol.sse.SseEvent;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Native TLS against certificates openssl makes at test time: curl, openssl s_client (versions, ALPN), Java TLS
 * clients (many subscribers, a backlog larger than a TLS record, certificate reload under an open stream), key
 * formats refused in one line, chunked handler streams on one kept connection.
 */
class TlsIT {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    static Path dir;
    private static Path cert;
    private static Path key;

    @BeforeAll
    static void certificates() throws Exception {
        Path[] pair = TestCerts.ec(dir, "server");
        cert = pair[0];
        key = pair[1];
    }

    private static Herald startTls(java.util.function.UnaryOperator<Herald.Builder> more) {
        return TestServer.start(b -> more.apply(b.tls(cert, key)));
    }

    @Test
    void shouldCloseAConnectionRefusedAtAcceptWithoutPlaintextOnTheTlsPort() throws Exception {
        try (Herald herald = startTls(b -> b.abuseLimits(AbuseLimits.off().withMaxConnectionsPerIp(1)));
             java.net.Socket held = TestHttp.connect(herald.port());
             java.net.Socket refused = TestHttp.connect(herald.port())) {
            refused.setSoTimeout(5_000);
            assertEquals(-1, refused.getInputStream().read(), "closed, no text answer a TLS client cannot read");
            assertTrue(herald.metricsText().contains("herald_rejected_requests_total{reason=\"max_connections_per_ip\"} 1"),
                    herald.metricsText());
        }
    }

    @Test
    void shouldSubscribePublishAndReceiveOverHttpsWithCurl() throws Exception {
        try (Herald herald = startTls(b -> b)) {
            String base = "https://127.0.0.1:" + herald.port();
            Path out = dir.resolve("curl-stream.out");
            Process stream = new ProcessBuilder("curl", "-sSN", "--cacert", cert.toString(), "--max-time", "20",
                    base + "/topics/curl").redirectErrorStream(true).redirectOutput(out.toFile()).start();
            try {
                assertTrue(TestServer.eventually(WAIT, () -> herald.subscribers("curl") == 1), "curl subscribed");
                String published = TestCerts.run(dir, "curl", "-sS", "--cacert", cert.toString(), "-X", "POST",
                        "--data", "over tls", base + "/topics/curl");
                assertTrue(published.contains("\"id\""), published);
                assertTrue(TestServer.eventually(WAIT, () -> read(out).contains("data: over tls\n")), read(out));
                String health = TestCerts.run(dir, "curl", "-sS", "-v", "--cacert", cert.toString(),
                        base + "/health");
                assertTrue(health.contains("ALPN: server accepted h2"), "curl offers h2 first: " + health);
                String http11 = TestCerts.run(dir, "curl", "-sS", "-v", "--http1.1", "--cacert", cert.toString(),
                        base + "/health");
                assertTrue(http11.contains("ALPN: server accepted http/1.1"), http11);
            } finally {
                stream.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void shouldRefuseTls10And11AndNegotiateTls12And13WithAlpnHttp11() throws Exception {
        try (Herald herald = startTls(b -> b)) {
            String connect = "127.0.0.1:" + herald.port();
            for (String old : List.of("-tls1", "-tls1_1")) {
                String output = sClient(connect, old);
                assertTrue(output.contains("Cipher is (NONE)"), old + " refused: " + output);
            }
            String tls12 = sClient(connect, "-tls1_2");
            assertTrue(tls12.contains("Protocol  : TLSv1.2") || tls12.contains("New, TLSv1.2"), tls12);
            assertTrue(tls12.contains("ALPN protocol: http/1.1"), tls12);
            String tls13 = sClient(connect, "-tls1_3");
            assertTrue(tls13.contains("New, TLSv1.3"), tls13);
            assertTrue(tls13.contains("ALPN protocol: http/1.1"), tls13);
            String metrics = herald.metricsText();               // counted: two refused, two completed
            assertTrue(TestServer.eventually(java.time.Duration.ofSeconds(5), () -> herald.metricsText()
                    .contains("herald_tls_handshakes_total 2\n")), metrics);
            assertTrue(herald.metricsText().contains("herald_tls_handshake_failures_total 2\n"), herald.metricsText());
        }
    }

    /** {@code openssl s_client} offering ALPN http/1.1 with one version flag; its output, whatever its status. */
    private static String sClient(String connect, String version) throws Exception {
        Process process = new ProcessBuilder("openssl", "s_client", "-connect", connect, version, "-alpn",
                "http/1.1", "-servername", "localhost").redirectErrorStream(true).start();
        process.getOutputStream().close();           // EOF on stdin: s_client ends after the handshake
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(20, TimeUnit.SECONDS));
        return output;
    }

    @Test
    void shouldKeepOpenStreamsAndServeTheNewCertificateToNewConnectionsAfterARewrite() throws Exception {
        Path live = Files.createDirectory(dir.resolve("live"));
        Path liveCert = live.resolve("fullchain.pem");
        Path liveKey = live.resolve("privkey.pem");
        Files.copy(cert, liveCert);
        Files.copy(key, liveKey);
        Path[] renewed = TestCerts.ec(live, "renewed");
        BigInteger before = TestCerts.serial(cert);
        BigInteger after = TestCerts.serial(renewed[0]);
        assertNotEquals(before, after);
        SSLContext client = TestCerts.trusting(cert, renewed[0]);
        try (Herald herald = TestServer.start(b -> b.tls(liveCert, liveKey))) {
            SSLSocket first = TestCerts.connect(client, herald.port(), 0);
            assertEquals(before, serialOf(first));
            try (SseClient stream = SseClient.open(first, "/topics/renew", true)) {
                assertEquals(200, stream.status());
                herald.publish("renew", "before");
                assertEquals("before", stream.next(WAIT).data());

                // as certbot's deploy step does: new files in place; a later modification time
                Files.copy(renewed[1], liveKey, StandardCopyOption.REPLACE_EXISTING);
                Files.copy(renewed[0], liveCert, StandardCopyOption.REPLACE_EXISTING);
                FileTime later = FileTime.fromMillis(System.currentTimeMillis() + 5_000);
                Files.setLastModifiedTime(liveCert, later);
                Files.setLastModifiedTime(liveKey, later);

                assertTrue(TestServer.eventually(Duration.ofSeconds(15), () -> {
                    try (SSLSocket next = TestCerts.connect(client, herald.port(), 0)) {
                        return after.equals(serialOf(next));
                    } catch (IOException e) {
                        return false;
                    }
                }), "a new connection gets the renewed certificate within the check interval");
                herald.publish("renew", "after");
                assertEquals("after", stream.next(WAIT).data(), "the open stream goes on");
                assertEquals(before, serialOf(first), "with the certificate it started with");
            }
        }
    }

    private static BigInteger serialOf(SSLSocket socket) {
        try {
            return ((X509Certificate) socket.getSession().getPeerCertificates()[0]).getSerialNumber();
        } catch (javax.net.ssl.SSLPeerUnverifiedException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void shouldRefuseAPkcs1OrSec1KeyInOneLineNamingTheOpensslCommand() throws Exception {
        Path rsa1 = dir.resolve("rsa-pkcs1.key");
        TestCerts.run(dir, "openssl", "genrsa", "-traditional", "-out", rsa1.toString(), "2048");
        assertTrue(Files.readString(rsa1).contains("BEGIN RSA PRIVATE KEY"));
        Path sec1 = dir.resolve("ec-sec1.key");
        TestCerts.run(dir, "openssl", "ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", sec1.toString());
        assertTrue(Files.readString(sec1).contains("BEGIN EC PRIVATE KEY"));
        for (Path wrong : List.of(rsa1, sec1)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> TestServer.start(b -> b.tls(cert, wrong)).close());
            assertFalse(e.getMessage().contains("\n"), e.getMessage());
            assertTrue(e.getMessage().startsWith("--tls-key " + wrong), e.getMessage());
            assertTrue(e.getMessage().contains("openssl pkcs8 -topk8 -nocrypt -in " + wrong), e.getMessage());
        }
        IllegalArgumentException alone = assertThrows(IllegalArgumentException.class,
                () -> TestServer.start(b -> b.tls(cert, null)));
        assertEquals("--tls-cert needs --tls-key", alone.getMessage());
    }

    @Test
    void shouldServeFromAPkcs12KeystoreWithAPasswordFile() throws Exception {
        Path keystore = dir.resolve("server.p12");
        TestCerts.run(dir, "openssl", "pkcs12", "-export", "-in", cert.toString(), "-inkey", key.toString(),
                "-out", keystore.toString(), "-passout", "pass:s3cret");
        Path password = dir.resolve("password");
        Files.writeString(password, "s3cret\n");
        Herald.Builder builder = Main.parse(new String[] {"--tls-keystore", keystore.toString(),
                "--tls-keystore-password-file", password.toString(), "--port", "0", "--host", "127.0.0.1"},
                java.util.Map.of(), System.out);
        try (Herald herald = builder.start();
             SSLSocket socket = TestCerts.connect(TestCerts.trusting(cert), herald.port(), 0)) {
            TestHttp.write(socket, "GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n");
            TestHttp.Response health = TestHttp.read(socket.getInputStream(), false);
            assertEquals(200, health.status());
            assertEquals("http/1.1", socket.getApplicationProtocol());
        }
    }

    @Test
    void shouldDeliverEveryEventToManyTlsSubscribersIncludingABacklogLargerThanATlsRecord() throws Exception {
        int subscribers = 40;
        int backlog = 300;
        int live = 100;
        String data = "x".repeat(1_000);
        SSLContext client = TestCerts.trusting(cert);
        try (Herald herald = startTls(b -> b)) {
            String first = herald.publish("fan", "first");
            for (int i = 0; i < backlog; i++) {
                herald.publish("fan", i + " " + data);           // 300 KB: far more than a 16 KiB record
            }
            List<SseClient> streams = new ArrayList<>();
            try {
                for (int s = 0; s < subscribers; s++) {
                    SSLSocket socket = TestCerts.connect(client, herald.port(), 4_096);   // partial writes
                    streams.add(SseClient.open(socket, "/topics/fan", true, "Last-Event-ID: " + first));
                }
                for (int i = backlog; i < backlog + live; i++) {
                    herald.publish("fan", i + " " + data);
                }
                for (SseClient stream : streams) {
                    List<SseEvent> events = stream.take(backlog + live, Duration.ofSeconds(30));
                    for (int i = 0; i < backlog + live; i++) {
                        assertEquals(i + " " + data, events.get(i).data(), "event " + i + " in order, once");
                    }
                }
            } finally {
                for (SseClient stream : streams) {
                    stream.close();
                }
            }
        }
    }

    @Test
    void shouldServeTwoChunkedHandlerStreamsInARowOnOneTlsConnection() throws Exception {
        try (Herald herald = startTls(b -> b.stream("POST", "/v1/chat", (request, stream) -> {
            String prompt = new String(request.body(), StandardCharsets.UTF_8);
            stream.send("token", prompt + " 1");
            stream.send("token", prompt + " 2");
        }));
             SSLSocket socket = TestCerts.connect(TestCerts.trusting(cert), herald.port(), 0)) {
            for (String prompt : List.of("a", "b")) {
                TestHttp.write(socket, "POST /v1/chat HTTP/1.1\r\nHost: localhost\r\nContent-Length: 1\r\n\r\n"
                        + prompt);
                TestHttp.Response response = TestHttp.read(socket.getInputStream(), false);
                assertEquals(200, response.status());
                assertEquals("chunked", response.header("Transfer-Encoding"));
                assertEquals(null, response.header("Connection"));
                assertEquals("event: token\ndata: " + prompt + " 1\n\nevent: token\ndata: " + prompt + " 2\n\n",
                        response.body());
            }
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "";
        }
    }
}
