package herald.loadtest.scenario;

import herald.loadtest.client.Counter;
import herald.loadtest.client.FleetStatus;
import herald.loadtest.client.Generator;
import herald.loadtest.client.GeneratorConfig;
import herald.loadtest.client.HttpUrl;
import herald.loadtest.client.Publisher;
import herald.loadtest.client.PublisherStatus;
import herald.loadtest.client.SourceAddresses;
import herald.loadtest.client.SubscriberFleet;
import herald.loadtest.client.WorkerFleet;
import herald.loadtest.probe.Machine;
import herald.loadtest.probe.ProcessTree;
import herald.loadtest.report.Header;
import herald.loadtest.report.Latency;
import herald.loadtest.report.LoadGenerator;
import herald.loadtest.report.PublisherSummary;
import herald.loadtest.report.ResultStore;
import herald.loadtest.report.Target;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * What every scenario needs: the target, the options with their defaults, fleets of subscriptions (in this
 * process or spread over workers), publishers, the server's process tree, the result skeleton. Controller
 * thread only.
 */
public final class RunContext {
    final Options options;
    final Scenario scenario;
    public final String target;
    final List<HttpUrl> subscribeUrls;
    final List<HttpUrl> publishUrls;
    final String publishMethod;
    final ProcessTree server;
    final long deadlineNanos;
    private final Map<String, Object> machine;

    public RunContext(Options options, Scenario scenario, long deadlineNanos) {
        this.options = options;
        this.scenario = scenario;
        this.deadlineNanos = deadlineNanos;
        this.subscribeUrls = options.list("subscribe-url", Defaults.URL).stream()
                .map(u -> HttpUrl.parse(u).resolvable("subscribe-url")).toList();
        this.publishUrls = options.list("publish-url", Defaults.URL).stream()
                .map(u -> HttpUrl.parse(u).resolvable("publish-url")).toList();
        if (publishUrls.size() != 1 && publishUrls.size() != subscribeUrls.size()) {
            throw new IllegalArgumentException("--publish-url: give one, or one per --subscribe-url ("
                    + subscribeUrls.size() + "), got " + publishUrls.size());
        }
        List<String> resume = options.list("resume-url", null);
        if (!resume.isEmpty() && resume.size() != 1 && resume.size() != subscribeUrls.size()) {
            throw new IllegalArgumentException("--resume-url: give one, or one per --subscribe-url ("
                    + subscribeUrls.size() + "), got " + resume.size());
        }
        resume.forEach(u -> HttpUrl.parse(u).resolvable("resume-url"));
        this.publishMethod = options.string("publish-method", "POST");
        HttpUrl first = options.has("stream-url") && !options.has("subscribe-url")
                ? HttpUrl.parse(options.string("stream-url", "")).resolvable("stream-url") : subscribeUrls.get(0);
        this.target = options.string("target", first.host() + ":" + first.port());
        this.server = options.has("server-pid") ? ProcessTree.of(options.string("server-pid", "")) : null;
        this.machine = Machine.describe();
    }

    private RunContext(RunContext same, long deadlineNanos) {
        this.options = same.options;
        this.scenario = same.scenario;
        this.target = same.target;
        this.subscribeUrls = same.subscribeUrls;
        this.publishUrls = same.publishUrls;
        this.publishMethod = same.publishMethod;
        this.server = same.server;
        this.machine = same.machine;
        this.deadlineNanos = deadlineNanos;
    }

    /** This context with a deadline: the options are parsed and the machine described once. */
    public RunContext withDeadline(long deadlineNanos) {
        return new RunContext(this, deadlineNanos);
    }

    /** Subscriptions for {@code total} connections: this process up to --max-per-process, else workers. */
    SubscriberFleet newFleet(long total) {
        long perProcess = Math.max(1, options.integer("max-per-process", Defaults.MAX_PER_PROCESS));
        long workers = options.has("workers") ? options.integer("workers", 0)
                : total > perProcess ? (total + perProcess - 1) / perProcess : 0;
        GeneratorConfig config = generatorConfig(options, total, deadlineNanos);
        if (workers == 0) {
            return new Generator(config);
        }
        List<String> jvmArgs = Arrays.stream(options.string("worker-jvm-args", Defaults.WORKER_JVM_ARGS).trim()
                .split("\\s+")).filter(s -> !s.isEmpty()).toList();
        System.out.printf("[%s] spreading %d subscriptions over %d worker processes%n", scenario.name(), total,
                workers);
        return new WorkerFleet(config, (int) workers, jvmArgs);
    }

