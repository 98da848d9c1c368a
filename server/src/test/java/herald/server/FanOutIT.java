package herald.server;

import herald.protocol.sse.SseEvent;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Fan-out to many subscribers, slow-consumer cut-off, heartbeats, prompt FIN detection, pipelining. */
class FanOutIT {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @Test
    void shouldDeliverIdenticalSequencesToAThousandSubscribers() throws Exception {
        int subscribers = 1_000;
        int events = 200;
        try (Herald herald = TestServer.start()) {
            List<SseClient> clients = new ArrayList<>();
            try {
                for (int i = 0; i < subscribers; i++) {
                    clients.add(SseClient.open(herald.port(), "/topics/broadcast"));
                }
                assertTrue(TestServer.eventually(WAIT, () -> herald.subscribers("broadcast") == subscribers));
                List<String> ids = new ArrayList<>();
                for (int i = 0; i < events; i++) {
                    ids.add(herald.publish("broadcast", "event-" + i));
                }
                for (SseClient client : clients) {
                    List<SseEvent> received = client.take(events, WAIT);
                    for (int i = 0; i < events; i++) {
                        assertEquals(new SseEvent("message", "event-" + i, ids.get(i)), received.get(i));
                    }
                }
            } finally {
                for (SseClient client : clients) {
                    client.close();
                }
            }
        }
    }

    @Test
    void shouldCutOffAStalledSubscriberWhileOthersKeepReceiving() throws Exception {
        int events = 12_000;                      // 12 MB: more than the kernel buffers a stalled socket (4 MB)
        String payload = "p".repeat(1_000);
        try (Herald herald = TestServer.start(b -> b.retention(new Retention(256, 256 << 10, 64 << 10)))) {
            try (SseClient stalled = SseClient.open(herald.port(), "/topics/busy", 4_096, false);
                 SseClient healthy = SseClient.open(herald.port(), "/topics/busy")) {
                assertTrue(TestServer.eventually(WAIT, () -> herald.subscribers("busy") == 2));
                for (int i = 0; i < events; i++) {
                    herald.publish("busy", i + " " + payload);
                    if (i % 50 == 49) {
                        int sent = i;   // pace publishing to a healthy reader: it stays well within retention
                        assertTrue(TestServer.eventually(WAIT, () -> healthy.received() >= sent - 100));
                    }
                }
                List<SseEvent> received = healthy.take(events, WAIT);
                for (int i = 0; i < events; i++) {
                    assertTrue(received.get(i).data().startsWith(i + " "), "in order at " + i);
                }
                assertTrue(stalled.serverClosed(Duration.ofSeconds(10)), "the stalled subscriber was cut off");
                assertTrue(herald.metricsText().contains("herald_slow_consumer_cutoffs_total 1\n"),
                        herald.metricsText());
                assertFalse(healthy.isEnded(), "the healthy subscriber keeps its stream");
            }
        }
    }

    @Test
    void shouldSendHeartbeatsOnIdleStreams() throws Exception {
        try (Herald herald = TestServer.start(b -> b.heartbeat(Duration.ofMillis(100)));
             SseClient client = SseClient.open(herald.port(), "/topics/quiet")) {
            assertTrue(TestServer.eventually(WAIT, () -> client.comments() >= 3), "heartbeats: " + client.comments());
            assertTrue(client.drain().isEmpty(), "heartbeats dispatch no event");
        }
    }

    @Test
    void shouldNoticeAClientThatLeavesWithoutAnyWrite() throws Exception {
        try (Herald herald = TestServer.start()) {
            List<SseClient> clients = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                clients.add(SseClient.open(herald.port(), "/topics/leaving"));
            }
            assertTrue(TestServer.eventually(WAIT, () -> herald.subscribers("leaving") == 50));
            for (SseClient client : clients) {
                client.close();
            }
            assertTrue(TestServer.eventually(Duration.ofSeconds(2), () -> herald.subscribers("leaving") == 0),
                    "FIN noticed without a publish or heartbeat: " + herald.subscribers("leaving") + " left");
            assertTrue(herald.metricsText().contains("herald_connections 0\n"));
        }
    }

    @Test
    void shouldKeepDeliveringAndCountingAsSubscribersOfSeveralShardsLeaveInAnyOrder() throws Exception {
        try (Herald herald = TestServer.start()) {
            List<SseClient> clients = new ArrayList<>();
            for (int i = 0; i < 300; i++) {                 // three shards of 128
                clients.add(SseClient.open(herald.port(), i % 10 == 0 ? "/events?topic=shards&topic=other"
                        : "/topics/shards"));
            }
            assertTrue(TestServer.eventually(WAIT, () -> herald.subscribers("shards") == 300));
            assertEquals(30, herald.subscribers("other"));
            java.util.Collections.shuffle(clients, new java.util.Random(7));
            for (SseClient client : clients.subList(0, 200)) {
                client.close();
            }
            assertTrue(TestServer.eventually(WAIT, () -> herald.subscribers("shards") == 100),
                    "left: " + herald.subscribers("shards"));
            List<SseClient> staying = clients.subList(200, 300);
            herald.publish("shards", "after the leaving");
            for (SseClient client : staying) {
                assertEquals("after the leaving", client.next(WAIT).data());
            }
            herald.deleteTopic("shards");
            assertEquals(0, herald.subscribers("shards"));
            for (SseClient client : staying) {
                client.close();
            }
            herald.publish("shards", "a new incarnation");
            try (SseClient late = SseClient.open(herald.port(), "/topics/shards")) {
                assertTrue(TestServer.eventually(WAIT, () -> herald.subscribers("shards") == 1),
                        "after the delete and the closes: " + herald.subscribers("shards"));
            }
            assertTrue(TestServer.eventually(WAIT, () -> herald.subscribers("other") == 0));
        }
    }

    @Test
    void shouldAnswerPipelinedPublishesInOrder() throws Exception {
        int count = 50;
        try (Herald herald = TestServer.start(); Socket socket = TestHttp.connect(herald.port())) {
            StringBuilder pipeline = new StringBuilder();
            for (int i = 0; i < count; i++) {
                String body = "message " + i;
                pipeline.append("POST /topics/pipe HTTP/1.1\r\nHost: x\r\nContent-Length: ").append(body.length())
                        .append("\r\n\r\n").append(body);
            }
            TestHttp.write(socket, pipeline.toString());
            InputStream in = socket.getInputStream();
            String epoch = null;
            for (int i = 0; i < count; i++) {
                TestHttp.Response response = TestHttp.read(in, false);
                assertEquals(202, response.status());
                String id = response.body().substring(7, response.body().length() - 3);
                if (epoch == null) {
                    epoch = id.substring(0, id.indexOf('-'));
                }
                assertEquals(epoch + "-" + (i + 1), id);
            }
        }
    }

    @Test
    void shouldEndStreamsAtTheirMaximumAgeSoClientsResumeWithoutLoss() throws Exception {
        try (Herald herald = TestServer.start(b -> b.maxStreamAge(Duration.ofMillis(300)))) {
            SseClient first = SseClient.open(herald.port(), "/topics/aging");
            assertTrue(TestServer.eventually(WAIT, () -> herald.subscribers("aging") == 1));
            String one = herald.publish("aging", "one");
            assertEquals("one", first.next(WAIT).data());
            assertTrue(first.awaitEnd(WAIT), "the stream ended at its maximum age");
            String two = herald.publish("aging", "two");
            try (SseClient second = SseClient.open(herald.port(), "/topics/aging", "Last-Event-ID: " + one)) {
                assertEquals(new SseEvent("message", "two", two), second.next(WAIT));
            }
            first.close();
        }
    }
}
