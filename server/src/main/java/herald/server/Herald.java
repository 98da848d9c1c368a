package herald.server;

// Longer than ~300 lines on purpose: the embedding API's entry point and its Builder, whose setters (one per
// configuration field, for convenience) are most of it.

import herald.protocol.http1.HttpLimits;
import herald.server.broker.Broker;
import herald.server.broker.BrokerException;
import herald.server.broker.EventIds;
import herald.server.broker.EventTypes;
import herald.server.broker.TopicNames;
import herald.server.health.MemoryBudget;
import herald.server.health.Supervisor;
import herald.server.http.Dashboard;
import herald.server.http.Router;
import herald.server.metrics.Metrics;
import herald.server.transport.BufferPool;
import herald.server.transport.Connection;
import herald.server.transport.ConnectionLimiter;
import herald.server.transport.DateHeader;
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
import java.util.List;
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
 * thread-safe. {@link #close()} stops the server: new requests get 503 (with {@code Retry-After}), it stops
 * accepting, writes every stream what was published before the stop and then ends it (clients reconnect after
 * their {@code retry}), lets requests in progress finish, for up to five seconds each, and returns.
 *
 * <p>Herald's own threads survive running out of memory ({@link #health()} says {@code DEGRADED} for a while
 * after); any other failure of one of them makes the server {@code FAILED} and runs the builder's
 * {@link Builder#onFatal} action (the standalone server exits with status 70).
 */
public final class Herald implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Herald.class.getName());

    private final HeraldConfig config;
    private final Metrics metrics = new Metrics();
    private final EventIds ids = new EventIds(System.currentTimeMillis());
    private final ConnectionLimiter limiter;
    private final Watchdog watchdog;
    private final Broker broker;
    private final Listener listener;
    private final Thread stats;
    private final Supervisor supervisor;
    private volatile boolean stopping;
    private final CountDownLatch stopped = new CountDownLatch(1);

    /** How long stopping waits for streams to drain, and then for requests in progress. */
    private static final Duration STOP_WAIT = Duration.ofSeconds(5);

    /** What {@code /health} reports. */
    public enum Health {
        /** Serving. */
        UP,
        /** Serving, but memory ran out recently: a balancer should prefer other servers. */
        DEGRADED,
        /** One of Herald's threads failed: the server cannot be trusted and should be restarted. */
        FAILED,
        /** Stopping: new requests get 503. */
        STOPPING
    }

    private Herald(HeraldConfig config, List<Router.StreamRoute> streams, SubscribeHook hook,
                   Consumer<Throwable> onFatal, Set<BuiltIn> builtIns) throws IOException {
        this.config = config;
        TlsContext tls = tlsContext(config.tls());          // before any thread starts: a bad file stops start-up
        this.supervisor = new Supervisor(onFatal);
        this.limiter = new ConnectionLimiter(config.listen().maxConnections(), metrics);
        this.watchdog = new Watchdog(100, supervisor);
        FanOut fanOut = config.fanOut();
        this.broker = new Broker(new Broker.Settings(config.retention(), fanOut.heartbeat(),
                fanOut.retry().toMillis(), fanOut.dispatchThreads(), fanOut.watchers(), config.topics().maxTopics(),
                config.topics().maxUnpublishedTopics(), config.topics().maxTopicsPerSubscription(),
                fanOut.maxStreamAge(), config.listen().maxConnections(), config.memory().maxRetainedBytes(),
                STOP_WAIT), metrics, ids, supervisor);
        Router router = new Router(broker, metrics, config.access().publish(), streams, hook, this::health,
                builtIns, config.access().examples());
        Timeouts t = config.timeouts();
        Connection.Timeouts timeouts = Connection.Timeouts.ofMillis(t.head().toMillis(), t.idle().toMillis(),
                t.body().toMillis(), t.write().toMillis());
        HttpLimits limits = config.limits();
        Connection.Shared shared = new Connection.Shared(router, limits, timeouts, watchdog, metrics,
                new DateHeader(), new BufferPool(limits, 512),
                new MemoryBudget("maxInflightBodyBytes", config.memory().maxInflightBodyBytes()), supervisor);
        try {
            this.listener = new Listener(new InetSocketAddress(config.listen().host(), config.listen().port()),
                    config.listen().backlog(), limiter, metrics, supervisor,
                    connections(tls, shared));
        } catch (IOException e) {
            broker.close();
            watchdog.close();
            throw e;
        }
        this.stats = Thread.ofPlatform().daemon().name("herald-stats")
                .uncaughtExceptionHandler(supervisor.uncaughtHandler()).start(this::publishStats);
        LOG.log(Level.INFO, "herald listening on " + config.listen().host() + ":" + listener.port() + " (epoch "
                + ids.epoch() + ", retention " + config.retention().slots() + " events within "
                + config.retention().bytes() + " bytes per topic, heartbeat " + fanOut.heartbeat().toMillis()
                + "ms, max " + config.listen().maxConnections() + " connections" + (tls == null ? "" : ", TLS") + ")");
    }

    /** Plain connections, or TLS ones with {@code tls}'s identity. */
    private static Listener.ConnectionFactory connections(TlsContext tls, Connection.Shared shared) {
        if (tls == null) {
            return (channel, permit) -> new Connection(channel, permit, shared);
        }
        return (channel, permit) -> new Connection(channel, permit, shared, tls);
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
            case UP -> Health.UP;
            case DEGRADED -> Health.DEGRADED;
            case FAILED -> Health.FAILED;
        };
    }

    /**
     * Publishes an event of the default type to a topic and returns its id. Never waits for subscribers.
     *
     * @throws IllegalArgumentException for an invalid topic name, or a topic under {@code _herald/}
     * @throws IllegalStateException    when nothing was published: the server is stopping, {@code maxTopics}
     *                                  topics are published to and this one is new, or the history of all
     *                                  topics is at {@code maxRetainedBytes} and no idle topic's could be dropped
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
        String problem = TopicNames.problem(topic);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        if (TopicNames.isSystem(topic)) {
            throw new IllegalArgumentException("topics under " + TopicNames.SYSTEM_PREFIX + " are Herald's own");
        }
        return publishUnchecked(topic, eventType, data);
    }

    private String publishUnchecked(String topic, String eventType, String data) {
        Objects.requireNonNull(data, "data");
        byte[] type = eventType == null ? null : EventTypes.encode(eventType);
        byte[] bytes = data.getBytes(StandardCharsets.UTF_8);
        try {
            return ids.format(broker.publish(topic, type, bytes, 0, bytes.length, -1));
        } catch (BrokerException e) {                  // stopping, a topic limit, history full: one line
            throw new IllegalStateException(e.getMessage());
        }
    }

    /** Deletes a topic: its streams end, and subscribers get 204 until the next publish. */
    public boolean deleteTopic(String topic) {
        return broker.delete(topic);
    }

    /** The number of open streams on a topic. */
    public int subscribers(String topic) {
        return broker.subscriberCount(topic);
    }

    /** The metrics in Prometheus text format, as {@code GET /metrics} serves them. */
    public String metricsText() {
        StringBuilder out = new StringBuilder(4_096);
        metrics.writePrometheus(out, broker.topicCount());
        return out.toString();
    }

    private void publishStats() {
        while (!stopping) {
            try {
                Thread.sleep(1_000);
            } catch (InterruptedException e) {
                return;
            }
            if (broker.subscriberCount(Dashboard.STATS_TOPIC) > 0) {
                String json = "{\"time\":" + System.currentTimeMillis()
                        + ",\"connections\":" + metrics.connectionsOpen()
                        + ",\"subscribers\":" + metrics.subscribers.sum()
                        + ",\"topics\":" + broker.topicCount()
                        + ",\"published\":" + metrics.eventsPublished.sum()
                        + ",\"delivered\":" + metrics.eventsDelivered.sum()
                        + ",\"deliveredBytes\":" + metrics.bytesDelivered.sum()
                        + ",\"cutoffs\":" + metrics.slowConsumerCutoffs.sum()
                        + ",\"gaps\":" + metrics.gaps.sum()
                        + ",\"rejected\":" + metrics.connectionsRejected.sum() + "}";
                try {
                    publishUnchecked(Dashboard.STATS_TOPIC, "stats", json);
                } catch (IllegalStateException e) {
                    // stopping, or no room for history: the next second tries again
                } catch (OutOfMemoryError e) {
                    supervisor.outOfMemory("herald-stats", e);
                }
            }
        }
    }

    @Override
    public void close() {
        if (stopping) {
            return;
        }
        stopping = true;
        listener.close();
        stats.interrupt();
        broker.close();                                // 503 from here; streams drain, then end
        long deadline = System.nanoTime() + STOP_WAIT.toNanos();
        while (limiter.open() > 0 && System.nanoTime() - deadline < 0) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        watchdog.close();
        LOG.log(Level.INFO, "herald stopped (" + limiter.open() + " connections still open at the deadline)");
        stopped.countDown();
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

        /** Starts the server: bound and accepting when this returns. */
        public Herald start() {
            HeraldConfig config = build();
            try {
                return new Herald(config, streams, hook, onFatal, builtIns);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start herald on " + config.listen().host() + ":"
                        + config.listen().port(), e);
            }
        }
    }
}
