package herald.server;

import herald.protocol.http1.HttpLimits;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * Everything a Herald server can be told, grouped by the part of Herald that owns it; each group validates its
 * own fields. Built by {@link Herald.Builder} (or from flags, environment variables and a properties file by
 * {@link Main}).
 *
 * @param listen    where to listen and how many connections to hold ({@link Listen})
 * @param limits    request size limits (request line 8 KiB, headers 16 KiB or 100 fields, body 1 MiB)
 * @param timeouts  the deadline of each phase of a connection ({@link Timeouts})
 * @param retention history kept per topic (4,096 events within 16 MiB)
 * @param fanOut    fan-out threads, heartbeat, retry and stream age ({@link FanOut})
 * @param topics    how many topics are known at once ({@link Topics})
 * @param memory    the memory budgets ({@link MemoryBudgets}); {@code maxInflightBodyBytes} must be at least
 *                  {@code limits.maxBodyBytes()}, or no largest body could ever be read
 * @param access    who may publish and delete, CORS ({@link Access})
 * @param abuse     limits per client: connections and connect rate per address, publish rate, trusted proxies
 *                  ({@link AbuseLimits})
 * @param auth      JWT keys and token rules ({@link Auth}); none by default
 * @param tls       native TLS certificate files ({@link TlsFiles}; none: plain HTTP)
 * @param overload  when publishes are pushed back ({@link Overload}: after 100 ms, when more than the slowest
 *                  10 % of a topic's subscribers would be overtaken)
 * @param cluster   cluster mode over Redis ({@link Cluster}; standalone by default)
 * @param http2     HTTP/2: h2c on the plain port, streams per connection ({@link Http2})
 */
public record HeraldConfig(Listen listen, HttpLimits limits, Timeouts timeouts, Retention retention, FanOut fanOut,
                           Topics topics, MemoryBudgets memory, Access access, AbuseLimits abuse,
                           Auth auth, TlsFiles tls, Overload overload, Cluster cluster, Http2 http2) {

    /**
     * Smallest {@code retry} Herald sends or accepts in a publish, in milliseconds: below it, clients whose
     * stream ended or was refused with 503 reconnect in a tight loop.
     */
    public static final long MIN_RETRY_MILLIS = 100;

    public HeraldConfig {
        Objects.requireNonNull(listen, "listen");
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(timeouts, "timeouts");
        Objects.requireNonNull(retention, "retention");
        Objects.requireNonNull(fanOut, "fanOut");
        Objects.requireNonNull(topics, "topics");
        Objects.requireNonNull(memory, "memory");
        Objects.requireNonNull(access, "access");
        Objects.requireNonNull(abuse, "abuse");
        Objects.requireNonNull(auth, "auth");
        Objects.requireNonNull(tls, "tls");
        Objects.requireNonNull(overload, "overload");
        Objects.requireNonNull(cluster, "cluster");
        Objects.requireNonNull(http2, "http2");
        if (memory.maxInflightBodyBytes() < limits.maxBodyBytes()) {
            throw new IllegalArgumentException("maxInflightBodyBytes must be at least maxBodyBytes: "
                    + "maxInflightBodyBytes=" + memory.maxInflightBodyBytes() + " maxBodyBytes=" + limits.maxBodyBytes());
        }
    }

    /** The defaults of the "just run it" case; some derive from this machine and JVM (see each group). */
    public static HeraldConfig defaults() {
        return new HeraldConfig(Listen.defaults(), HttpLimits.DEFAULTS, Timeouts.DEFAULTS, Retention.DEFAULTS,
                FanOut.defaults(), Topics.DEFAULTS, MemoryBudgets.defaults(), Access.DEFAULTS,
                AbuseLimits.DEFAULTS, Auth.DEFAULTS, TlsFiles.NONE, Overload.DEFAULTS, Cluster.STANDALONE,
                Http2.DEFAULTS);
    }

    public HeraldConfig withListen(Listen value) {
        return new HeraldConfig(value, limits, timeouts, retention, fanOut, topics, memory, access, abuse, auth, tls,
                overload, cluster, http2);
    }

    public HeraldConfig withLimits(HttpLimits value) {
        return new HeraldConfig(listen, value, timeouts, retention, fanOut, topics, memory, access, abuse, auth, tls,
                overload, cluster, http2);
    }

    public HeraldConfig withTimeouts(Timeouts value) {
        return new HeraldConfig(listen, limits, value, retention, fanOut, topics, memory, access, abuse, auth, tls,
                overload, cluster, http2);
    }

    public HeraldConfig withRetention(Retention value) {
        return new HeraldConfig(listen, limits, timeouts, value, fanOut, topics, memory, access, abuse, auth, tls,
                overload, cluster, http2);
    }

    public HeraldConfig withFanOut(FanOut value) {
        return new HeraldConfig(listen, limits, timeouts, retention, value, topics, memory, access, abuse, auth, tls,
                overload, cluster, http2);
    }

    public HeraldConfig withTopics(Topics value) {
        return new HeraldConfig(listen, limits, timeouts, retention, fanOut, value, memory, access, abuse, auth, tls,
                overload, cluster, http2);
    }

    public HeraldConfig withMemory(MemoryBudgets value) {
        return new HeraldConfig(listen, limits, timeouts, retention, fanOut, topics, value, access, abuse, auth, tls,
                overload, cluster, http2);
    }

    public HeraldConfig withAccess(Access value) {
        return new HeraldConfig(listen, limits, timeouts, retention, fanOut, topics, memory, value, abuse, auth, tls,
                overload, cluster, http2);
    }

    public HeraldConfig withAbuse(AbuseLimits value) {
        return new HeraldConfig(listen, limits, timeouts, retention, fanOut, topics, memory, access, value, auth,
                tls, overload, cluster, http2);
    }

    public HeraldConfig withTls(TlsFiles value) {
        return new HeraldConfig(listen, limits, timeouts, retention, fanOut, topics, memory, access, abuse, auth,
                value, overload, cluster, http2);
    }

    public HeraldConfig withOverload(Overload value) {
        return new HeraldConfig(listen, limits, timeouts, retention, fanOut, topics, memory, access, abuse, auth,
                tls, value, cluster, http2);
    }

    public HeraldConfig withCluster(Cluster value) {
        return new HeraldConfig(listen, limits, timeouts, retention, fanOut, topics, memory, access, abuse, auth, tls,
                overload, value, http2);
    }

    public HeraldConfig withHttp2(Http2 value) {
        return new HeraldConfig(listen, limits, timeouts, retention, fanOut, topics, memory, access, abuse, auth, tls,
                overload, cluster, value);
    }

    public HeraldConfig withAuth(Auth value) {
        return new HeraldConfig(listen, limits, timeouts, retention, fanOut, topics, memory, access, abuse, value,
                tls, overload, cluster, http2);
    }

    /**
     * One change to a configuration, and where it came from ({@code --port}, {@code HERALD_PORT}, a file's key;
     * null from code), which prefixes its error message.
     */
    record Edit(String source, UnaryOperator<HeraldConfig> change) {
    }

    /**
     * Applies {@code edits} to {@code base}, so that the result does not depend on their order: an edit whose
     * record refuses it (a retention of 8 KiB while the segment is still 256 KiB, a body limit over the in-flight
     * budget) is tried again after the others, as long as that helps. The result is valid, since every record
     * checked it as it was made.
     *
     * @throws IllegalArgumentException the first refusal of an edit that no order makes valid, prefixed with
     *                                  its source
     */
    static HeraldConfig apply(HeraldConfig base, List<Edit> edits) {
        HeraldConfig config = base;
        List<Edit> pending = edits;
        while (!pending.isEmpty()) {
            List<Edit> refused = new ArrayList<>();
            IllegalArgumentException first = null;
            for (Edit edit : pending) {
                try {
                    config = edit.change().apply(config);
                } catch (IllegalArgumentException e) {
                    refused.add(edit);
                    if (first == null) {
                        first = edit.source() == null ? e
                                : new IllegalArgumentException(edit.source() + ": " + e.getMessage(), e);
                    }
                }
            }
            if (refused.size() == pending.size()) {
                throw first;
            }
            pending = refused;
        }
        return config;
    }
}
