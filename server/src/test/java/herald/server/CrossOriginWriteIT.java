package herald.server;

import herald.protocol.sse.SseEvent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The cross-origin write rule (README.md, "HTTP API", **Access**): a web page open in a browser on the Herald host must not publish or delete through
 * loopback. Requests are sent as that browser sends them, with {@code Host} naming the server's port.
 */
class CrossOriginWriteIT {
    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final String EVIL = "https://evil.example";
    private Herald herald;
    private int port;
    private String host;
    private String epoch;

    @BeforeEach
    void start() {
        herald = TestServer.start();
        port = herald.port();
        host = "127.0.0.1:" + port;
        String id = herald.publish("warmup", "x");
        epoch = id.substring(0, id.indexOf('-'));
    }

    @AfterEach
    void stop() {
        herald.close();
    }

    @Test
    void shouldRefuseACrossOriginTextPlainPublishWith403AndPublishNothing() throws Exception {
        try (SseClient client = SseClient.open(port, "/topics/csrf")) {
            assertTrue(TestServer.eventually(WAIT, () -> herald.subscribers("csrf") == 1));
            for (String origin : new String[] {EVIL, "http://127.0.0.1:" + (port == 65_535 ? 1 : port + 1),
                    "http://localhost:" + port, "null", "not an origin"}) {
                TestHttp.Response refused = send("POST", "/topics/csrf", "forged", "Origin: " + origin,
                        "Content-Type: text/plain;charset=UTF-8");
                assertEquals(403, refused.status(), origin);
                assertEquals("publishing and deleting are allowed from the server's own origin only\n",
                        refused.body());
            }
            assertEquals(400, send("POST", "/topics/a//b", "x", "Origin: " + EVIL).status(), "the name comes first");
            String ok = TestHttp.publish(port, "csrf", "legitimate");
            assertEquals(new SseEvent("message", "legitimate", ok), client.next(WAIT));
            assertEquals(epoch + "-1", ok, "no refused publish took a sequence number");
        }
    }

    @Test
    void shouldAcceptAPublishFromTheServersOwnOriginOrWithoutOrigin() throws Exception {
        TestHttp.Response own = send("POST", "/topics/own", "from the dashboard's origin",
                "Origin: http://" + host, "Content-Type: text/plain");
        assertEquals(202, own.status(), own.body());
        TestHttp.Response renamed = TestHttp.exchange(port, "POST /topics/own HTTP/1.1\r\nHost: LOCALHOST:" + port
                + "\r\nOrigin: http://localhost:" + port + "\r\nContent-Length: 1\r\nConnection: close\r\n\r\nx");
        assertEquals(202, renamed.status(), renamed.body());
        TestHttp.Response tool = send("POST", "/topics/own", "from curl");
        assertEquals(202, tool.status(), tool.body());
    }

    @Test
    void shouldRefuseACrossOriginDeleteWith403AndKeepTheTopic() throws Exception {
        herald.publish("kept", "x");
        TestHttp.Response refused = send("DELETE", "/topics/kept", null, "Origin: " + EVIL);
        assertEquals(403, refused.status());
        assertEquals(200, TestHttp.request(port, "HEAD", "/topics/kept", null).status(), "the topic still exists");
        assertEquals(204, send("DELETE", "/topics/kept", null, "Origin: http://" + host).status());
        assertEquals(204, TestHttp.request(port, "HEAD", "/topics/kept", null).status(), "deleted by its own origin");
    }

    @Test
    void shouldAdvertiseOnlyReadingInACrossOriginPreflight() throws Exception {
        TestHttp.Response cross = send("OPTIONS", "/topics/x", null, "Origin: " + EVIL,
                "Access-Control-Request-Method: POST");
        assertEquals(204, cross.status());
        assertEquals("GET, HEAD, POST, DELETE, OPTIONS", cross.header("Allow"), "Allow lists the path's methods");
        assertEquals("GET, HEAD, OPTIONS", cross.header("Access-Control-Allow-Methods"));
        assertEquals(EVIL, cross.header("Access-Control-Allow-Origin"), "it may still read");
        TestHttp.Response own = send("OPTIONS", "/topics/x", null, "Origin: http://" + host,
                "Access-Control-Request-Method: DELETE");
        assertEquals("GET, HEAD, POST, DELETE, OPTIONS", own.header("Access-Control-Allow-Methods"));
        assertEquals("GET, HEAD, OPTIONS", send("OPTIONS", "*", null, "Origin: " + EVIL)
                .header("Access-Control-Allow-Methods"));
    }

    @Test
    void shouldLeaveEmbeddedRoutesMethodsInACrossOriginPreflight() throws Exception {
        try (Herald app = TestServer.start(b -> b
                .stream("POST", "/v1/chat", (request, stream) -> stream.send("token"))
                .stream("GET", "/topics/live/*", (request, stream) -> stream.send("handled")))) {
            String appHost = "Host: 127.0.0.1:" + app.port();
            TestHttp.Response chat = TestHttp.exchange(app.port(), "OPTIONS /v1/chat HTTP/1.1\r\n" + appHost
                    + "\r\nOrigin: " + EVIL + "\r\nAccess-Control-Request-Method: POST\r\nConnection: close\r\n\r\n");
            assertEquals("POST, OPTIONS", chat.header("Access-Control-Allow-Methods"), "the application's to decide");
            TestHttp.Response topic = TestHttp.exchange(app.port(), "OPTIONS /topics/live/1 HTTP/1.1\r\n" + appHost
                    + "\r\nOrigin: " + EVIL + "\r\nAccess-Control-Request-Method: POST\r\nConnection: close\r\n\r\n");
            assertEquals("GET, HEAD, POST, DELETE, OPTIONS", topic.header("Allow"));
            assertEquals("GET, HEAD, OPTIONS", topic.header("Access-Control-Allow-Methods"));
        }
    }

    /** One request with {@code Host: 127.0.0.1:port}, as a browser sends it. */
    private TestHttp.Response send(String method, String target, String body, String... headers) throws IOException {
        StringBuilder raw = new StringBuilder(method).append(' ').append(target).append(" HTTP/1.1\r\nHost: ")
                .append(host).append("\r\n");
        for (String header : headers) {
            raw.append(header).append("\r\n");
        }
        if (body != null) {
            raw.append("Content-Length: ").append(body.getBytes(StandardCharsets.UTF_8).length).append("\r\n");
        }
        raw.append("Connection: close\r\n\r\n");
        if (body != null) {
            raw.append(new String(body.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1));
        }
        return TestHttp.exchange(port, raw.toString());
    }
}
