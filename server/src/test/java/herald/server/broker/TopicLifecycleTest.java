package herald.server.broker;

import herald.server.Retention;
import herald.server.health.MemoryBudget;
import herald.server.health.Supervisor;
import herald.server.log.EventLog;
import herald.server.metrics.Metrics;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A topic's incarnations and its subscribers in shards ({@link Topic}), and the registry that makes, forgets and
 * retires them within their limits ({@link TopicRegistry}, {@link TopicCounts}), on the test's thread.
 */
class TopicLifecycleTest {
    private static final Retention RETENTION = new Retention(16, 1 << 20, 4_096);

    private final Metrics metrics = new Metrics();
    private final EventIds ids = new EventIds(1_700_000_000_000L);
    private final Broker broker;                                   // for the subscribers' clock and dispatcher
    private final Dispatcher dispatcher = new Dispatcher(0, 1_024, metrics, new Supervisor(failure -> { }));
    private final TopicCounts counts = new TopicCounts(2, 3);
    private final AtomicLong highWater = new AtomicLong();

    TopicLifecycleTest() throws IOException {
        Broker.Settings settings = new Broker.Settings(RETENTION, Duration.ofHours(1), -1, 1, 1, 10, 10, 8,
                Duration.ZERO, 100, 1L << 30, Duration.ZERO);
        broker = new Broker(settings, metrics, ids, new Supervisor(failure -> { }), 0);
    }

    @AfterEach
    void closeBroker() {
        broker.close();
    }

    private Topic topic(long baseSeq) {
        counts.addUnpublished();
        return new Topic("t", baseSeq, dispatcher, RETENTION, ids, counts, MemoryBudget.unbounded(),
                highWater, null);
    }

    private TopicSubscriber subscriber(Topic topic) {
        return new TopicSubscriber(new FakeSink(), broker, topic, 0);
    }

