package herald.server.broker;

// Longer than ~300 lines on purpose: the broker's entry points and the order of a stop, with the threading contract
// in its javadoc; its jobs are in TopicRegistry, ResumeResolver and StreamSweeper.

import herald.server.Overload;
import herald.server.Retention;
import herald.server.health.Supervisor;
import herald.server.log.EventLog;
import herald.server.metrics.Metrics;

import java.io.IOException;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.LongAdder;

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
 * gets the gap signal, then the newest quarter of what is retained ({@link ResumeResolver}).
 *
 * <p>Overload: when a publish would overtake the slowest {@link Settings#overloadFraction} of a topic's
 * subscribers (at least two), it waits up to {@link Settings#publishWait} for them to make room, then is refused
 * ({@code PUSHED_BACK}) and publishes nothing ({@link Pushback}: no cost on the delivery path).
 *
 * <p>Jobs: the topics, their limits and the memory budget are {@link TopicRegistry}'s; where a resuming stream
 * starts is {@link ResumeResolver}'s; heartbeats, stream age and forgetting unused topics are
 * {@link StreamSweeper}'s; writing is {@link Dispatcher}'s and the subscribers'. This class is the entry point
 * and owns the order of a stop.
 *
 * <p>Stopping ({@link #close}): publishes and subscribes are refused (503) from then on; the publishes already
 * in progress finish; then every stream is written everything up to the last accepted event, then its
 * {@code herald-shutdown} event (with a reconnect time spread over {@link Settings#shutdownSpreadMillis}), and
 * ends.
 */
public final class Broker implements AutoCloseable {

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
     * @param shutdownSpreadMillis     each stream's {@code herald-shutdown} event asks its client to reconnect after
     *                                 a time drawn uniformly from [{@value #MIN_RECONNECT_MILLIS}, this] ms
     * @param publishWait              how long a publish waits for room when a topic is overloaded, before it is
     *                                 refused ({@link BrokerException.Reason#PUSHED_BACK})
     * @param overloadFraction         when a publish would overtake this slowest fraction of a topic's subscribers
     *                                 (at least two), it waits; fewer are cut off
     */
    public record Settings(Retention retention, Duration heartbeat, long retryMillis, int dispatchThreads,
                           int watchers, int maxTopics, int maxUnpublishedTopics, int maxTopicsPerSubscription,
                           Duration maxStreamAge, int maxSubscribers, long maxRetainedBytes, Duration drainTimeout,
                           long shutdownSpreadMillis, Duration publishWait, double overloadFraction) {

        /** The default publish wait (100 ms) and overload fraction (10 %). */
        public Settings(Retention retention, Duration heartbeat, long retryMillis, int dispatchThreads,
                        int watchers, int maxTopics, int maxUnpublishedTopics, int maxTopicsPerSubscription,
                        Duration maxStreamAge, int maxSubscribers, long maxRetainedBytes, Duration drainTimeout,
                        long shutdownSpreadMillis) {
            this(retention, heartbeat, retryMillis, dispatchThreads, watchers, maxTopics, maxUnpublishedTopics,
                    maxTopicsPerSubscription, maxStreamAge, maxSubscribers, maxRetainedBytes, drainTimeout,
                    shutdownSpreadMillis, Overload.DEFAULTS.publishWait(), Overload.DEFAULTS.fraction());
        }

        /** Without a shutdown spread: clients are told to reconnect after 100 ms to 5 s. */
        public Settings(Retention retention, Duration heartbeat, long retryMillis, int dispatchThreads,
                        int watchers, int maxTopics, int maxUnpublishedTopics, int maxTopicsPerSubscription,
                        Duration maxStreamAge, int maxSubscribers, long maxRetainedBytes, Duration drainTimeout) {
            this(retention, heartbeat, retryMillis, dispatchThreads, watchers, maxTopics, maxUnpublishedTopics,
                    maxTopicsPerSubscription, maxStreamAge, maxSubscribers, maxRetainedBytes, drainTimeout, 5_000);
        }
    }

    /** The event type of a stream's last event when the server stops; publishers may not use it. */
    public static final String SHUTDOWN_EVENT = "herald-shutdown";
    /** The least reconnect time a shutdown event asks for (the floor of {@code retry}). */
    public static final long MIN_RECONNECT_MILLIS = 100;

    private final Settings settings;
    private final Metrics metrics;
    private volatile EventIds ids;                                 // changes only in cluster mode (changeEpoch)
    private final Upstream upstream;                               // cluster mode; null standalone
    private final TopicRegistry topics;
    private final ResumeResolver resumes;
    private final StreamSweeper sweeper;
    private final LongAdder publishing = new LongAdder();          // publishes in progress, for a clean stop
    private final long publishWaitNanos;
    long stalledNanos = Pushback.STALLED_NANOS;                    // tests shorten it
    private final Dispatcher dispatcher;
    private final Watcher[] watchers;
    private volatile boolean closed;
    private volatile boolean dispatcherStopped;   // close() let go of the dispatcher: late streams close at once

    public Broker(Settings settings, Metrics metrics, EventIds ids, Supervisor supervisor) throws IOException {
        this(settings, metrics, ids, supervisor, settings.dispatchThreads(), null);
    }

    /**
     * Cluster mode: publishes append to {@code upstream}'s shared log, and each topic's log copies it while the topic
     * has subscribers here ({@link #replicate}); {@code ids} is the cluster's epoch. Null: standalone.
     */
    public Broker(Settings settings, Metrics metrics, EventIds ids, Supervisor supervisor, Upstream upstream)
            throws IOException {
        this(settings, metrics, ids, supervisor, settings.dispatchThreads(), upstream);
    }

    /** With {@code dispatchThreads} 0, tasks wait in the queue until a test runs them ({@link Dispatcher#poll}). */
    Broker(Settings settings, Metrics metrics, EventIds ids, Supervisor supervisor, int dispatchThreads)
            throws IOException {
        this(settings, metrics, ids, supervisor, dispatchThreads, null);
    }

    /** As above, in cluster mode with {@code upstream} (null: standalone). */
    Broker(Settings settings, Metrics metrics, EventIds ids, Supervisor supervisor, int dispatchThreads,
                   Upstream upstream) throws IOException {
        this.settings = settings;
        this.upstream = upstream;
        this.publishWaitNanos = settings.publishWait().toNanos();
        this.metrics = metrics;
        this.ids = ids;
        int queue = (int) Math.min(1 << 22, Math.max(1 << 16, 2L * settings.maxSubscribers() + settings.maxTopics()
                + settings.maxUnpublishedTopics()));
        this.dispatcher = new Dispatcher(dispatchThreads, queue, metrics, supervisor);
        this.topics = new TopicRegistry(settings.maxTopics(), settings.maxUnpublishedTopics(),
                settings.maxRetainedBytes(), settings.retention(), ids, dispatcher, metrics, upstream);
        this.resumes = new ResumeResolver(metrics, settings.retryMillis(), upstream);
        this.watchers = new Watcher[settings.watchers()];
        for (int i = 0; i < watchers.length; i++) {
            watchers[i] = new Watcher("herald-watch-" + i, supervisor);
        }
        this.sweeper = new StreamSweeper(topics, settings.heartbeat(), settings.maxStreamAge(), supervisor);
        sweeper.start();
        if (CutoffDiagnostics.ENABLED) {
            CutoffDiagnostics.start(this, topics);
        }
    }

    /** The ids of this run (standalone) or of the cluster's current epoch. */
    public EventIds ids() {
        return ids;
    }

    /** Whether publishes go to a shared log (cluster mode). */
    public boolean isClustered() {
        return upstream != null;
    }

    // ---- publish ----------------------------------------------------------------------------------------

    /**
     * Appends one event to a topic (creating the topic if needed) and wakes its subscribers; never waits for one
     * slow subscriber, only for an overloaded topic (see the class comment). Returns the event's sequence. The caller
     * has validated the name and the fields.
     *
     * @throws BrokerException when the broker is stopping ({@code STOPPING}), when the topic would be new and
     *                         {@code maxTopics} topics are published to ({@code TOPIC_LIMIT}), when the retained
     *                         history of all topics is at {@code maxRetainedBytes} and dropping idle topics' history
     *                         freed nothing ({@code RETAINED_FULL}), or when the topic's subscribers could not make
     *                         room within the publish wait ({@code PUSHED_BACK}). Nothing was published then.
     */
    public long publish(String topicName, byte[] eventType, byte[] data, int offset, int length, long retryMillis) {
        return publish(topicName, eventType, data, offset, length, retryMillis, publishWaitNanos);
    }

    /**
     * As {@link #publish(String, byte[], byte[], int, int, long)}, waiting up to {@code waitNanos} (instead of the
     * configured publish wait) for room when the topic is overloaded.
     *
     * @throws BrokerException also {@code PUSHED_BACK}: the slowest {@code overloadFraction} of the topic's
     *                         subscribers would still be overtaken after the wait; nothing was published
     */
    public long publish(String topicName, byte[] eventType, byte[] data, int offset, int length, long retryMillis,
                        long waitNanos) {
        publishing.increment();
        try {
            if (closed) {                           // read after the increment: close() waits for this publish
                throw stopping();
            }
            boolean system = TopicNames.isSystem(topicName);
            while (true) {
                Topic topic = topics.forPublish(topicName);
                EventLog log = topic.logForAppend();
                if (log == null) {
                    continue;                       // deleted or retired meanwhile: the next incarnation takes it
                }
                if (!system && !topic.pushback().admit(topic, log, waitNanos, this)) {
                    if (closed) {
                        throw stopping();
                    }
                    metrics.publishPushbacks.increment();
                    throw BrokerException.pushedBack("the topic's subscribers cannot keep up: the slowest "
                            + "overloadFraction=" + settings.overloadFraction() + " of them would be overtaken");
                }
                long seq = log.append(eventType, data, offset, length, retryMillis);
                if (seq == EventLog.CLOSED) {
                    continue;
                }
                if (seq == EventLog.FULL) {
                    metrics.retainedFull.increment();
                    throw BrokerException.retainedFull("retained history of all topics is full: "
                            + topics.retained().name() + "=" + topics.retained().limit());
                }
                if (!system) {                      // Herald's own (the dashboard's stats) count nowhere
                    metrics.eventsPublished.increment();
                    metrics.bytesPublished.add(length);
                }
                topic.signal();
                return seq;
            }
        } finally {
            publishing.decrement();
        }
    }

    /**
     * Publishes as {@link #publish(String, byte[], byte[], int, int, long, long)} ({@code waitNanos} -1: the configured
     * publish wait) and returns the event's id. In cluster mode the event is appended to the topic's shared log, in
     * one round trip, and the id is the one it got there; nothing is appended here (it comes back through
     * {@link #replicate} on every node that has subscribers for it). Push-back applies to this node's copy of the
     * topic only, when it has one.
     *
     * @throws BrokerException as {@code publish}, and in cluster mode {@code UNAVAILABLE} when the shared log did not
     *                         acknowledge the event
     */
    public String publishId(String topicName, byte[] eventType, byte[] data, int offset, int length, long retryMillis,
                            long waitNanos) {
        long wait = waitNanos < 0 ? publishWaitNanos : waitNanos;
        if (upstream == null || TopicNames.isSystem(topicName)) {
            EventIds current = ids;
            return current.format(publish(topicName, eventType, data, offset, length, retryMillis, wait));
        }
        publishing.increment();
        try {
            if (closed) {
                throw stopping();
            }
            Topic local = topics.get(topicName);
            EventLog log = local == null ? null : local.log();
            Pushback pushback = local == null ? null : local.pushback();
            if (log != null && pushback != null && !pushback.admit(local, log, wait, this)) {
                if (closed) {
                    throw stopping();
                }
                metrics.publishPushbacks.increment();
                throw BrokerException.pushedBack("the topic's subscribers on this node cannot keep up: the slowest "
                        + "overloadFraction=" + settings.overloadFraction() + " of them would be overtaken");
            }
            String id = upstream.append(topicName, eventType, data, offset, length, retryMillis);
            metrics.eventsPublished.increment();
            metrics.bytesPublished.add(length);
            return id;
        } finally {
            publishing.decrement();
        }
    }

    /**
     * Cluster mode: appends event {@code seq} of the topic's shared log, read back by the node's follower, to the
     * topic's copy here and wakes its subscribers. Called on the follower's thread, in order per topic; never blocks.
     * An event already held is skipped; one that does not follow the copy's newest ({@code seq != head + 1}: the
     * follower missed events, e.g. the shared log was trimmed past it) or that the copy cannot hold (no memory)
     * ends the incarnation ({@link Topic#resync}): its streams end, their clients resume from the shared log or get
     * the gap signal. Returns false then. A topic not followed here (any more) ignores it.
     */
    public boolean replicate(String topicName, long seq, byte[] eventType, byte[] data, long retryMillis) {
        Topic topic = topics.get(topicName);
        if (topic == null || !topic.isLive() || !topic.followsUpstream()) {
            return true;
        }
        EventLog log;
        try {
            log = topic.logForAppend();
        } catch (BrokerException e) {             // TOPIC_LIMIT: no copy can be made
            resync(topic);
            return false;
        }
        if (log == null) {
            return true;                            // ended meanwhile
        }
        long head = log.headSeq();
        if (seq <= head) {
            return true;                            // held already (read again after a re-follow)
        }
        if (seq != head + 1) {
            resync(topic);
            return false;
        }
        long appended = log.append(eventType, data, 0, data.length, retryMillis);
        if (appended == EventLog.CLOSED) {
            return true;
        }
        if (appended != seq) {                      // FULL; a second appender cannot happen (one follower thread)
            if (appended == EventLog.FULL) {
                metrics.retainedFull.increment();
            }
            resync(topic);
            return false;
        }
        topic.signal();
        return true;
    }

    private void resync(Topic topic) {
        List<Subscriber> members = topic.resync();
        if (members == null) {
            return;
        }
        metrics.resyncs.increment();
        for (Subscriber subscriber : members) {
            subscriber.close(Subscriber.CloseReason.RESYNC);
        }
    }

    /**
     * Cluster mode: the cluster moved to a new epoch (Redis lost its data, or a topic's stream): every topic's copy
     * ends ({@link Topic#resync}); their clients resume with ids of the old epoch and get the gap signal
     * ({@code unknown}); new incarnations take {@code next}'s ids.
     */
    public void changeEpoch(EventIds next) {
        if (upstream == null) {
            throw new IllegalStateException("epochs change only in cluster mode");
        }
        ids = next;
        topics.changeEpoch(next);
        for (Topic topic : topics.all()) {
            if (topic.followsUpstream()) {
                resync(topic);
            }
        }
    }

    double overloadFraction() {
        return settings.overloadFraction();
    }

    private static BrokerException stopping() {
        return BrokerException.stopping();
    }

    /** Bytes of history (segments and index pages) all topics hold now. */
    public long retainedBytes() {
        return topics.retained().used();
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
        return resolve(topicNames, false, null) != null;
    }

    /** The topics of a subscription (see {@link TopicRegistry#resolve}), after the list and the state are checked. */
    private Topic[] resolve(List<String> topicNames, boolean create, long[] heads) {
        checkTopicList(topicNames);
        if (closed) {
            throw stopping();
        }
        return topics.resolve(topicNames, create, heads);
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
        if (upstream != null && lastEventId != null && !lastEventId.startsWith(ids.epoch() + EventIds.SEPARATOR)) {
            int dash = lastEventId.indexOf(EventIds.SEPARATOR);
            if (dash > 0 && dash <= 20) {
                upstream.catchUpWithEpoch(lastEventId.substring(0, dash));   // another node may be in a later one
            }
        }
        EventIds current = ids;
        long[] heads = upstream == null ? null : headsOfNewTopics(topicNames, current);
        Topic[] resolved = resolve(topicNames, true, heads);
        return resolved == null ? null : resumes.resolve(resolved, lastEventId, current);
    }

    /**
     * Cluster mode: for each topic that has no incarnation here, the newest sequence of its shared log, where the new
     * one starts (one round trip each; 0 for the others).
     *
     * @throws BrokerException UNAVAILABLE when the shared log cannot tell
     */
    private long[] headsOfNewTopics(List<String> topicNames, EventIds current) {
        checkTopicList(topicNames);
        long[] heads = new long[topicNames.size()];
        for (int i = 0; i < heads.length; i++) {
            String name = topicNames.get(i);
            if (!TopicNames.isSystem(name) && topics.needsIncarnation(name)) {
                heads[i] = upstream.window(name, current).head();
            }
        }
        return heads;
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
     * As {@link #attach(Subscription, SocketChannel, Runnable)}, for a stream whose bytes go to the socket through
     * {@code writer} (TLS): the socket is watched the same way.
     */
    public void attach(Subscription subscription, SocketChannel channel, ChannelWriter writer, Runnable onClose) {
        attach(subscription, new WriterSink(channel, watcherOf(channel), writer, onClose));
    }

    /**
     * Hands a stream whose response head and preamble were sent to the fan-out (the entry point of any transport:
     * a plain socket, TLS, an HTTP/2 stream): from here the broker starts the sink, writes to it and closes it.
     * The calling thread may end.
     */
    public void attach(Subscription subscription, SubscriberSink sink) {
        Subscriber subscriber = subscription.topics.length == 1
                ? new TopicSubscriber(sink, this, subscription.topics[0], subscription.cursors[0])
                : new MultiTopicSubscriber(sink, this, subscription.topics, subscription.cursors,
                        subscription.ids.prefix(),
                        subscription.typedByTopic());
        subscriber.expiresAtMillis = subscription.expiresAtMillis;
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
            subscriber.endAfterDrain(shutdownEvent());   // it may have missed close()'s round: write what is there, end
            if (dispatcherStopped) {
                subscriber.close(Subscriber.CloseReason.SHUTDOWN);   // too late even for that: nothing writes now
            }
            return;
        }
        if (behind(subscription)) {
            dispatcher.execute(subscriber);        // the backlog, and anything published before add()
        }
    }

    /**
     * Whether a subscriber just added has events to write already: else its first offer comes with the next publish
     * (it is in the shards now), and attaching costs no dispatcher task. The fence orders the adds before the reads of
     * the heads, as a publisher's claim of a sequence comes before its read of the shards: one of the two sees the other.
     */
    private static boolean behind(Subscription subscription) {
        VarHandle.fullFence();
        for (int i = 0; i < subscription.topics.length; i++) {
            if (subscription.topics[i].headSeq() != subscription.cursors[i]) {
                return true;
            }
        }
        return false;
    }

    // ---- delete -----------------------------------------------------------------------------------------

    /**
     * Deletes a topic: its streams end, and a subscribe answers 204 until the next publish. Returns false
     * when the topic is unknown.
     */
    public boolean delete(String topicName) {
        if (upstream != null && !TopicNames.isSystem(topicName)) {
            throw BrokerException.invalid("deleting a topic is not supported in cluster mode yet");
        }
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
        return topics.liveCount();
    }

    /**
     * {@link #topicCount()} without Herald's own topics (under {@code _herald/}): what operators are shown. Scans
     * the topics: for metrics scrapes and the dashboard's once-a-second stats, never for a request.
     */
    public int userTopicCount() {
        int system = 0;
        for (Topic topic : topics.all()) {
            if (TopicNames.isSystem(topic.name) && topic.isLive()) {
                system++;
            }
        }
        return topics.liveCount() - system;
    }

    /** One topic's figures for the dashboard: its subscribers now and the sequence of its newest event. */
    public record TopicStats(String name, int subscribers, long lastSeq) {
    }

    /**
     * Every live topic but Herald's own, with its figures. Scans and allocates per topic: for the dashboard's
     * once-a-second stats while someone watches it, never for a request.
     */
    public List<TopicStats> userTopicStats() {
        List<TopicStats> stats = new java.util.ArrayList<>();
        for (Topic topic : topics.all()) {
            if (topic.isLive() && !TopicNames.isSystem(topic.name)) {
                EventLog log = topic.log();
                stats.add(new TopicStats(topic.name, topic.subscriberCount(), log == null ? 0 : log.headSeq()));
            }
        }
        return stats;
    }

    // ---- machinery used by subscribers ------------------------------------------------------------------

    long tick() {
        return sweeper.tick();
    }

    Dispatcher dispatcher() {
        return dispatcher;
    }

    /** The selector thread that watches {@code channel}'s socket. */
    Watcher watcherOf(SocketChannel channel) {
        return watchers.length == 1 ? watchers[0]
                : watchers[(System.identityHashCode(channel) & Integer.MAX_VALUE) % watchers.length];
    }

    void subscriberClosed(Subscriber subscriber, Subscriber.CloseReason reason) {
        metrics.subscribers.decrement();     // counted before the close, so a client that sees its end sees it counted
        switch (reason) {
            case CUT_OFF -> metrics.slowConsumerCutoffs.increment();
            case CLIENT_GONE -> metrics.clientsGone.increment();
            case EXPIRED -> metrics.streamsExpired.increment();
            default -> { }
        }
        subscriber.sink.close();
    }

    /**
     * Stops: publishes and subscribes are refused from now on (503); publishes in progress finish; every stream
     * is then written what was published up to here and its shutdown event ({@link #shutdownEvent}), and ends
     * (its client reconnects after the event's {@code retry}), for
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
        for (Topic topic : topics.all()) {
            for (Subscriber subscriber : topic.subscribers()) {
                subscriber.endAfterDrain(shutdownEvent());
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
        sweeper.stop();
        for (Topic topic : topics.all()) {
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

    /**
     * One stream's last event: {@code event: herald-shutdown}, {@code data: {"reconnectAfterMs":N}} and
     * {@code retry: N}, N drawn uniformly from [{@value #MIN_RECONNECT_MILLIS}, shutdownSpreadMillis] so that
     * clients do not all reconnect at once. No {@code id:} line: the client's last event id stays the last event's.
     * Made once per stream when the server stops, never on the delivery path.
     */
    ByteBuffer shutdownEvent() {
        long n = reconnectAfterMillis(ThreadLocalRandom.current().nextDouble());
        return ByteBuffer.wrap(("event: " + SHUTDOWN_EVENT + "\ndata: {\"reconnectAfterMs\":" + n + "}\nretry: " + n
                + "\n\n").getBytes(StandardCharsets.US_ASCII));
    }

    /** The reconnect time for a uniform draw {@code u} in [0, 1). */
    long reconnectAfterMillis(double u) {
        long spread = Math.max(0, settings.shutdownSpreadMillis() - MIN_RECONNECT_MILLIS);
        return MIN_RECONNECT_MILLIS + Math.min(spread, (long) (u * (spread + 1)));
    }

    /** Whether {@link #close} has begun. */
    public boolean isClosed() {
        return closed;
    }
}
