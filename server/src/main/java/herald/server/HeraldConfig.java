package herald.server;

import herald.protocol.http1.HttpLimits;

import java.lang.management.ManagementFactory;
import java.time.Duration;

/**
 * Everything a Herald server can be told, with the defaults of the "just run it" case. Built by
 * {@link Herald.Builder} (or from flags and environment variables by {@link Main}); validated there.
 *
 * @param host                     address to listen on ({@code 0.0.0.0}: all)
 * @param port                     TCP port (8080; 0 picks a free one)
 * @param backlog                  accept queue length asked of the kernel (4,096)
 * @param maxConnections           connections at once, subscribers included; more get 503 (the process's
 *                                 open-file limit minus 64, at most 1,000,000)
 * @param limits                   request size limits (request line 8 KiB, headers 16 KiB or 100 fields,
 *                                 body 1 MiB)
 * @param headTimeout              a whole request head must arrive within this (10 s)
 * @param idleTimeout              a keep-alive connection may wait this long for its next request (60 s)
 * @param bodyTimeout              a request body must arrive within this (30 s)
 * @param writeTimeout             one blocking write (response, handler stream) must finish within this (30 s)
 * @param retention                history kept per topic (4,096 events within 16 MiB)
 * @param heartbeat                an idle stream gets a comment line after this (15 s)
 * @param retry                    the {@code retry:} sent on connect (3 s; at least {@link #MIN_RETRY_MILLIS})
 * @param dispatchThreads          fan-out threads (the number of CPUs)
 * @param watchers                 selector threads watching subscriber sockets (half the CPUs, at least 1)
 * @param maxTopics                topics published to, known at once (100,000); publishing to one more answers 503
 * @param maxUnpublishedTopics     topics made by subscribes and never published to, known at once (100,000);
 *                                 subscribing to one more answers 503 (publishers are never limited by these)
 * @param maxTopicsPerSubscription topics one {@code /events} stream may name (32)
 * @param publishAccess            who may publish and delete ({@code LOOPBACK})
 * @param maxStreamAge             a topic stream is ended after this, and its client reconnects and resumes
 *                                 (spreads clients over servers behind a balancer); zero: never (the default)
 * @param maxRetainedBytes         history of all topics together (log segments and index); over it the history of
 *                                 the topics idle longest is dropped, then publishes answer 503 (half of the
 *                                 smaller of the heap and direct-memory limits)
 * @param maxInflightBodyBytes     request bodies being read at once, all connections together; over it a request
 *                                 answers 503 (a quarter of the heap limit)
 */