    /** The topic's lock is free: another thread takes it at once (a lock left held would make it wait). */
    private static void assertUnlocked(Topic topic) {
        FutureTask<Integer> count = new FutureTask<>(topic::subscriberCount);
        Thread.ofPlatform().daemon().start(count);
        try {
            count.get(10, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            fail("the topic's lock is still held");
        } catch (InterruptedException | ExecutionException e) {
            throw new AssertionError(e);
        }
    }

    private static List<List<Subscriber>> shards(Topic topic) {
        List<List<Subscriber>> shards = new ArrayList<>();
        topic.forEachShard(shard -> shards.add(Arrays.asList(shard.members)));
        return shards;
    }

    @Test
    void shouldPutSubscribersInShardsOf128AndTellEachItsShard() {
        Topic topic = topic(1);
        List<TopicSubscriber> added = new ArrayList<>();
        for (int i = 0; i < Shard.CAPACITY + 2; i++) {
            TopicSubscriber subscriber = subscriber(topic);
            assertTrue(topic.add(subscriber));
            added.add(subscriber);
        }
        List<List<Subscriber>> shards = shards(topic);
        assertEquals(2, shards.size());
        assertEquals(added.subList(0, Shard.CAPACITY), shards.get(0));
        assertEquals(added.subList(Shard.CAPACITY, Shard.CAPACITY + 2), shards.get(1));
        assertEquals(Shard.CAPACITY + 2, topic.subscriberCount());
        assertEquals(added, topic.subscribers());
        topic.forEachShard(shard -> {
            for (Subscriber member : shard.members) {
                assertSame(shard, member.shardIn(topic));
            }
        });
    }

    @Test
    void shouldRemoveASubscriberFromItsShardKeepingTheOthersInOrderAndDropAnEmptyShard() {
        Topic topic = topic(1);
        List<TopicSubscriber> added = new ArrayList<>();
        for (int i = 0; i < Shard.CAPACITY + 1; i++) {
            added.add(subscriber(topic));
            topic.add(added.getLast());
        }
        topic.remove(added.get(5));
        assertUnlocked(topic);
        List<Subscriber> expected = new ArrayList<>(added.subList(0, Shard.CAPACITY));
        expected.remove(5);
        assertEquals(expected, shards(topic).get(0));
        assertEquals(Shard.CAPACITY, topic.subscriberCount());
        topic.remove(added.get(5));                       // not a member any more
        assertEquals(Shard.CAPACITY, topic.subscriberCount());
        topic.remove(added.getFirst());
        topic.remove(added.get(Shard.CAPACITY - 1));
        expected.removeFirst();
        expected.removeLast();
        assertEquals(expected, shards(topic).get(0), "first and last removed");
        topic.remove(added.getLast());                    // the only member of the second shard
        assertEquals(1, shards(topic).size());
        assertEquals(Shard.CAPACITY - 3, topic.subscriberCount());
        TopicSubscriber next = subscriber(topic);
        topic.add(next);
        assertEquals(Shard.CAPACITY - 2, shards(topic).get(0).size(), "a shard with room takes the next one");
        topic.remove(subscriber(topic));                  // never added
        assertEquals(Shard.CAPACITY - 2, topic.subscriberCount());
    }

    @Test
    void shouldDropTheMiddleShardKeepingTheOthersInOrder() {
        Topic topic = topic(1);
        List<TopicSubscriber> added = new ArrayList<>();
        for (int i = 0; i < 2 * Shard.CAPACITY + 1; i++) {
            added.add(subscriber(topic));
            topic.add(added.getLast());
        }
        for (int i = Shard.CAPACITY; i < 2 * Shard.CAPACITY; i++) {
            topic.remove(added.get(i));
        }
        List<List<Subscriber>> shards = shards(topic);
        assertEquals(2, shards.size());
        assertEquals(added.subList(0, Shard.CAPACITY), shards.get(0));
        assertEquals(List.of(added.getLast()), shards.get(1));
        assertEquals(Shard.CAPACITY + 1, topic.subscriberCount());
    }

    @Test
    void shouldNotAddAClosedSubscriberNorAnyToAnEndedTopic() {
        Topic topic = topic(1);
        TopicSubscriber closed = subscriber(topic);
        closed.close(Subscriber.CloseReason.CLIENT_GONE);
        assertTrue(topic.add(closed), "not refused: its close found nothing to remove");
        assertEquals(0, topic.subscriberCount());
        assertEquals(List.of(), shards(topic));
        assertNotNull(topic.delete());
        assertFalse(topic.add(subscriber(topic)));
        Topic retired = topic(1);
        assertTrue(retired.retireIfUnused());
        assertFalse(retired.add(subscriber(retired)));
        assertNull(retired.logForAppend());
    }

    @Test
    void shouldQueueEachShardOnceUntilItRuns() {
        Topic topic = topic(1);
        for (int i = 0; i < Shard.CAPACITY + 1; i++) {
            topic.add(subscriber(topic));
        }
        topic.signal();
        topic.signal();
        List<Runnable> queued = drain();
        assertEquals(2, queued.size(), "each shard once");
        DeliveryScratch scratch = new DeliveryScratch(metrics);
        ((Shard) queued.getFirst()).run(scratch);
        topic.signal();
        assertEquals(List.of(queued.getFirst()), drain(), "the shard that ran is queued again, the other waits");
    }

    private List<Runnable> drain() {
        List<Runnable> tasks = new ArrayList<>();
        for (Runnable task; (task = dispatcher.poll()) != null; ) {
            tasks.add(task);
        }
        return tasks;
    }

    @Test
    void shouldOfferEveryMemberOfAShardWhenItRuns() {
        Topic topic = topic(1);
        topic.logForAppend().append(null, new byte[] {'x'}, 0, 1, -1);
        List<FakeSink> sinks = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            FakeSink sink = new FakeSink();
            TopicSubscriber subscriber = new TopicSubscriber(sink, broker, topic, 0);
            sink.start(subscriber);
            topic.add(subscriber);
            sinks.add(sink);
        }
        topic.signal();
        ((Shard) dispatcher.poll()).run(new DeliveryScratch(metrics));
        for (FakeSink sink : sinks) {
            assertEquals("data: x\nid: " + ids.format(1) + "\n\n", sink.text());
        }
    }

