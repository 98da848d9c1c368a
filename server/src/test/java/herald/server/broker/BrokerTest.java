package herald.server.broker;

import herald.server.Retention;
import herald.server.health.Supervisor;
import herald.server.metrics.Metrics;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The broker's entry points without a socket or a dispatcher thread: publish, subscribe (its checks and limits),
 * attach (the hand-off to the dispatcher and its failures), delete, the figures and the stop.
 */
class BrokerTest {
    private final Metrics metrics = new Metrics();
    private final EventIds ids = new EventIds(1_700_000_000_000L);
    private final List<Broker> brokers = new ArrayList<>();

    /** A broker with no dispatcher threads (tasks wait in its queue), one watcher and an hour's heartbeat. */
    private Broker broker(int maxTopics, int maxUnpublishedTopics, int maxTopicsPerSubscription, long maxRetainedBytes,
                          long retryMillis, long shutdownSpreadMillis) throws IOException {
        Broker.Settings settings = new Broker.Settings(new Retention(16, 1 << 20, 4_096), Duration.ofHours(1),
                retryMillis, 1, 1, maxTopics, maxUnpublishedTopics, maxTopicsPerSubscription, Duration.ZERO, 1_000,
                maxRetainedBytes, Duration.ZERO, shutdownSpreadMillis);
        Broker broker = new Broker(settings, metrics, ids, new Supervisor(failure -> { }), 0);
        brokers.add(broker);
        return broker;
    }

    private Broker broker() throws IOException {
        return broker(100, 100, 4, 1L << 30, -1, 5_000);
    }

    @AfterEach
    void closeBrokers() {
        brokers.forEach(Broker::close);
    }

    private static long publish(Broker broker, String topic, String data) {
        byte[] bytes = data.getBytes(StandardCharsets.UTF_8);
        return broker.publish(topic, null, bytes, 0, bytes.length, -1);
    }

    @Test
    void shouldNumberEachTopicsEventsFromOneAndCountThem() throws IOException {
        Broker broker = broker();
        assertEquals(1, publish(broker, "a", "x"));
        assertEquals(2, publish(broker, "a", "yy"));
        assertEquals(1, publish(broker, "b", "zzz"));
        assertEquals(3, metrics.eventsPublished.sum());
        assertEquals(6, metrics.bytesPublished.sum());
        assertEquals(2, broker.topicCount());
        assertEquals(2, broker.userTopicCount());
    }

    @Test
    void shouldCountHeraldsOwnTopicsNowhere() throws IOException {
        Broker broker = broker();
        publish(broker, "_herald/stats", "{}");
        publish(broker, "user", "x");
        assertEquals(1, metrics.eventsPublished.sum());
        assertEquals(1, metrics.bytesPublished.sum());
        assertEquals(2, broker.topicCount());
        assertEquals(1, broker.userTopicCount());
        assertEquals(List.of(new Broker.TopicStats("user", 0, 1)), broker.userTopicStats());
    }

    @Test
    void shouldListLiveUserTopicsWithSubscribersAndLastSequence() throws IOException {
        Broker broker = broker();
        publish(broker, "a", "1");
        publish(broker, "a", "2");
        broker.attach(broker.subscribe(List.of("a"), null), new FakeSink());
        broker.subscribe(List.of("waiting"), null);          // made by a subscribe: no log yet
        publish(broker, "gone", "1");
        assertTrue(broker.delete("gone"));
        List<Broker.TopicStats> stats = new ArrayList<>(broker.userTopicStats());
        stats.sort((x, y) -> x.name().compareTo(y.name()));
        assertEquals(List.of(new Broker.TopicStats("a", 1, 2), new Broker.TopicStats("waiting", 0, 0)), stats);
        assertEquals(2, broker.userTopicCount(), "a tombstone is no topic");
    }

