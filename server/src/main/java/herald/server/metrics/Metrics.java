package herald.server.metrics;

import herald.protocol.http2.Http2Limit;

import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntSupplier;

/**
 * Herald's counters and gauges. Writers record wait-free from any thread ({@link LongAdder} cells, so the
 * dispatcher threads do not contend); {@link #writePrometheus} reads a snapshot.
 */
public final class Metrics {
    public final LongAdder connectionsAccepted = new LongAdder();
    public final LongAdder connectionsRejected = new LongAdder();
    private volatile IntSupplier connectionsOpen = () -> 0;
    public final LongAdder requests = new LongAdder();
    public final LongAdder subscribers = new LongAdder();
    public final LongAdder subscriptions = new LongAdder();
    public final LongAdder eventsPublished = new LongAdder();
    public final LongAdder bytesPublished = new LongAdder();
    public final LongAdder eventsDelivered = new LongAdder();
    public final LongAdder bytesDelivered = new LongAdder();
    public final LongAdder writes = new LongAdder();
    public final LongAdder heartbeats = new LongAdder();
    public final LongAdder resumes = new LongAdder();
    public final LongAdder gaps = new LongAdder();
    public final LongAdder slowConsumerCutoffs = new LongAdder();
    public final LongAdder clientsGone = new LongAdder();
    public final LongAdder streamsOpened = new LongAdder();
    public final LongAdder retainedFull = new LongAdder();
    public final LongAdder publishPushbacks = new LongAdder();
    public final LongAdder historyDropped = new LongAdder();
    /** Cluster mode: topic copies ended because they could not continue (written by the cluster's metrics). */
    public final LongAdder resyncs = new LongAdder();
    public final LongAdder tlsHandshakes = new LongAdder();
    public final LongAdder tlsHandshakeFailures = new LongAdder();
    public final LongAdder h2Connections = new LongAdder();
    public final LongAdder h2Streams = new LongAdder();
    private final LongAdder[] h2Limits = newAdders(Http2Limit.values().length);
    private volatile java.util.function.LongSupplier retainedBytes = () -> 0;
    private final AtomicLongArray errorsByStatus = new AtomicLongArray(200);   // 400..599
    private final LongAdder[] rejected = newAdders(Rejection.values().length);

    /** Why a request or connection was refused by an abuse limit: the {@code reason} label of its counter. */
    public enum Rejection {
        /** {@code --max-connections}: 503 at accept. */
        MAX_CONNECTIONS("max_connections"),
        /** {@code --max-connections-per-ip}: 429 at accept. */
        MAX_CONNECTIONS_PER_IP("max_connections_per_ip"),
        /** {@code --connect-rate-per-ip}: 429 at accept. */
        CONNECT_RATE("connect_rate"),
        /** {@code --publish-rate}: 429 to a publish or delete. */
        PUBLISH_RATE("publish_rate");

        private final String label;

