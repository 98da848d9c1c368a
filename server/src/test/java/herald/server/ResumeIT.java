package herald.server;

import herald.protocol.sse.SseEvent;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Last-Event-ID resume: exactly the missed events, in order, no duplicates, then live; the gap signal. */
class ResumeIT {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @Test
    void shouldResumeExactlyAfterTheLastEventIdThenContinueLive() throws Exception {
        try (Herald herald = TestServer.start()) {
            int port = herald.port();
            List<String> ids = new ArrayList<>();
            for (int i = 1; i <= 10; i++) {
                ids.add(herald.publish("feed", "event " + i));
            }
            try (SseClient client = SseClient.open(port, "/topics/feed", "Last-Event-ID: " + ids.get(4))) {
                List<SseEvent> replayed = client.take(5, WAIT);
                for (int i = 0; i < 5; i++) {
                    assertEquals(new SseEvent("message", "event " + (i + 6), ids.get(i + 5)), replayed.get(i));
                }
                String live = herald.publish("feed", "event 11");
                assertEquals(new SseEvent("message", "event 11", live), client.next(WAIT));
                assertTrue(client.drain().isEmpty(), "no duplicates");
            }
        }
    }

    @Test
    void shouldTakeLastEventIdFromTheQueryWhenTheHeaderIsAbsentAndPreferTheHeader() throws Exception {
        try (Herald herald = TestServer.start()) {
            int port = herald.port();
            String first = herald.publish("q", "one");
            String second = herald.publish("q", "two");
            herald.publish("q", "three");
            try (SseClient viaQuery = SseClient.open(port, "/topics/q?lastEventId=" + second)) {
                assertEquals("three", viaQuery.next(WAIT).data());
            }
            try (SseClient both = SseClient.open(port, "/topics/q?lastEventId=" + second, "Last-Event-ID: " + first)) {
                assertEquals("two", both.next(WAIT).data());
                assertEquals("three", both.next(WAIT).data());
            }
        }
    }

    @Test
    void shouldSignalTheGapWhenTheIdWasEvictedThenSendTheNewestQuarterOfWhatIsRetained() throws Exception {
        try (Herald herald = TestServer.start(b -> b.retention(new Retention(8, 1 << 20, 4_096)))) {
            List<String> ids = new ArrayList<>();
            for (int i = 1; i <= 20; i++) {
                ids.add(herald.publish("small", "e" + i));
            }
            try (SseClient client = SseClient.open(herald.port(), "/topics/small", "Last-Event-ID: " + ids.get(1))) {
                SseEvent gap = client.next(WAIT);
                assertEquals("herald-gap", gap.type());
                // e13..e20 are retained; the stream continues after e18, so that the client is not as far behind
                // as possible (README "Resume and gaps"): it skips exactly up to resumeAfter
                assertEquals("{\"topic\":\"small\",\"reason\":\"evicted\",\"resumeAfter\":\"" + ids.get(17) + "\"}",
                        gap.data());
                assertEquals("e19", client.next(WAIT).data());
                assertEquals("e20", client.next(WAIT).data());
                herald.publish("small", "e21");
                assertEquals("e21", client.next(WAIT).data());
            }
        }
    }

    @Test
    void shouldSignalTheGapForAnIdFromAnotherServerRun() throws Exception {
        String oldId;
        try (Herald before = TestServer.start()) {
            oldId = before.publish("restart", "before");
        }
        Thread.sleep(5);                                  // a later start time: another epoch
        try (Herald after = TestServer.start()) {
            after.publish("restart", "after 1");
            try (SseClient client = SseClient.open(after.port(), "/topics/restart", "Last-Event-ID: " + oldId)) {
                SseEvent gap = client.next(WAIT);
                assertEquals("herald-gap", gap.type());
                assertTrue(gap.data().contains("\"reason\":\"unknown\""), gap.data());
                assertEquals("after 1", client.next(WAIT).data());
            }
            try (SseClient garbage = SseClient.open(after.port(), "/topics/restart", "Last-Event-ID: not-an-id")) {
                assertEquals("herald-gap", garbage.next(WAIT).type());
            }
        }
    }

