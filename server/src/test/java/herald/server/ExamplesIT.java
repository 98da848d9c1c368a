package herald.server;

import herald.protocol.sse.SseEvent;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The browser examples: off by default, on with {@code examples(true)} / {@code --examples}. */
class ExamplesIT {
    @Test
    void shouldServeThePagesTheChatStreamAndTheBellsUnreadCountWhenEnabled() throws Exception {
        try (Herald herald = TestServer.start(b -> b.examples(true))) {
            for (String page : List.of("/examples/", "/examples/bell.html", "/examples/metrics.html",
                    "/examples/chat.html")) {
                TestHttp.Response ok = TestHttp.request(herald.port(), "GET", page, null);
                assertEquals(200, ok.status(), page);
                assertEquals("text/html; charset=utf-8", ok.header("Content-Type"), page);
                assertTrue(page.equals("/examples/") || ok.body().contains("from \"/herald.js\""), page);
            }
            TestHttp.Response chat = TestHttp.request(herald.port(), "POST", "/examples/chat", "hello  brave world");
            assertEquals(200, chat.status(), chat.statusLine());
            assertEquals("text/event-stream", chat.header("Content-Type"));
            assertTrue(chat.body().endsWith("data: hello\n\ndata: brave\n\ndata: world\n\ndata: [DONE]\n\n"),
                    chat.body());

            try (SseClient bell = SseClient.open(herald.port(), "/topics/examples/bell")) {
                SseEvent unread = bell.next(Duration.ofSeconds(5));
                assertEquals("unread:3", unread.type() + ":" + unread.data(), "the subscribe hook's count comes first");
                String id = herald.publish("examples/bell", "Build 42 passed");
                assertEquals(new SseEvent("message", "Build 42 passed", id), bell.next(Duration.ofSeconds(5)));
            }
        }
    }

    @Test
    void shouldKeepTheApplicationsHookAndServeNoExamplesByDefault() throws Exception {
        try (Herald herald = TestServer.start(b -> b.examples(true)
                .onSubscribe(subscribe -> subscribe.sendFirst("app", "first")))) {
            try (SseClient bell = SseClient.open(herald.port(), "/topics/examples/bell")) {
                assertEquals(List.of("unread:3", "app:first"), bell.take(2, Duration.ofSeconds(5)).stream()
                        .map(e -> e.type() + ":" + e.data()).toList());
            }
        }
        try (Herald herald = TestServer.start()) {
            assertEquals(404, TestHttp.request(herald.port(), "GET", "/examples/bell.html", null).status());
            assertEquals(404, TestHttp.request(herald.port(), "POST", "/examples/chat", "hi").status());
        }
    }

    @Test
    void shouldTakeTheFlag() {
        assertTrue(Main.parse(new String[] {"--examples"}, java.util.Map.of(), System.out) != null);
    }
}
