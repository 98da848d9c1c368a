package herald.loadtest.scenario;

import herald.loadtest.client.Publisher;
import herald.loadtest.client.SubscriberFleet;
import herald.loadtest.report.Header;
import herald.loadtest.report.Latency;
import herald.loadtest.report.ScenarioResult;
import herald.loadtest.report.SlowComparison;
import herald.loadtest.report.SlowResult;
import herald.loadtest.report.SlowServerMemory;
import herald.loadtest.report.Tail;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code slow}: N − K healthy subscribers stream one topic at R events/s of B bytes; after --warmup their
 * latency is measured for --duration ("without": the baseline). Then K more subscribers connect with a small
 * receive buffer and never read ("stalled": the kernel's buffers fill, then the server's), and the healthy
 * subscribers' latency is measured again for --duration ("with"), the server's RSS sampled every second.
 * Reports the with/without latency ratios (goal: p99 within 10%) and whether the server's memory stayed
 * bounded (its growth rate over the second half of "with"). Stalled subscribers the server cuts off reconnect
 * after --reconnect-delay and stall again.
 */
final class SlowConsumers implements Scenario {

    @Override
    public String name() {
        return "slow";
    }

    @Override
    public String topology() {
        return "SlowConsumers";
    }

    private static int subscribers(RunContext ctx) {
        return (int) ctx.options.integer("subscribers", Defaults.SUBSCRIBERS);
    }

    @Override
    public long boundNanos(RunContext ctx) {
        return 2 * ctx.connectBoundNanos(subscribers(ctx)) + ctx.options.nanos("warmup", Defaults.WARMUP)
                + 2 * ctx.options.nanos("duration", Defaults.DURATION) + 3 * ctx.drainNanos() + 20_000_000_000L;
    }

    @Override
    public List<ScenarioResult> run(RunContext ctx) {
        int n = subscribers(ctx);
        int k = (int) ctx.options.integer("stalled", Math.max(1, n / 10));
        if (k >= n) {
            throw new IllegalArgumentException("--stalled " + k + " must be below --subscribers " + n);
        }
        int healthy = n - k;
        double rate = ctx.options.rate("rate", Defaults.RATE);
        int bytes = ctx.byteSizes("1024").get(0);
        long warmup = ctx.options.nanos("warmup", Defaults.WARMUP);
        long duration = ctx.options.nanos("duration", Defaults.DURATION);
        Map<String, Object> parameters = new LinkedHashMap<>();
        parameters.put("subscribers", n);
        parameters.put("stalled", k);
        parameters.put("rate", rate == 0 ? "max" : rate);
        parameters.put("bytes", bytes);
        parameters.put("warmupSeconds", warmup / 1e9);
        parameters.put("durationSeconds", duration / 1e9);
        parameters.put("stalledReceiveBufferBytes", ctx.options.bytes("stalled-rcvbuf", Defaults.STALLED_RCVBUF));
        Header header = ctx.header("slow-" + healthy + "+" + k, parameters);
        SlowResult result;

        try (SubscriberFleet fleet = ctx.newFleet(n)) {
            Monitor monitor = new Monitor(name(), fleet, ctx.server);
            Phases.connect(ctx, monitor, fleet, healthy, false, healthy);
            long publishFor = warmup + 2 * duration + ctx.connectBoundNanos(k) + 5_000_000_000L;
            Publisher publisher = Phases.startPublisher(ctx, monitor, fleet, bytes, rate, publishFor);
            monitor.runFor(warmup, Phases.POLL_NANOS);
            Phases.requirePublishing(ctx, monitor, publisher);

            System.out.printf("[%s] phase 1: %d healthy subscribers, none stalled%n", name(), healthy);
            Window without = monitor.open("without");
            monitor.runFor(duration, Phases.POLL_NANOS);
            monitor.close(without);

            System.out.printf("[%s] phase 2: %d stalled subscribers join%n", name(), k);
            Phases.connect(ctx, monitor, fleet, k, true, n);
            Window with = monitor.open("with");
            monitor.runFor(duration, Phases.POLL_NANOS);
            monitor.close(with);
            Phases.finish(ctx, publisher);
            Tail tail = Phases.tailCheck(ctx, monitor, fleet, publisher);

            Double p99 = ratio(with, without, 99);
            SlowComparison comparison = new SlowComparison(ratio(with, without, 50), p99, ratio(with, without, 99.9),
                    "p99 with stalled subscribers <= 1.10 x without", p99 != null && p99 <= 1.10);
            Optional<SlowServerMemory> memory = Optional.empty();
            if (ctx.server != null) {
                // bounded: growth over the second half below 1% of the stalled data rate the server is offered
                double offered = k * (rate == 0 ? 0 : rate) * bytes;
                memory = Optional.of(new SlowServerMemory(with.startRss, with.maxRss(), with.endRss,
                        Latency.round(with.rssSlopePerSecond(), 0), offered,
                        offered == 0 || with.rssSlopePerSecond() < 0.01 * offered,
                        with.endKernel.tcpBufferBytes() - with.startKernel.tcpBufferBytes(),
                        "each stalled socket can hold up to tcp_wmem max (send) plus its receive buffer in the "
                                + "kernel before the server has to buffer or drop: run long enough to pass that"));
            }
            String headline = String.format("healthy p99 %s without, %s with %d stalled (x%s)%s",
                    Latency.human(without.latency.getValueAtPercentile(99)),
                    Latency.human(with.latency.getValueAtPercentile(99)), k, p99,
                    ctx.server == null ? "" : String.format("; server RSS max %.0f MiB, growth %.1f KiB/s",
                            with.maxRss() / 1048576.0, with.rssSlopePerSecond() / 1024));
            result = new SlowResult(header, comparison, without.summary(ctx.server != null),
                    with.summary(ctx.server != null), memory, RunContext.publisher(monitor.publisher()), tail,
                    RunContext.counters(monitor.fleet()), RunContext.loadGenerator(monitor),
                    OneTopicManySubscribers.checks(monitor.fleet(), monitor.publisher(), tail),
                    Latency.round(monitor.elapsedSeconds()), headline);
        }
        return List.of(result);
    }

    private static Double ratio(Window with, Window without, double percentile) {
        if (with.latency.getTotalCount() == 0 || without.latency.getTotalCount() == 0) {
            return null;
        }
        double base = without.latency.getValueAtPercentile(percentile);
        return base == 0 ? null : Latency.round(with.latency.getValueAtPercentile(percentile) / base);
    }
}