    /**
     * Publishers hammer a topic while subscribers drop their connections at random points and resume with the
     * last id they received: every subscriber's sequence is gap-free and duplicate-free.
     */
    @Test
    void shouldResumeWithoutLossOrDuplicatesWhileSubscribersDropAtRandom() throws Exception {
        long seed = System.nanoTime();
        System.out.println("ResumeIT seed=" + seed);
        int events = 3_000;
        try (Herald herald = TestServer.start(b -> b.retention(new Retention(1 << 14, 64L << 20, 64 << 10)))) {
            int port = herald.port();
            String start = epochOf(herald) + "-0";          // from the topic's first event on
            AtomicBoolean publishing = new AtomicBoolean(true);
            Thread publisher = Thread.ofPlatform().start(() -> {
                for (int i = 1; i <= events; i++) {
                    herald.publish("hammer", Integer.toString(i));
                    if (i % 5 == 0) {
                        LockSupport.parkNanos(200_000);      // spread publishing over the subscribers' drops
                    }
                }
                publishing.set(false);
            });
            ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
            List<Thread> subscribers = new ArrayList<>();
            for (int s = 0; s < 12; s++) {
                long subSeed = seed + s;
                subscribers.add(Thread.ofVirtual().start(() -> {
                    try {
                        resumeUntilCaughtUp(port, "/topics/hammer", start, new Random(subSeed), events, failures);
                    } catch (Exception | AssertionError e) {
                        failures.add("subscriber failed: " + e);
                    }
                }));
            }
            publisher.join();
            for (Thread t : subscribers) {
                t.join(60_000);
            }
            assertTrue(failures.isEmpty(), failures.toString());
        }
    }

    /** Reads a one-topic stream whose data are 1, 2, 3…; reconnects at random with its last id. */
    private static void resumeUntilCaughtUp(int port, String target, String start, Random random, int events,
                                            ConcurrentLinkedQueue<String> failures) throws Exception {
        int expected = 1;
        String lastId = start;
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (expected <= events && System.nanoTime() < deadline) {
            try (SseClient client = SseClient.open(port, target, "Last-Event-ID: " + lastId)) {
                int budget = 1 + random.nextInt(400);   // events to read before dropping the connection
                for (int i = 0; i < budget && expected <= events; i++) {
                    SseEvent event = client.next(WAIT);
                    if (event.type().equals("herald-gap")) {
                        failures.add("unexpected gap " + event.data());
                        return;
                    }
                    int value = Integer.parseInt(event.data());
                    if (value != expected) {
                        failures.add("expected " + expected + " got " + value);
                        return;
                    }
                    expected++;
                    lastId = event.lastEventId();
                }
            }
        }
        if (expected <= events) {
            failures.add("stopped at " + expected + " of " + events);
        }
    }

    @Test
    void shouldResumeSeveralTopicsWithoutLossOrDuplicates() throws Exception {
        int perTopic = 1_500;
        try (Herald herald = TestServer.start(b -> b.retention(new Retention(1 << 14, 64L << 20, 64 << 10)))) {
            int port = herald.port();
            String start = epochOf(herald) + "-0_0";
            List<Thread> publishers = new ArrayList<>();
            for (String topic : List.of("a", "b")) {
                publishers.add(Thread.ofPlatform().start(() -> {
                    for (int i = 1; i <= perTopic; i++) {
                        herald.publish(topic, "a".equals(topic) ? "event" : "other", topic + i);
                        if (i % 5 == 0) {
                            LockSupport.parkNanos(200_000);
                        }
                    }
                }));
            }
            ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
            List<Thread> subscribers = new ArrayList<>();
            for (int s = 0; s < 6; s++) {
                Random random = new Random(s * 31L + 7);
                subscribers.add(Thread.ofVirtual().start(() -> {
                    int nextA = 1;
                    int nextB = 1;
                    String lastId = start;
                    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                    try {
                        while ((nextA <= perTopic || nextB <= perTopic) && System.nanoTime() < deadline) {
                            try (SseClient client = SseClient.open(port, "/events?topic=a&topic=b",
                                    "Last-Event-ID: " + lastId)) {
                                int budget = 1 + random.nextInt(300);
                                for (int i = 0; i < budget && (nextA <= perTopic || nextB <= perTopic); i++) {
                                    SseEvent event = client.next(WAIT);
                                    String data = event.data();
                                    int value = Integer.parseInt(data.substring(1));
                                    if (data.charAt(0) == 'a') {
                                        if (value != nextA++) {
                                            failures.add("topic a: expected " + (nextA - 1) + " got " + value);
                                            return;
                                        }
                                    } else if (value != nextB++) {
                                        failures.add("topic b: expected " + (nextB - 1) + " got " + value);
                                        return;
                                    }
                                    lastId = event.lastEventId();
                                }
                            }
                        }
                        if (nextA <= perTopic || nextB <= perTopic) {
                            failures.add("stopped at a" + nextA + " b" + nextB);
                        }
                    } catch (Exception | AssertionError e) {
                        failures.add("subscriber failed: " + e);
                    }
                }));
            }
            for (Thread t : publishers) {
                t.join();
            }
            for (Thread t : subscribers) {
                t.join(60_000);
            }
            assertTrue(failures.isEmpty(), failures.toString());
        }
    }

    private static String epochOf(Herald herald) {
        String id = herald.publish("epoch-probe", "x");
        return id.substring(0, id.indexOf('-'));
    }
}