    @Test
    void shouldCreateTheLogAtTheFirstPublishAndCountTheTopicAsPublished() {
        Topic topic = topic(7);
        assertNull(topic.log());
        assertEquals(6, topic.headSeq(), "base - 1 before the first event");
        assertEquals(1, counts.unpublished.get());
        EventLog log = topic.logForAppend();
        assertUnlocked(topic);
        assertSame(log, topic.logForAppend());
        assertSame(log, topic.log());
        assertEquals(1, counts.published.get());
        assertEquals(0, counts.unpublished.get());
        assertEquals(7, log.append(null, new byte[] {'x'}, 0, 1, -1));
        assertEquals(7, topic.headSeq());
        assertTrue(topic.isLive());
    }

    @Test
    void shouldRefuseALogOverMaxTopicsLeavingTheTopicUnpublished() {
        topic(1).logForAppend();
        topic(1).logForAppend();
        Topic third = topic(1);
        BrokerException e = assertThrows(BrokerException.class, third::logForAppend);
        assertEquals(BrokerException.Reason.TOPIC_LIMIT, e.reason());
        assertEquals("topic limit reached: maxTopics=2", e.getMessage());
        assertNull(third.log());
        assertEquals(2, counts.published.get());
        assertEquals(1, counts.unpublished.get());
    }

    @Test
    void shouldDeleteOnceKeepingATombstoneWithTheLastSequence() {
        Topic topic = topic(1);
        EventLog log = topic.logForAppend();
        log.append(null, new byte[] {'x'}, 0, 1, -1);
        log.append(null, new byte[] {'y'}, 0, 1, -1);
        TopicSubscriber a = subscriber(topic);
        TopicSubscriber b = subscriber(topic);
        topic.add(a);
        topic.add(b);
        assertEquals(2, topic.subscriberCount());
        assertUnlocked(topic);
        assertEquals(List.of(a, b), topic.delete());
        assertUnlocked(topic);
        assertTrue(topic.isDeleted());
        assertFalse(topic.isLive());
        assertTrue(log.isClosed());
        assertNull(topic.log());
        assertEquals(2, topic.headSeq());
        assertEquals(2, highWater.get());
        assertEquals(0, topic.subscriberCount());
        assertEquals(List.of(), topic.subscribers());
        assertEquals(0, counts.published.get());
        assertEquals(1, counts.deleted.get());
        assertNull(topic.delete(), "once");
        assertNull(topic.logForAppend());
        assertEquals(-1, topic.retireIdle());
        assertFalse(topic.retireIfUnused());
        topic.remove(a);                                  // its close after the delete finds nothing
        assertEquals(0, topic.subscriberCount());
        assertEquals(1, counts.deleted.get());
    }

    @Test
    void shouldDeleteATopicNobodyPublishedTo() {
        Topic topic = topic(5);
        assertEquals(List.of(), topic.delete());
        assertEquals(4, topic.headSeq());
        assertEquals(4, highWater.get());
        assertEquals(0, counts.unpublished.get());
        assertEquals(1, counts.deleted.get());
    }

    @Test
    void shouldRetireOnlyATopicNobodyUsesAndNeverPublishedTo() {
        Topic subscribed = topic(1);
        TopicSubscriber subscriber = subscriber(subscribed);
        subscribed.add(subscriber);
        assertFalse(subscribed.retireIfUnused());
        subscribed.remove(subscriber);
        Topic published = topic(1);
        published.logForAppend();
        assertFalse(published.retireIfUnused());
        assertEquals(1, counts.unpublished.get());
        assertTrue(subscribed.retireIfUnused());
        assertUnlocked(subscribed);
        assertTrue(subscribed.retireIfUnused(), "still retired; counted once");
        assertEquals(0, counts.unpublished.get());
        assertFalse(subscribed.isLive());
        assertFalse(subscribed.isDeleted());
        assertNull(subscribed.delete());
    }

