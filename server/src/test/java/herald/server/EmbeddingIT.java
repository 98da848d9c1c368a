package herald.server;

import herald.protocol.http1.HttpException;
import herald.protocol.sse.SseEvent;
import herald.protocol.sse.SseEventCollector;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The embedding API: request-scoped streams (the LLM shape), the subscribe hook, publishing from code. */
class EmbeddingIT {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @Test
    void shouldStreamTokensForAPostAndEndWithDone() throws Exception {
        try (Herald herald = TestServer.start(b -> b.stream("POST", "/v1/chat", (request, stream) -> {
            String prompt = new String(request.body(), StandardCharsets.UTF_8);
            if (!"Bearer secret".equals(request.header("Authorization"))) {
                throw HttpException.of(401, "bearer token required");
            }
            stream.open();
            for (String token : prompt.split(" ")) {
                stream.send("token", token);
            }
            stream.send("[DONE]");
        }))) {
            String json = "{\"prompt\":\"tell me a story\"}";
            TestHttp.Response response = TestHttp.exchange(herald.port(),
                    "POST /v1/chat HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer secret\r\n"
                            + "Content-Type: application/json\r\nContent-Length: " + json.length() + "\r\n\r\n" + json);
            assertEquals(200, response.status());
            assertEquals("text/event-stream", response.header("Content-Type"));
            List<SseEvent> events = SseEventCollector.parse(response.body().getBytes(StandardCharsets.UTF_8));
            assertEquals(List.of(
                    new SseEvent("token", "{\"prompt\":\"tell", ""),
                    new SseEvent("token", "me", ""),
                    new SseEvent("token", "a", ""),
                    new SseEvent("token", "story\"}", ""),
                    new SseEvent("message", "[DONE]", "")), events);

            TestHttp.Response refused = TestHttp.request(herald.port(), "POST", "/v1/chat", json);
            assertEquals(401, refused.status());
            assertEquals("bearer token required\n", refused.body());
        }
    }

    @Test
    void shouldAnswerARefusalFromAHandlerOrHookWithItsStatusReasonAndRetryAfter() throws Exception {
        try (Herald server = TestServer.start(b -> b
                .stream("POST", "/v1/busy", (request, stream) -> {
                    throw Refusal.retryLater(503, "model busy", 7);
                })
                .onSubscribe(subscribe -> {
                    if (subscribe.topics().contains("private")) {
                        throw Refusal.of(403, "not allowed");
                    }
                }))) {
            TestHttp.Response busy = TestHttp.request(server.port(), "POST", "/v1/busy", "x");
            assertEquals(503, busy.status());
            assertEquals("7", busy.header("Retry-After"));
            assertEquals("model busy\n", busy.body());
            TestHttp.Response refused = TestHttp.request(server.port(), "GET", "/topics/private", null);
            assertEquals(403, refused.status());
            assertEquals("not allowed\n", refused.body());
            assertEquals(403, TestHttp.request(server.port(), "HEAD", "/topics/private", null).status());
        }
        assertThrows(IllegalArgumentException.class, () -> Refusal.of(302, "not a refusal"));
        assertThrows(IllegalArgumentException.class, () -> Refusal.of(400, "two\nlines"));
    }

    @Test
    void shouldServeOnlyTheBuiltInRoutesTheApplicationChose() throws Exception {
        try (Herald server = TestServer.start(b -> b.serve(BuiltIn.HEALTH)
                .stream("GET", "/v1/ticks", (request, stream) -> stream.send("tick")))) {
            int port = server.port();
            for (String path : new String[] {"/", "/metrics", "/topics/news", "/events?topic=news"}) {
                assertEquals(404, TestHttp.request(port, "GET", path, null).status(), path);
            }
            assertEquals(404, TestHttp.request(port, "POST", "/topics/news", "x").status());
            assertEquals(200, TestHttp.request(port, "GET", "/health", null).status());
            assertTrue(TestHttp.request(port, "GET", "/v1/ticks", null).body().contains("data: tick"));
            server.publish("news", "still works from code");
        }
        try (Herald none = TestServer.start(b -> b.serve())) {
            assertEquals(404, TestHttp.request(none.port(), "GET", "/health", null).status());
        }
    }

