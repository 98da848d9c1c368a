package herald.server;

import herald.protocol.sse.SseEvent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The HTTP API of README.md ("HTTP API") over real loopback sockets, byte-exact where it matters. */
class SubscribePublishIT {
    private static final Duration WAIT = Duration.ofSeconds(5);
    private Herald herald;
    private int port;
    private String epoch;

    @BeforeEach
    void start() throws Exception {
        herald = TestServer.start();
        port = herald.port();
        String id = herald.publish("warmup", "x");
        epoch = id.substring(0, id.indexOf('-'));
    }

    @AfterEach
    void stop() {
        herald.close();
    }

    @Test
    void shouldSendStreamHeadersRetryAndStartingIdBeforeAnyEvent() throws Exception {
        try (SseClient client = SseClient.open(port, "/topics/news")) {
            assertEquals(200, client.status());
            assertEquals("text/event-stream", client.head().header("Content-Type"));
            assertEquals("no-cache", client.head().header("Cache-Control"));
            assertEquals("no", client.head().header("X-Accel-Buffering"));
            assertNull(client.head().header("Content-Length"));
            assertNull(client.head().header("Transfer-Encoding"));
            assertTrue(TestServer.eventually(WAIT, () -> (epoch + "-0").equals(client.lastEventId())));
            assertEquals(500, client.retry());
        }
    }

    @Test
    void shouldDeliverUnnamedNamedAndMultiLineEventsWithServerIds() throws Exception {
        try (SseClient client = SseClient.open(port, "/topics/news")) {
            awaitSubscribed("news", 1);
            String first = TestHttp.publish(port, "news", "hello");
            String second = TestHttp.publish(port, "news?event=update", "named");
            String third = TestHttp.publish(port, "news", "a\nb\r\nc\rd");
            TestHttp.publish(port, "news", "  two leading spaces\n\ttab");
            List<SseEvent> events = client.take(4, WAIT);
            assertEquals(new SseEvent("message", "hello", first), events.get(0));
            assertEquals(new SseEvent("update", "named", second), events.get(1));
            assertEquals(new SseEvent("message", "a\nb\nc\nd", third), events.get(2));
            assertEquals("  two leading spaces\n\ttab", events.get(3).data());
            assertEquals(epoch + "-1", first);
            assertEquals(epoch + "-2", second);
        }
    }

    @Test
    void shouldAnswer202WithTheAssignedIdAsJson() throws Exception {
        TestHttp.Response response = TestHttp.request(port, "POST", "/topics/ids", "data");
        assertEquals(202, response.status());
        assertEquals("application/json", response.header("Content-Type"));
        assertEquals("{\"id\":\"" + epoch + "-1\"}\n", response.body());
    }

    @Test
    void shouldRejectBadPublishesWith400AndPublishNothing() throws Exception {
        try (SseClient client = SseClient.open(port, "/topics/strict")) {
            awaitSubscribed("strict", 1);
            assertRejected(400, "POST", "/topics/strict?id=7", "x");
            assertRejected(400, "POST", "/topics/strict?event=", "x");
            assertRejected(400, "POST", "/topics/strict?event=a%0Adata:%20injected", "x");
            assertRejected(400, "POST", "/topics/strict?event=a%0Db", "x");
            assertRejected(400, "POST", "/topics/strict?event=a%00b", "x");
            assertRejected(400, "POST", "/topics/strict?retry=abc", "x");
            assertRejected(400, "POST", "/topics/strict?retry=-1", "x");
            assertRejected(400, "POST", "/topics/strict?colour=red", "x");
            assertRejected(400, "POST", "/topics/strict", "");
            TestHttp.Response badUtf8 = TestHttp.exchange(port, "POST /topics/strict HTTP/1.1\r\nHost: x\r\n"
                    + "Content-Length: 3\r\nConnection: close\r\n\r\na\u00ffb");
            assertEquals(400, badUtf8.status());
            assertEquals("body is not valid UTF-8\n", badUtf8.body());
            String ok = TestHttp.publish(port, "strict", "only this");
            SseEvent event = client.next(WAIT);
            assertEquals(new SseEvent("message", "only this", ok), event);
            assertEquals(epoch + "-1", ok, "no rejected publish took a sequence number");
        }
    }