    @Test
    void shouldRetireAnIdleTopicWithHistoryAndRaiseTheHighWater() {
        Topic idle = topic(10);
        assertFalse(idle.holdsIdleHistory(), "no history yet");
        assertEquals(-1, idle.retireIdle());
        EventLog log = idle.logForAppend();
        log.append(null, new byte[] {'x'}, 0, 1, -1);
        log.append(null, new byte[] {'x'}, 0, 1, -1);
        TopicSubscriber subscriber = subscriber(idle);
        idle.add(subscriber);
        assertFalse(idle.holdsIdleHistory(), "subscribed");
        assertEquals(-1, idle.retireIdle());
        idle.remove(subscriber);
        assertTrue(idle.holdsIdleHistory());
        assertEquals(11, idle.retireIdle());
        assertUnlocked(idle);
        assertEquals(11, highWater.get());
        assertTrue(log.isClosed());
        assertFalse(idle.isLive());
        assertFalse(idle.holdsIdleHistory());
        assertEquals(-1, idle.retireIdle(), "once");
        assertEquals(0, counts.published.get());
        assertNull(idle.logForAppend());
    }

    @Test
    void shouldKeepTheHighestEndedSequenceAsHighWater() {
        highWater.set(100);
        Topic topic = topic(3);
        topic.logForAppend().append(null, new byte[] {'x'}, 0, 1, -1);
        topic.delete();
        assertEquals(100, highWater.get(), "never lowered");
    }

    // ---- the registry -----------------------------------------------------------------------------------

    private TopicRegistry registry(int maxTopics, int maxUnpublished, long maxRetainedBytes) {
        return new TopicRegistry(maxTopics, maxUnpublished, maxRetainedBytes, RETENTION, ids, dispatcher,
                metrics, null);
    }

    @Test
    void shouldGiveANewIncarnationAfterADeleteAboveTheOldSequences() {
        TopicRegistry registry = registry(5, 5, 1L << 30);
        Topic first = registry.forPublish("a");
        assertSame(first, registry.forPublish("a"));
        first.logForAppend().append(null, new byte[] {'x'}, 0, 1, -1);
        first.delete();
        assertEquals(0, registry.liveCount());
        assertSame(first, registry.get("a"), "the tombstone");
        assertNull(registry.resolve(List.of("a"), true, null), "a subscribe answers 204");
        Topic second = registry.forPublish("a");
        assertNotSame(first, second);
        assertEquals(2, second.baseSeq);
        assertEquals(1, registry.liveCount());
        assertTrue(second.isLive());
    }

    @Test
    void shouldMakeUnknownTopicsOnSubscribeOnlyWhenAskedAndCheckTheLimitTheSame() {
        TopicRegistry registry = registry(5, 2, 1L << 30);
        Topic[] none = registry.resolve(List.of("a", "b"), false, null);
        assertEquals(Arrays.asList(null, null), Arrays.asList(none));
        assertEquals(0, registry.liveCount());
        BrokerException head = assertThrows(BrokerException.class,
                () -> registry.resolve(List.of("a", "b", "c"), false, null));
        assertEquals(BrokerException.Reason.TOPIC_LIMIT, head.reason());
        Topic[] made = registry.resolve(List.of("a", "b"), true, null);
        assertEquals(List.of("a", "b"), Arrays.stream(made).map(t -> t.name).toList());
        assertEquals(2, registry.liveCount());
        assertSame(made[0], registry.resolve(List.of("a"), false, null)[0], "known: no room needed");
        assertThrows(BrokerException.class, () -> registry.resolve(List.of("c"), false, null));
        assertThrows(BrokerException.class, () -> registry.resolve(List.of("c"), true, null));
        assertEquals(2, registry.liveCount(), "nothing made over the limit");
    }

