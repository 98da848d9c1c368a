package herald.server.broker;

import herald.server.Retention;
import herald.server.health.MemoryBudget;
import herald.server.log.EventLog;

import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * One incarnation of a topic: its event log (created at the first publish) and its subscribers in shards.
 * Deleting a topic ends this incarnation; a later publish creates a new one whose sequences continue above
 * every sequence this one handed out.
 *
 * <p>An incarnation ends in one of three ways, each once, under {@link #lock}: <b>deleted</b> (its log is closed
 * and dropped; what stays is a tombstone, the name and its last sequence, to answer 204), <b>retired</b> while
 * unused (nothing was published and nobody subscribes), or <b>retired</b> while idle to free memory (nobody
 * subscribes; its history is dropped, {@link #retireIdle}).
 *
 * <p>In cluster mode ({@link Upstream}) the log is a copy of the topic's shared log, fed by {@link Broker#replicate}
 * and holding its sequences: the incarnation follows the shared log from its first subscriber on and retires when its
 * last one leaves ({@link #remove}), or when its copy can no longer continue ({@link #resync}); a later subscriber
 * makes a new incarnation that starts where the shared log is then.
 */
final class Topic {
    private static final Shard[] NO_SHARDS = new Shard[0];
    private static final Subscriber[] NO_MEMBERS = new Subscriber[0];

    final String name;
    final long baseSeq;
    private final Dispatcher dispatcher;
    private final Retention retention;
    private final byte[] idPrefix;
    private final EventIds ids;                    // the epoch of this incarnation's ids
    private final Upstream upstream;               // cluster mode (not Herald's own topics); null standalone
    private final TopicCounts counts;
    private final MemoryBudget budget;
    private final AtomicLong retiredHighWater;     // raised before this incarnation is seen as ended
    private final ReentrantLock lock = new ReentrantLock();
    private volatile EventLog log;                 // null before the first publish, and once ended
    private volatile Pushback pushback;            // made with the log: unpublished topics hold none
    private volatile long endedHead;               // the last sequence, once the log was closed; under lock
    private volatile long lastPublishNanos;        // for choosing which idle topics lose their history first
    private volatile Shard[] shards = NO_SHARDS;   // copy-on-write under lock
    private volatile boolean deleted;              // written under lock
    private volatile boolean retired;              // forgotten while unused; written under lock
    private int subscriberCount;                   // guarded by lock

    Topic(String name, long baseSeq, Dispatcher dispatcher, Retention retention, EventIds ids,
          TopicCounts counts, MemoryBudget budget, AtomicLong retiredHighWater, Upstream upstream) {
        this.name = name;
        this.baseSeq = baseSeq;
        this.dispatcher = dispatcher;
        this.retention = retention;
        this.ids = ids;
        this.idPrefix = ids.prefix();
        this.upstream = upstream;
        this.counts = counts;
        this.budget = budget;
        this.retiredHighWater = retiredHighWater;
        this.endedHead = baseSeq - 1;
        this.lastPublishNanos = System.nanoTime();
    }

    /** The log, or null before the first publish. */
    EventLog log() {
        return log;
    }

    /**
     * The log, created on first use (the topic then counts as published). Null when the topic was deleted or
     * retired. Marks the topic as just published to.
     *
     * @throws BrokerException TOPIC_LIMIT when {@code maxTopics} topics are published already
     */
    EventLog logForAppend() {
        lastPublishNanos = System.nanoTime();
        EventLog existing = log;
        if (existing != null) {
            return existing;
        }
        lock.lock();
        try {
            if (deleted || retired) {
                return null;
            }
            if (log == null) {
                counts.publish();
                pushback = new Pushback();
                log = new EventLog(retention, idPrefix, baseSeq, budget);
            }
            return log;
        } finally {
            lock.unlock();
        }
    }

    /** The push-back state, made with the log at the first publish (null before). */
    Pushback pushback() {
        return pushback;
    }

    /** The shards now (a snapshot: copy-on-write). */
    Shard[] shards() {
        return shards;
    }

    /** Sequence of the newest event, or {@code baseSeq - 1} before the first. */
    long headSeq() {
        EventLog current = log;
        return current == null ? endedHead : current.headSeq();
    }

    long lastPublishNanos() {
        return lastPublishNanos;
    }

    boolean isDeleted() {
        return deleted;
    }

    /** Offers what is new to every subscriber (on dispatcher threads). */
    void signal() {
        // The append published its slot with a release store, which a later load may pass: a full fence, so that
        // a shard run that reads queued == true here has not yet read the slot, and an attach this publish misses
        // in shards sees the slot published (one fence per publish, not per delivery).
        VarHandle.fullFence();
        for (Shard shard : shards) {
            shard.signal();
        }
    }

    /** Whether this incarnation still takes subscribers and events (not deleted, not forgotten). */
    boolean isLive() {
        return !deleted && !retired;
    }

    /**
     * Adds a subscriber and tells it its shard ({@link Subscriber#joined}); false when the topic was deleted or
     * forgotten meanwhile. A subscriber closed meanwhile is not added: its {@code detach} found nothing to remove.
     */
    boolean add(Subscriber subscriber) {
        lock.lock();
        try {
            if (deleted || retired) {
                return false;
            }
            if (subscriber.isClosed()) {
                return true;
            }
            Shard[] current = shards;
            for (Shard shard : current) {
                Subscriber[] members = shard.members;
                if (members.length < Shard.CAPACITY) {
                    Subscriber[] grown = Arrays.copyOf(members, members.length + 1);
                    grown[members.length] = subscriber;
                    shard.members = grown;
                    joined(subscriber, shard);
                    return true;
                }
            }
            Shard shard = new Shard(dispatcher, new Subscriber[] {subscriber});
            Shard[] grown = Arrays.copyOf(current, current.length + 1);
            grown[current.length] = shard;
            shards = grown;
            joined(subscriber, shard);
            return true;
        } finally {
            lock.unlock();
        }
    }

    private void joined(Subscriber subscriber, Shard shard) {     // under lock
        subscriber.joined(this, shard);
        subscriberCount++;
        if (upstream != null && subscriberCount == 1) {
            upstream.follow(name, ids, headSeq());  // the first one: from where this incarnation starts or is
        }
        Pushback current = pushback;
        if (current != null) {
            current.joined(subscriber.positionIn(this));
        }
    }

    /** Removes a subscriber from the shard it joined: the cost does not grow with the topic's subscribers. */
    void remove(Subscriber subscriber) {
        lock.lock();
        try {
            Shard shard = subscriber.shardIn(this);
            if (shard == null) {
                return;                             // never added, or closed before it could be
            }
            Subscriber[] members = shard.members;
            int i = 0;
            while (i < members.length && members[i] != subscriber) {
                i++;
            }
            if (i == members.length) {
                return;                             // the topic was deleted: its shards were emptied
            }
            subscriberCount--;
            if (upstream != null && subscriberCount == 0) {
                upstream.unfollow(name);            // nobody follows it here now: a later subscriber starts afresh
                endLog();
                retired = true;
            }
            if (members.length == 1) {
                shard.members = NO_MEMBERS;
                Shard[] current = shards;
                int s = Arrays.asList(current).indexOf(shard);
                Shard[] fewer = new Shard[current.length - 1];
                System.arraycopy(current, 0, fewer, 0, s);
                System.arraycopy(current, s + 1, fewer, s, current.length - s - 1);
                shards = fewer;
            } else {
                Subscriber[] fewer = new Subscriber[members.length - 1];
                System.arraycopy(members, 0, fewer, 0, i);
                System.arraycopy(members, i + 1, fewer, i, members.length - i - 1);
                shard.members = fewer;
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Forgets this incarnation when nobody subscribes and nothing was ever published: it holds nothing worth
     * keeping. Returns whether it did; a later subscribe or publish makes a new incarnation.
     */
    boolean retireIfUnused() {
        lock.lock();
        try {
            if (subscriberCount == 0 && log == null && !deleted && !retired) {
                retired = true;
                counts.unpublished.decrementAndGet();
            }
            return retired;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Ends this incarnation to free its history when nobody subscribes: its log is closed and dropped. Returns
     * its last sequence (a later incarnation must start above it), or -1 when it was not idle.
     */
    long retireIdle() {
        lock.lock();
        try {
            if (subscriberCount != 0 || log == null || deleted || retired) {
                return -1;
            }
            long head = endLog();
            retired = true;                         // after endLog: a next incarnation starts above head
            return head;
        } finally {
            lock.unlock();
        }
    }

    /** Whether {@link #retireIdle} would free history now (a racy hint for choosing candidates). */
    boolean holdsIdleHistory() {
        return log != null && !deleted && !retired && subscriberCount == 0;
    }

    /**
     * Closes the log (its memory goes back; readers holding segments finish) and raises the broker's high water
     * of ended sequences, before the caller marks this incarnation ended: whoever then sees it ended and makes
     * the next incarnation starts that one above every sequence this one handed out.
     */
    private long endLog() {                       // under lock
        EventLog current = log;
        if (current == null) {
            counts.unpublished.decrementAndGet();
        } else {
            endedHead = current.close();
            counts.published.decrementAndGet();
        }
        retiredHighWater.accumulateAndGet(endedHead, Math::max);
        log = null;
        return endedHead;
    }

    int subscriberCount() {
        lock.lock();
        try {
            return subscriberCount;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Ends this incarnation, keeping a tombstone; returns the subscribers, whose streams the caller ends, or
     * null when it had ended already. {@link #headSeq()} is final after this.
     */
    List<Subscriber> delete() {
        lock.lock();
        try {
            if (deleted || retired) {
                return null;
            }
            endLog();
            deleted = true;
            counts.deleted.incrementAndGet();
            return takeMembers();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Cluster mode: ends this incarnation because its copy of the shared log cannot continue (the shared log went on
     * past a gap, a new epoch, no memory for the next event); returns its subscribers, whose streams the caller ends
     * so that their clients resume (exactly, from the shared log, or with the gap signal), or null when it had ended.
     */
    List<Subscriber> resync() {
        lock.lock();
        try {
            if (deleted || retired) {
                return null;
            }
            if (upstream != null) {
                upstream.unfollow(name);
            }
            endLog();
            retired = true;
            return takeMembers();
        } finally {
            lock.unlock();
        }
    }

    private List<Subscriber> takeMembers() {      // under lock
        List<Subscriber> members = new ArrayList<>(subscriberCount);
        for (Shard shard : shards) {
            members.addAll(Arrays.asList(shard.members));
            shard.members = NO_MEMBERS;             // their close() then finds nothing to remove
        }
        shards = NO_SHARDS;
        subscriberCount = 0;
        return members;
    }

    /** The ids of this incarnation's epoch. */
    EventIds ids() {
        return ids;
    }

    /** Whether this incarnation copies a shared log (cluster mode) rather than taking publishes itself. */
    boolean followsUpstream() {
        return upstream != null;
    }

    /** Every subscriber now (a snapshot; a subscriber of several topics appears in each). */
    List<Subscriber> subscribers() {
        List<Subscriber> all = new ArrayList<>();
        for (Shard shard : shards) {
            all.addAll(Arrays.asList(shard.members));
        }
        return all;
    }

    /** Calls {@code action} for every shard (a snapshot; for the heartbeat timer). */
    void forEachShard(Consumer<Shard> action) {
        for (Shard shard : shards) {
            action.accept(shard);
        }
    }
}