    @Test
    void shouldRefuseHeraldEventTypesWith400AndPublishNothing() throws Exception {
        try (SseClient client = SseClient.open(port, "/topics/reserved")) {
            awaitSubscribed("reserved", 1);
            assertRejected(400, "POST", "/topics/reserved?event=herald-gap", "{}");
            assertRejected(400, "POST", "/topics/reserved?event=herald-shutdown", "{}");
            assertRejected(400, "POST", "/topics/reserved?event=herald-", "x");
            TestHttp.Response response = TestHttp.request(port, "POST", "/topics/reserved?event=herald-gap", "x");
            assertEquals("event types starting with herald- are Herald's own\n", response.body());
            String ok = TestHttp.publish(port, "reserved?event=Herald-Gap", "case matters");
            assertEquals(new SseEvent("Herald-Gap", "case matters", ok), client.next(WAIT));
            assertEquals(epoch + "-1", ok, "no refused publish took a sequence number");
        }
    }

    @Test
    void shouldAcceptRetryAndSendItWithTheEvent() throws Exception {
        try (SseClient client = SseClient.open(port, "/topics/retry")) {
            awaitSubscribed("retry", 1);
            TestHttp.publish(port, "retry?retry=2500", "r");
            client.next(WAIT);
            assertEquals(2500, client.retry());
        }
    }

    @Test
    void shouldRefuseARetryBelowTheFloorWith400AndPublishNothing() throws Exception {
        try (SseClient client = SseClient.open(port, "/topics/floor")) {
            awaitSubscribed("floor", 1);
            assertRejected(400, "POST", "/topics/floor?retry=0", "x");
            assertRejected(400, "POST", "/topics/floor?retry=99", "x");
            TestHttp.Response response = TestHttp.request(port, "POST", "/topics/floor?retry=1", "x");
            assertEquals("retry must be at least minMillis=100\n", response.body());
            String ok = TestHttp.publish(port, "floor?retry=100", "at the floor");
            assertEquals(new SseEvent("message", "at the floor", ok), client.next(WAIT));
            assertEquals(100, client.retry());
            assertEquals(epoch + "-1", ok, "no refused publish took a sequence number");
        }
    }

    @Test
    void shouldAnswer413FromContentLengthBeforeTheBodyIsSent() throws Exception {
        try (Socket socket = TestHttp.connect(port)) {
            TestHttp.write(socket, "POST /topics/big HTTP/1.1\r\nHost: x\r\nContent-Length: 2000000\r\n\r\n");
            TestHttp.Response response = TestHttp.read(socket.getInputStream(), false);
            assertEquals(413, response.status());
            assertEquals("close", response.header("Connection"));
        }
    }

    @Test
    void shouldAnswer100ContinueOnlyToABodyWithinTheLimit() throws Exception {
        try (Socket socket = TestHttp.connect(port)) {
            TestHttp.write(socket, "POST /topics/expect HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n"
                    + "Content-Length: 2000000\r\n\r\n");
            TestHttp.Response refused = TestHttp.read(socket.getInputStream(), false);
            assertEquals(413, refused.status(), "refused from Content-Length, before any 100 Continue");
        }
        try (Socket socket = TestHttp.connect(port)) {
            TestHttp.write(socket, "POST /topics/expect HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n"
                    + "Content-Length: 5\r\n\r\n");
            InputStream in = socket.getInputStream();
            assertEquals(100, TestHttp.read(in, true).status());
            TestHttp.write(socket, "hello");
            TestHttp.Response accepted = TestHttp.read(in, false);
            assertEquals(202, accepted.status());
            assertTrue(accepted.body().contains(epoch + "-1"), accepted.body());
        }
    }

