package herald.server;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * CORS with {@code --cors-origins} (DESIGN.md section 4, "CORS"): only listed origins are echoed, with
 * credentials and {@code Vary: Origin}; any other origin gets no CORS fields and 403 on streams and writes.
 * Requests are sent as a browser sends them, with {@code Host} naming the server's port.
 */
class CorsAllowlistIT {
    private static final String APP = "https://app.example";
    private static final String OTHER = "https://other.example";
    private static final Duration WAIT = Duration.ofSeconds(5);
    private Herald herald;

    @AfterEach
    void stop() {
        herald.close();
    }

    private int start() {
        herald = TestServer.start(b -> b.corsOrigins(List.of(APP, "http://localhost:3000")));
        return herald.port();
    }

    /** A request whose {@code Host} names the server's port, as a browser sends it. */
    private TestHttp.Response send(String method, String target, String body, String... headers) throws IOException {
        String raw = TestHttp.raw(method, target, body, headers)
                .replaceFirst("Host: 127.0.0.1\r\n", "Host: 127.0.0.1:" + herald.port() + "\r\n");
        return TestHttp.exchange(herald.port(), raw);
    }

    private static void assertNoCorsFields(TestHttp.Response response) {
        assertNull(response.header("Access-Control-Allow-Origin"));
        assertNull(response.header("Access-Control-Allow-Credentials"));
        assertNull(response.header("Access-Control-Allow-Methods"));
    }

    @Test
    void shouldEchoAListedOriginWithCredentialsOnAStream() throws Exception {
        int port = start();
        try (SseClient client = SseClient.open(port, "/topics/news", "Origin: " + APP)) {
            assertEquals(200, client.status());
            assertEquals(APP, client.head().header("Access-Control-Allow-Origin"));
            assertEquals("true", client.head().header("Access-Control-Allow-Credentials"));
            assertEquals("Origin", client.head().header("Vary"));
            herald.publish("news", "hi");
            assertEquals("hi", client.next(WAIT).data());
        }
    }

    @Test
    void shouldRefuseAStreamFromAnotherOriginWith403AndNoCorsFields() throws IOException {
        int port = start();
        TestHttp.Response topic = TestHttp.request(port, "GET", "/topics/news", null, "Origin: " + OTHER);
        assertEquals(403, topic.status());
        assertNoCorsFields(topic);
        TestHttp.Response events = TestHttp.request(port, "GET", "/events?topic=news", null, "Origin: " + OTHER);
        assertEquals(403, events.status());
        assertNoCorsFields(events);
        assertEquals(403, TestHttp.request(port, "GET", "/topics/news", null, "Origin: null").status());
        assertTrue(herald.metricsText().contains("herald_auth_rejections_total{reason=\"origin\"} 3"));
    }

    @Test
    void shouldRefuseAPublishFromAnotherOriginWith403AndNoCorsFields() throws IOException {
        int port = start();
        TestHttp.Response response = send("POST", "/topics/news", "hi", "Origin: " + OTHER);
        assertEquals(403, response.status());
        assertNoCorsFields(response);
        assertEquals(403, send("DELETE", "/topics/news", null, "Origin: " + OTHER).status());
    }

    @Test
    void shouldLetAListedOriginPublishWithCredentials() throws IOException {
        int port = start();
        TestHttp.Response response = send("POST", "/topics/news", "hi", "Origin: " + APP);
        assertEquals(202, response.status());
        assertEquals(APP, response.header("Access-Control-Allow-Origin"));
        assertEquals("true", response.header("Access-Control-Allow-Credentials"));
    }

    @Test
    void shouldAllowTheServersOwnOriginWithoutCorsFields() throws IOException {
        int port = start();
        String own = "Origin: http://127.0.0.1:" + port;
        TestHttp.Response response = send("POST", "/topics/news", "hi", own);
        assertEquals(202, response.status());
        assertNull(response.header("Access-Control-Allow-Origin"));
    }

    @Test
    void shouldAnswerAListedOriginsPreflightWithStreamingHeadersAndEveryMethod() throws IOException {
        int port = start();
        TestHttp.Response response = send("OPTIONS", "/topics/news", null,
                "Origin: " + APP, "Access-Control-Request-Method: POST",
                "Access-Control-Request-Headers: authorization, last-event-id");
        assertEquals(204, response.status());
        assertEquals(APP, response.header("Access-Control-Allow-Origin"));
        assertEquals("true", response.header("Access-Control-Allow-Credentials"));
        assertEquals("GET, HEAD, POST, DELETE, OPTIONS", response.header("Access-Control-Allow-Methods"));
        String headers = response.header("Access-Control-Allow-Headers");
        for (String name : List.of("Authorization", "Last-Event-ID", "Content-Type", "Cache-Control")) {
            assertTrue(headers.contains(name), headers);
        }
    }

    @Test
    void shouldAnswerAnotherOriginsPreflightWithoutCorsFields() throws IOException {
        int port = start();
        TestHttp.Response response = send("OPTIONS", "/topics/news", null,
                "Origin: " + OTHER, "Access-Control-Request-Method: GET");
        assertNoCorsFields(response);
    }

    @Test
    void shouldKeepServingTheDashboardAndHealthToAnotherOriginWithoutCorsFields() throws IOException {
        int port = start();
        TestHttp.Response response = TestHttp.request(port, "GET", "/health", null, "Origin: " + OTHER);
        assertEquals(200, response.status());
        assertNoCorsFields(response);
    }

    @Test
    void shouldAcceptStarOnlyAloneAsTheOpenMode() throws Exception {
        assertThrows(IllegalArgumentException.class,
                () -> Herald.builder().corsOrigins(List.of("*", APP)).build());
        assertThrows(IllegalArgumentException.class,
                () -> Herald.builder().corsOrigins(List.of("https://app.example/")).build());
        herald = TestServer.start(b -> b.corsOrigins(List.of("*")));
        try (SseClient client = SseClient.open(herald.port(), "/topics/news", "Origin: " + OTHER)) {
            assertEquals(200, client.status());
            assertEquals(OTHER, client.head().header("Access-Control-Allow-Origin"));
            assertNull(client.head().header("Access-Control-Allow-Credentials"));
        }
    }
}