        Rejection(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    /** Counts an HTTP/2 limit a client ran into, in {@code herald_h2_limit_hits_total{limit}}. */
    public void recordH2Limit(Http2Limit limit) {
        h2Limits[limit.ordinal()].increment();
    }

    public long h2LimitHits(Http2Limit limit) {
        return h2Limits[limit.ordinal()].sum();
    }

    /** Counts one refusal in {@code herald_rejected_requests_total{reason}}. */
    public void recordRejection(Rejection reason) {
        rejected[reason.ordinal()].increment();
    }

    public long rejections(Rejection reason) {
        return rejected[reason.ordinal()].sum();
    }

    private static LongAdder[] newAdders(int n) {
        LongAdder[] adders = new LongAdder[n];
        for (int i = 0; i < n; i++) {
            adders[i] = new LongAdder();
        }
        return adders;
    }

    /** Requests refused by auth or the CORS allowlist, by reason (a small fixed set of labels). */
    private final java.util.concurrent.ConcurrentHashMap<String, LongAdder> authRejections =
            new java.util.concurrent.ConcurrentHashMap<>();
    public final LongAdder streamsExpired = new LongAdder();

    /** Counts a request refused by auth (401, 403) or by the CORS allowlist; {@code reason} from a fixed set. */
    public void recordAuthRejection(String reason) {
        authRejections.computeIfAbsent(reason, r -> new LongAdder()).increment();
    }

    /** Auth and CORS-allowlist rejections, all reasons together. */
    public long authRejectionsTotal() {
        long sum = 0;
        for (LongAdder n : authRejections.values()) {
            sum += n.sum();
        }
        return sum;
    }

    /** The count of auth rejections for one reason (0 when none). */
    public long authRejections(String reason) {
        LongAdder n = authRejections.get(reason);
        return n == null ? 0 : n.sum();
    }

    /** Append of an event to the write that completed it, per write batch (see {@link LatencyHistogram}). */
    public final LatencyHistogram deliveryLatency = new LatencyHistogram();

    public void recordError(int status) {
        if (status >= 400 && status < 600) {
            errorsByStatus.incrementAndGet(status - 400);
        }
    }

    /** Requests answered with {@code status} so far (400 to 599). */
    public long errors(int status) {
        return status >= 400 && status < 600 ? errorsByStatus.get(status - 400) : 0;
    }

    /** Where the number of open connections comes from: the connection limiter's own count. */
    public void countConnectionsWith(IntSupplier open) {
        this.connectionsOpen = open;
    }

    private volatile java.util.function.Consumer<StringBuilder> more = out -> { };

    /** Metrics of another part (the cluster's {@code herald_redis_*}), written after Herald's own. */
    public void writeMoreWith(java.util.function.Consumer<StringBuilder> writer) {
        this.more = writer;
    }

    /** Where the bytes of history retained by all topics come from: the broker's budget. */
    public void countRetainedBytesWith(java.util.function.LongSupplier bytes) {
        this.retainedBytes = bytes;
    }

    public int connectionsOpen() {
        return connectionsOpen.getAsInt();
    }

    /** Appends every metric in the Prometheus text exposition format (version 0.0.4). */
    public void writePrometheus(StringBuilder out, long topics) {
        gauge(out, "herald_connections", "HTTP connections open now, subscribers included",
                connectionsOpen());
        counter(out, "herald_connections_accepted_total", "Connections accepted", connectionsAccepted.sum());
        counter(out, "herald_connections_rejected_total",
                "Connections refused at accept (over a connection limit or the connect rate)",
                connectionsRejected.sum());
        counter(out, "herald_requests_total", "HTTP requests parsed", requests.sum());
        gauge(out, "herald_subscribers", "Topic subscribers (SSE streams) open now", subscribers.sum());
        counter(out, "herald_subscriptions_total", "Topic subscriptions opened", subscriptions.sum());
        gauge(out, "herald_topics", "Topics known now (Herald's own under _herald/ not counted)", topics);
        counter(out, "herald_events_published_total", "Events appended to topic logs (not Herald's own)",
                eventsPublished.sum());
        counter(out, "herald_published_bytes_total", "Data bytes of published events, before SSE encoding",
                bytesPublished.sum());
        counter(out, "herald_events_delivered_total", "Events written to subscribers (not Herald's own)",
                eventsDelivered.sum());
        counter(out, "herald_delivered_bytes_total", "Bytes written to subscribers", bytesDelivered.sum());
        counter(out, "herald_writes_total", "Write calls to subscriber sockets", writes.sum());
        counter(out, "herald_heartbeats_total", "Heartbeat comments written to idle streams", heartbeats.sum());
        counter(out, "herald_resumes_total", "Subscriptions that resumed with a Last-Event-ID", resumes.sum());
        counter(out, "herald_gaps_total", "Gap signals sent (resume id evicted or unknown)", gaps.sum());
        counter(out, "herald_slow_consumer_cutoffs_total",
                "Subscribers cut off because the log's retained window passed them", slowConsumerCutoffs.sum());
        counter(out, "herald_clients_gone_total", "Subscribers whose client closed or reset the connection",
                clientsGone.sum());
        counter(out, "herald_streams_total", "Request-scoped streams opened by embedded handlers",
                streamsOpened.sum());
        gauge(out, "herald_retained_bytes", "Bytes of event history (log segments and index) held by all topics",
                retainedBytes.getAsLong());
        counter(out, "herald_retained_full_total",
                "Publishes refused because the retained history of all topics was at maxRetainedBytes",
                retainedFull.sum());
        counter(out, "herald_publish_pushbacks_total",
                "Publishes refused (503) because more than the slowest fraction of the topic's subscribers would "
                + "have been overtaken", publishPushbacks.sum());
        counter(out, "herald_history_dropped_total",
                "Idle topics whose history was dropped to make room under maxRetainedBytes", historyDropped.sum());
        counter(out, "herald_tls_handshakes_total", "TLS handshakes completed", tlsHandshakes.sum());
        counter(out, "herald_tls_handshake_failures_total",
                "TLS handshakes that failed (refused protocol or cipher, bad client, peer gone or too slow)",
                tlsHandshakeFailures.sum());
        counter(out, "herald_h2_connections_total", "HTTP/2 connections (h2 over TLS and h2c)", h2Connections.sum());
        counter(out, "herald_h2_streams_total", "HTTP/2 request streams opened", h2Streams.sum());
        out.append("# HELP herald_h2_limit_hits_total HTTP/2 limits clients ran into (floods, rapid reset, refused"
                + " streams, oversized header lists)\n");
        out.append("# TYPE herald_h2_limit_hits_total counter\n");
        for (Http2Limit limit : Http2Limit.values()) {           // every limit, 0 too: alerts need the series
            out.append("herald_h2_limit_hits_total{limit=\"").append(limit.name().toLowerCase(java.util.Locale.ROOT))
                    .append("\"} ").append(h2Limits[limit.ordinal()].sum()).append('\n');
        }
        out.append("# HELP herald_rejected_requests_total Connections and requests refused by an abuse limit\n");
        out.append("# TYPE herald_rejected_requests_total counter\n");
        for (Rejection reason : Rejection.values()) {            // every reason, 0 too: alerts need the series
            out.append("herald_rejected_requests_total{reason=\"").append(reason.label()).append("\"} ")
                    .append(rejected[reason.ordinal()].sum()).append('\n');
        }
        counter(out, "herald_streams_expired_total", "Topic streams ended at their token's exp",
                streamsExpired.sum());
        out.append("# HELP herald_auth_rejections_total Requests refused by auth (401, 403) or the CORS allowlist\n");
        out.append("# TYPE herald_auth_rejections_total counter\n");
        for (String reason : new java.util.TreeSet<>(authRejections.keySet())) {
            out.append("herald_auth_rejections_total{reason=\"").append(reason).append("\"} ")
                    .append(authRejections.get(reason).sum()).append('\n');
        }
        out.append("# HELP herald_http_errors_total Requests answered with an error status\n");
        out.append("# TYPE herald_http_errors_total counter\n");
        for (int i = 0; i < 200; i++) {
            long n = errorsByStatus.get(i);
            if (n > 0) {
                out.append("herald_http_errors_total{status=\"").append(400 + i).append("\"} ")
                        .append(n).append('\n');
            }
        }
        deliveryLatency.snapshot().writePrometheus(out, "herald_delivery_latency_seconds",
                "From an event's append to the write that completed it, once per write batch (its oldest event)");
        more.accept(out);
        RuntimeMetrics.writePrometheus(out);
    }

    private static void counter(StringBuilder out, String name, String help, long value) {
        metric(out, name, help, "counter", value);
    }

    private static void gauge(StringBuilder out, String name, String help, long value) {
        metric(out, name, help, "gauge", value);
    }

    private static void metric(StringBuilder out, String name, String help, String type, long value) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
        out.append(name).append(' ').append(value).append('\n');
    }
}
