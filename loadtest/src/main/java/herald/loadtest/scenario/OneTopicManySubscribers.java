package herald.loadtest.scenario;

import herald.loadtest.client.Counter;
import herald.loadtest.client.FleetStatus;
import herald.loadtest.client.Publisher;
import herald.loadtest.client.PublisherStatus;
import herald.loadtest.client.SubscriberFleet;
import herald.loadtest.probe.KernelMemory;
import herald.loadtest.probe.ProcessTree;
import herald.loadtest.report.Checks;
import herald.loadtest.report.ConnectionMemory;
import herald.loadtest.report.FanOutResult;
import herald.loadtest.report.Header;
import herald.loadtest.report.KernelShare;
import herald.loadtest.report.Latency;
import herald.loadtest.report.ScenarioResult;
import herald.loadtest.report.Tail;
import herald.loadtest.report.WindowSummary;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code fanout}: S subscribers of one topic, R events/s of B bytes published open-loop (or {@code --rate max}).
 * After --warmup, measures for --duration: delivered events/s, publish→receive latency p50/p99/p999/max, the
 * server's CPU seconds per million deliveries; then stops publishing and checks that every subscriber got
 * every accepted event in order. One run (and one fresh set of subscriptions) per size in --bytes.
 */
class OneTopicManySubscribers implements Scenario {
    private final String name;
    private final String topology;
    private final long defaultSubscribers;
    private final String defaultRate;
    private final String defaultBytes;

    OneTopicManySubscribers() {
        this("fanout", "OneTopicManySubscribers", 1000, "100", "64");
    }

