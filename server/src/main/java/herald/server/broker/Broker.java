package herald.server.broker;

import herald.protocol.http1.HttpException;
import herald.server.log.EventLog;
import herald.server.log.Retention;
import herald.server.metrics.Metrics;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

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
 */
public final class Broker implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Broker.class.getName());

    /**
     * @param retention                what each topic's log keeps
     * @param heartbeat                idle time after which a stream gets a comment line
     * @param retryMillis              the {@code retry:} sent on connect, or -1 for none
     * @param dispatchThreads          fan-out threads
     * @param watchers                 selector threads watching subscriber sockets
     * @param maxTopics                topics known at once; creating more answers 503
     * @param maxTopicsPerSubscription topics one stream may name
     * @param maxStreamAge             a stream is ended (and its client reconnects) after this; zero: never
     * @param maxSubscribers           subscribers at once (the connection limit): sizes the dispatch queue, which
     *                                 holds each subscriber and each shard at most once, so that queuing never
     *                                 blocks a publisher
     */
    public record Settings(Retention retention, Duration heartbeat, long retryMillis, int dispatchThreads,
                           int watchers, int maxTopics, int maxTopicsPerSubscription, Duration maxStreamAge,
                           int maxSubscribers) {
        public Settings {
            if (heartbeat.toMillis() < 10) {
                throw new IllegalArgumentException("heartbeat must be at least 10 ms: heartbeat=" + heartbeat);
            }
            if (maxStreamAge.isNegative()) {
                throw new IllegalArgumentException("maxStreamAge must not be negative: maxStreamAge=" + maxStreamAge);
            }
            if (dispatchThreads < 1 || watchers < 1 || maxTopics < 1 || maxTopicsPerSubscription < 1) {
                throw new IllegalArgumentException("dispatchThreads, watchers, maxTopics and "
                        + "maxTopicsPerSubscription must be positive");
            }
        }
    }

    private final Settings settings;
    private final Metrics metrics;
    private final EventIds ids;
    private final Runnable connectionClosed;
    private final ConcurrentHashMap<String, Topic> topics = new ConcurrentHashMap<>();
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

    /**
     * @param connectionClosed called once for every subscriber that ends, to release its connection slot
     */
    public Broker(Settings settings, Metrics metrics, EventIds ids, Runnable connectionClosed) throws IOException {
        this.settings = settings;
        this.metrics = metrics;
        this.ids = ids;
        this.connectionClosed = connectionClosed;
        int queue = (int) Math.min(1 << 22, Math.max(1 << 16, 2L * settings.maxSubscribers() + settings.maxTopics()));
        this.dispatcher = new Dispatcher(settings.dispatchThreads(), queue, metrics);
        this.watchers = new Watcher[settings.watchers()];
        for (int i = 0; i < watchers.length; i++) {
            watchers[i] = new Watcher("herald-watch-" + i, dispatcher);
        }
        long heartbeatMillis = settings.heartbeat().toMillis();
        long ageMillis = settings.maxStreamAge().toMillis();
        long finest = Math.min(heartbeatMillis, ageMillis > 0 ? ageMillis : Long.MAX_VALUE);
        this.tickMillis = Math.max(10, Math.min(1_000, finest / 4));
        this.heartbeatTicks = Math.max(1, heartbeatMillis / tickMillis);
        this.maxAgeTicks = ageMillis > 0 ? Math.max(1, ageMillis / tickMillis) : 0;
        this.timer = Thread.ofPlatform().daemon().name("herald-timer").unstarted(this::runTimer);
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
     * @throws HttpException 503 when the topic would be new and {@code maxTopics} are known
     */
    public long publish(String topicName, byte[] eventType, byte[] data, int offset, int length, long retryMillis) {
        while (true) {
            Topic topic = topicForPublish(topicName);
            EventLog log = topic.logForAppend();
            if (log == null) {
                continue;                           // deleted meanwhile: the next incarnation takes it
            }
            long seq = log.append(eventType, data, offset, length, retryMillis);
            metrics.eventsPublished.increment();
            metrics.bytesPublished.add(length);
            topic.signal();
            return seq;
        }
    }

    private Topic topicForPublish(String name) {
        Topic topic = topics.get(name);
        if (topic != null && topic.isLive()) {
            return topic;
        }
        return topics.compute(name, (key, existing) -> existing == null || !existing.isLive()
                ? newTopic(key) : existing);
    }

    private Topic newTopic(String name) {
        checkRoomForTopics(0);
        return new Topic(name, retiredHighWater.get() + 1, dispatcher, settings.retention(), ids.prefix());
    }

    // ---- subscribe --------------------------------------------------------------------------------------

    /**
     * What {@link #subscribe} would answer, without subscribing or creating a topic (for {@code HEAD}): false
     * when a named topic was deleted and not published to since.
     *
     * @throws HttpException as {@link #subscribe} would: 400 for too many topics or a repeated one, 503 when a
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
        Topic[] resolved = new Topic[topicNames.size()];
        int wouldAdd = 0;
        for (int i = 0; i < resolved.length; i++) {
            String name = topicNames.get(i);
            Topic topic;
            if (create) {
                topic = topics.compute(name, (key, existing) -> replaceable(existing) ? newTopic(key) : existing);
            } else {
                topic = topics.get(name);
                if (replaceable(topic)) {
                    checkRoomForTopics(wouldAdd);
                    wouldAdd += topic == null ? 1 : 0;
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

    private void checkRoomForTopics(int alreadyAdding) {
        if (topics.size() + alreadyAdding >= settings.maxTopics()) {
            throw HttpException.retryLater(503, "topic limit reached: maxTopics=" + settings.maxTopics(), 5);
        }
    }

    private void checkTopicList(List<String> topicNames) {
        int count = topicNames.size();
        if (count == 0 || count > settings.maxTopicsPerSubscription()) {
            throw HttpException.badRequest("a subscription names 1 to maxTopicsPerSubscription="
                    + settings.maxTopicsPerSubscription() + " topics");
        }
        for (int i = 1; i < count; i++) {
            for (int j = 0; j < i; j++) {
                if (topicNames.get(j).equals(topicNames.get(i))) {
                    throw HttpException.badRequest("a subscription names a topic twice");
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
     * @throws HttpException 400 for too many topics or a repeated one, 503 at the topic limit
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
     * channel is non-blocking and belongs to the broker, which closes it. The calling thread may end.
     */
    public void attach(Subscription subscription, SocketChannel channel) {
        Subscriber subscriber = subscription.topics.length == 1
                ? new TopicSubscriber(channel, this, subscription.topics[0], subscription.cursors[0])
                : new MultiTopicSubscriber(channel, this, subscription.topics, subscription.cursors,
                        ids.prefix());
        metrics.subscribers.increment();
        metrics.subscriptions.increment();
        try {
            channel.configureBlocking(false);
            subscriber.attached(watcherOf(subscriber).register(channel, subscriber));
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
            subscriber.close(Subscriber.CloseReason.SHUTDOWN);
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
        retire(topic);
        for (Subscriber subscriber : members) {
            subscriber.close(Subscriber.CloseReason.TOPIC_DELETED);
        }
        return true;
    }

    private void retire(Topic topic) {
        long head = topic.headSeq();
        retiredHighWater.accumulateAndGet(head, Math::max);
    }

    /** Subscribers of a topic now (0 when unknown). */
    public int subscriberCount(String topicName) {
        Topic topic = topics.get(topicName);
        return topic == null ? 0 : topic.subscriberCount();
    }

    public int topicCount() {
        return topics.size();
    }

    // ---- machinery used by subscribers ------------------------------------------------------------------

    long tick() {
        return tick;
    }

    Dispatcher dispatcher() {
        return dispatcher;
    }

    Watcher watcherOf(Subscriber subscriber) {
        return watchers[(System.identityHashCode(subscriber) & Integer.MAX_VALUE) % watchers.length];
    }

    void subscriberClosed(Subscriber subscriber, SelectionKey key, Subscriber.CloseReason reason) {
        watcherOf(subscriber).cancel(key);
        try {
            subscriber.channel.close();
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "closing subscriber socket", e);
        }
        metrics.subscribers.decrement();
        switch (reason) {
            case CUT_OFF -> metrics.slowConsumerCutoffs.increment();
            case CLIENT_GONE -> metrics.clientsGone.increment();
            default -> { }
        }
        connectionClosed.run();
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

    private void forgetUnusedTopics() {
        for (Topic topic : topics.values()) {
            if (topic.retireIfUnused()) {
                topics.remove(topic.name, topic);
            }
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        timer.interrupt();
        for (Topic topic : topics.values()) {
            for (Subscriber subscriber : topic.delete()) {
                subscriber.close(Subscriber.CloseReason.SHUTDOWN);
            }
        }
        for (Watcher watcher : watchers) {
            watcher.close();
        }
        dispatcher.close();
    }
}
