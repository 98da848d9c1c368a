package herald.server;

import herald.protocol.http1.HttpLimits;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Stopping, memory budgets and topic lifecycles over real sockets (the floors in README.md, "HTTP API" and "Configuration"). */
class ReliabilityIT {
    private static final Duration WAIT = Duration.ofSeconds(5);

    @Test
    void shouldAnswer503WhileStoppingAndWriteEveryAcceptedEventBeforeEndingTheStream() throws Exception {
        Herald herald = TestServer.start();
        int port = herald.port();
        String data = "x".repeat(4_000);
        try (Socket slow = new Socket(); Socket keptAlive = TestHttp.connect(port)) {
            slow.setReceiveBufferSize(4_096);               // a reader that lets the drain take a while
            slow.connect(new InetSocketAddress("127.0.0.1", port));
            slow.setSoTimeout(10_000);
            TestHttp.write(slow, "GET /topics/drain HTTP/1.1\r\nHost: x\r\n\r\n");
            assertTrue(TestServer.eventually(WAIT, () -> herald.subscribers("drain") == 1));
            String last = null;
            for (int i = 0; i < 200; i++) {
                last = herald.publish("drain", i + " " + data);
            }
            TestHttp.write(keptAlive, keepAlive("GET", "/health", null));
            assertEquals(200, TestHttp.read(keptAlive.getInputStream(), false).status());

            CompletableFuture<Void> stopped = CompletableFuture.runAsync(herald::close);
            assertTrue(TestServer.eventually(WAIT, () -> herald.health() == Herald.Health.STOPPING));
            for (String[] request : new String[][] {{"GET", "/topics/drain"}, {"DELETE", "/topics/drain"},
                    {"HEAD", "/topics/drain"}, {"GET", "/events?topic=drain"}, {"POST", "/topics/drain"}}) {
                // the POST last: a refusal before its body is read ends the connection
                TestHttp.write(keptAlive, keepAlive(request[0], request[1], "POST".equals(request[0]) ? "late" : null));
                TestHttp.Response refused = TestHttp.read(keptAlive.getInputStream(), "HEAD".equals(request[0]));
                assertEquals(503, refused.status(), request[0] + " " + request[1] + " while stopping");
                assertTrue(refused.header("Retry-After") != null, "Retry-After on " + request[1]);
            }
            assertThrows(IllegalStateException.class, () -> herald.publish("drain", "late"));
            PublishResult late = herald.tryPublish("drain", null, "late", Duration.ofMillis(10));
            assertEquals(PublishResult.Status.STOPPING, late.status());
            assertEquals(null, late.id());
            assertEquals("server is stopping", late.reason());

            String stream = readToEnd(slow.getInputStream());    // now read: everything, then the end
            int events = stream.split("\ndata: ", -1).length - 1;
            assertEquals(201, events, "every event accepted before the stop, then the shutdown event");
            String tail = stream.substring(stream.lastIndexOf("id: "));
            assertTrue(tail.matches("id: " + last + "\n\nevent: herald-shutdown\ndata: \\{\"reconnectAfterMs\":(\\d+)}"
                    + "\nretry: \\d+\n\n"), "the last accepted event, then the shutdown event, then the end: " + tail);
            stopped.get();
        } finally {
            herald.close();
        }
    }

    @Test
    void shouldDropTheHistoryOfTheIdlestTopicsFirstAndThen503WhenTheRetainedBudgetIsFull() throws Exception {
        try (Herald herald = TestServer.start(b -> b.maxRetainedBytes(96 << 10))) {
            int port = herald.port();
            String event = "y".repeat(3_000);
            String firstId = herald.publish("idle/0", event);
            for (int t = 1; t < 40; t++) {                     // idle topics: their history makes room
                herald.publish("idle/" + t, event);
            }
            String metrics = TestHttp.request(port, "GET", "/metrics", null).body();
            assertTrue(metric(metrics, "herald_history_dropped_total") > 0, metrics);
            assertTrue(metric(metrics, "herald_retained_bytes") <= (96 << 10) + 2_048, metrics);  // + one index page
            try (SseClient resumed = SseClient.open(port, "/topics/idle/0", "Last-Event-ID: " + firstId)) {
                assertEquals("herald-gap", resumed.next(WAIT).type(), "a dropped history resumes with the gap");
            }

            List<SseClient> watchers = new ArrayList<>();   // topics with subscribers are never dropped
            try {
                int refused = 0;
                for (int t = 0; t < 60 && refused == 0; t++) {
                    watchers.add(SseClient.open(port, "/topics/busy/" + t));
                    int topic = t;
                    assertTrue(TestServer.eventually(WAIT, () -> herald.subscribers("busy/" + topic) == 1));
                    TestHttp.Response answer = TestHttp.request(port, "POST", "/topics/busy/" + t, event);
                    if (answer.status() == 503) {
                        refused++;
                        assertEquals("1", answer.header("Retry-After"));
                        assertTrue(answer.body().contains("maxRetainedBytes=98304"), answer.body());
                        assertTrue(watchers.get(t).drain().stream().noneMatch(e -> e.data().startsWith("y")),
                                "a refused publish reaches nobody");
                    } else {
                        assertEquals(202, answer.status());
                    }
                }
                assertEquals(1, refused, "a publish gets 503 once only busy topics hold history");
                assertTrue(metric(TestHttp.request(port, "GET", "/metrics", null).body(),
                        "herald_retained_full_total") >= 1);
            } finally {
                for (SseClient watcher : watchers) {
                    watcher.close();
                }
            }
        }
    }