    OneTopicManySubscribers(String name, String topology, long defaultSubscribers, String defaultRate,
                            String defaultBytes) {
        this.name = name;
        this.topology = topology;
        this.defaultSubscribers = defaultSubscribers;
        this.defaultRate = defaultRate;
        this.defaultBytes = defaultBytes;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String topology() {
        return topology;
    }

    int subscribers(RunContext ctx) {
        return (int) ctx.options.integer("subscribers", defaultSubscribers);
    }

    double rate(RunContext ctx) {
        return ctx.options.has("rate") ? ctx.options.rate("rate", 0) : defaultRate.equals("max") ? 0
                : Double.parseDouble(defaultRate);
    }

    @Override
    public long boundNanos(RunContext ctx) {
        long one = ctx.connectBoundNanos(subscribers(ctx)) + ctx.options.nanos("warmup", Defaults.WARMUP)
                + ctx.options.nanos("duration", Defaults.DURATION) + 3 * ctx.drainNanos() + 20_000_000_000L;
        return one * ctx.byteSizes(defaultBytes).size();
    }

    @Override
    public List<ScenarioResult> run(RunContext ctx) {
        List<ScenarioResult> results = new ArrayList<>();
        for (int bytes : ctx.byteSizes(defaultBytes)) {
            results.add(runOnce(ctx, bytes));
        }
        return results;
    }

    private FanOutResult runOnce(RunContext ctx, int bytes) {
        int n = subscribers(ctx);
        double rate = rate(ctx);
        long warmup = ctx.options.nanos("warmup", Defaults.WARMUP);
        long duration = ctx.options.nanos("duration", Defaults.DURATION);
        Map<String, Object> parameters = new LinkedHashMap<>();
        parameters.put("subscribers", n);
        parameters.put("rate", rate == 0 ? "max" : rate);
        parameters.put("bytes", bytes);
        parameters.put("warmupSeconds", warmup / 1e9);
        parameters.put("durationSeconds", duration / 1e9);
        String run = name + "-" + n + "x" + rateText(rate) + "-" + bytes + "B";
        Header header = ctx.header(run, parameters);
        FanOutResult result;
        System.out.printf("[%s] %s: %d subscriber(s), %s events/s, %d B, warmup %.1f s, measure %.1f s%n", name,
                ctx.target, n, rateText(rate), bytes, warmup / 1e9, duration / 1e9);

        ProcessTree.Sample before = ctx.server == null ? null : ctx.server.sample();
        KernelMemory kernelBefore = KernelMemory.sample();
        try (SubscriberFleet fleet = ctx.newFleet(n)) {
            Monitor monitor = new Monitor(name, fleet, ctx.server);
            double connectSeconds = Phases.connect(ctx, monitor, fleet, n, false, n);
            Publisher publisher = Phases.startPublisher(ctx, monitor, fleet, bytes, rate, warmup + duration);
            monitor.runFor(warmup, Phases.POLL_NANOS);
            Phases.requirePublishing(ctx, monitor, publisher);
            Window w = monitor.open("measure");
            System.out.printf("[%s] measure window opens%n", name);   // scripts sample other processes here
            monitor.runFor(duration, Phases.POLL_NANOS);
            monitor.close(w);
            System.out.printf("[%s] measure window closed%n", name);
            Phases.finish(ctx, publisher);
            Tail tail = Phases.tailCheck(ctx, monitor, fleet, publisher);

            WindowSummary measured = w.summary(ctx.server != null);
            Optional<ConnectionMemory> server = Optional.empty();
            if (before != null) {
                // memory per connection, events in flight included: what a host sizes for (c100k reports this)
                long streaming = w.endCounters[Counter.STREAMING.ordinal()];
                server = Optional.of(new ConnectionMemory(before.rssBytes(), w.endRss,
                        streaming == 0 ? null : (w.endRss - before.rssBytes()) / streaming));
            }
            long streamingAtEnd = w.endCounters[Counter.STREAMING.ordinal()];
            Optional<KernelShare> kernel = Optional.empty();
            if (streamingAtEnd > 0) {
                // host-wide, both ends of each loopback connection, events in flight included (c100k reports this)
                long slab = w.endKernel.slabBytes() - kernelBefore.slabBytes();
                long tcp = w.endKernel.tcpBufferBytes() - kernelBefore.tcpBufferBytes();
                kernel = Optional.of(new KernelShare("host-wide, both ends of each loopback connection", slab, tcp,
                        (slab + tcp) / streamingAtEnd, (slab + tcp) / 2 / streamingAtEnd));
            }
            result = new FanOutResult(header, connectSeconds < 0 ? null : Latency.round(connectSeconds),
                    monitor.streaming(), measured, server, kernel, RunContext.publisher(monitor.publisher()), tail,
                    RunContext.counters(monitor.fleet()), RunContext.loadGenerator(monitor),
                    checks(monitor.fleet(), monitor.publisher(), tail), Latency.round(monitor.elapsedSeconds()),
                    headline(w, ctx.server != null));
        }
        return result;
    }

    /** {@code max}, {@code 100}, {@code 0.5}: for run names. */
    static String rateText(double rate) {
        if (rate == 0) {
            return "max";
        }
        return rate == Math.rint(rate) ? Long.toString((long) rate) : Double.toString(Latency.round(rate, 2));
    }

    static Checks checks(FleetStatus f, PublisherStatus p, Tail tail) {
        return new Checks(f.get(Counter.GAPS) == 0, f.get(Counter.DUPLICATES) == 0, tail.missingEvents() == 0,
                p != null && p.rejected() == 0 && p.lost() == 0);
    }

    static String headline(Window w, boolean server) {
        StringBuilder s = new StringBuilder(String.format("%.0f events/s delivered", w.delta(Counter.EVENTS)
                / w.seconds()));
        if (w.latency.getTotalCount() > 0) {
            s.append(String.format(", latency p50 %s p99 %s p999 %s max %s",
                    Latency.human(w.latency.getValueAtPercentile(50)),
                    Latency.human(w.latency.getValueAtPercentile(99)),
                    Latency.human(w.latency.getValueAtPercentile(99.9)), Latency.human(w.latency.getMaxValue())));
        }
        long events = w.delta(Counter.EVENTS);
        if (server && events > 0) {
            s.append(String.format(", server %.2f CPU s per million deliveries",
                    (w.endServerCpu - w.startServerCpu) / 1e9 / events * 1e6));
        }
        return s.toString();
    }
}