    @Test
    void shouldForgetUnusedTopicsKeepingPublishedAndSubscribedOnes() {
        TopicRegistry registry = registry(5, 5, 1L << 30);
        Topic[] made = registry.resolve(List.of("unused", "subscribed"), true, null);
        made[1].add(subscriber(made[1]));
        registry.forPublish("published").logForAppend();
        registry.forgetUnused();
        assertNull(registry.get("unused"));
        assertSame(made[1], registry.get("subscribed"));
        assertNotNull(registry.get("published"));
        assertEquals(2, registry.liveCount());
        Topic again = registry.resolve(List.of("unused"), true, null)[0];
        assertNotSame(made[0], again, "a later subscribe makes a new incarnation");
        assertTrue(again.isLive());
    }

    @Test
    void shouldForgetTheTombstonesOverMaxTopics() {
        TopicRegistry registry = registry(2, 5, 1L << 30);
        for (String name : List.of("a", "b", "c", "d")) {
            Topic topic = registry.forPublish(name);
            topic.logForAppend();
            topic.delete();
        }
        registry.forgetUnused();
        List<Topic> tombstones = registry.all().stream().filter(Topic::isDeleted).toList();
        assertEquals(2, tombstones.size(), "maxTopics tombstones are kept");
        registry.forgetUnused();
        assertEquals(2, registry.all().size());
        Topic next = registry.forPublish(tombstones.getFirst().name);   // the tombstone gives way, uncounted
        next.logForAppend();
        assertTrue(next.isLive());
        for (String name : List.of("e", "f")) {
            Topic topic = registry.forPublish(name);
            topic.logForAppend();
            topic.delete();
        }
        registry.forgetUnused();                          // three tombstones: one over the limit
        assertEquals(3, registry.all().size());
        assertEquals(2, registry.all().stream().filter(Topic::isDeleted).count());
        assertTrue(registry.all().contains(next));
    }

    @Test
    void shouldDropTheHistoryOfTheTopicsIdleLongestFirstUntilEnoughIsFree() {
        long perTopic = budgetOfOneEvent();
        TopicRegistry registry = registry(10, 10, 4 * perTopic);
        List<Topic> topics = new ArrayList<>();
        for (String name : List.of("oldest", "older", "subscribed", "newer")) {
            Topic topic = registry.forPublish(name);
            assertTrue(topic.logForAppend().append(null, new byte[] {'x'}, 0, 1, -1) > 0, name);
            topics.add(topic);
            waitANanosecond();
        }
        topics.get(2).add(subscriber(topics.get(2)));
        Topic next = registry.forPublish("next");
        assertTrue(next.logForAppend().append(null, new byte[] {'x'}, 0, 1, -1) > 0, "room was made");
        assertEquals(1, metrics.historyDropped.sum(), "one topic's history was enough");
        assertNull(registry.get("oldest"));
        assertFalse(topics.getFirst().isLive());
        assertSame(topics.get(1), registry.get("older"));
        assertTrue(topics.get(1).isLive());
        assertTrue(registry.forPublish("x").logForAppend().append(null, new byte[] {'x'}, 0, 1, -1) > 0);
        assertFalse(topics.get(1).isLive(), "then the next idle longest");
        assertTrue(topics.get(2).isLive(), "never one with subscribers");
        assertTrue(topics.get(3).isLive());
        assertEquals(2, metrics.historyDropped.sum());
    }