    @Test
    void shouldParkOnlyTheHandlerOfASlowClient() throws Exception {
        CountDownLatch slowStarted = new CountDownLatch(1);
        AtomicReference<Throwable> slowEnded = new AtomicReference<>();
        String chunk = "x".repeat(8_192);
        try (Herald herald = TestServer.start(b -> b
                .timeouts(Duration.ofSeconds(10), Duration.ofSeconds(60), Duration.ofSeconds(30), Duration.ofSeconds(1))
                .stream("GET", "/v1/flood", (request, stream) -> {
                    slowStarted.countDown();
                    try {
                        for (int i = 0; i < 100_000; i++) {
                            stream.send(chunk);
                        }
                    } catch (IOException e) {
                        slowEnded.set(e);
                        throw e;
                    }
                }).stream("GET", "/v1/quick", (request, stream) -> stream.send("fast")))) {
            try (Socket slow = new Socket()) {
                slow.setReceiveBufferSize(4_096);
                slow.connect(new java.net.InetSocketAddress("127.0.0.1", herald.port()));
                TestHttp.write(slow, "GET /v1/flood HTTP/1.1\r\nHost: x\r\n\r\n");   // and never read
                assertTrue(slowStarted.await(5, TimeUnit.SECONDS));
                TestHttp.Response quick = TestHttp.request(herald.port(), "GET", "/v1/quick", null);
                assertEquals("data: fast\n\n", quick.body());
                assertTrue(TestServer.eventually(WAIT, () -> slowEnded.get() != null),
                        "the stalled write timed out and ended the handler");
            }
        }
    }

    @Test
    void shouldAnswerAnEmptyStreamWhenTheHandlerSendsNothing() throws Exception {
        try (Herald herald = TestServer.start(b -> b.stream("GET", "/v1/nothing", (request, stream) -> { }))) {
            TestHttp.Response response = TestHttp.request(herald.port(), "GET", "/v1/nothing", null);
            assertEquals(200, response.status());
            assertEquals("text/event-stream", response.header("Content-Type"));
            assertEquals("", response.body());
        }
    }

    @Test
    void shouldMatchPrefixRoutesAndAnswer405ForOtherMethods() throws Exception {
        try (Herald herald = TestServer.start(b -> b
                .stream("GET", "/jobs/*", (request, stream) -> stream.send(request.path()))
                .stream("POST", "/jobs/new", (request, stream) -> stream.send("created"))
                .stream("GET", "/jobs/new", (request, stream) -> stream.send("never: /jobs/* comes first"))
                .stream("POST", "/health", (request, stream) -> stream.send("posted")))) {
            assertEquals("data: /jobs/42/progress\n\n",
                    TestHttp.request(herald.port(), "GET", "/jobs/42/progress", null).body());
            assertEquals("data: created\n\n", TestHttp.request(herald.port(), "POST", "/jobs/new", "").body());

            TestHttp.Response options = TestHttp.request(herald.port(), "OPTIONS", "/jobs/1", null);
            assertEquals(204, options.status());
            assertEquals("GET, OPTIONS", options.header("Allow"));
            assertEquals("GET, POST, OPTIONS",
                    TestHttp.request(herald.port(), "OPTIONS", "/jobs/new", null).header("Allow"));

            TestHttp.Response post = TestHttp.request(herald.port(), "POST", "/jobs/1", "x");
            assertEquals(405, post.status());
            assertEquals("GET, OPTIONS", post.header("Allow"));
            assertEquals("close", post.header("Connection"), "its body was not read: the connection ends");
            TestHttp.Response delete = TestHttp.request(herald.port(), "DELETE", "/jobs/new", null);
            assertEquals(405, delete.status());
            assertEquals("GET, POST, OPTIONS", delete.header("Allow"));
            assertEquals(404, TestHttp.request(herald.port(), "GET", "/job", null).status());

            // an embedded route on one of Herald's paths adds its method there
            assertEquals("data: posted\n\n", TestHttp.request(herald.port(), "POST", "/health", "").body());
            assertEquals(200, TestHttp.request(herald.port(), "GET", "/health", null).status());
            assertEquals("GET, HEAD, POST, OPTIONS",
                    TestHttp.request(herald.port(), "OPTIONS", "/health", null).header("Allow"));
            TestHttp.Response put = TestHttp.request(herald.port(), "PUT", "/health", null);
            assertEquals(405, put.status());
            assertEquals("GET, HEAD, POST, OPTIONS", put.header("Allow"));
        }
    }

    @Test
    void shouldLetTheSubscribeHookRefuseOrSendFirstEvents() throws Exception {
        try (Herald herald = TestServer.start(b -> b.onSubscribe(subscribe -> {
            if (subscribe.topics().contains("private")) {
                throw HttpException.of(403, "not yours");
            }
            subscribe.sendFirst("unread", "{\"count\":3}");
        }))) {
            assertEquals(403, TestHttp.request(herald.port(), "GET", "/topics/private", null).status());
            assertEquals(403, TestHttp.request(herald.port(), "HEAD", "/topics/private", null).status());
            assertEquals(200, TestHttp.request(herald.port(), "HEAD", "/topics/inbox", null).status());
            try (SseClient client = SseClient.open(herald.port(), "/topics/inbox")) {
                SseEvent first = client.next(WAIT);
                assertEquals("unread", first.type());
                assertEquals("{\"count\":3}", first.data());
                assertTrue(first.lastEventId().endsWith("-0"), "the first event keeps the resume position");
                String id = herald.publish("inbox", "mail");
                assertEquals(new SseEvent("message", "mail", id), client.next(WAIT));
            }
        }
    }

