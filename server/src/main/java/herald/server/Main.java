package herald.server;

import herald.protocol.http1.HttpLimits;
import herald.server.health.Supervisor;
import herald.server.log.Retention;

import java.io.PrintStream;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * {@code java -jar herald-server-all.jar [options]}: runs Herald as a standalone broker. Every option can
 * also come from an environment variable ({@code --max-body-bytes} is {@code HERALD_MAX_BODY_BYTES}); a flag
 * wins over the environment. SIGTERM stops the server gracefully.
 */
public final class Main {
    private static final String VERSION = "0.1.0";

    private record Option(String flag, String valueName, String help, BiConsumer<Settings, String> apply) {
        String env() {
            return "HERALD_" + flag.substring(2).replace('-', '_').toUpperCase(Locale.ROOT);
        }
    }

    /** What the options set, before it becomes a {@link HeraldConfig}. */
    private static final class Settings {
        final HeraldConfig defaults = HeraldConfig.defaults();
        final Herald.Builder builder = Herald.builder();
        HttpLimits limits = defaults.limits();
        int retentionEvents = defaults.retention().events();
        long retentionBytes = defaults.retention().bytes();
        int segmentBytes = defaults.retention().segmentBytes();
        Duration head = defaults.headTimeout();
        Duration idle = defaults.idleTimeout();
        Duration body = defaults.bodyTimeout();
        Duration write = defaults.writeTimeout();
    }

    private static final Map<String, Option> OPTIONS = new LinkedHashMap<>();

    static {
        add("--host", "ADDRESS", "address to listen on (default 0.0.0.0: all)", (s, v) -> s.builder.host(v));
        add("--port", "PORT", "TCP port (default 8080; 0 picks a free one)", (s, v) -> s.builder.port(integer(v)));
        add("--max-connections", "N", "connections at once, streams included; more get 503 "
                + "(default: the open-file limit minus 64, at most 1000000)", (s, v) -> s.builder.maxConnections(integer(v)));
        add("--backlog", "N", "accept queue length asked of the kernel (default 4096)",
                (s, v) -> s.builder.backlog(integer(v)));
        add("--max-request-line-bytes", "SIZE", "longest request line, else 414 (default 8KiB)",
                (s, v) -> s.limits = s.limits.withMaxRequestLineBytes((int) size(v)));
        add("--max-header-bytes", "SIZE", "largest header section, else 431 (default 16KiB)",
                (s, v) -> s.limits = s.limits.withMaxHeaderBytes((int) size(v)));
        add("--max-header-count", "N", "most header fields, else 431 (default 100)",
                (s, v) -> s.limits = s.limits.withMaxHeaderCount(integer(v)));
        add("--max-body-bytes", "SIZE", "largest publish body, else 413 (default 1MiB)",
                (s, v) -> s.limits = s.limits.withMaxBodyBytes(size(v)));
        add("--head-timeout", "DURATION", "a request head must arrive within this (default 10s)",
                (s, v) -> s.head = duration(v));
        add("--idle-timeout", "DURATION", "keep-alive wait for the next request (default 60s)",
                (s, v) -> s.idle = duration(v));
        add("--body-timeout", "DURATION", "a request body must arrive within this (default 30s)",
                (s, v) -> s.body = duration(v));
        add("--write-timeout", "DURATION", "one blocking response write must finish within this (default 30s)",
                (s, v) -> s.write = duration(v));
        add("--retention-events", "N", "events kept per topic, rounded up to a power of two (default 4096)",
                (s, v) -> s.retentionEvents = integer(v));
        add("--retention-bytes", "SIZE", "event memory kept per topic (default 16MiB)",
                (s, v) -> s.retentionBytes = size(v));
        add("--segment-bytes", "SIZE", "log segment size for busy topics (default 256KiB)",
                (s, v) -> s.segmentBytes = (int) size(v));
        add("--heartbeat", "DURATION", "comment line on a stream idle this long (default 15s)",
                (s, v) -> s.builder.heartbeat(duration(v)));
        add("--retry", "DURATION", "the retry: sent to clients on connect, at least "
                + HeraldConfig.MIN_RETRY_MILLIS + "ms (default 3s)",
                (s, v) -> s.builder.retry(HeraldConfig.checkRetry(duration(v))));
        add("--dispatch-threads", "N", "fan-out threads (default: number of CPUs)",
                (s, v) -> s.builder.dispatchThreads(integer(v)));
        add("--watchers", "N", "threads watching subscriber sockets (default: half the CPUs)",
                (s, v) -> s.builder.watchers(integer(v)));
        add("--max-topics", "N", "topics published to, known at once; publishing to one more answers 503 "
                + "(default 100000)", (s, v) -> s.builder.maxTopics(integer(v)));
        add("--max-unpublished-topics", "N", "topics made by subscribes and never published to, known at once; "
                + "subscribing to one more answers 503 (default 100000)",
                (s, v) -> s.builder.maxUnpublishedTopics(integer(v)));
        add("--max-retained-bytes", "SIZE", "history of all topics together; over it the history of the topics "
                + "idle longest is dropped, then publishes answer 503 (default: half the smaller of the heap and "
                + "direct-memory limits)", (s, v) -> s.builder.maxRetainedBytes(size(v)));
        add("--max-inflight-body-bytes", "SIZE", "request bodies being read at once, all connections together; "
                + "over it a request answers 503 (default: a quarter of the heap limit)",
                (s, v) -> s.builder.maxInflightBodyBytes(size(v)));
        add("--max-topics-per-subscription", "N", "topics one /events stream may name (default 32)",
                (s, v) -> s.builder.maxTopicsPerSubscription(integer(v)));
        add("--max-stream-age", "DURATION", "end each topic stream after this; clients reconnect and resume "
                + "(default 0: never)", (s, v) -> s.builder.maxStreamAge(duration(v)));
        add("--open-publish", null, "let any client publish and delete, not only loopback ones",
                (s, v) -> s.builder.publishAccess(bool(v) ? PublishAccess.ANY : PublishAccess.LOOPBACK));
        add("--examples", null, "serve the browser examples under /examples/", (s, v) -> s.builder.examples(bool(v)));
    }