    @Test
    void shouldFailAnAppendWhenNoIdleHistoryCanBeDropped() {
        long perTopic = budgetOfOneEvent();
        TopicRegistry registry = registry(10, 10, perTopic);
        Topic subscribed = registry.forPublish("a");
        subscribed.add(subscriber(subscribed));
        subscribed.logForAppend().append(null, new byte[] {'x'}, 0, 1, -1);
        assertEquals(EventLog.FULL, registry.forPublish("b").logForAppend().append(null, new byte[] {'x'}, 0, 1, -1));
        assertEquals(0, metrics.historyDropped.sum());
        FutureTask<Long> other = new FutureTask<>(
                () -> registry.forPublish("c").logForAppend().append(null, new byte[] {'x'}, 0, 1, -1));
        Thread.ofPlatform().daemon().start(other);            // its reclaim waits for ever if a lock was left held
        try {
            assertEquals(EventLog.FULL, other.get(10, TimeUnit.SECONDS));
        } catch (TimeoutException | InterruptedException | ExecutionException e) {
            throw new AssertionError("another publisher's reclaim", e);
        }
        assertTrue(subscribed.isLive());
    }

    @Test
    void shouldDropAtLeastOneThirtySecondOfTheBudgetAtOnce() {
        long perTopic = budgetOfOneEvent();
        TopicRegistry registry = registry(100, 100, 40 * perTopic);   // 1/32 of it is more than one topic's
        for (int i = 0; i < 40; i++) {
            registry.forPublish("t" + i).logForAppend().append(null, new byte[] {'x'}, 0, 1, -1);
            waitANanosecond();
        }
        registry.forPublish("next").logForAppend().append(null, new byte[] {'x'}, 0, 1, -1);
        assertEquals(2, metrics.historyDropped.sum(), "enough for 1/32 of the budget, no more");
        assertNull(registry.get("t0"));
        assertNull(registry.get("t1"));
        assertNotNull(registry.get("t2"));
    }

    @Test
    void shouldStopDroppingOnceExactlyTheGoalIsFree() {
        long perTopic = budgetOfOneEvent();
        TopicRegistry registry = registry(100, 100, 32 * perTopic);   // 1/32 of it is one topic's history
        for (int i = 0; i < 32; i++) {
            registry.forPublish("t" + i).logForAppend().append(null, new byte[] {'x'}, 0, 1, -1);
            waitANanosecond();
        }
        registry.forPublish("next").logForAppend().append(null, new byte[] {'x'}, 0, 1, -1);
        assertEquals(1, metrics.historyDropped.sum(), "one topic freed the goal exactly");
        assertNull(registry.get("t0"));
        assertNotNull(registry.get("t1"));
    }

    /** Bytes of budget one topic with one small event takes (its first segment and index page). */
    private static long budgetOfOneEvent() {
        MemoryBudget budget = new MemoryBudget("probe", 1L << 30);
        new EventLog(RETENTION, new byte[] {'e', '-'}, 1, budget).append(null, new byte[] {'x'}, 0, 1, -1);
        return budget.used();
    }

    private static void waitANanosecond() {
        long start = System.nanoTime();
        while (System.nanoTime() == start) {
            Thread.onSpinWait();
        }
    }

    @Test
    void shouldCountTopicsOfEachKindAgainstTheirOwnLimits() {
        TopicCounts limits = new TopicCounts(1, 2);
        assertTrue(limits.roomForUnpublished(1));
        assertFalse(limits.roomForUnpublished(2));
        limits.addUnpublished();
        limits.addUnpublished();
        assertFalse(limits.roomForUnpublished(0));
        BrokerException e = assertThrows(BrokerException.class, limits::addUnpublished);
        assertEquals("topic limit reached for topics nobody published to: maxUnpublishedTopics=2", e.getMessage());
        assertEquals(2, limits.unpublished.get());
        limits.checkRoomForPublished();
        limits.addForPublish();                            // not limited: a publisher's topic
        assertEquals(3, limits.unpublished.get());
        limits.publish();
        assertEquals(1, limits.published.get());
        assertEquals(2, limits.unpublished.get());
        assertEquals(3, limits.live());
        assertThrows(BrokerException.class, limits::checkRoomForPublished);
        assertThrows(BrokerException.class, limits::publish);
        assertEquals(1, limits.published.get());
        assertEquals(2, limits.unpublished.get());
        assertEquals(1, limits.maxTopics());
        assertEquals(2, limits.maxUnpublishedTopics());
    }
}
