package herald.server;

import herald.protocol.sse.SseEvent;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A graceful stop under load: a thousand subscribers and publishers posting over HTTP as fast as they can, then
 * {@link Herald#close()}. Every event that got a 202 reaches every subscriber connected then; each stream ends with
 * {@code herald-shutdown}, whose reconnect times spread over the configured window; close returns in time.
 */
class ShutdownIT {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final Pattern RECONNECT = Pattern.compile("\\{\"reconnectAfterMs\":(\\d+)}");

    @Test
    void shouldDeliverEveryAcceptedEventThenTheShutdownEventSpreadOverTheWindow() throws Exception {
        int subscribers = 1_000;
        long spread = 3_000;
        Duration timeout = Duration.ofSeconds(8);
        Herald herald = TestServer.start(b -> b.fanOut(b.build().fanOut().withShutdownSpread(Duration.ofMillis(spread)))
                .timeouts(b.build().timeouts().withShutdown(timeout)));
        List<SseClient> clients = new ArrayList<>();
        ConcurrentLinkedQueue<String> accepted = new ConcurrentLinkedQueue<>();
        AtomicInteger refused = new AtomicInteger();
        AtomicBoolean publishing = new AtomicBoolean(true);
        List<Thread> publishers = new ArrayList<>();
        try {
            for (int i = 0; i < subscribers; i++) {
                clients.add(SseClient.open(herald.port(), "/topics/live"));
            }
            assertTrue(TestServer.eventually(WAIT, () -> herald.subscribers("live") == subscribers));
            for (int p = 0; p < 4; p++) {
                int publisher = p;
                publishers.add(Thread.ofVirtual().start(() -> {
                    for (int n = 0; publishing.get(); n++) {
                        try {
                            TestHttp.Response r = TestHttp.request(herald.port(), "POST", "/topics/live",
                                    "p" + publisher + "-" + n);
                            if (r.status() == 202) {
                                String body = r.body();
                                int start = body.indexOf("\"id\":\"") + 6;
                                accepted.add(body.substring(start, body.indexOf('"', start)));
                            } else {
                                assertEquals(503, r.status(), r.statusLine());
                                refused.incrementAndGet();
                            }
                        } catch (IOException e) {
                            refused.incrementAndGet();           // the listener is closed: nothing published
                        }
                    }
                }));
            }
            assertTrue(TestServer.eventually(WAIT, () -> accepted.size() >= 500), "publishing runs");
            long start = System.nanoTime();
            herald.close();
            long closeMillis = (System.nanoTime() - start) / 1_000_000;
            publishing.set(false);
            for (Thread publisher : publishers) {
                publisher.join(WAIT.toMillis());
            }
            assertTrue(closeMillis < timeout.toMillis(), "close took " + closeMillis + "ms");

            Set<String> acceptedIds = new HashSet<>(accepted);
            List<Long> reconnects = new ArrayList<>();
            for (SseClient client : clients) {
                assertTrue(client.awaitEnd(WAIT), "the stream ended");
                List<SseEvent> events = client.drain();
                SseEvent last = events.getLast();
                assertEquals("herald-shutdown", last.type(), "the last event");
                Matcher m = RECONNECT.matcher(last.data());
                assertTrue(m.matches(), last.data());
                long n = Long.parseLong(m.group(1));
                assertEquals(n, client.retry(), "retry: equals reconnectAfterMs");
                reconnects.add(n);
                Set<String> received = new HashSet<>();
                for (SseEvent event : events.subList(0, events.size() - 1)) {
                    assertEquals("message", event.type());
                    received.add(event.lastEventId());
                }
                assertEquals(last.lastEventId(), events.get(events.size() - 2).lastEventId(), "the shutdown event keeps the last id");
                Set<String> missing = new HashSet<>(acceptedIds);
                missing.removeAll(received);
                assertEquals(Set.of(), missing, "accepted events every subscriber got");
            }
            long min = reconnects.stream().mapToLong(Long::longValue).min().orElseThrow();
            long max = reconnects.stream().mapToLong(Long::longValue).max().orElseThrow();
            double mean = reconnects.stream().mapToLong(Long::longValue).average().orElseThrow();
            int[] deciles = new int[10];
            for (long n : reconnects) {
                deciles[(int) Math.min(9, (n - 100) * 10 / (spread - 100 + 1))]++;
            }
            System.out.printf("ShutdownIT: %d subscribers, %d events accepted, %d refused; close() took %d ms;"
                            + " reconnectAfterMs min %d max %d mean %.0f deciles %s%n", subscribers, accepted.size(),
                    refused.get(), closeMillis, min, max, mean, java.util.Arrays.toString(deciles));
            assertTrue(min >= 100 && min < 100 + spread / 20, "min " + min);
            assertTrue(max <= spread && max > spread - spread / 20, "max " + max);
            assertTrue(Math.abs(mean - (100 + spread) / 2.0) < spread * 0.1, "mean " + mean);
            for (int count : deciles) {
                assertTrue(count > subscribers / 20, "each tenth of the window gets its share: "
                        + java.util.Arrays.toString(deciles));
            }
            assertFalse(accepted.isEmpty());
        } finally {
            publishing.set(false);
            herald.close();
            for (SseClient client : clients) {
                client.close();
            }
        }
    }

    @Test
    void shouldReturnWithinTheDeadlineWhenAStreamStallsAndARequestHangs() throws Exception {
        Duration timeout = Duration.ofSeconds(2);
        Herald herald = TestServer.start(b -> b.timeouts(b.build().timeouts().withShutdown(timeout))
                .retention(new Retention(4_096, 16 << 20, 1 << 20)));
        try (SseClient stalled = SseClient.open(herald.port(), "/topics/big", 4_096, false);
             SseClient reader = SseClient.open(herald.port(), "/topics/big");
             java.net.Socket hanging = TestHttp.connect(herald.port())) {
            assertTrue(TestServer.eventually(WAIT, () -> herald.subscribers("big") == 2));
            String payload = "x".repeat(2_000);
            for (int i = 0; i < 3_000; i++) {               // 6 MB: more than a stalled socket's buffers hold
                herald.publish("big", payload);
            }
            TestHttp.write(hanging, "POST /topics/big HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nabc");
            Thread.sleep(100);
            long start = System.nanoTime();
            herald.close();
            long closeMillis = (System.nanoTime() - start) / 1_000_000;
            System.out.printf("ShutdownIT: close() with a stalled stream and a hanging request took %d ms%n",
                    closeMillis);
            assertTrue(closeMillis < timeout.toMillis(), "close took " + closeMillis + "ms");
            assertTrue(closeMillis >= timeout.toMillis() / 2, "it waited for the stalled stream: " + closeMillis);
            assertTrue(reader.awaitEnd(WAIT));
            assertEquals("herald-shutdown", reader.drain().getLast().type());
            assertTrue(stalled.serverClosed(WAIT), "the stalled stream was closed");
        } finally {
            herald.close();
        }
    }
}