    @Test
    void shouldRefuseASubscriptionOfNoTopicsTooManyOrOneNamedTwice() throws IOException {
        Broker broker = broker();
        assertInvalid(() -> broker.subscribe(List.of(), null), "1 to maxTopicsPerSubscription=4 topics");
        assertInvalid(() -> broker.subscribe(List.of("a", "b", "c", "d", "e"), null), "maxTopicsPerSubscription=4");
        assertInvalid(() -> broker.subscribe(List.of("a", "a"), null), "a subscription names a topic twice");
        assertInvalid(() -> broker.subscribe(List.of("a", "b", "c", "b"), null), "twice");
        assertInvalid(() -> broker.canSubscribe(List.of("a", "b", "a")), "twice");
        assertEquals(0, broker.topicCount(), "a refused subscription creates nothing");
        assertNotNull(broker.subscribe(List.of("a", "b", "c", "d"), null), "four is the limit, not over it");
        assertEquals(4, broker.topicCount());
    }

    private static void assertInvalid(Runnable call, String reasonPart) {
        BrokerException e = assertThrows(BrokerException.class, call::run);
        assertEquals(BrokerException.Reason.INVALID, e.reason());
        assertEquals(-1, e.retryAfterSeconds());
        assertTrue(e.getMessage().contains(reasonPart), e.getMessage());
    }

    @Test
    void shouldRefuseANewPublishedTopicOverMaxTopicsButTakeEventsForKnownOnes() throws IOException {
        Broker broker = broker(2, 100, 4, 1L << 30, -1, 5_000);
        publish(broker, "a", "1");
        publish(broker, "b", "1");
        BrokerException e = assertThrows(BrokerException.class, () -> publish(broker, "c", "1"));
        assertEquals(BrokerException.Reason.TOPIC_LIMIT, e.reason());
        assertEquals(5, e.retryAfterSeconds());
        assertEquals("topic limit reached: maxTopics=2", e.getMessage());
        assertEquals(2, publish(broker, "a", "2"));
        assertEquals(2, broker.topicCount());
        assertEquals(3, metrics.eventsPublished.sum(), "the refused publish counts nowhere");
    }

    @Test
    void shouldRefuseASubscribeToANewNameOverMaxUnpublishedTopicsAndAnswerHeadTheSame() throws IOException {
        Broker broker = broker(100, 2, 4, 1L << 30, -1, 5_000);
        assertTrue(broker.canSubscribe(List.of("a", "b")), "two new names fit");
        BrokerException head = assertThrows(BrokerException.class, () -> broker.canSubscribe(List.of("a", "b", "c")));
        assertEquals(BrokerException.Reason.TOPIC_LIMIT, head.reason());
        assertEquals("topic limit reached for topics nobody published to: maxUnpublishedTopics=2", head.getMessage());
        assertEquals(0, broker.topicCount(), "HEAD creates nothing");
        broker.subscribe(List.of("a", "b"), null);
        BrokerException get = assertThrows(BrokerException.class, () -> broker.subscribe(List.of("c"), null));
        assertEquals(head.getMessage(), get.getMessage());
        assertTrue(broker.canSubscribe(List.of("a", "b")), "known names need no room");
        assertEquals(1, publish(broker, "c", "1"), "publishers are not limited by subscribers' topics");
        assertEquals(3, broker.topicCount());
    }