    private Main() {
    }

    private static void add(String flag, String valueName, String help, BiConsumer<Settings, String> apply) {
        OPTIONS.put(flag, new Option(flag, valueName, help, apply));
    }

    public static void main(String[] args) {
        if (System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
            System.setProperty("java.util.logging.SimpleFormatter.format",
                    "%1$tFT%1$tT.%1$tLZ %4$s %3$s: %5$s%6$s%n");
        }
        Herald.Builder builder;
        try {
            builder = parse(args, System.getenv(), System.out);
        } catch (IllegalArgumentException e) {
            System.err.println("herald: " + e.getMessage());
            System.err.println("herald: see --help");
            System.exit(2);
            return;
        }
        if (builder == null) {
            return;                                   // --help or --version
        }
        Herald herald;
        try {
            herald = builder.onFatal(failure -> exitLater(Supervisor.FATAL_EXIT_STATUS)).start();
        } catch (RuntimeException e) {
            System.err.println("herald: " + e.getMessage() + (e.getCause() != null ? ": " + e.getCause() : ""));
            System.exit(1);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            herald.close();
            System.out.println("herald: stopped");   // JUL's own hook may already have closed its handlers
        }, "herald-shutdown"));
        int port = herald.port();
        System.out.printf("""
                Herald %s on port %d. Dashboard: http://localhost:%d/
                  subscribe:  curl -N http://localhost:%d/topics/demo
                  publish:    curl -X POST --data 'hello' http://localhost:%d/topics/demo
                  metrics:    curl http://localhost:%d/metrics
                """, VERSION, port, port, port, port, port);
    }

    /**
     * Ends the process with {@code status} from a thread of its own: the failing thread may be one that the
     * shutdown hook waits for. The hook still runs (streams end, clients reconnect elsewhere).
     */
    private static void exitLater(int status) {
        Thread.ofPlatform().name("herald-exit").start(() -> System.exit(status));
    }

    /** The configured builder, or null when the arguments asked for help or the version (printed to out). */
    static Herald.Builder parse(String[] args, Map<String, String> env, PrintStream out) {
        Settings settings = new Settings();
        for (Option option : OPTIONS.values()) {
            String value = env.get(option.env());
            if (value != null) {
                apply(option, value, option.env(), settings);
            }
        }
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--help") || arg.equals("-h")) {
                help(out);
                return null;
            }
            if (arg.equals("--version")) {
                out.println("herald " + VERSION);
                return null;
            }
            int eq = arg.indexOf('=');
            String flag = eq < 0 ? arg : arg.substring(0, eq);
            Option option = OPTIONS.get(flag);
            if (option == null) {
                throw new IllegalArgumentException("unknown option " + flag);
            }
            String value;
            if (eq >= 0) {
                value = arg.substring(eq + 1);
            } else if (option.valueName() == null) {
                value = "true";
            } else if (i + 1 < args.length) {
                value = args[++i];
            } else {
                throw new IllegalArgumentException(flag + " needs a value: " + option.valueName());
            }
            apply(option, value, flag, settings);
        }
        Retention retention;
        try {
            retention = new Retention(settings.retentionEvents, settings.retentionBytes, settings.segmentBytes);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("retention: " + e.getMessage(), e);
        }
        Herald.Builder builder = settings.builder.limits(settings.limits).retention(retention)
                .timeouts(settings.head, settings.idle, settings.body, settings.write);
        builder.build();                               // validates the whole configuration now
        return builder;
    }

    private static void apply(Option option, String value, String source, Settings settings) {
        try {
            option.apply().accept(settings, value.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(source + ": " + e.getMessage(), e);
        }
    }

    private static void help(PrintStream out) {
        out.println("Usage: java -jar herald-server-all.jar [options]");
        out.println();
        out.println("Herald: a Server-Sent Events broker. Subscribe with GET /topics/{topic} or");
        out.println("GET /events?topic=a&topic=b, publish with POST /topics/{topic}, delete with DELETE.");
        out.println("Each option may also be set by the environment variable shown; a flag wins.");
        out.println("SIZE: bytes, or with KiB, MiB, GiB. DURATION: a number with ms, s, m or h.");
        out.println();
        for (Option option : OPTIONS.values()) {
            String left = option.flag() + (option.valueName() == null ? "" : " " + option.valueName());
            out.printf("  %-36s %s%n  %-36s (%s)%n", left, option.help(), "", option.env());
        }
        out.printf("  %-36s %s%n", "--help", "print this and exit");
        out.printf("  %-36s %s%n", "--version", "print the version and exit");
    }

    static int integer(String value) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not an integer");
        }
    }

    static boolean bool(String value) {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "true", "1", "yes", "on" -> true;
            case "false", "0", "no", "off" -> false;
            default -> throw new IllegalArgumentException("not a boolean (true or false)");
        };
    }

    static long size(String value) {
        String v = value.toLowerCase(Locale.ROOT);
        long unit = 1;
        if (v.endsWith("kib")) {
            unit = 1L << 10;
        } else if (v.endsWith("mib")) {
            unit = 1L << 20;
        } else if (v.endsWith("gib")) {
            unit = 1L << 30;
        }
        String digits = unit == 1 ? v : v.substring(0, v.length() - 3);
        try {
            long n = Long.parseLong(digits.trim());
            if (n < 0 || n > Long.MAX_VALUE / unit) {
                throw new IllegalArgumentException("size out of range");
            }
            return n * unit;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a size (e.g. 1048576, 512KiB, 16MiB)");
        }
    }

    static Duration duration(String value) {
        String v = value.toLowerCase(Locale.ROOT);
        if (v.equals("0")) {
            return Duration.ZERO;
        }
        try {
            if (v.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
            }
            long n = Long.parseLong(v.substring(0, v.length() - 1));
            return switch (v.charAt(v.length() - 1)) {
                case 's' -> Duration.ofSeconds(n);
                case 'm' -> Duration.ofMinutes(n);
                case 'h' -> Duration.ofHours(n);
                default -> throw new IllegalArgumentException("not a duration (e.g. 500ms, 10s, 2m, 1h)");
            };
        } catch (NumberFormatException | StringIndexOutOfBoundsException e) {
            throw new IllegalArgumentException("not a duration (e.g. 500ms, 10s, 2m, 1h)");
        }
    }
}