    /**
     * The generator options of {@code o}, for {@code connections} subscriptions in all: the coordinator's, or a
     * worker's from the arguments {@link GeneratorConfig#toArgs()} gave it.
     */
    public static GeneratorConfig generatorConfig(Options o, long connections, long deadlineNanos) {
        List<HttpUrl> urls = o.list("subscribe-url", Defaults.URL).stream().map(HttpUrl::parse).toList();
        List<HttpUrl> resume = o.list("resume-url", null).stream().map(HttpUrl::parse).toList();
        List<InetAddress> sources = SourceAddresses.parse(o.string("source-addresses", "auto"), connections);
        long stalledRcvbuf = o.bytes("stalled-rcvbuf", Defaults.STALLED_RCVBUF);
        return new GeneratorConfig(urls, sources, (int) Math.max(1, o.integer("threads", Defaults.THREADS)),
                o.rate("connect-rate", Defaults.CONNECT_RATE), o.nanos("connect-timeout", Defaults.CONNECT_TIMEOUT), o.nanos("reconnect-delay", Defaults.RECONNECT_DELAY),
                (int) Math.max(1, o.integer("publish-connections", Defaults.PUBLISH_CONNECTIONS)), o.bool("resume", true),
                (int) Math.min(Integer.MAX_VALUE, Math.max(1, stalledRcvbuf)), deadlineNanos, resume);
    }

    Publisher newPublisher(int bytes, double rate, long durationNanos) {
        Publisher.Config config = new Publisher.Config(publishUrls, publishMethod, options.repeated("publish-header"),
                lanes(), (int) Math.max(1, options.integer("pipeline", Defaults.PIPELINE)), bytes, rate,
                options.integer("max-events", Long.MAX_VALUE), durationNanos, drainNanos(),
                options.integer("max-ahead", Defaults.MAX_AHEAD));
        try {
            return new Publisher(config);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    int lanes() {
        return (int) Math.max(1, options.integer("publish-connections", Defaults.PUBLISH_CONNECTIONS));
    }

    long drainNanos() {
        return options.nanos("drain", Defaults.DRAIN);
    }

    double connectRate() {
        return options.rate("connect-rate", Defaults.CONNECT_RATE);
    }

    /** Bound on connecting {@code n} subscriptions: at the connect rate, plus the connect timeout, plus 10 s. */
    long connectBoundNanos(long n) {
        double rate = connectRate();
        long paced = rate <= 0 ? 0 : (long) (n / rate * 1e9);
        return paced + options.nanos("connect-timeout", Defaults.CONNECT_TIMEOUT) + TimeUnit.SECONDS.toNanos(10);
    }

    List<Integer> byteSizes(String fallback) {
        List<Integer> out = new ArrayList<>();
        for (String s : options.list("bytes", fallback)) {
            long b;
            try {
                b = Options.parseSize(s);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--bytes: not a size: " + s);
            }
            if (b < 1 || b > 1024 * 1024) {
                throw new IllegalArgumentException("--bytes: between 1 and 1MiB: " + s);
            }
            out.add((int) b);
        }
        return out;
    }

    /** The highest accepted sequence numbers per publish URL and lane, indexed by subscribe URL instead. */
    long[][] bySubscribeUrl(long[][] perPublishUrl) {
        long[][] out = new long[subscribeUrls.size()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = perPublishUrl[perPublishUrl.length == 1 ? 0 : i];
        }
        return out;
    }

    /** The head of a result: what ran, against what, with which parameters, where and when. */
    Header header(String run, Map<String, Object> parameters) {
        Target t = new Target(target, subscribeUrls.stream().map(HttpUrl::text).toList(),
                publishUrls.stream().map(HttpUrl::text).toList(), publishMethod,
                server == null ? List.of() : server.roots());
        Map<String, Object> p = new LinkedHashMap<>(parameters);
        p.put("publishConnections", lanes());
        p.put("pipeline", options.integer("pipeline", Defaults.PIPELINE));
        p.put("connectRate", connectRate());
        p.put("threads", options.integer("threads", Defaults.THREADS));
        p.put("resume", options.bool("resume", true));
        p.put("maxAhead", options.integer("max-ahead", Defaults.MAX_AHEAD));
        return new Header(ResultStore.SCHEMA, scenario.name(), scenario.topology(), run, t, p, machine);
    }

    /** The subscriber-side counters of a status, by name. */
    static Map<String, Long> counters(FleetStatus s) {
        Map<String, Long> m = new LinkedHashMap<>();
        for (Counter c : Counter.ALL) {
            m.put(c.key(), s.get(c));
        }
        return m;
    }

    /** What the publisher did; {@code scheduled} is null at the max rate. */
    static PublisherSummary publisher(PublisherStatus p) {
        Map<String, Long> classes = new LinkedHashMap<>();
        for (int i = 1; i < 6; i++) {
            if (p.statusClasses()[i] > 0) {
                classes.put(i + "xx", p.statusClasses()[i]);
            }
        }
        return new PublisherSummary(p.scheduled() < 0 ? null : p.scheduled(), p.sent(), p.accepted(), p.rejected(),
                p.lost(), p.connectFailures(), classes);
    }

    /** The load generator's CPU and processes over the whole run. */
    static LoadGenerator loadGenerator(Monitor monitor) {
        return new LoadGenerator(Latency.round(monitor.loadCpu() / 1e9), monitor.fleet().processes());
    }
}
