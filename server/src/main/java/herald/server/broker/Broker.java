package herald.server.broker;

import herald.server.Retention;
import herald.server.health.MemoryBudget;
import herald.server.health.Supervisor;
import herald.server.log.EventLog;
import herald.server.metrics.Metrics;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Topics, their logs and their subscribers: publish, subscribe with exact resume, delete, heartbeats.
 *
 * <p>Threads: {@link #publish}, {@link #subscribe}, {@link #attach} and {@link #delete} are called from
 * connection threads (virtual) and from embedding code, concurrently. Delivery runs on the
 * {@link Dispatcher}'s platform threads; the {@link Watcher}s notice clients leaving; one timer thread
 * marks idle streams for a heartbeat and forgets unused topics.
 *
 * <p>Slow consumers: a subscriber is never waited for and never queued for. Its socket buffer is its only
 * buffer; when the log's retained window moves past the next event it needs, it is cut off (its connection
 * closed, {@code herald_slow_consumer_cutoffs_total} counted). Its client reconnects with its last id and
 * gets the gap signal, then what is retained.
 *
 * <p>Memory: a topic nobody published to costs a few hundred bytes and counts against its own limit
 * ({@link TopicCounts}); the history of all topics together is bounded by one {@link MemoryBudget}. When a
 * publish needs a segment that does not fit, the history of the topics that have been idle longest (no
 * subscribers, oldest last publish) is dropped first; if that frees nothing, the publish gets 503. A deleted
 * topic keeps only a tombstone.
 *
 * <p>Stopping ({@link #close}): publishes and subscribes are refused (503) from then on; the publishes already
 * in progress finish; then every stream is written everything up to the last accepted event, and ends.
 */
public final class Broker implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Broker.class.getName());

    /**
     * What the broker is told: a plain carrier of values the server's configuration has checked already.
     *
     * @param retention                what each topic's log keeps
     * @param heartbeat                idle time after which a stream gets a comment line
     * @param retryMillis              the {@code retry:} sent on connect, or -1 for none
     * @param dispatchThreads          fan-out threads
     * @param watchers                 selector threads watching subscriber sockets
     * @param maxTopics                topics published to, known at once; creating more answers 503
     * @param maxUnpublishedTopics     topics made by subscribes and not published to, known at once
     * @param maxTopicsPerSubscription topics one stream may name
     * @param maxStreamAge             a stream is ended (and its client reconnects) after this; zero: never
     * @param maxSubscribers           subscribers at once (the connection limit): sizes the dispatch queue, which
     *                                 holds each subscriber and each shard at most once, so that queuing never
     *                                 blocks a publisher
     * @param maxRetainedBytes         history (segments and index pages) of all topics together
     * @param drainTimeout             how long stopping waits for streams to be written what was published
     */
    public record Settings(Retention retention, Duration heartbeat, long retryMillis, int dispatchThreads,
                           int watchers, int maxTopics, int maxUnpublishedTopics, int maxTopicsPerSubscription,
                           Duration maxStreamAge, int maxSubscribers, long maxRetainedBytes, Duration drainTimeout) {
    }

    private final Settings settings;
    private final Metrics metrics;
    private final EventIds ids;
    private final ConcurrentHashMap<String, Topic> topics = new ConcurrentHashMap<>();   // live ones and tombstones
    private final TopicCounts counts;
    private final MemoryBudget retained;
    private final ReentrantLock reclaiming = new ReentrantLock();
    private long lastDropLogNanos = System.nanoTime() - TimeUnit.MINUTES.toNanos(1);   // guarded by reclaiming
    private final LongAdder publishing = new LongAdder();          // publishes in progress, for a clean stop
    private final Supervisor supervisor;
    private final AtomicLong retiredHighWater = new AtomicLong();   // highest sequence of ended incarnations
    private final Dispatcher dispatcher;
    private final Watcher[] watchers;
    private final AtomicInteger nextWatcher = new AtomicInteger();
    private final Thread timer;
    private final long tickMillis;
    private final long heartbeatTicks;
    private final long maxAgeTicks;               // 0: streams never age out
    private volatile long tick;
    private volatile boolean closed;
    private volatile boolean dispatcherStopped;   // close() let go of the dispatcher: late streams close at once

    /**
     */
    public Broker(Settings settings, Metrics metrics, EventIds ids, Supervisor supervisor) throws IOException {
        this(settings, metrics, ids, supervisor, settings.dispatchThreads());
    }

    /** With {@code dispatchThreads} 0, tasks wait in the queue until a test runs them ({@link Dispatcher#poll}). */
    Broker(Settings settings, Metrics metrics, EventIds ids, Supervisor supervisor, int dispatchThreads)
            throws IOException {
        this.settings = settings;
        this.metrics = metrics;
        this.ids = ids;
        this.supervisor = supervisor;
        this.counts = new TopicCounts(settings.maxTopics(), settings.maxUnpublishedTopics());
        this.retained = new MemoryBudget("maxRetainedBytes", settings.maxRetainedBytes());
        retained.reclaimWith(this::dropIdleHistory);
        metrics.countRetainedBytesWith(retained::used);
        int queue = (int) Math.min(1 << 22, Math.max(1 << 16, 2L * settings.maxSubscribers() + settings.maxTopics()
                + settings.maxUnpublishedTopics()));
        this.dispatcher = new Dispatcher(dispatchThreads, queue, metrics, supervisor);
        this.watchers = new Watcher[settings.watchers()];
        for (int i = 0; i < watchers.length; i++) {
            watchers[i] = new Watcher("herald-watch-" + i, supervisor);
        }
        long heartbeatMillis = settings.heartbeat().toMillis();
        long ageMillis = settings.maxStreamAge().toMillis();
        long finest = Math.min(heartbeatMillis, ageMillis > 0 ? ageMillis : Long.MAX_VALUE);
        this.tickMillis = Math.max(10, Math.min(1_000, finest / 4));
        this.heartbeatTicks = Math.max(1, heartbeatMillis / tickMillis);
        this.maxAgeTicks = ageMillis > 0 ? Math.max(1, ageMillis / tickMillis) : 0;
        this.timer = Thread.ofPlatform().daemon().name("herald-timer")
                .uncaughtExceptionHandler(supervisor.uncaughtHandler()).unstarted(this::runTimer);
        timer.start();
    }

    public EventIds ids() {
        return ids;
    }

    // ---- publish ----------------------------------------------------------------------------------------

    /**
     * Appends one event to a topic (creating the topic if needed) and wakes its subscribers; never waits for
     * them. Returns the event's sequence. The caller has validated the name and the fields.
     *
     * @throws BrokerException when the broker is stopping ({@code STOPPING}), when the topic would be new and
     *                         {@code maxTopics} topics are published to ({@code TOPIC_LIMIT}), or when the retained
     *                         history of all topics is at {@code maxRetainedBytes} and dropping idle topics' history
     *                         freed nothing ({@code RETAINED_FULL}). Nothing was published then.
     */
    public long publish(String topicName, byte[] eventType, byte[] data, int offset, int length, long retryMillis) {
        publishing.increment();
        try {
            if (closed) {                           // read after the increment: close() waits for this publish
                throw stopping();
            }
            while (true) {
                Topic topic = topicForPublish(topicName);
                EventLog log = topic.logForAppend();
                if (log == null) {
                    continue;                       // deleted or retired meanwhile: the next incarnation takes it
                }
                long seq = log.append(eventType, data, offset, length, retryMillis);
                if (seq == EventLog.CLOSED) {
                    continue;
                }
                if (seq == EventLog.FULL) {
                    metrics.retainedFull.increment();
                    throw BrokerException.retainedFull("retained history of all topics is full: "
                            + retained.name() + "=" + retained.limit());
                }
                metrics.eventsPublished.increment();
                metrics.bytesPublished.add(length);
                topic.signal();
                return seq;
            }
        } finally {
            publishing.decrement();
        }
    }

    private static BrokerException stopping() {
        return BrokerException.stopping();
    }

    private Topic topicForPublish(String name) {
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
            return newTopic(key);
        });
    }

    private Topic newTopic(String name) {
        return new Topic(name, retiredHighWater.get() + 1, dispatcher, settings.retention(), ids.prefix(), counts,
                retained, retiredHighWater);
    }

    /**
     * Frees history for a segment that did not fit the budget: retires the topics idle longest (no subscribers,
     * oldest last publish) until about {@code bytes}, at least 1/32 of the budget, is free. Called by a publish
     * with no lock held. Returns whether anything was freed.
     */
    private boolean dropIdleHistory(long bytes) {
        reclaiming.lock();
        try {
            List<Topic> idle = new ArrayList<>();
            for (Topic topic : topics.values()) {
                if (topic.holdsIdleHistory()) {
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

    /** Bytes of history (segments and index pages) all topics hold now. */
    public long retainedBytes() {
        return retained.used();
    }

    // ---- subscribe --------------------------------------------------------------------------------------

    /**
     * What {@link #subscribe} would answer, without subscribing or creating a topic (for {@code HEAD}): false
     * when a named topic was deleted and not published to since.
     *
     * @throws BrokerException as {@link #subscribe} would: INVALID for too many topics or a repeated one,
     *                         TOPIC_LIMIT when a
     *                       topic would be new and {@code maxTopics} are known
     */
    public boolean canSubscribe(List<String> topicNames) {
        return resolve(topicNames, false) != null;
    }

    /**
     * The topics a subscription names, in its order, or null when one was deleted and not published to since.
     * With {@code create}, unknown or forgotten topics get a new incarnation; without, nothing changes (their
     * entries stay null) but the topic limit is checked as creating them would.
     */
    private Topic[] resolve(List<String> topicNames, boolean create) {
        checkTopicList(topicNames);
        if (closed) {
            throw stopping();
        }
        Topic[] resolved = new Topic[topicNames.size()];
        int wouldAdd = 0;
        for (int i = 0; i < resolved.length; i++) {
            String name = topicNames.get(i);
            Topic topic;
            if (create) {
                topic = topics.compute(name, (key, existing) -> {
                    if (!replaceable(existing)) {
                        return existing;
                    }
                    counts.addUnpublished();        // 503 over maxUnpublishedTopics: nothing is created
                    return newTopic(key);
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

    private void checkTopicList(List<String> topicNames) {
        int count = topicNames.size();
        if (count == 0 || count > settings.maxTopicsPerSubscription()) {
            throw BrokerException.invalid("a subscription names 1 to maxTopicsPerSubscription="
                    + settings.maxTopicsPerSubscription() + " topics");
        }
        for (int i = 1; i < count; i++) {
            for (int j = 0; j < i; j++) {
                if (topicNames.get(j).equals(topicNames.get(i))) {
                    throw BrokerException.invalid("a subscription names a topic twice");
                }
            }
        }
    }

    /**
     * Resolves a subscription: each topic (created when unknown, so that a subscriber can wait for its first
     * event), and where the stream starts in each — after {@code lastEventId} when it is one of this run's
     * ids and still retained, at the oldest retained event after a gap signal when it is not, live when
     * there is none. Returns null when a named topic was deleted and not published to since (answer 204).
     *
     * @throws BrokerException INVALID for too many topics or a repeated one, TOPIC_LIMIT at the topic limit,
     *                         STOPPING while stopping
     */
    public Subscription subscribe(List<String> topicNames, String lastEventId) {
        Topic[] resolved = resolve(topicNames, true);
        if (resolved == null) {
            return null;
        }
        int count = resolved.length;
        long[] cursors = new long[count];
        List<Subscription.Gap> gaps = new ArrayList<>(0);
        long[] asked = lastEventId == null || lastEventId.isEmpty() ? null : ids.parse(lastEventId, count);
        if (lastEventId != null && !lastEventId.isEmpty()) {
            metrics.resumes.increment();
        }
        for (int i = 0; i < count; i++) {
            Topic topic = resolved[i];
            long head = topic.headSeq();
            if (asked == null) {
                cursors[i] = head;
                if (lastEventId != null && !lastEventId.isEmpty()) {
                    cursors[i] = resumeAfterGap(topic);
                    gaps.add(new Subscription.Gap(topic.name, Subscription.Reason.UNKNOWN, ids.format(cursors[i])));
                }
                continue;
            }
            long after = asked[i];
            EventLog log = topic.log();
            Subscription.Reason lost = null;
            if (after > head) {
                lost = Subscription.Reason.UNKNOWN;
            } else if (after < head && (after < topic.baseSeq - 1 || log == null || log.isOvertaken(after))) {
                lost = Subscription.Reason.EVICTED;
            }
            if (lost == null) {
                cursors[i] = after;
            } else {
                cursors[i] = resumeAfterGap(topic);
                gaps.add(new Subscription.Gap(topic.name, lost, ids.format(cursors[i])));
            }
        }
        if (!gaps.isEmpty()) {
            metrics.gaps.add(gaps.size());
        }
        String position = ids.format(cursors);
        return new Subscription(resolved, cursors, gaps, position, settings.retryMillis());
    }

    /** The position just before the oldest retained event. */
    private static long resumeAfterGap(Topic topic) {
        EventLog log = topic.log();
        return log == null ? topic.baseSeq - 1 : log.tailSeq() - 1;
    }

    /**
     * Hands a connection whose response head and preamble were written to the fan-out: from here the
     * channel is non-blocking and belongs to the broker, which closes it and then runs {@code onClose} (the
     * connection's permit is released there). The calling thread may end.
     */
    public void attach(Subscription subscription, SocketChannel channel, Runnable onClose) {
        attach(subscription, new ChannelSink(channel, watcherOf(channel), onClose));
    }

    /**
     * Hands a stream whose response head and preamble were sent to the fan-out (the entry point of any transport:
     * a plain socket, TLS, an HTTP/2 stream): from here the broker starts the sink, writes to it and closes it.
     * The calling thread may end.
     */
    public void attach(Subscription subscription, SubscriberSink sink) {
        Subscriber subscriber = subscription.topics.length == 1
                ? new TopicSubscriber(sink, this, subscription.topics[0], subscription.cursors[0])
                : new MultiTopicSubscriber(sink, this, subscription.topics, subscription.cursors, ids.prefix());
        metrics.subscribers.increment();
        metrics.subscriptions.increment();
        try {
            sink.start(subscriber);
        } catch (IOException e) {                   // the client left already
            subscriber.close(Subscriber.CloseReason.CLIENT_GONE);
            return;
        }
        for (Topic topic : subscription.topics) {
            if (!topic.add(subscriber)) {          // deleted or forgotten meanwhile: the client reconnects
                subscriber.close(Subscriber.CloseReason.TOPIC_DELETED);
                return;
            }
        }
        if (closed) {
            subscriber.endAfterDrain();            // it may have missed close()'s round: write what is there, end
            if (dispatcherStopped) {
                subscriber.close(Subscriber.CloseReason.SHUTDOWN);   // too late even for that: nothing writes now
            }
            return;
        }
        dispatcher.execute(subscriber);            // the backlog, and anything published before add()
    }

    // ---- delete -----------------------------------------------------------------------------------------

    /**
     * Deletes a topic: its streams end, and a subscribe answers 204 until the next publish. Returns false
     * when the topic is unknown.
     */
    public boolean delete(String topicName) {
        Topic topic = topics.get(topicName);
        if (topic == null || topic.isDeleted()) {
            return false;
        }
        List<Subscriber> members = topic.delete();
        if (members == null) {
            return false;                           // deleted or retired meanwhile
        }
        for (Subscriber subscriber : members) {
            subscriber.close(Subscriber.CloseReason.TOPIC_DELETED);
        }
        return true;
    }

    /** Subscribers of a topic now (0 when unknown). */
    public int subscriberCount(String topicName) {
        Topic topic = topics.get(topicName);
        return topic == null ? 0 : topic.subscriberCount();
    }

    /** Topics that take subscribers and events now (tombstones of deleted topics not counted). */
    public int topicCount() {
        return counts.live();
    }

    // ---- machinery used by subscribers ------------------------------------------------------------------

    long tick() {
        return tick;
    }

    Dispatcher dispatcher() {
        return dispatcher;
    }

    /** The selector thread that watches {@code channel}'s socket. */
    Watcher watcherOf(SocketChannel channel) {
        return watchers[(System.identityHashCode(channel) & Integer.MAX_VALUE) % watchers.length];
    }

    void subscriberClosed(Subscriber subscriber, Subscriber.CloseReason reason) {
        subscriber.sink.close();
        metrics.subscribers.decrement();
        switch (reason) {
            case CUT_OFF -> metrics.slowConsumerCutoffs.increment();
            case CLIENT_GONE -> metrics.clientsGone.increment();
            default -> { }
        }
    }

    private void runTimer() {
        long sweepEvery = Math.max(1, 10_000 / tickMillis);
        while (!closed) {
            try {
                Thread.sleep(tickMillis);
            } catch (InterruptedException e) {
                return;
            }
            long now = ++tick;
            try {
                sweepStreams(now);
                if (now % sweepEvery == 0) {
                    forgetUnusedTopics();
                }
            } catch (OutOfMemoryError e) {
                supervisor.outOfMemory("herald-timer", e);
            } catch (RuntimeException e) {
                LOG.log(Level.ERROR, "broker timer round failed; continuing", e);
            }
        }
    }

    /** Ends streams past their maximum age, and marks idle ones for a heartbeat. */
    private void sweepStreams(long now) {
        for (Topic topic : topics.values()) {
            topic.forEachShard(shard -> {
                boolean due = false;
                for (Subscriber subscriber : shard.members) {
                    if (maxAgeTicks > 0 && now - subscriber.attachedTick >= maxAgeTicks) {
                        subscriber.close(Subscriber.CloseReason.MAX_AGE);   // its client reconnects and resumes
                        continue;
                    }
                    if (now - subscriber.lastWriteTick() >= heartbeatTicks && !subscriber.heartbeatDue) {
                        subscriber.heartbeatDue = true;
                        due = true;
                    }
                }
                if (due) {
                    shard.signal();
                }
            });
        }
    }

    /** Forgets topics nobody uses, and the oldest tombstones while there are more than {@code maxTopics}. */
    private void forgetUnusedTopics() {
        int extraTombstones = counts.deleted.get() - settings.maxTopics();
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
     * Stops: publishes and subscribes are refused from now on (503); publishes in progress finish; every stream
     * is then written what was published up to here and ends (its client reconnects after {@code retry}), for
     * at most {@code drainTimeout}, after which the streams still writing are closed. Ids are never reused.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        while (publishing.sum() > 0) {              // each saw closed == false before this; let it finish
            Thread.onSpinWait();
        }
        for (Topic topic : topics.values()) {
            for (Subscriber subscriber : topic.subscribers()) {
                subscriber.endAfterDrain();
            }
        }
        long deadline = System.nanoTime() + settings.drainTimeout().toNanos();
        while (metrics.subscribers.sum() > 0 && System.nanoTime() - deadline < 0) {
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        timer.interrupt();
        for (Topic topic : topics.values()) {
            for (Subscriber subscriber : topic.subscribers()) {
                subscriber.close(Subscriber.CloseReason.SHUTDOWN);   // still writing at the deadline
            }
        }
        dispatcherStopped = true;
        for (Watcher watcher : watchers) {
            watcher.close();
        }
        dispatcher.close();
    }

    /** Whether {@link #close} has begun. */
    public boolean isClosed() {
        return closed;
    }
}
