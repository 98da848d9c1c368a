package herald.server;

// Longer than ~300 lines on purpose: most of it is the option table, one declaration per option, which is the point
// of having one.

import herald.server.health.Supervisor;
import herald.server.transport.Networks;

import java.io.IOException;
import java.io.PrintStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeSet;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * {@code java -jar herald-server-<version>-all.jar [options]}: runs Herald as a standalone broker. Every option
 * can also come from an environment variable ({@code --max-body-bytes} is {@code HERALD_MAX_BODY_BYTES}) or from
 * a properties file named by {@code --config FILE} ({@code max-body-bytes=64KiB}); a flag wins over the
 * environment, which wins over the file, which wins over {@link HeraldConfig#defaults()}. SIGTERM stops the
 * server gracefully.
 *
 * <p>Each option is declared once, in {@link #OPTIONS}: its flag (from which its environment variable and file
 * key follow), its value's name and kind, its help, and where it lives in a {@link HeraldConfig}. {@code --help}
 * prints every option with its default read from {@link HeraldConfig#defaults()}. A new option is a field of the
 * record of the part that owns it (checked in its compact constructor, with its {@code with…} method and its
 * default), one entry here, and its use.
 */
public final class Main {
    private static final String VERSION = "0.1.0";
    private static final String CONFIG_FLAG = "--config";
    private static final String CONFIG_ENV = "HERALD_CONFIG";

    /** How a value reads from text, and prints as a default. */
    private record Kind<T>(Function<String, T> parse, Function<T, String> format) {
    }

    private static final Kind<String> TEXT = new Kind<>(v -> v, v -> v);
    private static final Kind<Integer> INT = new Kind<>(Main::integer, String::valueOf);
    private static final Kind<Long> SIZE = new Kind<>(Main::size, Main::formatSize);
    private static final Kind<Integer> INT_SIZE = new Kind<>(Main::intSize, v -> formatSize((long) v));
    private static final Kind<Duration> DURATION = new Kind<>(Main::duration, Main::formatDuration);
    private static final Kind<Double> FRACTION = new Kind<>(Main::fraction, Main::formatFraction);
    private static final Kind<Boolean> SWITCH = new Kind<>(Main::bool, v -> v ? "on" : "off");
    private static final Kind<List<String>> NETWORKS = new Kind<>(
            v -> "none".equalsIgnoreCase(v) ? List.of() : Networks.parse(v).texts(),
            v -> v.isEmpty() ? "none" : String.join(",", v));
    /** A file, or none (an empty value). */
    private static final Kind<Path> FILE = new Kind<>(v -> v.isEmpty() ? null : Path.of(v),
            v -> v == null ? "none" : v.toString());
    /** Files separated by commas; a repeated flag appends. */
    private static final Kind<List<Path>> FILES = new Kind<>(v -> list(v).stream().map(Path::of).toList(),
            v -> v.isEmpty() ? "none" : String.join(",", v.stream().map(Path::toString).toList()));
    /** Text, or none (an empty value). */
    private static final Kind<String> OPTIONAL_TEXT = new Kind<>(v -> v.isEmpty() ? null : v,
            v -> v == null ? "none" : v);
    /** Values separated by commas; a repeated flag appends. */
    private static final Kind<List<String>> LIST = new Kind<>(Main::list,
            v -> v.isEmpty() ? "none" : String.join(",", v));
    /** A name, or {@code off} for none. */
    private static final Kind<String> NAME_OR_OFF = new Kind<>(v -> v.equalsIgnoreCase("off") ? null : v,
            v -> v == null ? "off" : v);
    private static final Kind<Path> PATH = new Kind<>(Path::of, v -> v == null ? "none" : v.toString());

    /**
     * One option, declared once.
     *
     * @param flag      {@code --name}; the environment variable is {@code HERALD_NAME}, the file key {@code name}
     * @param valueName what the help calls its value; null for a switch, which takes no value after the flag
     * @param help      what it does (its default is added from {@link HeraldConfig#defaults()})
     * @param derived   how the default is derived from the machine, or null when it is a constant
     * @param get       reads it from a configuration (for the default)
     * @param set       a configuration with it set; the record it lands in checks it
     * @param repeated  whether the flag may be given again, each time appending to a comma-separated list
     */
    private record Option<T>(String flag, String valueName, String help, String derived, Kind<T> kind,
                             Function<HeraldConfig, T> get, BiFunction<HeraldConfig, T, HeraldConfig> set,
                             boolean repeated) {

        Option<T> derivedFrom(String rule) {
            return new Option<>(flag, valueName, help, rule, kind, get, set, repeated);
        }

        /** The flag may be repeated: {@code --jwt-public-key a.pem --jwt-public-key b.pem} is {@code a.pem,b.pem}. */
        Option<T> repeatable() {
            return new Option<>(flag, valueName, help, derived, kind, get, set, true);
        }

        String key() {
            return flag.substring(2);
        }

        String env() {
            return "HERALD_" + key().replace('-', '_').toUpperCase(Locale.ROOT);
        }

        /** The change {@code text} asks for; a value that does not parse is refused now, naming its source. */
        HeraldConfig.Edit edit(String source, String text) {
            T value;
            try {
                value = kind.parse().apply(text.trim());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(source + ": " + e.getMessage() + ": " + text, e);
            }
            return new HeraldConfig.Edit(source, config -> set.apply(config, value));
        }

        String defaultText(HeraldConfig defaults) {
            String value = kind.format().apply(get.apply(defaults));
            return derived == null ? "default " + value : "default: " + derived + "; here " + value;
        }
    }

    private static <T> Option<T> option(String flag, String valueName, String help, Kind<T> kind,
                                        Function<HeraldConfig, T> get, BiFunction<HeraldConfig, T, HeraldConfig> set) {
        return new Option<>(flag, valueName, help, null, kind, get, set, false);
    }

    /** Every option, in the order of {@code --help}. */
    private static final List<Option<?>> OPTIONS = List.of(
            option("--host", "ADDRESS", "address to listen on; 0.0.0.0: all", TEXT,
                    c -> c.listen().host(), (c, v) -> c.withListen(c.listen().withHost(v))),
            option("--port", "PORT", "TCP port; 0 picks a free one", INT,
                    c -> c.listen().port(), (c, v) -> c.withListen(c.listen().withPort(v))),
            option("--max-connections", "N", "connections at once, streams included; more get 503", INT,
                    c -> c.listen().maxConnections(), (c, v) -> c.withListen(c.listen().withMaxConnections(v)))
                    .derivedFrom("the open-file limit minus 64, at most 1000000"),
            option("--backlog", "N", "accept queue length asked of the kernel", INT,
                    c -> c.listen().backlog(), (c, v) -> c.withListen(c.listen().withBacklog(v))),
            option("--max-request-line-bytes", "SIZE", "longest request line, else 414", INT_SIZE,
                    c -> c.limits().maxRequestLineBytes(), (c, v) -> c.withLimits(c.limits().withMaxRequestLineBytes(v))),
            option("--max-header-bytes", "SIZE", "largest header section, else 431", INT_SIZE,
                    c -> c.limits().maxHeaderBytes(), (c, v) -> c.withLimits(c.limits().withMaxHeaderBytes(v))),
            option("--max-header-count", "N", "most header fields, else 431", INT,
                    c -> c.limits().maxHeaderCount(), (c, v) -> c.withLimits(c.limits().withMaxHeaderCount(v))),
            option("--max-body-bytes", "SIZE", "largest publish body, else 413", SIZE,
                    c -> c.limits().maxBodyBytes(), (c, v) -> c.withLimits(c.limits().withMaxBodyBytes(v))),
            option("--head-timeout", "DURATION", "a request head must arrive within this", DURATION,
                    c -> c.timeouts().head(), (c, v) -> c.withTimeouts(c.timeouts().withHead(v))),
            option("--idle-timeout", "DURATION", "keep-alive wait for the next request", DURATION,
                    c -> c.timeouts().idle(), (c, v) -> c.withTimeouts(c.timeouts().withIdle(v))),
            option("--body-timeout", "DURATION", "a request body must arrive within this", DURATION,
                    c -> c.timeouts().body(), (c, v) -> c.withTimeouts(c.timeouts().withBody(v))),
            option("--write-timeout", "DURATION", "one blocking response write must finish within this", DURATION,
                    c -> c.timeouts().write(), (c, v) -> c.withTimeouts(c.timeouts().withWrite(v))),
            option("--retention-events", "N", "events kept per topic, rounded up to a power of two", INT,
                    c -> c.retention().events(), (c, v) -> c.withRetention(c.retention().withEvents(v))),
            option("--retention-bytes", "SIZE", "event memory kept per topic", SIZE,
                    c -> c.retention().bytes(), (c, v) -> c.withRetention(c.retention().withBytes(v))),
            option("--segment-bytes", "SIZE", "log segment size for busy topics", INT_SIZE,
                    c -> c.retention().segmentBytes(), (c, v) -> c.withRetention(c.retention().withSegmentBytes(v))),
            option("--heartbeat", "DURATION", "comment line on a stream idle this long", DURATION,
                    c -> c.fanOut().heartbeat(), (c, v) -> c.withFanOut(c.fanOut().withHeartbeat(v))),
            option("--retry", "DURATION", "the retry: sent to clients on connect, at least "
                    + HeraldConfig.MIN_RETRY_MILLIS + "ms", DURATION,
                    c -> c.fanOut().retry(), (c, v) -> c.withFanOut(c.fanOut().withRetry(v))),
            option("--dispatch-threads", "N", "fan-out threads", INT,
                    c -> c.fanOut().dispatchThreads(), (c, v) -> c.withFanOut(c.fanOut().withDispatchThreads(v)))
                    .derivedFrom("the number of CPUs"),
            option("--watchers", "N", "threads watching subscriber sockets", INT,
                    c -> c.fanOut().watchers(), (c, v) -> c.withFanOut(c.fanOut().withWatchers(v)))
                    .derivedFrom("half the CPUs, at least 1"),
            option("--max-topics", "N", "topics published to, known at once; publishing to one more answers 503",
                    INT, c -> c.topics().maxTopics(), (c, v) -> c.withTopics(c.topics().withMaxTopics(v))),
            option("--max-unpublished-topics", "N", "topics made by subscribes and never published to, known at "
                    + "once; subscribing to one more answers 503", INT,
                    c -> c.topics().maxUnpublishedTopics(), (c, v) -> c.withTopics(c.topics().withMaxUnpublishedTopics(v))),
            option("--max-retained-bytes", "SIZE", "history of all topics together; over it the history of the "
                    + "topics idle longest is dropped, then publishes answer 503", SIZE,
                    c -> c.memory().maxRetainedBytes(), (c, v) -> c.withMemory(c.memory().withMaxRetainedBytes(v)))
                    .derivedFrom("half the smaller of the heap and direct-memory limits, at least 1MiB"),
            option("--max-inflight-body-bytes", "SIZE", "request bodies being read at once, all connections "
                    + "together; over it a request answers 503; at least --max-body-bytes", SIZE,
                    c -> c.memory().maxInflightBodyBytes(),
                    (c, v) -> c.withMemory(c.memory().withMaxInflightBodyBytes(v)))
                    .derivedFrom("a quarter of the heap limit"),
            option("--publish-wait", "DURATION", "when a publish would overtake the slowest --overload-fraction of "
                    + "a topic's subscribers, it waits this long for room, then answers 503; at most 10s", DURATION,
                    c -> c.overload().publishWait(), (c, v) -> c.withOverload(c.overload().withPublishWait(v))),
            option("--overload-fraction", "FRACTION", "the share of a topic's subscribers (at least two) that, "
                    + "overtaken together, make a publish wait, as 0.1 or 10%; fewer are cut off", FRACTION,
                    c -> c.overload().fraction(), (c, v) -> c.withOverload(c.overload().withFraction(v))),
            option("--max-topics-per-subscription", "N", "topics one /events stream may name", INT,
                    c -> c.topics().maxTopicsPerSubscription(),
                    (c, v) -> c.withTopics(c.topics().withMaxTopicsPerSubscription(v))),
            option("--max-stream-age", "DURATION", "end each topic stream after this; clients reconnect and "
                    + "resume; 0: never", DURATION,
                    c -> c.fanOut().maxStreamAge(), (c, v) -> c.withFanOut(c.fanOut().withMaxStreamAge(v))),
            option("--shutdown-spread", "DURATION", "on stop, each stream's herald-shutdown event tells its client "
                    + "to reconnect after a time drawn from 100ms to this", DURATION,
                    c -> c.fanOut().shutdownSpread(), (c, v) -> c.withFanOut(c.fanOut().withShutdownSpread(v))),
            option("--shutdown-timeout", "DURATION", "stopping (SIGTERM) drains streams, then requests in progress, "
                    + "then closes what is left, within this", DURATION,
                    c -> c.timeouts().shutdown(), (c, v) -> c.withTimeouts(c.timeouts().withShutdown(v))),
            option("--open-publish", null, "let any client publish and delete, not only loopback ones", SWITCH,
                    c -> c.access().publish() == PublishAccess.ANY,
                    (c, v) -> c.withAccess(c.access().withPublish(v ? PublishAccess.ANY : PublishAccess.LOOPBACK))),
            option("--examples", null, "serve the browser examples under /examples/", SWITCH,
                    c -> c.access().examples(), (c, v) -> c.withAccess(c.access().withExamples(v))),
            option("--max-connections-per-ip", "N", "connections at once from one address; more get 429; "
                    + "trusted proxies are exempt; 0: off", INT,
                    c -> c.abuse().maxConnectionsPerIp(), (c, v) -> c.withAbuse(c.abuse().withMaxConnectionsPerIp(v))),
            option("--connect-rate-per-ip", "N", "new connections per second from one address, a burst of as many; "
                    + "more get 429; trusted proxies are exempt; 0: off", INT,
                    c -> c.abuse().connectRatePerIp(), (c, v) -> c.withAbuse(c.abuse().withConnectRatePerIp(v))),
            option("--publish-rate", "N", "publishes and deletes per second per token subject, or per client "
                    + "address, a burst of as many; more get 429; 0: off", INT,
                    c -> c.abuse().publishRate(), (c, v) -> c.withAbuse(c.abuse().withPublishRate(v))),
            option("--trusted-proxies", "CIDR,...", "proxies whose X-Forwarded-For or Forwarded names the client; "
                    + "from any other peer both are ignored", NETWORKS,
                    c -> c.abuse().trustedProxies(), (c, v) -> c.withAbuse(c.abuse().withTrustedProxies(v))),
            option("--cors-origins", "ORIGIN,...", "only these origins may read streams and publish from a browser, "
                    + "with credentials (cookies); any other origin gets 403; none: any origin reads, without "
                    + "credentials; '*' alone is that open mode", LIST,
                    c -> c.access().corsOrigins(), (c, v) -> c.withAccess(c.access().withCorsOrigins(v))),
            option("--jwt-secret-file", "PATH", "HS256 secret (at least 32 bytes; one trailing newline ignored); "
                    + "a key turns auth on: publish and delete need a token", FILE,
                    c -> c.auth().secretFile(), (c, v) -> c.withAuth(c.auth().withSecretFile(v))),
            option("--jwt-public-key", "PATH", "PEM public key (RSA: RS256, EC P-256: ES256); repeat the flag "
                    + "or separate paths with commas for several", FILES,
                    c -> c.auth().publicKeys(), (c, v) -> c.withAuth(c.auth().withPublicKeys(v))).repeatable(),
            option("--jwks", "PATH", "JWKS file, keys chosen by kid; re-read when it changes", FILE,
                    c -> c.auth().jwks(), (c, v) -> c.withAuth(c.auth().withJwks(v))),
            option("--jwt-issuer", "ISS", "required iss of tokens", OPTIONAL_TEXT,
                    c -> c.auth().issuer(), (c, v) -> c.withAuth(c.auth().withIssuer(v))),
            option("--jwt-audience", "AUD", "required aud of tokens (a string, or one of a list)", OPTIONAL_TEXT,
                    c -> c.auth().audience(), (c, v) -> c.withAuth(c.auth().withAudience(v))),
            option("--jwt-claim", "NAME", "the claim object holding the subscribe and publish topic patterns", TEXT,
                    c -> c.auth().claim(), (c, v) -> c.withAuth(c.auth().withClaim(v))),
            option("--token-cookie", "NAME", "cookie that may carry the token (what EventSource can send)", TEXT,
                    c -> c.auth().tokenCookie(), (c, v) -> c.withAuth(c.auth().withTokenCookie(v))),
            option("--token-query", "NAME", "query parameter that may carry the token (weaker: URLs land in logs); "
                    + "off: none", NAME_OR_OFF,
                    c -> c.auth().tokenQuery(), (c, v) -> c.withAuth(c.auth().withTokenQuery(v))),
            option("--private-topics", "PATTERN,...", "topics that need a token with a matching subscribe pattern "
                    + "(users/42, dashboard/*, orders/**, **); repeat the flag or separate with commas", LIST,
                    c -> c.auth().privateTopics(), (c, v) -> c.withAuth(c.auth().withPrivateTopics(v)))
                    .repeatable(),
            option("--tls-cert", "PATH", "serve HTTPS on --port: PEM certificate chain, server's first; with "
                    + "--tls-key; re-read when it changes", PATH,
                    c -> c.tls().cert(), (c, v) -> c.withTls(c.tls().withCert(v))),
            option("--tls-key", "PATH", "PEM PKCS#8 private key (BEGIN PRIVATE KEY), RSA or EC, of --tls-cert", PATH,
                    c -> c.tls().key(), (c, v) -> c.withTls(c.tls().withKey(v))),
            option("--tls-keystore", "PATH", "serve HTTPS on --port from a PKCS#12 keystore instead of PEM files; "
                    + "re-read when it changes", PATH,
                    c -> c.tls().keystore(), (c, v) -> c.withTls(c.tls().withKeystore(v))),
            option("--tls-keystore-password-file", "PATH", "file holding the --tls-keystore password", PATH,
                    c -> c.tls().keystorePasswordFile(), (c, v) -> c.withTls(c.tls().withKeystorePasswordFile(v))),
            option("--redis", "URL", "cluster mode: topics are Redis streams shared by every node given the same "
                    + "URL, redis://[user:password@]host:port[/db] or rediss:// for TLS; Redis 7.0+ with "
                    + "maxmemory-policy noeviction; none: standalone", OPTIONAL_TEXT,
                    c -> c.cluster().redis(), (c, v) -> c.withCluster(c.cluster().withRedis(v))),
            option("--redis-ca", "PATH", "for rediss://: PEM certificates (or a PKCS#12 trust store without a "
                    + "password) that Redis's certificate must chain to; none: the JVM's trust store", FILE,
                    c -> c.cluster().redisCa(), (c, v) -> c.withCluster(c.cluster().withRedisCa(v))),
            option("--h2-max-streams", "N", "HTTP/2 streams (requests, subscriptions) one connection may have open "
                    + "at once; more are refused (REFUSED_STREAM); 1 to 10000", INT,
                    c -> c.http2().maxStreams(), (c, v) -> c.withHttp2(c.http2().withMaxStreams(v))),
            option("--h2c", null, "serve HTTP/2 with prior knowledge (h2c) on a plain --port; --h2c=false: HTTP/1.1 "
                    + "only there (h2 over TLS is always on)", SWITCH,
                    c -> c.http2().h2c(), (c, v) -> c.withHttp2(c.http2().withH2c(v))));

    private static final Map<String, Option<?>> BY_FLAG = new HashMap<>();

    static {
        for (Option<?> option : OPTIONS) {
            BY_FLAG.put(option.flag(), option);
        }
    }

    private Main() {
    }

    public static void main(String[] args) {
        if (System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
            System.setProperty("java.util.logging.SimpleFormatter.format",
                    "%1$tFT%1$tT.%1$tLZ %4$s %3$s: %5$s%6$s%n");
        }
        if (args.length > 0 && args[0].equals("token")) {
            int status = TokenCommand.run(java.util.Arrays.copyOfRange(args, 1, args.length), System.out, System.err);
            if (status != 0) {
                System.exit(status);
            }
            return;
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
            long start = System.nanoTime();
            herald.close();
            System.out.println("herald: stopped in " + (System.nanoTime() - start) / 1_000_000
                    + "ms");                          // JUL's own hook may already have closed its handlers
        }, "herald-shutdown"));
        int port = herald.port();
        System.out.printf("""
                Herald %s on port %d. Dashboard: http://localhost:%d/
                  subscribe:  curl -N http://localhost:%d/topics/demo
                  publish:    curl -X POST --data 'hello' http://localhost:%d/topics/demo
                  metrics:    curl http://localhost:%d/metrics
                """, VERSION, port, port, port, port, port);
        if (herald.config().auth().hasKeys()) {
            System.out.println("  auth:       on: topics and publishing need tokens ('token --help' mints one)");
        }
    }

    /**
     * Ends the process with {@code status} from a thread of its own: the failing thread may be one that the
     * shutdown hook waits for. The hook still runs (streams end, clients reconnect elsewhere).
     */
    private static void exitLater(int status) {
        Thread.ofPlatform().name("herald-exit").start(() -> System.exit(status));
    }

    /**
     * The configured builder, or null when the arguments asked for help or the version (printed to out).
     *
     * @throws IllegalArgumentException in one line naming the option, where it came from and its value: an
     *                                  unknown option (flag or file key), a value that does not parse (from any
     *                                  source, even one a higher one overrides), or a configuration that is not
     *                                  valid
     */
    static Herald.Builder parse(String[] args, Map<String, String> env, PrintStream out) {
        Map<Option<?>, HeraldConfig.Edit> flags = new LinkedHashMap<>();
        Map<Option<?>, String> repeatedValues = new HashMap<>();
        String configFile = env.get(CONFIG_ENV);
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
            Option<?> option = BY_FLAG.get(flag);
            if (option == null && !flag.equals(CONFIG_FLAG)) {
                throw new IllegalArgumentException("unknown option " + arg);
            }
            String value;
            if (eq >= 0) {
                value = arg.substring(eq + 1);
            } else if (option != null && option.valueName() == null) {
                value = "true";
            } else if (i + 1 < args.length) {
                value = args[++i];
            } else {
                throw new IllegalArgumentException(flag + " needs a value: "
                        + (option == null ? "FILE" : option.valueName()));
            }
            if (option == null) {
                configFile = value;
            } else {
                if (option.repeated()) {
                    String before = repeatedValues.get(option);
                    value = before == null ? value : before + "," + value;
                    repeatedValues.put(option, value);
                }
                flags.put(option, option.edit(flag, value));
            }
        }
        Map<Option<?>, HeraldConfig.Edit> chosen = new LinkedHashMap<>();
        if (configFile != null) {
            chosen.putAll(readFile(Path.of(configFile)));
        }
        for (Option<?> option : OPTIONS) {
            String value = env.get(option.env());
            if (value != null) {
                chosen.put(option, option.edit(option.env(), value));
            }
        }
        chosen.putAll(flags);
        HeraldConfig config = HeraldConfig.apply(HeraldConfig.defaults(), List.copyOf(chosen.values()));
        if (config.auth().hasKeys()) {
            Authorizer.jwt(config);          // reads the key files now: a bad one stops start-up in one line
        }
        return Herald.builder().config(config);
    }

    /** The options a properties file sets ({@code port=8080}), checked: an unknown key stops start-up. */
    private static Map<Option<?>, HeraldConfig.Edit> readFile(Path file) {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(reader);
        } catch (IOException | IllegalArgumentException e) {      // unreadable, or a malformed Unicode escape
            throw new IllegalArgumentException(CONFIG_FLAG + ": cannot read " + file + ": " + e, e);
        }
        Map<Option<?>, HeraldConfig.Edit> edits = new LinkedHashMap<>();
        for (String key : new TreeSet<>(properties.stringPropertyNames())) {
            String value = properties.getProperty(key);
            Option<?> option = BY_FLAG.get("--" + key);
            if (option == null) {
                throw new IllegalArgumentException(file + ": unknown option " + key + "=" + value);
            }
            edits.put(option, option.edit(file + ": " + key, value));
        }
        return edits;
    }

    private static final int HELP_INDENT = 39;

    /** {@code text} in lines of at most {@code width} characters, broken at spaces. */
    private static List<String> wrap(String text, int width) {
        List<String> lines = new ArrayList<>();
        String rest = text;
        while (rest.length() > width) {
            int cut = rest.lastIndexOf(' ', width);
            if (cut <= 0) {
                break;
            }
            lines.add(rest.substring(0, cut));
            rest = rest.substring(cut + 1);
        }
        lines.add(rest);
        return lines;
    }

    private static void help(PrintStream out) {
        HeraldConfig defaults = HeraldConfig.defaults();
        out.println("Usage: java -jar herald-server-<version>-all.jar [options]");
        out.println("       java -jar herald-server-<version>-all.jar token --help   (mint an HS256 token)");
        out.println();
        out.println("Herald: a Server-Sent Events broker. Subscribe with GET /topics/{topic} or");
        out.println("GET /events?topic=a&topic=b, publish with POST /topics/{topic}, delete with DELETE.");
        out.println("Each option may also be set by the environment variable shown, or in the properties");
        out.println("file of --config FILE as the option's name without dashes (port=8080). A flag wins");
        out.println("over the environment, the environment over the file, the file over the default.");
        out.println("SIZE: bytes, or with KiB, MiB, GiB. DURATION: a number with ms, s, m or h.");
        out.println();
        for (Option<?> option : OPTIONS) {
            String left = option.flag() + (option.valueName() == null ? "" : " " + option.valueName());
            String text = option.help() + " (" + option.defaultText(defaults) + ")";
            for (String line : wrap(text, 110 - HELP_INDENT)) {
                out.printf("  %-36s %s%n", left, line);
                left = "";
            }
            out.printf("  %-36s (%s)%n", "", option.env());
        }
        out.printf("  %-36s %s%n  %-36s (%s)%n", CONFIG_FLAG + " FILE", "read options from a properties file", "",
                CONFIG_ENV);
        out.printf("  %-36s %s%n", "--help", "print this and exit");
        out.printf("  %-36s %s%n", "--version", "print the version and exit");
    }

    /** Comma-separated values, each trimmed, empty ones dropped. */
    static List<String> list(String value) {
        List<String> values = new ArrayList<>();
        for (String v : value.split(",")) {
            if (!v.isBlank()) {
                values.add(v.strip());
            }
        }
        return List.copyOf(values);
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

    /** A fraction in [0, 1], written {@code 0.1} or {@code 10%}. */
    static double fraction(String value) {
        String v = value.trim();
        boolean percent = v.endsWith("%");
        String number = percent ? v.substring(0, v.length() - 1) : v;
        if (number.matches("\\d{1,3}(\\.\\d{1,6})?")) {
            double f = Double.parseDouble(number) / (percent ? 100 : 1);
            if (f <= 1) {
                return f;
            }
        }
        throw new IllegalArgumentException("not a fraction in [0, 1] (e.g. 0.1 or 10%)");
    }

    static String formatFraction(double value) {
        return java.math.BigDecimal.valueOf(value).movePointRight(2).stripTrailingZeros().toPlainString() + "%";
    }

    /** A size that must fit an {@code int}. */
    static int intSize(String value) {
        long n = size(value);
        if (n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("size out of range (at most 2GiB - 1)");
        }
        return (int) n;
    }

    /** {@code 16MiB}, {@code 8KiB}, or bytes when no unit divides the size. */
    static String formatSize(long bytes) {
        for (int shift = 30; shift >= 10; shift -= 10) {
            if (bytes != 0 && bytes % (1L << shift) == 0) {
                return (bytes >> shift) + (shift == 30 ? "GiB" : shift == 20 ? "MiB" : "KiB");
            }
        }
        return Long.toString(bytes);
    }

    /** {@code 15s}, {@code 2m}, {@code 500ms}; a zero duration is {@code 0}. */
    static String formatDuration(Duration duration) {
        long millis = duration.toMillis();
        if (millis == 0) {
            return "0";
        }
        if (millis % 3_600_000 == 0) {
            return millis / 3_600_000 + "h";
        }
        if (millis % 60_000 == 0) {
            return millis / 60_000 + "m";
        }
        return millis % 1_000 == 0 ? millis / 1_000 + "s" : millis + "ms";
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