    @Test
    void shouldBufferBodiesAsTheyArriveAndAnswer503OverTheInflightBodyBudget() throws Exception {
        try (Herald herald = TestServer.start(b -> b.limits(HttpLimits.DEFAULTS.withMaxBodyBytes(64 << 10))
                .maxInflightBodyBytes(64 << 10));
             Socket first = TestHttp.connect(herald.port());
             Socket second = TestHttp.connect(herald.port());
             Socket third = TestHttp.connect(herald.port())) {
            String stalled = "POST /topics/up HTTP/1.1\r\nHost: x\r\nContent-Length: 65536\r\n\r\nabc";
            TestHttp.write(first, stalled);             // declares 64 KiB, sends 3 bytes: holds 8 KiB, not 64
            TestHttp.write(second, stalled);
            Thread.sleep(200);
            TestHttp.write(third, "POST /topics/up HTTP/1.1\r\nHost: x\r\nContent-Length: 65536\r\n\r\n"
                    + "z".repeat(60_000));                  // grows to 64 KiB: over what the other two leave
            TestHttp.Response refused = TestHttp.read(third.getInputStream(), false);
            assertEquals(503, refused.status());
            assertEquals("1", refused.header("Retry-After"));
            assertTrue(refused.body().contains("maxInflightBodyBytes=65536"), refused.body());
            first.close();
            second.close();
            assertTrue(TestServer.eventually(WAIT, () -> {
                try {
                    return TestHttp.request(herald.port(), "POST", "/topics/up", "z".repeat(60_000)).status() == 202;
                } catch (IOException e) {
                    return false;
                }
            }), "the budget comes back when the stalled uploads end");
        }
    }

    @Test
    void shouldForgetADeletedTopicsHistoryKeepItsTombstoneAndContinueItsIds() throws Exception {
        try (Herald herald = TestServer.start(b -> b.maxTopics(1))) {
            int port = herald.port();
            for (int i = 0; i < 50; i++) {                  // each delete frees the one topic slot
                assertEquals(202, TestHttp.request(port, "POST", "/topics/t/" + i, "e").status(), "topic " + i);
                assertEquals(204, TestHttp.request(port, "DELETE", "/topics/t/" + i, null).status());
            }
            assertEquals(204, TestHttp.request(port, "GET", "/topics/t/7", null).status(), "tombstone answers 204");
            String metrics = TestHttp.request(port, "GET", "/metrics", null).body();
            assertEquals(0, metric(metrics, "herald_retained_bytes"), "deleted history is released");
            assertEquals(0, metric(metrics, "herald_topics"));
            String again = herald.publish("t/7", "again");
            assertTrue(Long.parseLong(again.substring(again.indexOf('-') + 1)) > 50, "ids continue: " + again);
        }
    }

    /** A request that keeps its connection open (TestHttp.raw asks for a close). */
    private static String keepAlive(String method, String target, String body) {
        return TestHttp.raw(method, target, body).replace("Connection: close\r\n", "");
    }

    private static long metric(String text, String name) {
        for (String line : text.split("\n")) {
            if (line.startsWith(name + " ")) {
                return Long.parseLong(line.substring(name.length() + 1).trim());
            }
        }
        throw new AssertionError("no metric " + name);
    }

    private static String readToEnd(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        in.transferTo(out);
        return out.toString(StandardCharsets.UTF_8);
    }
}