    @Test
    void shouldAnswerHeadWithStreamHeadersAndKeepTheConnection() throws Exception {
        try (Socket socket = TestHttp.connect(port)) {
            TestHttp.write(socket, "HEAD /topics/head HTTP/1.1\r\nHost: x\r\n\r\n");
            InputStream in = socket.getInputStream();
            TestHttp.Response head = TestHttp.read(in, true);
            assertEquals(200, head.status());
            assertEquals("text/event-stream", head.header("Content-Type"));
            TestHttp.write(socket, "GET /health HTTP/1.1\r\nHost: x\r\n\r\n");
            assertEquals(200, TestHttp.read(in, false).status());
        }
    }

    @Test
    void shouldRefuseAHeadForWhatAGetWouldRefuse() throws Exception {
        String tooMany = "/events?" + java.util.stream.IntStream.rangeClosed(1, 33)
                .mapToObj(i -> "topic=t" + i).collect(java.util.stream.Collectors.joining("&"));
        assertEquals(400, TestHttp.request(port, "GET", tooMany, null).status());
        assertEquals(400, TestHttp.request(port, "HEAD", tooMany, null).status());
        assertEquals(400, TestHttp.request(port, "HEAD", "/events?topic=a&topic=a", null).status());
        assertEquals(400, TestHttp.request(port, "HEAD", "/topics/a%20b", null).status());
        assertEquals(200, TestHttp.request(port, "HEAD", "/events?topic=a&topic=b", null).status());
        assertEquals(0, herald.subscribers("a"), "a HEAD subscribes nobody");
    }

    @Test
    void shouldAnswer503ToASubscribeOrHeadForANewTopicOverMaxUnpublishedTopics() throws Exception {
        try (Herald small = TestServer.start(b -> b.maxUnpublishedTopics(1));
             SseClient held = SseClient.open(small.port(), "/topics/held")) {
            assertEquals(200, held.status());
            assertEquals(503, TestHttp.request(small.port(), "GET", "/topics/other", null).status());
            assertEquals(503, TestHttp.request(small.port(), "HEAD", "/topics/other", null).status());
            assertEquals(200, TestHttp.request(small.port(), "HEAD", "/topics/held", null).status());
            small.publish("only", "x");                 // publishers are not limited by subscribers' topics
            small.deleteTopic("only");
            assertEquals(503, TestHttp.request(small.port(), "GET", "/events?topic=n&topic=only", null).status());
            assertEquals(503, TestHttp.request(small.port(), "HEAD", "/events?topic=n&topic=only", null).status());
            assertEquals(204, TestHttp.request(small.port(), "HEAD", "/events?topic=only&topic=n", null).status());
        }
        try (Herald two = TestServer.start(b -> b.maxUnpublishedTopics(2));
             SseClient held = SseClient.open(two.port(), "/topics/held")) {
            assertEquals(200, held.status());
            assertEquals(503, TestHttp.request(two.port(), "HEAD", "/events?topic=x&topic=y", null).status());
            assertEquals(503, TestHttp.request(two.port(), "GET", "/events?topic=x&topic=y", null).status());
        }
    }

    @Test
    void shouldAnswer503ToAPublishOfANewTopicOverMaxTopicsAndPublishNothing() throws Exception {
        try (Herald small = TestServer.start(b -> b.maxTopics(1))) {
            small.publish("only", "x");
            TestHttp.Response refused = TestHttp.request(small.port(), "POST", "/topics/other", "y");
            assertEquals(503, refused.status());
            assertEquals("5", refused.header("Retry-After"));
            assertTrue(refused.body().contains("maxTopics=1"), refused.body());
            assertEquals(202, TestHttp.request(small.port(), "POST", "/topics/only", "z").status());
            small.deleteTopic("only");                  // a deleted topic's slot is free again
            assertEquals(202, TestHttp.request(small.port(), "POST", "/topics/other", "y").status());
        }
    }

