package herald.server;

// Longer than ~300 lines on purpose: the embedding API's entry point and its Builder, whose setters (one per
// configuration field, for convenience) are most of it.

import herald.protocol.http1.HttpLimits;
import herald.server.broker.Broker;
import herald.server.broker.BrokerException;
import herald.server.broker.EventIds;
import herald.server.broker.EventTypes;
import herald.server.broker.TopicNames;
import herald.server.cluster.ClusterBridge;
import herald.server.cluster.RedisOptions;
import herald.server.health.MemoryBudget;
import herald.server.health.Supervisor;
import herald.server.http.Dashboard;
import herald.server.http.Router;
import herald.server.metrics.LatencyHistogram;
import herald.server.metrics.Metrics;
import herald.server.transport.BufferPool;
import herald.server.transport.Connection;
import herald.server.transport.ConnectionLimiter;
import herald.server.transport.DateHeader;
import herald.server.transport.ForwardedClients;
import herald.server.transport.Networks;
import herald.server.transport.PeerLimits;
import herald.server.transport.Http2Sessions;
import herald.server.transport.Listener;
import herald.server.transport.TlsContext;
import herald.server.transport.Watchdog;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * A running Herald server: the broker's HTTP API, embedded stream handlers, and publishing from code.
 *
 * <pre>{@code
 * try (Herald herald = Herald.builder().port(8080).start()) {
 *     herald.publish("news", "hello");                          // any thread
 *     ...
 * }
 * }</pre>
 *
 * <p>Threads: the listener and a few platform threads (fan-out, socket watchers, timers) are Herald's; every
 * connection runs on its own virtual thread, and handlers and hooks run there. All methods here are
 * thread-safe. {@link #close()} stops the server within {@link Timeouts#shutdown()} (10 s): new requests get 503
 * (with {@code Retry-After}), it stops accepting, writes every stream what was published before the stop, then
 * an {@code event: herald-shutdown} with {@code data: {"reconnectAfterMs":N}} and {@code retry: N} (N spread over
 * {@link FanOut#shutdownSpread()}), and ends it (for three quarters of the deadline); then lets requests in
 * progress finish, closes what is still open shortly before the deadline, and returns.
 *
 * <p>Herald's own threads survive running out of memory ({@link #health()} says {@code DEGRADED} for a while
 * after); any other failure of one of them makes the server {@code FAILED} and runs the builder's
 * {@link Builder#onFatal} action (the standalone server exits with status 70).
 */
public final class Herald implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Herald.class.getName());
    private static final String STOPPING_REASON = "server is stopping";

    private final HeraldConfig config;
    private final Metrics metrics = new Metrics();
    private final EventIds ids;                         // this run's (standalone), or the cluster's epoch at start
    private final ClusterBridge cluster;                // cluster mode; null standalone
    private final ConnectionLimiter limiter;
    private final Watchdog watchdog;
    private final Broker broker;
    private final Listener listener;
    private final Http2Sessions h2;
    private final Thread stats;
    private final Supervisor supervisor;
    private volatile boolean stopping;
    private final CountDownLatch stopped = new CountDownLatch(1);

    /**
     * Of the shutdown deadline, what is kept for requests in progress and for closing what is left once the
     * streams had their share ({@link #drainTimeout}).
     */
    private static Duration drainTimeout(Duration shutdown) {
        return shutdown.multipliedBy(3).dividedBy(4);
    }

    /** What is kept at the end of the shutdown deadline for closing what is still open, and returning. */
    private static long forceCloseReserveNanos(Duration shutdown) {
        return Math.min(Duration.ofMillis(500).toNanos(), shutdown.toNanos() / 10);
    }

    /** What {@code /health} reports. */
    public enum Health {
        /** Serving. */
        UP,
        /**
         * Serving, but memory ran out recently, or (cluster mode) Redis is unreachable: publishes get 503, streams
         * stay open. A balancer should prefer other servers.
         */
        DEGRADED,
        /** One of Herald's threads failed: the server cannot be trusted and should be restarted. */
        FAILED,
        /** Stopping: new requests get 503. */
        STOPPING
    }

    private Herald(HeraldConfig config, List<Router.StreamRoute> streams, SubscribeHook hook,
                   Consumer<Throwable> onFatal, Set<BuiltIn> builtIns, Authorizer authorizer) throws IOException {
        this.config = config;
        TlsContext tls = tlsContext(config.tls());          // before any thread starts: a bad file stops start-up
        this.supervisor = new Supervisor(onFatal);
        this.limiter = new ConnectionLimiter(config.listen().maxConnections(), metrics);
        this.watchdog = new Watchdog(100, supervisor);
        FanOut fanOut = config.fanOut();
        this.cluster = config.cluster().enabled()
                ? ClusterBridge.start(config.cluster().redisUrl(), config.cluster().redisCa() == null
                        ? RedisOptions.DEFAULTS : RedisOptions.DEFAULTS.withTrustStore(config.cluster().redisCa(), null),
                        config.retention().slots())
                : null;
        this.ids = cluster != null ? cluster.ids() : new EventIds(System.currentTimeMillis());
        Broker started;
        try {
            started = new Broker(new Broker.Settings(config.retention(), fanOut.heartbeat(),
                fanOut.retry().toMillis(), fanOut.dispatchThreads(), fanOut.watchers(), config.topics().maxTopics(),
                config.topics().maxUnpublishedTopics(), config.topics().maxTopicsPerSubscription(),
                fanOut.maxStreamAge(), config.listen().maxConnections(), config.memory().maxRetainedBytes(),
                drainTimeout(config.timeouts().shutdown()), fanOut.shutdownSpread().toMillis(),
                config.overload().publishWait(), config.overload().fraction()), metrics, ids,
                supervisor, cluster);
        } catch (IOException | RuntimeException e) {
            if (cluster != null) {
                cluster.close();
            }
            throw e;
        }
        this.broker = started;
        if (cluster != null) {
            cluster.bind(broker);
            metrics.writeMoreWith(out -> cluster.writePrometheus(out, metrics.resyncs.sum()));
        }
        Router router = new Router(broker, metrics, config.access().publish(), streams, hook, this::health,
                builtIns, config.access().examples(), config.abuse().publishRate(), authorizer,
                config.access().corsOrigins());
        AbuseLimits abuse = config.abuse();
        ForwardedClients proxies = new ForwardedClients(Networks.of(abuse.trustedProxies()));
        PeerLimits peers = new PeerLimits(abuse.maxConnectionsPerIp(), abuse.connectRatePerIp(), proxies,
                System.nanoTime());
        Timeouts t = config.timeouts();
        Connection.Timeouts timeouts = Connection.Timeouts.ofMillis(t.head().toMillis(), t.idle().toMillis(),
                t.body().toMillis(), t.write().toMillis());
        HttpLimits limits = config.limits();
        this.h2 = new Http2Sessions(config.http2().limits(), config.http2().h2c(), metrics);
        if (tls != null) {
            tls.offerH2(true);
        }
        Connection.Shared shared = new Connection.Shared(router, limits, timeouts, watchdog, metrics,
                new DateHeader(), new BufferPool(limits, 512),
                new MemoryBudget("maxInflightBodyBytes", config.memory().maxInflightBodyBytes()), supervisor,
                proxies, h2);
        try {
            this.listener = new Listener(new InetSocketAddress(config.listen().host(), config.listen().port()),
                    config.listen().backlog(), limiter, peers, metrics, supervisor, tls != null,
                    connections(tls, shared));
        } catch (IOException e) {
            broker.close();
            watchdog.close();
            if (cluster != null) {
                cluster.close();
            }
            throw e;
        }
        this.stats = Thread.ofPlatform().daemon().name("herald-stats")
                .uncaughtExceptionHandler(supervisor.uncaughtHandler()).start(this::publishStats);
        LOG.log(Level.INFO, "herald listening on " + config.listen().host() + ":" + listener.port() + " (epoch "
 + ids.epoch() + (cluster == null ? "" : ", cluster mode over " + config.cluster().redisUrl()) + ", retention " + config.retention().slots() + " events within "
                + config.retention().bytes() + " bytes per topic, heartbeat " + fanOut.heartbeat().toMillis()
                + "ms, max " + config.listen().maxConnections() + " connections" + (tls == null ? "" : ", TLS") + ")");
    }

    /** Plain connections, or TLS ones with {@code tls}'s identity. */
    private static Listener.ConnectionFactory connections(TlsContext tls, Connection.Shared shared) {
        return (channel, permit) -> Connection.task(channel, permit, shared, tls);
    }

    /**
     * The TLS identity of {@code files}, read now, or null for plain HTTP.
     *
     * @throws IllegalArgumentException in one line: files missing their pair, unreadable, or of another format
     */
    private static TlsContext tlsContext(TlsFiles files) {
        if (!files.enabled()) {
            return null;
        }
        if (files.keystore() != null) {
            if (files.cert() != null || files.key() != null) {
                throw new IllegalArgumentException("--tls-keystore or --tls-cert with --tls-key, not both");
            }
            return TlsContext.ofKeystore(files.keystore(), files.keystorePasswordFile());
        }
        if (files.cert() == null || files.key() == null) {
            throw new IllegalArgumentException(files.cert() == null ? "--tls-key needs --tls-cert"
                    : "--tls-cert needs --tls-key");
        }
        return TlsContext.ofPem(files.cert(), files.key());
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The port the server listens on (the chosen one when configured with port 0). */
    public int port() {
        return listener.port();
    }

    public HeraldConfig config() {
        return config;
    }

    /** What {@code GET /health} reports now. */
    public Health health() {
        if (stopping) {
            return Health.STOPPING;
        }
        return switch (supervisor.state()) {
            case UP -> cluster != null && !cluster.connected() ? Health.DEGRADED : Health.UP;
            case DEGRADED -> Health.DEGRADED;
            case FAILED -> Health.FAILED;
        };
    }

    /**
     * Publishes an event of the default type to a topic and returns its id. Never waits for one slow subscriber;
     * when the topic's subscribers as a whole cannot keep up, waits up to the configured publish wait for room
     * ({@link Overload}; {@link #tryPublish} chooses the wait and returns a result instead of throwing).
     *
     * @throws IllegalArgumentException for an invalid topic name, or a topic under {@code _herald/}
     * @throws IllegalStateException    when nothing was published: the server is stopping, {@code maxTopics}
     *                                  topics are published to and this one is new, the history of all
     *                                  topics is at {@code maxRetainedBytes} and no idle topic's could be dropped,
     *                                  or the topic's subscribers could not make room within the publish wait
     */
    public String publish(String topic, String data) {
        return publish(topic, null, data);
    }

    /**
     * Publishes an event with a type (null for the default {@code message}) and returns its id.
     *
     * @throws IllegalArgumentException for an invalid topic name, or a type that is empty, over 256 bytes or
     *                                  holds CR, LF or NUL
     * @throws IllegalStateException    when nothing was published (see {@link #publish(String, String)})
     */
    public String publish(String topic, String eventType, String data) {
        checkPublishable(topic);
        return publishUnchecked(topic, eventType, data);
    }

    private static void checkPublishable(String topic) {
        String problem = TopicNames.problem(topic);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        if (TopicNames.isSystem(topic)) {
            throw new IllegalArgumentException("topics under " + TopicNames.SYSTEM_PREFIX + " are Herald's own");
        }
    }

    /**
     * Publishes an event with a type (null for the default {@code message}), waiting up to {@code wait} for room when
     * the topic's subscribers cannot keep up (README "Slow consumers and overload"), and says what happened instead
     * of throwing: the event's id, or why nothing was published ({@link PublishResult.Status#PUSHED_BACK} after the
     * wait; zero: at once).
     *
     * @throws IllegalArgumentException for an invalid topic name or type (see {@link #publish(String, String, String)}),
     *                                  or a negative wait
     */
    public PublishResult tryPublish(String topic, String eventType, String data, Duration wait) {
        if (wait.isNegative()) {
            throw new IllegalArgumentException("wait must not be negative: wait=" + wait);
        }
        checkPublishable(topic);
        if (stopping) {                                // as HTTP publishers get 503 from the first moment of a stop
            return new PublishResult(PublishResult.Status.STOPPING, null, STOPPING_REASON);
        }
        try {
            return new PublishResult(PublishResult.Status.PUBLISHED,
                    publishUnchecked(topic, eventType, data, wait.toNanos()), null);
        } catch (BrokerException e) {
            PublishResult.Status status = switch (e.reason()) {
                case PUSHED_BACK -> PublishResult.Status.PUSHED_BACK;
                case STOPPING -> PublishResult.Status.STOPPING;
                case UNAVAILABLE -> PublishResult.Status.UNAVAILABLE;
                default -> PublishResult.Status.LIMIT;
            };
            return new PublishResult(status, null, e.getMessage());
        }
    }

    private String publishUnchecked(String topic, String eventType, String data) {
        if (stopping) {                                // the broker closes a moment after the stop begins
            throw new IllegalStateException(STOPPING_REASON);
        }
        try {
            return publishUnchecked(topic, eventType, data, -1);
        } catch (BrokerException e) {                  // stopping, a limit, pushed back: one line
            throw new IllegalStateException(e.getMessage());
        }
    }

    /** Publishes; {@code waitNanos} -1 for the configured publish wait. */
    private String publishUnchecked(String topic, String eventType, String data, long waitNanos) {
        Objects.requireNonNull(data, "data");
        byte[] type = eventType == null ? null : EventTypes.encode(eventType);
        byte[] bytes = data.getBytes(StandardCharsets.UTF_8);
        return broker.publishId(topic, type, bytes, 0, bytes.length, -1, waitNanos);
    }

    /**
     * Deletes a topic: its streams end, and subscribers get 204 until the next publish.
     *
     * @throws IllegalStateException in cluster mode, where deleting a topic is not supported yet
     */
    public boolean deleteTopic(String topic) {
        try {
            return broker.delete(topic);
        } catch (BrokerException e) {
            throw new IllegalStateException(e.getMessage());
        }
    }

    /** The number of open streams on a topic. */
    public int subscribers(String topic) {
        return broker.subscriberCount(topic);
    }

    /** The metrics in Prometheus text format, as {@code GET /metrics} serves them. */
    public String metricsText() {
        StringBuilder out = new StringBuilder(4_096);
        metrics.writePrometheus(out, broker.userTopicCount());
        return out.toString();
    }

    /** Topics the dashboard's stats list, the busiest first. */
    private static final int STATS_TOPICS = 10;

    /**
     * Once a second while someone watches the dashboard: Herald's counters, the delivery latency percentiles of
     * the last second (from the histogram), and the busiest topics with their subscribers and events per second,
     * as one {@code stats} event on {@link Dashboard#STATS_TOPIC} (which counts in no figure itself).
     */
    private void publishStats() {
        LatencyHistogram.Snapshot previous = metrics.deliveryLatency.snapshot();
        LatencyHistogram.Snapshot current = new LatencyHistogram.Snapshot();
        Map<String, Long> previousSeqs = new HashMap<>();
        long previousTime = System.nanoTime();
        while (!stopping) {
            try {
                Thread.sleep(1_000);
            } catch (InterruptedException e) {
                return;
            }
            if (broker.subscriberCount(Dashboard.STATS_TOPIC) == 0) {
                previousSeqs.clear();
                continue;
            }
            try {
                metrics.deliveryLatency.snapshot(current);
                long now = System.nanoTime();
                double seconds = Math.max(0.001, (now - previousTime) / 1e9);
                previousTime = now;
                StringBuilder json = new StringBuilder(1_024).append("{\"time\":").append(System.currentTimeMillis())
                        .append(",\"connections\":").append(metrics.connectionsOpen())
                        .append(",\"subscribers\":").append(metrics.subscribers.sum())
                        .append(",\"topics\":").append(broker.userTopicCount())
                        .append(",\"published\":").append(metrics.eventsPublished.sum())
                        .append(",\"delivered\":").append(metrics.eventsDelivered.sum())
                        .append(",\"deliveredBytes\":").append(metrics.bytesDelivered.sum())
                        .append(",\"cutoffs\":").append(metrics.slowConsumerCutoffs.sum())
                        .append(",\"pushbacks\":").append(metrics.publishPushbacks.sum())
                        .append(",\"gaps\":").append(metrics.gaps.sum())
                        .append(",\"rejected\":").append(metrics.connectionsRejected.sum() + metrics.errors(429)
                                + metrics.errors(503))
                        .append(",\"rejectedBy\":{");
                for (Metrics.Rejection reason : Metrics.Rejection.values()) {
                    json.append('"').append(reason.label()).append("\":").append(metrics.rejections(reason)).append(',');
                }
                json.append("\"auth\":").append(metrics.authRejectionsTotal()).append('}')
                        .append(",\"latencyMs\":{");
                String separator = "";
                for (String[] q : new String[][] {{"p50", "0.5"}, {"p90", "0.9"}, {"p99", "0.99"}}) {
                    double value = current.quantile(Double.parseDouble(q[1]), previous) * 1e3;
                    json.append(separator).append('"').append(q[0]).append("\":")
                            .append(Double.isNaN(value) ? "null" : String.format(java.util.Locale.ROOT, "%.3f", value));
                    separator = ",";
                }
                json.append("},\"top\":[");
                Map<String, Long> seqs = new HashMap<>();
                List<double[]> ranked = new ArrayList<>();
                List<Broker.TopicStats> topics = broker.userTopicStats();
                for (int i = 0; i < topics.size(); i++) {
                    Broker.TopicStats topic = topics.get(i);
                    seqs.put(topic.name(), topic.lastSeq());
                    Long before = previousSeqs.get(topic.name());
                    double rate = before == null ? 0 : Math.max(0, topic.lastSeq() - before) / seconds;
                    ranked.add(new double[] {rate, topic.subscribers(), i});
                }
                ranked.sort((a, b) -> a[0] != b[0] ? Double.compare(b[0], a[0]) : Double.compare(b[1], a[1]));
                for (int k = 0; k < Math.min(STATS_TOPICS, ranked.size()); k++) {
                    Broker.TopicStats topic = topics.get((int) ranked.get(k)[2]);
                    json.append(k == 0 ? "" : ",").append("{\"name\":\"")
                            .append(topic.name().replace("\\", "\\\\").replace("\"", "\\\""))
                            .append("\",\"subscribers\":").append(topic.subscribers())
                            .append(",\"rate\":").append(Math.round(ranked.get(k)[0])).append('}');
                }
                json.append("]}");
                previousSeqs.clear();
                previousSeqs.putAll(seqs);
                LatencyHistogram.Snapshot swap = previous;
                previous = current;
                current = swap;
                publishUnchecked(Dashboard.STATS_TOPIC, "stats", json.toString());
            } catch (IllegalStateException e) {
                // stopping, or no room for history: the next second tries again
            } catch (OutOfMemoryError e) {
                supervisor.outOfMemory("herald-stats", e);
            }
        }
    }

    @Override
    public void close() {
        if (stopping) {
            return;
        }
        stopping = true;                               // 503 from here (and /health says so)
        Duration shutdown = config.timeouts().shutdown();
        long start = System.nanoTime();
        long deadline = start + shutdown.toNanos();
        listener.close();
        stats.interrupt();
        broker.close();                                // streams drain, get herald-shutdown, end: 3/4 of the time
        if (cluster != null) {
            cluster.close();                           // after the drain: what was read is written first
        }
        h2.goAwayAll();                                // HTTP/2: GOAWAY, close once their streams ended
        long drained = System.nanoTime();
        int streamsLeft = limiter.open();
        awaitConnectionsClosed(deadline - forceCloseReserveNanos(shutdown));   // requests in progress finish
        int forced = limiter.open();
        if (forced > 0) {
            watchdog.closeAll();                       // what is still open at the deadline is closed
            awaitConnectionsClosed(deadline);
        }
        watchdog.close();
        LOG.log(Level.INFO, "herald stopped in " + (System.nanoTime() - start) / 1_000_000 + "ms (streams drained in "
                + (drained - start) / 1_000_000 + "ms, " + streamsLeft + " connections open after, " + forced
                + " closed at the deadline, " + limiter.open() + " still open)");
        stopped.countDown();
    }

    private void awaitConnectionsClosed(long deadlineNanos) {
        while (limiter.open() > 0 && System.nanoTime() - deadlineNanos < 0) {
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /**
     * Waits until {@link #close()} has stopped the server (called from another thread, or a shutdown hook).
     * A started server keeps the JVM alive by itself (its accept thread is not a daemon); a {@code main} that
     * has nothing else to do can end with this.
     */
    public void awaitStop() throws InterruptedException {
        stopped.await();
    }

    /**
     * Configures and starts a {@link Herald}: a {@link HeraldConfig} (the defaults, or {@link #config}) and the
     * changes made to it since, checked and applied by {@link #build()} in any order. Not thread-safe; use it
     * from one thread.
     */
    public static final class Builder {
        private final List<Router.StreamRoute> streams = new ArrayList<>();
        private final List<HeraldConfig.Edit> edits = new ArrayList<>();
        private HeraldConfig base = HeraldConfig.defaults();
        private SubscribeHook hook;
        private Consumer<Throwable> onFatal = failure -> { };
        private Set<BuiltIn> builtIns = BuiltIn.all();
        private Authorizer authorizer;

        private Builder() {
        }

        private Builder edit(UnaryOperator<HeraldConfig> change) {
            edits.add(new HeraldConfig.Edit(null, change));
            return this;
        }

        /** Takes every setting from {@code config}, forgetting the ones set before. */
        public Builder config(HeraldConfig config) {
            base = Objects.requireNonNull(config);
            edits.clear();
            return this;
        }

        public Builder listen(Listen listen) {
            Objects.requireNonNull(listen);
            return edit(c -> c.withListen(listen));
        }

        public Builder host(String host) {
            Objects.requireNonNull(host);
            return edit(c -> c.withListen(c.listen().withHost(host)));
        }

        public Builder port(int port) {
            return edit(c -> c.withListen(c.listen().withPort(port)));
        }

        public Builder backlog(int backlog) {
            return edit(c -> c.withListen(c.listen().withBacklog(backlog)));
        }

        public Builder maxConnections(int maxConnections) {
            return edit(c -> c.withListen(c.listen().withMaxConnections(maxConnections)));
        }

        public Builder limits(HttpLimits limits) {
            Objects.requireNonNull(limits);
            return edit(c -> c.withLimits(limits));
        }

        public Builder timeouts(Timeouts timeouts) {
            Objects.requireNonNull(timeouts);
            return edit(c -> c.withTimeouts(timeouts));
        }

        public Builder timeouts(Duration head, Duration idle, Duration body, Duration write) {
            return edit(c -> c.withTimeouts(new Timeouts(head, idle, body, write)));
        }

        public Builder retention(Retention retention) {
            Objects.requireNonNull(retention);
            return edit(c -> c.withRetention(retention));
        }

        public Builder fanOut(FanOut fanOut) {
            Objects.requireNonNull(fanOut);
            return edit(c -> c.withFanOut(fanOut));
        }

        public Builder heartbeat(Duration heartbeat) {
            Objects.requireNonNull(heartbeat);
            return edit(c -> c.withFanOut(c.fanOut().withHeartbeat(heartbeat)));
        }

        public Builder retry(Duration retry) {
            Objects.requireNonNull(retry);
            return edit(c -> c.withFanOut(c.fanOut().withRetry(retry)));
        }

        public Builder dispatchThreads(int dispatchThreads) {
            return edit(c -> c.withFanOut(c.fanOut().withDispatchThreads(dispatchThreads)));
        }

        public Builder watchers(int watchers) {
            return edit(c -> c.withFanOut(c.fanOut().withWatchers(watchers)));
        }

        public Builder maxStreamAge(Duration maxStreamAge) {
            Objects.requireNonNull(maxStreamAge);
            return edit(c -> c.withFanOut(c.fanOut().withMaxStreamAge(maxStreamAge)));
        }

        public Builder topics(Topics topics) {
            Objects.requireNonNull(topics);
            return edit(c -> c.withTopics(topics));
        }

        public Builder maxTopics(int maxTopics) {
            return edit(c -> c.withTopics(c.topics().withMaxTopics(maxTopics)));
        }

        public Builder maxUnpublishedTopics(int maxUnpublishedTopics) {
            return edit(c -> c.withTopics(c.topics().withMaxUnpublishedTopics(maxUnpublishedTopics)));
        }

        /**
         * Push-back under overload ({@link Overload}): a publish that would overtake the slowest {@code fraction} of
         * a topic's subscribers (at least two) waits up to {@code publishWait} for room, then is refused (100 ms,
         * 0.1).
         */
        public Builder overload(Duration publishWait, double fraction) {
            Overload overload = new Overload(publishWait, fraction);
            return edit(c -> c.withOverload(overload));
        }

        public Builder maxTopicsPerSubscription(int maxTopicsPerSubscription) {
            return edit(c -> c.withTopics(c.topics().withMaxTopicsPerSubscription(maxTopicsPerSubscription)));
        }

        public Builder memory(MemoryBudgets memory) {
            Objects.requireNonNull(memory);
            return edit(c -> c.withMemory(memory));
        }

        /** History of all topics together, in bytes; see {@link MemoryBudgets#maxRetainedBytes()}. */
        public Builder maxRetainedBytes(long maxRetainedBytes) {
            return edit(c -> c.withMemory(c.memory().withMaxRetainedBytes(maxRetainedBytes)));
        }

        /** Request bodies being read at once, all connections together, in bytes. */
        public Builder maxInflightBodyBytes(long maxInflightBodyBytes) {
            return edit(c -> c.withMemory(c.memory().withMaxInflightBodyBytes(maxInflightBodyBytes)));
        }

        /** HTTP/2: streams per connection, h2c on the plain port ({@link Http2}; 100, on). */
        public Builder http2(Http2 http2) {
            Objects.requireNonNull(http2);
            return edit(c -> c.withHttp2(http2));
        }

        /** Limits per client: connections and connect rate per address, publish rate, trusted proxies. */
        public Builder abuseLimits(AbuseLimits abuse) {
            Objects.requireNonNull(abuse);
            return edit(c -> c.withAbuse(abuse));
        }

        public Builder access(Access access) {
            Objects.requireNonNull(access);
            return edit(c -> c.withAccess(access));
        }

        public Builder publishAccess(PublishAccess publishAccess) {
            Objects.requireNonNull(publishAccess);
            return edit(c -> c.withAccess(c.access().withPublish(publishAccess)));
        }

        /**
         * What to do when one of Herald's own threads fails for good (after logging it, on the failing thread):
         * by default nothing more than {@link Health#FAILED} on {@code /health}; the standalone server exits
         * with status 70.
         */
        public Builder onFatal(Consumer<Throwable> onFatal) {
            this.onFatal = Objects.requireNonNull(onFatal);
            return this;
        }

        /**
         * The configuration as set so far, checked.
         *
         * @throws IllegalArgumentException naming the first value out of range ({@code name=value})
         */
        public HeraldConfig build() {
            return HeraldConfig.apply(base, edits);
        }

        /**
         * Serves requests with this method and path by a per-request stream. A path ending in {@code /*}
         * matches every path under it. Checked before Herald's own routes.
         */
        public Builder stream(String method, String path, StreamHandler handler) {
            streams.add(new Router.StreamRoute(Objects.requireNonNull(method), Objects.requireNonNull(path),
                    Objects.requireNonNull(handler)));
            return this;
        }

        /**
         * Which of Herald's own routes to serve (all by default): {@code serve()} with none serves only the
         * stream handlers, {@code serve(BuiltIn.HEALTH, BuiltIn.METRICS)} adds the operator's routes. A route not
         * served answers 404.
         */
        public Builder serve(BuiltIn... routes) {
            this.builtIns = routes.length == 0 ? EnumSet.noneOf(BuiltIn.class) : EnumSet.copyOf(List.of(routes));
            return this;
        }

        /** Calls {@code hook} before every topic subscription starts (authorize, send first events). */
        public Builder onSubscribe(SubscribeHook hook) {
            this.hook = hook;
            return this;
        }

        /** Serves the browser examples under {@code /examples/}, their chat stream included; off by default. */
        /** Serves HTTPS on the port with a PEM certificate chain and PKCS#8 key, re-read when they change. */
        public Builder tls(Path cert, Path key) {
            return edit(c -> c.withTls(new TlsFiles(cert, key, null, null)));
        }

        /** Serves HTTPS on the port from a PKCS#12 keystore (password file may be null), re-read when it changes. */
        public Builder tlsKeystore(Path keystore, Path passwordFile) {
            return edit(c -> c.withTls(new TlsFiles(null, null, keystore, passwordFile)));
        }

        public Builder examples(boolean examples) {
            return edit(c -> c.withAccess(c.access().withExamples(examples)));
        }

        /**
         * Decides who may subscribe, publish and delete, instead of the built-in JWT rules and the loopback rule
         * for publishing (see {@link Authorizer}); null (the default) uses {@link Authorizer#jwt} when a key is
         * configured, else none.
         */
        public Builder authorizer(Authorizer authorizer) {
            this.authorizer = authorizer;
            return this;
        }

        /** The JWT keys and token rules ({@link Auth}). */
        public Builder auth(Auth auth) {
            Objects.requireNonNull(auth);
            return edit(c -> c.withAuth(auth));
        }

        /**
         * Cluster mode: topics are streams in the Redis at {@code url} ({@code redis://…} or {@code rediss://…}),
         * shared by every node given the same URL ({@link Cluster}); null for standalone (the default).
         */
        public Builder redis(String url) {
            return edit(c -> c.withCluster(c.cluster().withRedis(url)));
        }

        /** For {@code rediss://}: the certificates Redis's must chain to ({@link Cluster#redisCa()}). */
        public Builder redisCa(Path certificates) {
            return edit(c -> c.withCluster(c.cluster().withRedisCa(certificates)));
        }

        /** The CORS allowlist ({@link Access#corsOrigins()}); empty for the open mode. */
        public Builder corsOrigins(List<String> origins) {
            List<String> copy = List.copyOf(origins);
            return edit(c -> c.withAccess(c.access().withCorsOrigins(copy)));
        }

        /**
         * Starts the server: bound and accepting when this returns.
         *
         * @throws IllegalArgumentException a configuration that is not valid, or a key file (read now) that
         *                                  cannot be read or holds no usable key, naming its option and the file
         */
        public Herald start() {
            HeraldConfig config = build();
            Authorizer chosen = authorizer != null ? authorizer
                    : config.auth().hasKeys() ? Authorizer.jwt(config) : null;
            try {
                return new Herald(config, streams, hook, onFatal, builtIns, chosen);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start herald on " + config.listen().host() + ":"
                        + config.listen().port(), e);
            }
        }
    }
}
