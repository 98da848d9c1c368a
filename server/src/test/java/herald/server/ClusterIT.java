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
        String third = a.publish("news", "embedded");
        assertEquals(epoch(first) + "-3", third);
        assertEquals(new SseEvent("message", "embedded", third), onB.next(WAIT));
        TestHttp.Response delete = TestHttp.request(a.port(), "DELETE", "/topics/news", null);
        assertEquals(400, delete.status(), "not in cluster mode yet");
        assertTrue(delete.body().contains("cluster mode"), delete.body());
        IllegalStateException embedded = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                () -> a.deleteTopic("news"));
        assertTrue(embedded.getMessage().contains("cluster mode"), embedded.getMessage());
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
        Thread.sleep(200);
        assertEquals(36, onB.received(), "no duplicates");
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

    @Test
    void shouldAnswer503WhileRedisIsDownLoseNoAcceptedEventAndContinueTheSameStreamsAfter() throws Exception {
        redis.close();
        redis = RedisServer.start("--appendonly", "yes", "--appendfsync", "always");   // a restart loses nothing
        Herald a = node();
        Herald b = node();
        SseClient onB = subscribe(b, "/topics/ticks");
        assertEquals(200, TestHttp.request(a.port(), "GET", "/health", null).status());
        List<String> accepted = java.util.Collections.synchronizedList(new ArrayList<>());
        java.util.concurrent.atomic.AtomicInteger refused = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger acceptedAfterRestart = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicBoolean restarted = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        Thread publisher = Thread.ofPlatform().start(() -> {
            for (int i = 0; i < 20_000 && !stop.get(); i++) {
                try {
                    TestHttp.Response response = TestHttp.request(a.port(), "POST", "/topics/ticks", "tick " + i);
                    if (response.status() == 202) {
                        String body = response.body();
                        int at = body.indexOf("\"id\":\"") + 6;
                        accepted.add(body.substring(at, body.indexOf('"', at)));
                        if (restarted.get()) {
                            acceptedAfterRestart.incrementAndGet();
                        }
                    } else {
                        assertEquals(503, response.status(), response.statusLine());
                        assertEquals("1", response.header("Retry-After"));
                        refused.incrementAndGet();
                    }
                    Thread.sleep(1);
                } catch (IOException | InterruptedException e) {
                    throw new AssertionError(e);
                }
            }
        });
        Thread.sleep(700);
        redis.kill();
        assertTrue(TestServer.eventually(WAIT, () -> refused.get() > 0), "publishes refused while Redis is down");
        PublishResult down = a.tryPublish("ticks", null, "embedded", Duration.ZERO);
        assertEquals(PublishResult.Status.UNAVAILABLE, down.status(), String.valueOf(down.reason()));
        assertTrue(down.reason().startsWith("redis did not acknowledge the event"), down.reason());
        refused.incrementAndGet();
        TestHttp.Response health = TestHttp.request(a.port(), "GET", "/health", null);
        assertEquals(503, health.status());
        assertTrue(health.body().contains("\"status\":\"degraded\""), health.body());
        Thread.sleep(700);
        restarted.set(true);
        redis.restart();
        assertTrue(TestServer.eventually(Duration.ofSeconds(20), () -> acceptedAfterRestart.get() >= 200),
                "publishes accepted again after the restart");
        stop.set(true);
        publisher.join(30_000);
        assertTrue(TestServer.eventually(WAIT, () -> {
            try {
                return TestHttp.request(a.port(), "GET", "/health", null).status() == 200;
            } catch (IOException e) {
                return false;
            }
        }));
        String last = accepted.get(accepted.size() - 1);
        List<SseEvent> received = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while ((received.isEmpty() || !received.get(received.size() - 1).lastEventId().equals(last))
                && System.nanoTime() < deadline) {
            received.add(onB.next(WAIT));
        }
        assertTrue(!onB.isEnded(), "the stream stayed open through the outage");
        java.util.Set<String> ids = new java.util.HashSet<>();
        long previous = 0;
        for (SseEvent event : received) {
            long seq = Long.parseLong(event.lastEventId().substring(event.lastEventId().indexOf('-') + 1));
            assertEquals(previous + 1, seq, "gap-free, in order, once each: after " + previous);
            previous = seq;
            ids.add(event.lastEventId());
        }
        for (String id : accepted) {
            assertTrue(ids.contains(id), "accepted (202) and delivered: " + id);
        }
        PrometheusText metrics = PrometheusText.parse(a.metricsText());
        assertEquals(refused.get(), metrics.value("herald_redis_publish_failures_total"));
        assertTrue(metrics.value("herald_redis_reconnects_total") >= 1);
        assertEquals(1, metrics.value("herald_redis_connected"));
        PrometheusText onNodeB = PrometheusText.parse(b.metricsText());
        assertTrue(onNodeB.value("herald_redis_tail_entries_total") >= accepted.size());
        assertEquals(1, onNodeB.value("herald_redis_followed_topics"));
        MetricsIT.promtool(b.metricsText());
        System.out.println("ClusterIT outage: accepted=" + accepted.size() + " refused=" + refused.get()
                + " delivered=" + received.size());
    }

    @Test
    void shouldTellAClientOfAnEpochRedisLostWithAGapOfReasonUnknown() throws Exception {
        Herald a = node();
        Herald b = node();
        SseClient onB = subscribe(b, "/topics/lost");
        String first = TestHttp.publish(a.port(), "lost", "before");
        assertEquals(first, onB.next(WAIT).lastEventId());
        redis.kill();
        Thread.sleep(1_100);                                 // Redis's clock moves on: the next epoch is later
        redis.restart();                                     // no persistence: the streams and the epoch are gone
        String after = null;
        for (int i = 0; i < 200 && after == null; i++) {
            TestHttp.Response response = TestHttp.request(a.port(), "POST", "/topics/lost", "after");
            if (response.status() == 202) {
                after = response.body();
            } else {
                Thread.sleep(50);
            }
        }
        assertTrue(after != null && !after.contains(epoch(first) + "-"), "a new epoch: " + after);
        assertTrue(onB.awaitEnd(WAIT), "the stream of the lost epoch ends");
        assertEquals(1, PrometheusText.parse(b.metricsText()).value("herald_redis_epoch_changes_total"));
        SseClient again = subscribe(b, "/topics/lost", "Last-Event-ID: " + first);
        SseEvent gap = again.next(WAIT);
        assertEquals("herald-gap", gap.type());
        assertTrue(gap.data().contains("\"reason\":\"unknown\""), gap.data());
        String next = TestHttp.publish(a.port(), "lost", "later");
        assertEquals(new SseEvent("message", "later", next), again.next(WAIT));
        assertEquals(epoch(next) + "-2", next);
    }

    @Test
    void shouldSendTheGapSignalForAnIdOlderThanTheStreamKeeps() throws Exception {
        Herald a = node(b -> b.retention(Retention.DEFAULTS.withEvents(64)));
        Herald b = node(c -> c.retention(Retention.DEFAULTS.withEvents(64)));
        String first = TestHttp.publish(a.port(), "busy", "event 1");
        List<String> ids = new ArrayList<>(List.of(first));
        for (int i = 2; i <= 600; i++) {
            ids.add(TestHttp.publish(a.port(), "busy", "event " + i));
        }
        long kept = Long.parseLong(redis.cli("XLEN", "herald:{busy}"));
        assertTrue(kept >= 64 && kept < 600, "trimmed to about 64: " + kept);
        SseClient old = subscribe(b, "/topics/busy", "Last-Event-ID: " + first);
        SseEvent gap = old.next(WAIT);
        assertEquals("herald-gap", gap.type());
        assertTrue(gap.data().contains("\"reason\":\"evicted\""), gap.data());
        String oldestKept = ids.get(600 - (int) kept);
        SseClient inStream = subscribe(b, "/topics/busy", "Last-Event-ID: " + oldestKept);
        List<SseEvent> rest = inStream.take((int) kept - 1, WAIT);
        assertEquals("event " + (600 - kept + 2), rest.get(0).data());
        assertEquals(ids.get(599), rest.get(rest.size() - 1).lastEventId());
    }

    @Test
    void shouldDeliverIdenticalSequencesToThreeNodesOfAThousandSubscribersEach() throws Exception {
        List<Herald> three = List.of(node(), node(), node());
        List<SseClient> subscribers = new ArrayList<>();
        for (Herald node : three) {
            for (int i = 0; i < 1_000; i++) {
                subscribers.add(subscribe(node, "/topics/wide"));
            }
        }
        List<String> published = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            published.add(TestHttp.publish(three.get(i % 3).port(), "wide", "event " + i));
        }
        for (SseClient subscriber : subscribers) {
            List<SseEvent> got = subscriber.take(100, Duration.ofSeconds(30));
            for (int i = 0; i < 100; i++) {
                assertEquals(published.get(i), got.get(i).lastEventId());
                assertEquals("event " + i, got.get(i).data());
            }
        }
        Thread.sleep(200);
        for (SseClient subscriber : subscribers) {
            assertEquals(100, subscriber.received(), "no duplicates");
        }
        for (Herald node : three) {
            assertEquals(1_000, node.subscribers("wide"));
        }
    }

    @Test
    void shouldLetANodeJoiningABusyTopicMidStreamMissNothing() throws Exception {
        Herald a = node();
        SseClient fromStart = subscribe(a, "/topics/stream");
        List<String> accepted = java.util.Collections.synchronizedList(new ArrayList<>());
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        Thread publisher = Thread.ofPlatform().start(() -> {
            for (int i = 1; i <= 5_000 && !stop.get(); i++) {
                try {
                    accepted.add(TestHttp.publish(a.port(), "stream", "n" + i));
                    Thread.sleep(1);
                } catch (IOException | InterruptedException e) {
                    throw new AssertionError(e);
                }
            }
        });
        assertTrue(TestServer.eventually(WAIT, () -> accepted.size() >= 100));
        Herald c = node();                                   // joins while events keep coming
        String resumeAt = accepted.get(49);
        SseClient resumed = subscribe(c, "/topics/stream", "Last-Event-ID: " + resumeAt);
        SseClient live = subscribe(c, "/topics/stream");
        Thread.sleep(500);
        stop.set(true);
        publisher.join(30_000);
        int n = accepted.size();
        List<SseEvent> all = fromStart.take(n, Duration.ofSeconds(30));
        List<SseEvent> fromResume = resumed.take(n - 50, Duration.ofSeconds(30));
        for (int i = 0; i < n; i++) {
            assertEquals(accepted.get(i), all.get(i).lastEventId());
        }
        for (int i = 50; i < n; i++) {
            assertEquals(new SseEvent("message", "n" + (i + 1), accepted.get(i)), fromResume.get(i - 50));
        }
        SseEvent firstLive = live.next(WAIT);
        int from = accepted.indexOf(firstLive.lastEventId());
        assertTrue(from >= 50, "live from where it joined: " + from);
        List<SseEvent> restLive = live.take(n - from - 1, Duration.ofSeconds(30));
        for (int i = from + 1; i < n; i++) {
            assertEquals(accepted.get(i), restLive.get(i - from - 1).lastEventId());
        }
        Thread.sleep(200);
        assertEquals(n - 50, resumed.received(), "no duplicates");
        assertEquals(n - from, live.received(), "no duplicates");
        System.out.println("ClusterIT join: published=" + n + " live joined at " + (from + 1));
    }

    @Test
    void shouldResumeExactlyOnAnotherNodeAfterTheFirstNodesProcessIsKilledWithSigkill() throws Exception {
        try (HeraldProcess killed = HeraldProcess.start("--redis", "redis://127.0.0.1:" + redis.port(),
                "--max-connections-per-ip", "0", "--connect-rate-per-ip", "0")) {
            int p = killed.port();
            Herald b = node();
            SseClient single = SseClient.open(p, "/topics/k1");
            SseClient several = SseClient.open(p, "/events?topic=k1&topic=k2");
            clients.add(single);
            clients.add(several);
            List<String> k1 = new ArrayList<>();
            for (int i = 1; i <= 30; i++) {
                k1.add(TestHttp.publish(p, "k1", "a" + i));
                TestHttp.publish(p, "k2", "b" + i);
            }
            List<SseEvent> seenSingle = single.take(20, WAIT);
            List<SseEvent> seenSeveral = several.take(20, WAIT);
            assertEquals(137, killed.kill(), "killed by SIGKILL");
            for (int i = 31; i <= 40; i++) {
                k1.add(TestHttp.publish(b.port(), "k1", "a" + i));
                TestHttp.publish(b.port(), "k2", "b" + i);
            }
            String lastSingle = seenSingle.get(19).lastEventId();
            assertEquals(k1.get(19), lastSingle);
            SseClient resumedSingle = subscribe(b, "/topics/k1", "Last-Event-ID: " + lastSingle);
            List<SseEvent> restSingle = resumedSingle.take(20, WAIT);
            for (int i = 0; i < 20; i++) {
                assertEquals(new SseEvent("message", "a" + (21 + i), k1.get(20 + i)), restSingle.get(i));
            }
            SseClient resumedSeveral = subscribe(b, "/events?topic=k1&topic=k2",
                    "Last-Event-ID: " + seenSeveral.get(19).lastEventId());
            List<SseEvent> restSeveral = resumedSeveral.take(80 - 20, WAIT);
            List<String> all = new ArrayList<>();
            seenSeveral.forEach(e -> all.add(e.data()));
            restSeveral.forEach(e -> all.add(e.data()));
            for (String prefix : List.of("a", "b")) {
                List<String> expected = new ArrayList<>();
                for (int i = 1; i <= 40; i++) {
                    expected.add(prefix + i);
                }
                assertEquals(expected, all.stream().filter(d -> d.startsWith(prefix)).toList());
            }
            Thread.sleep(200);
            assertEquals(20, resumedSingle.received(), "no duplicates");
            assertEquals(60, resumedSeveral.received(), "no duplicates");
        }
    }

    @Test
    void shouldRunWithARedisUserAllowedOnlyTheCommandsTheReadmeLists() throws Exception {
        List<String> acl = new ArrayList<>(List.of("ACL", "SETUSER", "herald", "on", ">pw", "~herald:*",
                "resetchannels", "-@all"));
        acl.addAll(List.of(herald.server.cluster.StreamTailerIT.ACL_COMMANDS.split(" ")));
        acl.add("+xrevrange");                                // cluster mode's addition (server/README.md)
        assertEquals("OK", redis.cli(acl.toArray(String[]::new)));
        assertEquals("OK", redis.cli("ACL", "SETUSER", "default", "off"));
        String url = "redis://herald:pw@127.0.0.1:" + redis.port();
        Herald a = node(b -> b.redis(url));
        Herald b = node(c -> c.redis(url));
        SseClient live = subscribe(b, "/topics/acl");
        String first = TestHttp.publish(a.port(), "acl", "one");
        TestHttp.publish(a.port(), "acl", "two");
        assertEquals(new SseEvent("message", "one", first), live.next(WAIT));
        Herald c = node(d -> d.redis(url));
        SseClient resumed = subscribe(c, "/topics/acl", "Last-Event-ID: " + first);   // window and history
        assertEquals("two", resumed.next(WAIT).data());
    }

    @Test
    void shouldShareTopicsOverTlsWithRedisCheckedAgainstTheGivenCertificates() throws Exception {
        try (RedisServer tls = RedisServer.startTls()) {
            String url = "rediss://127.0.0.1:" + tls.port();
            java.nio.file.Path ca = tls.dir().resolve("redis.crt");
            Herald a = node(b -> b.redis(url).redisCa(ca));
            Herald b = node(c -> c.redis(url).redisCa(ca));
            SseClient onB = subscribe(b, "/topics/secure");
            String id = TestHttp.publish(a.port(), "secure", "over tls");
            assertEquals(new SseEvent("message", "over tls", id), onB.next(WAIT));
            IllegalStateException untrusted = org.junit.jupiter.api.Assertions.assertThrows(
                    IllegalStateException.class, () -> node(c -> c.redis(url)));   // the JVM's trust store: refused
            assertTrue(untrusted.getMessage().startsWith("--redis rediss://127.0.0.1:" + tls.port() + ": "),
                    untrusted.getMessage());
            IllegalArgumentException badCa = org.junit.jupiter.api.Assertions.assertThrows(
                    IllegalArgumentException.class, () -> node(c -> c.redis(url).redisCa(tls.dir().resolve("redis.log"))));
            assertTrue(badCa.getMessage().startsWith("--redis-ca: "), badCa.getMessage());
        }
    }
}