    @Test
    @Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)   // it spun for ever: fail, never hang
    void shouldRefuseAPublishToANewTopicWhenTheRetainedHistoryIsFullAndNoIdleTopicCanGiveWay() throws IOException {
        Broker broker = broker(100, 100, 4, 8_192, -1, 5_000);
        publish(broker, "a", "1");
        broker.attach(broker.subscribe(List.of("a"), null), new FakeSink());   // a is not idle: it keeps its history
        assertTrue(broker.retainedBytes() > 0);
        BrokerException e = assertThrows(BrokerException.class, () -> publish(broker, "b", "1"));
        assertEquals(BrokerException.Reason.RETAINED_FULL, e.reason());
        assertEquals(1, e.retryAfterSeconds());
        assertEquals("retained history of all topics is full: maxRetainedBytes=8192", e.getMessage());
        assertEquals(1, metrics.retainedFull.sum());
        assertEquals(1, metrics.eventsPublished.sum());
    }

    @Test
    void shouldDropAnIdleTopicsHistoryToMakeRoomForAPublish() throws IOException {
        Broker broker = broker(100, 100, 4, 8_192, -1, 5_000);
        publish(broker, "idle", "1");
        assertEquals(1, publish(broker, "busy", "1"));
        assertEquals(1, metrics.historyDropped.sum());
        assertEquals(0, broker.subscriberCount("idle"));
        assertEquals(1, broker.topicCount(), "the idle topic is forgotten with its history");
        Subscription resumed = broker.subscribe(List.of("idle"), ids.format(1));
        assertEquals(1, resumed.cursors[0], "a new incarnation starts above the dropped one's sequences");
        assertEquals(2, publish(broker, "idle", "2"), "its next event continues the numbering");
    }

    @Test
    void shouldEndADeletedTopicsStreamsAnswer204UntilTheNextPublishAndContinueItsSequences() throws IOException {
        Broker broker = broker();
        assertFalse(broker.delete("never"), "unknown");
        publish(broker, "a", "1");
        publish(broker, "a", "2");
        FakeSink sink = new FakeSink();
        broker.attach(broker.subscribe(List.of("a"), null), sink);
        assertEquals(1, broker.subscriberCount("a"));
        assertTrue(broker.delete("a"));
        assertEquals(1, sink.closes);
        assertEquals(0, broker.subscriberCount("a"));
        assertEquals(0, metrics.subscribers.sum());
        assertFalse(broker.delete("a"), "deleted already");
        assertEquals(0, broker.topicCount());
        assertNull(broker.subscribe(List.of("a"), null), "204");
        assertNull(broker.subscribe(List.of("b", "a"), null), "204 when any named topic is deleted");
        assertFalse(broker.canSubscribe(List.of("a")));
        assertEquals(3, publish(broker, "a", "3"), "the next incarnation continues above");
        assertTrue(broker.canSubscribe(List.of("a")));
        assertEquals(3, broker.subscribe(List.of("a"), null).cursors[0]);
    }

    @Test
    void shouldQueueAnAttachedSubscriberForItsBacklog() throws IOException {
        Broker broker = broker();
        publish(broker, "a", "1");
        FakeSink sink = new FakeSink();
        Subscription subscription = broker.subscribe(List.of("a"), ids.format(0));
        subscription.expireAt(42);
        broker.attach(subscription, sink);
        Subscriber subscriber = sink.subscriber();
        assertInstanceOf(TopicSubscriber.class, subscriber);
        assertEquals(42, subscriber.expiresAtMillis);
        assertSame(subscriber, broker.dispatcher().poll(), "queued for the backlog");
        assertNull(broker.dispatcher().poll());
        assertEquals(1, metrics.subscribers.sum());
        assertEquals(1, metrics.subscriptions.sum());
        assertEquals(1, broker.subscriberCount("a"));
        FakeSink multi = new FakeSink();
        broker.attach(broker.subscribe(List.of("a", "b"), null), multi);
        assertInstanceOf(MultiTopicSubscriber.class, multi.subscriber());
        assertEquals(1, broker.subscriberCount("b"));
        assertNull(broker.dispatcher().poll(), "nothing to write yet: attaching queues no task");
        publish(broker, "b", "2");
        assertInstanceOf(Shard.class, broker.dispatcher().poll(), "the next publish offers it with its shard");
    }

    @Test
    void shouldDeliverEveryEventAfterItsStartToStreamsAttachedWhilePublishing() throws Exception {
        long seed = System.nanoTime();
        java.util.Random random = new java.util.Random(seed);
        Broker.Settings settings = new Broker.Settings(new Retention(8_192, 16L << 20, 64 << 10), Duration.ofHours(1), -1,
                2, 1, 100, 100, 4, Duration.ZERO, 1_000, 1L << 30, Duration.ZERO, 5_000);
        Broker broker = new Broker(settings, metrics, ids, new Supervisor(failure -> { }), 2);   // 2 dispatch threads
        brokers.add(broker);
        int events = 2_000;
        publish(broker, "a", "0");
        Thread publisher = Thread.ofPlatform().start(() -> {
            for (int i = 1; i <= events; i++) {
                publish(broker, "a", Integer.toString(i));
                if (random.nextInt(8) == 0) {
                    Thread.onSpinWait();
                }
            }
        });
        List<FakeSink> sinks = new ArrayList<>();
        List<Long> starts = new ArrayList<>();
        while (publisher.isAlive() && sinks.size() < 300) {
            Subscription subscription = broker.subscribe(List.of("a"), null);   // from the head now
            starts.add(subscription.cursors[0]);
            FakeSink sink = new FakeSink();
            broker.attach(subscription, sink);
            sinks.add(sink);
        }
        publisher.join(30_000);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        checkEveryEventFromItsStart(sinks, starts, events, seed, deadline);
        int during = sinks.size();
        for (int back = 1; back <= 3; back++) {         // all written and idle now: only the backlog offers these
            Subscription subscription = broker.subscribe(List.of("a"), ids.format(events + 1 - 5L * back));
            starts.add(subscription.cursors[0]);
            FakeSink sink = new FakeSink();
            broker.attach(subscription, sink);
            sinks.add(sink);
        }
        checkEveryEventFromItsStart(sinks, starts, events, seed, deadline);
        assertTrue(during > 1, "attached while publishing");
    }

    /** Waits until each stream has the last event (data {@code events}), then checks it has every one after its start. */
    private static void checkEveryEventFromItsStart(List<FakeSink> sinks, List<Long> starts, int events, long seed,
                                                   long deadline) throws InterruptedException {
        for (int i = 0; i < sinks.size(); i++) {
            String expected = "data: " + events + "\n";
            FakeSink sink = sinks.get(i);
            while (!sink.text().contains(expected)) {
                assertTrue(System.nanoTime() - deadline < 0, "seed " + seed + ": stream " + i + " from seq "
                        + starts.get(i) + " has not received the last event; got " + sink.text().length() + " chars");
                Thread.sleep(1);
            }
            java.util.Set<String> got = new java.util.HashSet<>(List.of(sink.text().split("\n")));
            long first = starts.get(i);                 // the event with seq s has data s - 1 (seq 1 is "0")
            for (long seq = first + 1; seq <= events + 1; seq++) {
                assertTrue(got.contains("data: " + (seq - 1)), "seed " + seed + ": stream " + i + " missed seq " + seq);
            }
        }
    }

    @Test
    void shouldCloseASubscriberWhoseSinkCannotStartAsClientGone() throws IOException {
        Broker broker = broker();
        StartFails gone = new StartFails();
        broker.attach(broker.subscribe(List.of("a"), null), gone);
        assertEquals(1, gone.closes);
        assertEquals(1, metrics.clientsGone.sum());
        assertEquals(0, broker.subscriberCount("a"), "never added");
        assertNull(broker.dispatcher().poll(), "nothing queued");
    }

    /** A sink whose peer left before the broker could start it. */
    private static final class StartFails implements SubscriberSink {
        int closes;

        @Override
        public void start(Events events) throws IOException {
            throw new IOException("gone");
        }

        @Override
        public long write(ByteBuffer[] srcs, int offset, int length) {
            throw new AssertionError("written");
        }

        @Override
        public void requestWritable() {
            throw new AssertionError("requestWritable");
        }

        @Override
        public void close() {
            closes++;
        }
    }

    @Test
    void shouldCloseASubscriberWhoseTopicWasDeletedBeforeItsAttach() throws IOException {
        Broker broker = broker();
        publish(broker, "a", "1");
        Subscription subscription = broker.subscribe(List.of("b", "a"), null);
        broker.delete("a");
        FakeSink sink = new FakeSink();
        broker.attach(subscription, sink);
        assertEquals(1, sink.closes);
        assertTrue(sink.subscriber().isClosed());
        assertEquals(0, broker.subscriberCount("b"), "left the topic it had joined");
        assertEquals(0, metrics.subscribers.sum());
        assertEquals(0, metrics.clientsGone.sum());
        assertNull(broker.dispatcher().poll());
    }

    @Test
    void shouldRefusePublishesAndSubscribesOnceStopping() throws IOException {
        Broker broker = broker();
        publish(broker, "a", "1");
        assertFalse(broker.isClosed());
        broker.close();
        assertTrue(broker.isClosed());
        for (Runnable call : List.<Runnable>of(() -> publish(broker, "a", "2"),
                () -> broker.subscribe(List.of("a"), null), () -> broker.canSubscribe(List.of("a")))) {
            BrokerException e = assertThrows(BrokerException.class, call::run);
            assertEquals(BrokerException.Reason.STOPPING, e.reason());
            assertEquals(5, e.retryAfterSeconds());
            assertEquals("server is stopping", e.getMessage());
        }
        assertInvalid(() -> broker.subscribe(List.of(), null), "topics");   // the list is checked first
        assertEquals(1, metrics.eventsPublished.sum());
        broker.close();                                                       // twice: harmless
    }

    @Test
    void shouldCloseAStreamAttachedAfterTheStopAtOnce() throws IOException {
        Broker broker = broker();
        publish(broker, "a", "1");
        Subscription subscription = broker.subscribe(List.of("a"), ids.format(0));
        broker.close();                                   // no dispatcher thread: the drain times out at once
        FakeSink sink = new FakeSink();
        broker.attach(subscription, sink);
        assertEquals(1, sink.closes, "nothing writes after the stop");
        assertEquals("", sink.text());
        assertEquals(0, metrics.subscribers.sum());
    }

    @Test
    void shouldCloseEveryStreamStillWritingWhenTheDrainTimesOut() throws IOException {
        Broker broker = broker();
        publish(broker, "a", "1");
        FakeSink sink = new FakeSink();
        broker.attach(broker.subscribe(List.of("a", "b"), ids.format(new long[2])), sink);
        broker.close();
        assertEquals(1, sink.closes, "closed once, though it is met in two topics");
        assertEquals(0, metrics.subscribers.sum());
        assertEquals(0, broker.subscriberCount("a"));
    }

    @Test
    void shouldSpreadReconnectTimesOverTheShutdownSpread() throws IOException {
        Broker broker = broker(100, 100, 4, 1L << 30, -1, 5_000);
        assertEquals(100, broker.reconnectAfterMillis(0));
        assertEquals(100 + 4_900 / 2, broker.reconnectAfterMillis(0.5));
        assertEquals(5_000, broker.reconnectAfterMillis(Math.nextDown(1.0)), "the spread's top is reached");
        assertEquals(5_000, broker.reconnectAfterMillis(1.0), "never above it");
        Broker narrow = broker(100, 100, 4, 1L << 30, -1, 50);
        assertEquals(100, narrow.reconnectAfterMillis(0));
        assertEquals(100, narrow.reconnectAfterMillis(Math.nextDown(1.0)), "never below the floor");
        Broker none = broker(100, 100, 4, 1L << 30, -1, 100);
        assertEquals(100, none.reconnectAfterMillis(0.99));
    }

    @Test
    void shouldWriteAShutdownEventWithoutAnIdWhoseRetryIsItsReconnectTime() throws IOException {
        Broker broker = broker(100, 100, 4, 1L << 30, -1, 100);
        ByteBuffer event = broker.shutdownEvent();
        assertEquals("event: herald-shutdown\ndata: {\"reconnectAfterMs\":100}\nretry: 100\n\n",
                StandardCharsets.US_ASCII.decode(event).toString());
    }

    @Test
    void shouldSpreadEachWatchedSocketToOneOfTheWatchers() throws IOException {
        Broker.Settings settings = new Broker.Settings(Retention.DEFAULTS, Duration.ofHours(1), -1, 1, 3, 10, 10, 4,
                Duration.ZERO, 10, 1L << 30, Duration.ZERO);
        Broker broker = new Broker(settings, metrics, ids, new Supervisor(failure -> { }), 0);
        brokers.add(broker);
        assertEquals(5_000, broker.reconnectAfterMillis(Math.nextDown(1.0)), "the default spread is 5 s");
        java.util.Set<Watcher> seen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        for (int i = 0; i < 60; i++) {
            try (java.nio.channels.SocketChannel channel = java.nio.channels.SocketChannel.open()) {
                Watcher watcher = broker.watcherOf(channel);
                assertSame(watcher, broker.watcherOf(channel), "the same one each time");
                seen.add(watcher);
            }
        }
        assertEquals(3, seen.size(), "every watcher gets sockets");
    }
    @Test
    void shouldQueueTwiceTheSubscribersPlusTheTopicsOfBothKindsWithoutBlocking() throws Exception {
        Broker.Settings settings = new Broker.Settings(Retention.DEFAULTS, Duration.ofHours(1), -1, 1, 1, 1_000, 3_000,
                4, Duration.ZERO, 40_000, 1L << 30, Duration.ZERO);
        Broker broker = new Broker(settings, metrics, ids, new Supervisor(failure -> { }), 0);
        brokers.add(broker);
        int capacity = 2 * 40_000 + 1_000 + 3_000;          // above the floor of 65,536
        Runnable task = () -> { };
        for (int i = 0; i < capacity; i++) {
            broker.dispatcher().execute(task);              // would wait for ever past the capacity
        }
        Thread publisher = Thread.ofPlatform().start(() -> broker.dispatcher().execute(task));
        awaitState(publisher, Thread.State.WAITING);
        assertTrue(publisher.isAlive(), "one more waits for room");
        assertSame(task, broker.dispatcher().poll());
        publisher.join(10_000);
        assertFalse(publisher.isAlive());
    }

    @Test
    void shouldLetAPublishInProgressFinishBeforeStopping() throws Exception {
        Broker broker = broker();
        broker.attach(broker.subscribe(List.of("a"), null), new FakeSink());   // so that a publish queues a shard
        Runnable filler = () -> { };
        while (broker.dispatcher().poll() != null) {
            Thread.onSpinWait();
        }
        for (int i = 0; i < 1 << 16; i++) {                 // a full dispatch queue: the publish waits inside
            broker.dispatcher().execute(filler);
        }
        long[] seq = new long[1];
        Thread publisher = Thread.ofPlatform().start(() -> seq[0] = publish(broker, "a", "last"));
        awaitState(publisher, Thread.State.WAITING);
        Thread closer = Thread.ofPlatform().start(broker::close);
        closer.join(300);
        assertEquals(Thread.State.RUNNABLE, closer.getState(), "the stop waits for the publish in progress (spins)");
        assertThrows(BrokerException.class, () -> publish(broker, "a", "refused"), "new publishes are refused");
        while (broker.dispatcher().poll() != null) {        // room: the publish finishes, then the stop
            Thread.onSpinWait();
        }
        publisher.join(10_000);
        closer.join(10_000);
        assertFalse(closer.isAlive());
        assertEquals(1, seq[0], "accepted before the stop");
        assertEquals(1, metrics.eventsPublished.sum());
    }

    @Test
    void shouldEndEveryThreadItStartedWhenClosed() throws Exception {
        java.util.Set<Thread> before = Thread.getAllStackTraces().keySet();
        Broker.Settings settings = new Broker.Settings(Retention.DEFAULTS, Duration.ofHours(1), -1, 2, 2, 10, 10, 4,
                Duration.ZERO, 10, 1L << 30, Duration.ofSeconds(5));
        Broker broker = new Broker(settings, metrics, ids, new Supervisor(failure -> { }));
        List<Thread> started = new ArrayList<>(Thread.getAllStackTraces().keySet());
        started.removeAll(before);
        started.removeIf(thread -> !thread.getName().startsWith("herald-"));
        List<String> names = started.stream().map(Thread::getName).sorted().toList();
        assertEquals(List.of("herald-dispatch-0", "herald-dispatch-1", "herald-timer", "herald-watch-0",
                "herald-watch-1"), names);
        long start = System.nanoTime();
        broker.close();
        assertTrue(System.nanoTime() - start < Duration.ofSeconds(4).toNanos(),
                "no stream to drain: the stop does not wait out its drain timeout");
        for (Thread thread : started) {
            thread.join(5_000);
            assertFalse(thread.isAlive(), thread.getName() + " ended");
        }
    }

    private static void awaitState(Thread thread, Thread.State state) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (thread.getState() != state) {
            assertTrue(System.nanoTime() - deadline < 0, "never reached " + state + ": " + thread.getState());
            Thread.onSpinWait();
        }
    }
    @Test
    void shouldReportTheRetainedBytesOfAllTopicsAsAGauge() throws IOException {
        Broker broker = broker();
        publish(broker, "a", "1");
        publish(broker, "b", "1");
        long retained = broker.retainedBytes();
        assertTrue(retained >= 2 * 4_096, "a segment each: " + retained);
        StringBuilder out = new StringBuilder();
        metrics.writePrometheus(out, broker.topicCount());
        assertTrue(out.toString().contains("\nherald_retained_bytes " + retained + "\n"), out.toString());
    }
}
