package herald.server;

import herald.protocol.sse.SseEvent;
import herald.server.cluster.RedisServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Cluster mode against a real {@code redis-server}: several Herald nodes in this JVM sharing topics through one Redis
 * (DESIGN.md section 5). Event ids are stream entry ids; a client resumes on any node exactly.
 */
final class ClusterIT {
    private static final Duration WAIT = Duration.ofSeconds(10);

    private RedisServer redis;
    private final List<Herald> nodes = new ArrayList<>();
    private final List<SseClient> clients = new ArrayList<>();

    @BeforeEach
    void startRedis() throws IOException, InterruptedException {
        redis = RedisServer.start();
    }

    @AfterEach
    void stopAll() throws IOException {
        for (SseClient client : clients) {
            client.close();
        }
        for (Herald node : nodes) {
            node.close();
        }
        redis.close();
    }

    private Herald node() {
        return node(b -> b);
    }

    private Herald node(UnaryOperator<Herald.Builder> configure) {
        Herald node = TestServer.start(b -> configure.apply(b.redis("redis://127.0.0.1:" + redis.port())
                .timeouts(Timeouts.DEFAULTS.withShutdown(Duration.ofSeconds(2)))));
        nodes.add(node);
        return node;
    }

    private SseClient subscribe(Herald node, String target, String... headers) throws IOException {
        SseClient client = SseClient.open(node.port(), target, headers);
        assertEquals(200, client.status());
        clients.add(client);
        return client;
    }

    private String epoch(String id) {
        return id.substring(0, id.indexOf('-'));
    }

    @Test
    void shouldDeliverAnEventPublishedOnOneNodeToTheSubscribersOfAnotherWithTheStreamEntryIdAsItsId()
            throws Exception {
        Herald a = node();
        Herald b = node();
        SseClient onB = subscribe(b, "/topics/news");
        SseClient onA = subscribe(a, "/topics/news");
        String first = TestHttp.publish(a.port(), "news", "from a");
        String second = TestHttp.publish(b.port(), "news?event=note", "from b\nline two");
        assertEquals(epoch(first) + "-1", first);
        assertEquals(epoch(first) + "-2", second);
        assertEquals(redis.cli("XRANGE", "herald:{news}", "-", "+", "COUNT", "1").lines().findFirst().orElseThrow(),
                first);
        for (SseClient client : List.of(onA, onB)) {
            assertEquals(new SseEvent("message", "from a", first), client.next(WAIT));
            assertEquals(new SseEvent("note", "from b\nline two", second), client.next(WAIT));
        }
    }

    @Test
    void shouldResumeExactlyOnAnotherNodeFromTheStreamWhenTheFirstNodeIsGone() throws Exception {
        Herald a = node();
        Herald b = node();
        SseClient onA = subscribe(a, "/topics/orders");
        List<String> ids = new ArrayList<>();
        for (int i = 1; i <= 40; i++) {
            ids.add(TestHttp.publish(a.port(), "orders", "order " + i));
        }
        List<SseEvent> seen = onA.take(25, WAIT);
        onA.close();                                       // the node's connection is gone mid-stream
        a.close();
        for (int i = 41; i <= 60; i++) {
            ids.add(TestHttp.publish(b.port(), "orders", "order " + i));
        }
        SseClient onB = subscribe(b, "/topics/orders", "Last-Event-ID: " + seen.get(24).lastEventId());
        List<SseEvent> rest = onB.take(35, WAIT);          // 26..60: 15 from the stream, then 20 more
        for (int i = 0; i < 35; i++) {
            assertEquals(new SseEvent("message", "order " + (26 + i), ids.get(25 + i)), rest.get(i));
        }
        ids.add(TestHttp.publish(b.port(), "orders", "order 61"));
        assertEquals(new SseEvent("message", "order 61", ids.get(60)), onB.next(WAIT));
        assertEquals(0, onB.received() - 36, "no duplicates");
    }

    @Test
    void shouldResumeAStreamOfSeveralTopicsExactlyOnAnotherNode() throws Exception {
        Herald a = node();
        Herald b = node();
        SseClient onA = subscribe(a, "/events?topic=x&topic=y");
        for (int i = 1; i <= 10; i++) {
            TestHttp.publish(a.port(), "x", "x" + i);
            TestHttp.publish(a.port(), "y", "y" + i);
        }
        List<SseEvent> seen = onA.take(12, WAIT);
        onA.close();
        a.close();
        for (int i = 11; i <= 15; i++) {
            TestHttp.publish(b.port(), "x", "x" + i);
            TestHttp.publish(b.port(), "y", "y" + i);
        }
        String last = seen.get(11).lastEventId();
        SseClient onB = subscribe(b, "/events?topic=x&topic=y", "Last-Event-ID: " + last);
        List<SseEvent> rest = onB.take(30 - 12, WAIT);
        List<String> all = new ArrayList<>();
        seen.forEach(e -> all.add(e.data()));
        rest.forEach(e -> all.add(e.data()));
        for (String topic : List.of("x", "y")) {
            List<String> ofTopic = all.stream().filter(d -> d.startsWith(topic)).toList();
            List<String> expected = new ArrayList<>();
            for (int i = 1; i <= 15; i++) {
                expected.add(topic + i);
            }
            assertEquals(expected, ofTopic, "every event of " + topic + " once, in order");
        }
        String[] position = rest.get(rest.size() - 1).lastEventId().substring(epoch(last).length() + 1).split("_");
        assertEquals(List.of("15", "15"), List.of(position));
        assertTrue(rest.get(0).lastEventId().startsWith(epoch(last) + "-"));
    }
}
