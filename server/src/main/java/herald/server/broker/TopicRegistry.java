package herald.server.broker;

import herald.server.Retention;
import herald.server.health.MemoryBudget;
import herald.server.log.EventLog;
import herald.server.metrics.Metrics;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The topics the broker knows, by name: live incarnations and tombstones of deleted ones; their limits
 * ({@link TopicCounts}); the one budget for the history of all of them; and the high water of sequences of
 * ended incarnations, above which every new incarnation starts.
 *
 * <p>Memory: a topic nobody published to costs a few hundred bytes and counts against its own limit; the history
 * of all topics together is bounded by {@link #retained}. When a publish needs a segment that does not fit, the
 * history of the topics that have been idle longest (no subscribers, oldest last publish) is dropped first
 * ({@link #dropIdleHistory}); if that frees nothing, the publish fails. A deleted topic keeps only a tombstone.
 *
 * <p>Thread-safe: any thread creates, resolves and forgets topics; each topic's transitions happen under its lock.
 */
final class TopicRegistry {
    private static final System.Logger LOG = System.getLogger(TopicRegistry.class.getName());

    private final ConcurrentHashMap<String, Topic> topics = new ConcurrentHashMap<>();   // live ones and tombstones
    private final TopicCounts counts;
    private final MemoryBudget retained;
    private final AtomicLong retiredHighWater = new AtomicLong();   // highest sequence of ended incarnations
    private final ReentrantLock reclaiming = new ReentrantLock();
    private long lastDropLogNanos = System.nanoTime() - TimeUnit.MINUTES.toNanos(1);   // guarded by reclaiming
    private final Dispatcher dispatcher;
    private final Retention retention;
    private final Upstream upstream;               // cluster mode; null standalone
    private final Metrics metrics;
    private volatile EventIds ids;                 // the epoch new incarnations take; changes only in cluster mode

    TopicRegistry(int maxTopics, int maxUnpublishedTopics, long maxRetainedBytes, Retention retention,
                  EventIds ids, Dispatcher dispatcher, Metrics metrics, Upstream upstream) {
        this.counts = new TopicCounts(maxTopics, maxUnpublishedTopics);
        this.retained = new MemoryBudget("maxRetainedBytes", maxRetainedBytes);
        this.retention = retention;
        this.ids = ids;
        this.upstream = upstream;
        this.dispatcher = dispatcher;
        this.metrics = metrics;
        retained.reclaimWith(this::dropIdleHistory);
        metrics.countRetainedBytesWith(retained::used);
    }

    /** The live incarnation of {@code name} for a publish: the current one, or a new one (counted as published). */
    Topic forPublish(String name) {
        Topic topic = topics.get(name);
        if (topic != null && topic.isLive()) {
            return topic;
        }
        return topics.compute(name, (key, existing) -> {
            if (existing != null && existing.isLive()) {
                return existing;
            }
            counts.checkRoomForPublished();         // before anything changes: a refused publish leaves nothing
            if (existing != null && existing.isDeleted()) {
                counts.deleted.decrementAndGet();  // the tombstone gives way to the next incarnation
            }
            counts.addForPublish();
            return newTopic(key, 0);
        });
    }

    /**
     * The topics a subscription names, in its order, or null when one was deleted and not published to since.
     * With {@code create}, unknown or forgotten topics get a new incarnation; without, nothing changes (their
     * entries stay null) but the topic limit is checked as creating them would.
     *
     * In cluster mode a new incarnation of topic {@code i} starts after {@code heads[i]}, the newest sequence of its
     * shared log (null standalone).
     *
     * @throws BrokerException TOPIC_LIMIT over {@code maxUnpublishedTopics}
     */
    Topic[] resolve(List<String> topicNames, boolean create, long[] heads) {
        Topic[] resolved = new Topic[topicNames.size()];
        int wouldAdd = 0;
        for (int i = 0; i < resolved.length; i++) {
            String name = topicNames.get(i);
            Topic topic;
            if (create) {
                long head = heads == null ? 0 : heads[i];
                topic = topics.compute(name, (key, existing) -> {
                    if (!replaceable(existing)) {
                        return existing;
                    }
                    counts.addUnpublished();        // over maxUnpublishedTopics: nothing is created
                    return newTopic(key, head);
                });
            } else {
                topic = topics.get(name);
                if (replaceable(topic)) {
                    if (!counts.roomForUnpublished(wouldAdd)) {
                        throw BrokerException.topicLimit("topic limit reached for topics nobody published to: "
                                + "maxUnpublishedTopics=" + counts.maxUnpublishedTopics());
                    }
                    wouldAdd++;
                    topic = null;
                }
            }
            if (topic != null && topic.isDeleted()) {
                return null;
            }
            resolved[i] = topic;
        }
        return resolved;
    }

    /** Whether a subscribe makes a new incarnation in place of {@code topic}: unknown, or forgotten. */
    private static boolean replaceable(Topic topic) {
        return topic == null || !topic.isLive() && !topic.isDeleted();
    }

    /** A new incarnation: standalone above every sequence handed out before; in cluster mode after {@code head}. */
    private Topic newTopic(String name, long head) {
        Upstream follows = upstream == null || TopicNames.isSystem(name) ? null : upstream;   // Herald's own: local
        long baseSeq = follows == null ? retiredHighWater.get() + 1 : head + 1;
        return new Topic(name, baseSeq, dispatcher, retention, ids, counts, retained, retiredHighWater, follows);
    }

    /** Whether a subscribe of {@code name} would make a new incarnation now (it has none that is live). */
    boolean needsIncarnation(String name) {
        return replaceable(topics.get(name));
    }

    /** Cluster mode: new incarnations take {@code next}'s epoch from now on. */
    void changeEpoch(EventIds next) {
        this.ids = next;
    }

    /** The incarnation (or tombstone) known by {@code name}, or null. */
    Topic get(String name) {
        return topics.get(name);
    }

    /** Live incarnations and tombstones, weakly consistent (for sweeps). */
    Collection<Topic> all() {
        return topics.values();
    }

    /** Topics that take subscribers and events now (tombstones not counted). */
    int liveCount() {
        return counts.live();
    }

    MemoryBudget retained() {
        return retained;
    }

    /** Forgets topics nobody uses, and the oldest tombstones while there are more than {@code maxTopics}. */
    void forgetUnused() {
        int extraTombstones = counts.deleted.get() - counts.maxTopics();
        for (Topic topic : topics.values()) {
            if (topic.isDeleted()) {
                if (extraTombstones > 0 && topics.remove(topic.name, topic)) {
                    counts.deleted.decrementAndGet();
                    extraTombstones--;
                }
            } else if (topic.retireIfUnused()) {
                topics.remove(topic.name, topic);
            }
        }
    }

    /**
     * Frees history for a segment that did not fit the budget: retires the topics idle longest (no subscribers,
     * oldest last publish) until about {@code bytes}, at least 1/32 of the budget, is free. Called by a publish
     * with no lock held (see {@link MemoryBudget.Reclaimer}). Returns whether anything was freed.
     */
    private boolean dropIdleHistory(long bytes) {
        reclaiming.lock();
        try {
            List<Topic> idle = new ArrayList<>();
            for (Topic topic : topics.values()) {
                EventLog log = topic.log();
                // a log that holds no memory frees none: retiring it (the publisher's own new topic) would make
                // its append fail as closed, and the publish would retry on a new incarnation for ever
                if (topic.holdsIdleHistory() && log != null && log.budgetedBytes() > 0) {
                    idle.add(topic);
                }
            }
            idle.sort(Comparator.comparingLong(Topic::lastPublishNanos));
            long before = retained.used();
            long goal = Math.max(bytes, retained.limit() / 32);
            boolean freed = false;
            for (Topic topic : idle) {
                if (topic.retireIdle() >= 0) {
                    topics.remove(topic.name, topic);
                    metrics.historyDropped.increment();
                    freed = true;
                    if (before - retained.used() >= goal) {
                        break;
                    }
                }
            }
            long now = System.nanoTime();
            if (freed && now - lastDropLogNanos >= TimeUnit.SECONDS.toNanos(10)) {   // at most one line per 10 s
                lastDropLogNanos = now;
                LOG.log(Level.WARNING, "retained history reached " + retained.name() + "=" + retained.limit()
                        + "; dropping the history of idle topics (herald_history_dropped_total counts them)");
            }
            return freed;
        } finally {
            reclaiming.unlock();
        }
    }
}