    @Test
    void shouldRefuseAHeraldEventTypeFromTheSubscribeHook() throws Exception {
        AtomicReference<Exception> refused = new AtomicReference<>();
        try (Herald herald = TestServer.start(b -> b.onSubscribe(subscribe -> {
            try {
                subscribe.sendFirst("herald-gap", "{}");
            } catch (IllegalArgumentException e) {
                refused.set(e);
            }
            subscribe.sendFirst("welcome", "hi");
        }))) {
            try (SseClient client = SseClient.open(herald.port(), "/topics/hooked")) {
                SseEvent first = client.next(WAIT);
                assertEquals("welcome", first.type(), "the hook's refused event was not sent");
                assertEquals("hi", first.data());
            }
            assertTrue(refused.get() instanceof IllegalArgumentException, "sendFirst refused herald-gap");
        }
    }

    @Test
    void shouldPublishFromCodeAndValidateArguments() {
        try (Herald herald = TestServer.start()) {
            assertThrows(IllegalArgumentException.class, () -> herald.publish("bad//name", "x"));
            assertThrows(IllegalArgumentException.class, () -> herald.publish("_herald/stats", "x"));
            assertThrows(IllegalArgumentException.class, () -> herald.publish("ok", "type\nid: 1", "x"));
            assertThrows(IllegalArgumentException.class, () -> herald.publish("ok", "t".repeat(257), "x"));
            assertThrows(IllegalArgumentException.class, () -> herald.publish("ok", "herald-gap", "{}"));
            assertThrows(IllegalArgumentException.class, () -> herald.publish("ok", "herald-shutdown", "{}"));
            String id = herald.publish("ok", "typed", "data");
            assertTrue(id.endsWith("-1"));
            assertTrue(herald.deleteTopic("ok"));
        }
    }

    @Test
    void shouldFrameHandlerStreamsAsChunksAndKeepTheConnectionForTheNextRequest() throws Exception {
        try (Herald herald = TestServer.start(b -> b.stream("POST", "/v1/chat", (request, stream) -> {
            String prompt = new String(request.body(), StandardCharsets.UTF_8);
            stream.send(prompt + " 1");
            stream.send("token", prompt + " 2", "7");
        }).stream("GET", "/v1/nothing", (request, stream) -> { }));
             Socket socket = TestHttp.connect(herald.port())) {
            for (String prompt : List.of("a", "b")) {
                TestHttp.write(socket, "POST /v1/chat HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\n\r\n" + prompt);
                TestHttp.Response response = TestHttp.read(socket.getInputStream(), false);
                assertEquals(200, response.status());
                assertEquals("chunked", response.header("Transfer-Encoding"));
                assertEquals(null, response.header("Connection"));
                assertEquals("data: " + prompt + " 1\n\nevent: token\ndata: " + prompt + " 2\nid: 7\n\n",
                        response.body());
            }
            TestHttp.write(socket, "GET /v1/nothing HTTP/1.1\r\nHost: x\r\n\r\n");
            TestHttp.Response empty = TestHttp.read(socket.getInputStream(), false);
            assertEquals("chunked", empty.header("Transfer-Encoding"));
            assertEquals("", empty.body(), "a handler that sent nothing: the last chunk alone");
            assertEquals(200, TestHttp.request(herald.port(), "GET", "/health", null).status());
        }
        // HTTP/1.0, or a request asking for the close: the body lasts until the close, as before
        try (Herald herald = TestServer.start(b -> b.stream("GET", "/v1/once", (request, stream) -> stream.send("x")))) {
            TestHttp.Response closing = TestHttp.request(herald.port(), "GET", "/v1/once", null);
            assertEquals("close", closing.header("Connection"));
            assertEquals(null, closing.header("Transfer-Encoding"));
            assertEquals("data: x\n\n", closing.body());
            TestHttp.Response old = TestHttp.exchange(herald.port(), "GET /v1/once HTTP/1.0\r\n\r\n");
            assertEquals(null, old.header("Transfer-Encoding"));
            assertEquals("data: x\n\n", old.body());
        }
    }
}