    @Test
    void shouldAnswerOptionsWithAllowAndCorsPreflight() throws Exception {
        TestHttp.Response options = TestHttp.request(port, "OPTIONS", "/topics/cors", null);
        assertEquals(204, options.status());
        assertEquals("GET, HEAD, POST, DELETE, OPTIONS", options.header("Allow"));
        TestHttp.Response preflight = TestHttp.request(port, "OPTIONS", "/topics/cors", null,
                "Origin: https://app.example", "Access-Control-Request-Method: GET",
                "Access-Control-Request-Headers: last-event-id");
        assertEquals(204, preflight.status());
        assertEquals("https://app.example", preflight.header("Access-Control-Allow-Origin"));
        assertTrue(preflight.header("Access-Control-Allow-Headers").contains("Last-Event-ID"));
        assertTrue(preflight.header("Access-Control-Allow-Headers").contains("Authorization"));
        assertTrue(preflight.header("Access-Control-Allow-Methods").contains("GET"));
        assertEquals("Origin", preflight.header("Vary"));
        String longOrigin = "https://" + "abcdefgh.".repeat(26) + "example";   // 249 chars: a head over 512 B
        TestHttp.Response grown = TestHttp.request(port, "OPTIONS", "/topics/cors", null, "Origin: " + longOrigin,
                "Access-Control-Request-Method: GET");
        assertEquals(204, grown.status());
        assertEquals(longOrigin, grown.header("Access-Control-Allow-Origin"));
        assertEquals("Origin", grown.header("Vary"));
        TestHttp.Response star = TestHttp.request(port, "OPTIONS", "*", null);
        assertEquals(204, star.status());
    }

    @Test
    void shouldEchoOriginOnStreamsAndIgnoreMalformedOrigins() throws Exception {
        try (SseClient client = SseClient.open(port, "/topics/cors", "Origin: http://localhost:3000")) {
            assertEquals("http://localhost:3000", client.head().header("Access-Control-Allow-Origin"));
            assertNull(client.head().header("Access-Control-Allow-Credentials"));
        }
        TestHttp.Response odd = TestHttp.request(port, "GET", "/health", null, "Origin: not an origin");
        assertNull(odd.header("Access-Control-Allow-Origin"));
    }

    @Test
    void shouldAnswer404ForUnknownRoutesAnd405WithAllow() throws Exception {
        assertEquals(404, TestHttp.request(port, "GET", "/nowhere", null).status());
        TestHttp.Response put = TestHttp.request(port, "PUT", "/topics/a", "x");
        assertEquals(405, put.status());
        assertEquals("GET, HEAD, POST, DELETE, OPTIONS", put.header("Allow"));
        TestHttp.Response postHealth = TestHttp.request(port, "POST", "/health", "x");
        assertEquals(405, postHealth.status());
        assertEquals("GET, HEAD, OPTIONS", postHealth.header("Allow"));
    }

    @Test
    void shouldEndStreamsOnDeleteThenAnswer204UntilTheNextPublish() throws Exception {
        SseClient client = SseClient.open(port, "/topics/closing");
        awaitSubscribed("closing", 1);
        assertEquals(204, TestHttp.request(port, "DELETE", "/topics/closing", null).status());
        assertTrue(client.awaitEnd(WAIT), "the stream ended");
        client.close();
        try (SseClient after = SseClient.open(port, "/topics/closing")) {
            assertEquals(204, after.status());
        }
        assertEquals(204, TestHttp.request(port, "HEAD", "/topics/closing", null).status());
        assertEquals(404, TestHttp.request(port, "DELETE", "/topics/never", null).status());
        String id = TestHttp.publish(port, "closing", "back");
        try (SseClient again = SseClient.open(port, "/topics/closing", "Last-Event-ID: " + epoch + "-0")) {
            assertEquals(200, again.status());
            SseEvent event = again.next(WAIT);
            assertEquals("back", event.data());
            assertEquals(id, event.lastEventId());
        }
    }