public record HeraldConfig(String host, int port, int backlog, int maxConnections, HttpLimits limits,
                           Duration headTimeout, Duration idleTimeout, Duration bodyTimeout, Duration writeTimeout,
                           Retention retention, Duration heartbeat, Duration retry, int dispatchThreads,
                           int watchers, int maxTopics, int maxUnpublishedTopics, int maxTopicsPerSubscription,
                           PublishAccess publishAccess, Duration maxStreamAge, long maxRetainedBytes,
                           long maxInflightBodyBytes) {

    /**
     * Smallest {@code retry} Herald sends or accepts in a publish, in milliseconds: below it, clients whose
     * stream ended or was refused with 503 reconnect in a tight loop.
     */
    public static final long MIN_RETRY_MILLIS = 100;

    public HeraldConfig {
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port must be in [0, 65535]: port=" + port);
        }
        positive("backlog", backlog);
        positive("maxConnections", maxConnections);
        positive("dispatchThreads", dispatchThreads);
        positive("watchers", watchers);
        positive("maxTopics", maxTopics);
        positive("maxUnpublishedTopics", maxUnpublishedTopics);
        positive("maxRetainedBytes", maxRetainedBytes);
        positive("maxInflightBodyBytes", maxInflightBodyBytes);
        if (maxInflightBodyBytes < limits.maxBodyBytes()) {
            throw new IllegalArgumentException("maxInflightBodyBytes must be at least maxBodyBytes: "
                    + "maxInflightBodyBytes=" + maxInflightBodyBytes + " maxBodyBytes=" + limits.maxBodyBytes());
        }
        positive("maxTopicsPerSubscription", maxTopicsPerSubscription);
        positive("headTimeout", headTimeout);
        positive("idleTimeout", idleTimeout);
        positive("bodyTimeout", bodyTimeout);
        positive("writeTimeout", writeTimeout);
        if (heartbeat.toMillis() < 10) {
            throw new IllegalArgumentException("heartbeat must be at least 10ms: heartbeat=" + heartbeat);
        }
        if (maxStreamAge.isNegative()) {
            throw new IllegalArgumentException("maxStreamAge must not be negative: maxStreamAge=" + maxStreamAge);
        }
        checkRetry(retry);
    }

    /** {@code retry} itself, checked against {@link #MIN_RETRY_MILLIS} (for {@link Main}, so the flag is named). */
    static Duration checkRetry(Duration retry) {
        if (retry.compareTo(Duration.ofMillis(MIN_RETRY_MILLIS)) < 0) {
            throw new IllegalArgumentException("retry must be at least " + MIN_RETRY_MILLIS + "ms: retry=" + retry);
        }
        return retry;
    }

    public static HeraldConfig defaults() {
        int cpus = Runtime.getRuntime().availableProcessors();
        return new HeraldConfig("0.0.0.0", 8080, 4_096, defaultMaxConnections(), HttpLimits.DEFAULTS,
                Duration.ofSeconds(10), Duration.ofSeconds(60), Duration.ofSeconds(30), Duration.ofSeconds(30),
                Retention.DEFAULTS, Duration.ofSeconds(15), Duration.ofSeconds(3), cpus, Math.max(1, cpus / 2),
                100_000, 100_000, 32, PublishAccess.LOOPBACK, Duration.ZERO, defaultMaxRetainedBytes(),
                Runtime.getRuntime().maxMemory() / 4);
    }

    /** Half of the smaller of the heap limit and the direct-memory limit (which defaults to the heap limit). */
    static long defaultMaxRetainedBytes() {
        long heap = Runtime.getRuntime().maxMemory();
        long direct = heap;
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (arg.startsWith("-XX:MaxDirectMemorySize=")) {
                direct = parseJvmSize(arg.substring("-XX:MaxDirectMemorySize=".length()), heap);
            }
        }
        return Math.max(1L << 20, Math.min(heap, direct) / 2);
    }

    private static long parseJvmSize(String value, long otherwise) {
        if (value.isEmpty()) {
            return otherwise;
        }
        long unit = switch (Character.toLowerCase(value.charAt(value.length() - 1))) {
            case 'k' -> 1L << 10;
            case 'm' -> 1L << 20;
            case 'g' -> 1L << 30;
            case 't' -> 1L << 40;
            default -> 1;
        };
        try {
            long n = Long.parseLong(unit == 1 ? value : value.substring(0, value.length() - 1));
            return n == 0 ? otherwise : n * unit;            // 0: the JVM's own default, the heap limit
        } catch (NumberFormatException e) {
            return otherwise;
        }
    }

    /** The process's open-file limit minus room for files and the listener, within [64, 1,000,000]. */
    static int defaultMaxConnections() {
        long limit = 1_000_064;
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.UnixOperatingSystemMXBean os) {
            limit = os.getMaxFileDescriptorCount();
        }
        return (int) Math.max(64, Math.min(1_000_000, limit - 64));
    }

    private static void positive(String name, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(name + " must be positive: " + name + "=" + value);
        }
    }

    private static void positive(String name, long value) {
        if (value < 1) {
            throw new IllegalArgumentException(name + " must be positive: " + name + "=" + value);
        }
    }

    private static void positive(String name, Duration value) {
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " must be positive: " + name + "=" + value);
        }
    }
}