    @Test
    void shouldServeHealthMetricsAndDashboard() throws Exception {
        TestHttp.Response health = TestHttp.request(port, "GET", "/health", null);
        assertEquals(200, health.status());
        assertTrue(health.body().startsWith("{\"status\":\"up\""));
        TestHttp.Response metrics = TestHttp.request(port, "GET", "/metrics", null);
        assertTrue(metrics.header("Content-Type").startsWith("text/plain; version=0.0.4"));
        assertTrue(metrics.body().contains("herald_events_published_total 1\n"), metrics.body());
        TestHttp.Response dashboard = TestHttp.request(port, "GET", "/", null);
        assertEquals("text/html; charset=utf-8", dashboard.header("Content-Type"));
        assertTrue(dashboard.body().contains("new EventSource(\"/topics/_herald/stats\")"));
    }

    @Test
    void shouldRejectInvalidTopicNamesAndSystemTopicPublishes() throws Exception {
        assertEquals(400, TestHttp.request(port, "GET", "/topics/a//b", null).status());
        assertEquals(400, TestHttp.request(port, "GET", "/topics/a%20b", null).status());
        assertEquals(400, TestHttp.request(port, "GET", "/topics/" + "t".repeat(201), null).status());
        assertEquals(400, TestHttp.request(port, "POST", "/topics/a/", "x").status());
        assertEquals(403, TestHttp.request(port, "POST", "/topics/_herald/stats", "x").status());
        try (SseClient nested = SseClient.open(port, "/topics/users/42")) {
            assertEquals(200, nested.status());
        }
    }

    @Test
    void shouldDeliverSeveralTopicsOnOneStreamWithCompositeIds() throws Exception {
        try (SseClient client = SseClient.open(port, "/events?topic=left&topic=right")) {
            assertEquals(200, client.status());
            assertTrue(TestServer.eventually(WAIT, () -> (epoch + "-0_0").equals(client.lastEventId())));
            awaitSubscribed("right", 1);
            TestHttp.publish(port, "left", "L1");
            assertEquals(new SseEvent("message", "L1", epoch + "-1_0"), client.next(WAIT));
            TestHttp.publish(port, "right?event=r", "R1");
            assertEquals(new SseEvent("r", "R1", epoch + "-1_1"), client.next(WAIT));
            TestHttp.publish(port, "left", "L2");
            assertEquals(new SseEvent("message", "L2", epoch + "-2_1"), client.next(WAIT));
        }
        assertEquals(400, TestHttp.request(port, "GET", "/events?topic=a&topic=a", null).status());
        assertEquals(400, TestHttp.request(port, "GET", "/events", null).status());
    }

    @Test
    void shouldKeepServingAfterMalformedRequests() throws Exception {
        TestHttp.Response bad = TestHttp.exchange(port, "GET /topics/x HTTP/1.1\r\nHost: x\r\nBad Header: v\r\n\r\n");
        assertEquals(400, bad.status());
        assertFalse(bad.body().contains("Bad Header"), "error messages never echo client bytes");
        assertEquals(200, TestHttp.request(port, "GET", "/health", null).status());
    }

    private void assertRejected(int status, String method, String target, String body) throws Exception {
        TestHttp.Response response = TestHttp.request(port, method, target, body);
        assertEquals(status, response.status(), method + " " + target + ": " + response.body());
        assertTrue(response.body().endsWith("\n") && response.body().indexOf('\n') == response.body().length() - 1,
                "a one-line reason");
    }

    private void awaitSubscribed(String topic, int count) throws InterruptedException {
        assertTrue(TestServer.eventually(WAIT, () -> herald.subscribers(topic) >= count),
                "subscribed to " + topic);
    }

    static String utf8(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
