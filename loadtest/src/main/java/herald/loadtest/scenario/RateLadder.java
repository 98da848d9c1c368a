package herald.loadtest.scenario;

import herald.loadtest.client.Counter;
import herald.loadtest.client.FleetStatus;
import herald.loadtest.client.Publisher;
import herald.loadtest.client.PublisherStatus;
import herald.loadtest.client.SubscriberFleet;
import herald.loadtest.report.LadderResult;
import herald.loadtest.report.LadderStep;
import herald.loadtest.report.Latency;
import herald.loadtest.report.LatencySummary;
import herald.loadtest.report.ScenarioResult;
import herald.loadtest.report.Tail;
import herald.loadtest.report.WindowSummary;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code ladder}: S subscribers of one topic (default 10,000) and B-byte events published open-loop at each rate of
 * {@code --rates} in turn (default 100, 200, 400, 800, 1,600 events/s and {@code max}), one step per rate with a
 * fresh set of subscriptions: what the publisher offered, what the server accepted and refused (503, 429), what
 * reached the subscribers (delivered/s and the ratio to accepted × subscribers), latency, cut-offs. A step
 * "sustains" its rate when {@link LadderStep#isSustained} holds; the report names the highest such rate per target.
 *
 * <p><b>The max step</b> is the same open-loop schedule at {@code --max-rate} (default 20,000 events/s): more than
 * any server here takes at 10,000 subscribers, so the step measures the server overloaded. A publish the server has
 * not taken yet (every pipeline slot busy) is still offered: it waits, and its latency counts from its intended time.
 *
 * <p><b>On a 503</b> (or any non-2xx) the publisher counts the answer and goes on with its schedule: it does not
 * retry the event, does not pause and does not read {@code Retry-After}, so a server that pushes back cannot lower
 * the offered load. The refused event is simply not published (subscribers see its sequence number skipped, which
 * the order check counts as a gap: read gaps together with the publisher's refusals).
 */
final class RateLadder implements Scenario {
    static final String DEFAULT_RATES = "100,200,400,800,1600,max";
    static final double DEFAULT_MAX_RATE = 20_000;
    static final long DEFAULT_SUBSCRIBERS = 10_000;
    private static final long SCHEDULE_SLACK_NANOS = 5_000_000_000L;

    @Override
    public String name() {
        return "ladder";
    }

    @Override
    public String topology() {
        return "RateLadder";
    }

    /** The steps' rates in order; 0 is the max step. */
    static List<Double> rates(Options options) {
        List<Double> out = new ArrayList<>();
        for (String s : options.list("rates", DEFAULT_RATES)) {
            if (s.equalsIgnoreCase("max")) {
                out.add(0.0);
                continue;
            }
            try {
                double r = Double.parseDouble(s);
                if (!(r > 0) || Double.isInfinite(r)) {
                    throw new NumberFormatException();
                }
                out.add(r);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--rates: not a rate (a number > 0, or max): " + s);
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("--rates: give at least one rate");
        }
        return out;
    }

    static double maxRate(Options options) {
        double r = options.rate("max-rate", DEFAULT_MAX_RATE);
        if (r <= 0) {
            throw new IllegalArgumentException("--max-rate: a number of events per second > 0");
        }
        return r;
    }

    private static int subscribers(RunContext ctx) {
        return (int) ctx.options.integer("subscribers", DEFAULT_SUBSCRIBERS);
    }

    @Override
    public long boundNanos(RunContext ctx) {
        long one = ctx.connectBoundNanos(subscribers(ctx)) + ctx.options.nanos("warmup", Defaults.WARMUP)
                + ctx.options.nanos("duration", Defaults.DURATION) + 3 * ctx.drainNanos() + SCHEDULE_SLACK_NANOS
                + 20_000_000_000L;
        return one * rates(ctx.options).size() * ctx.byteSizes("64").size();
    }

    @Override
    public List<ScenarioResult> run(RunContext ctx) {
        List<Double> rates = rates(ctx.options);
        double maxRate = maxRate(ctx.options);
        List<ScenarioResult> results = new ArrayList<>();
        for (int bytes : ctx.byteSizes("64")) {
            for (double rate : rates) {
                results.add(step(ctx, bytes, rate, maxRate));
            }
        }
        return results;
    }

    private LadderResult step(RunContext ctx, int bytes, double rate, double maxRate) {
        int n = subscribers(ctx);
        double offered = rate == 0 ? maxRate : rate;
        long warmup = ctx.options.nanos("warmup", Defaults.WARMUP);
        long duration = ctx.options.nanos("duration", Defaults.DURATION);
        String rateName = OneTopicManySubscribers.rateText(rate);
        Map<String, Object> parameters = new LinkedHashMap<>();
        parameters.put("subscribers", n);
        parameters.put("rate", rate == 0 ? "max" : rate);
        parameters.put("offeredRate", offered);
        parameters.put("bytes", bytes);
        parameters.put("warmupSeconds", warmup / 1e9);
        parameters.put("durationSeconds", duration / 1e9);
        String run = name() + "-" + n + "x" + rateName + "-" + bytes + "B";
        System.out.printf("[ladder] %s: step %s: %d subscriber(s), %s events/s offered open-loop, %d B, warmup %.1f s,"
                + " measure %.1f s%n", ctx.target, rateName, n, OneTopicManySubscribers.rateText(offered), bytes,
                warmup / 1e9, duration / 1e9);
        try (SubscriberFleet fleet = ctx.newFleet(n)) {
            Monitor monitor = new Monitor("ladder " + rateName, fleet, ctx.server);
            double connectSeconds = Phases.connect(ctx, monitor, fleet, n, false, n);
            FleetStatus before = monitor.fleet();
            // the schedule outlasts the window (polls overrun their sleeps); finish() ends it when the window closes
            Publisher publisher = Phases.startPublisher(ctx, monitor, fleet, bytes, offered, warmup + duration
                    + SCHEDULE_SLACK_NANOS);
            monitor.runFor(warmup, Phases.POLL_NANOS);
            PublisherStatus warm = monitor.publisher();
            if (warm != null && warm.rejected() == 0) {
                Phases.requirePublishing(ctx, monitor, publisher);   // refusals are a result; silence is a failure
            }
            Window w = monitor.open("measure");
            monitor.runFor(duration, Phases.POLL_NANOS);
            monitor.close(w);
            Phases.finish(ctx, publisher);
            Tail tail = Phases.tailCheck(ctx, monitor, fleet, publisher);
            monitor.poll();                         // counters as of now: the tail check asked the subscriptions last

            FleetStatus after = monitor.fleet();
            PublisherStatus p = monitor.publisher();
            WindowSummary measured = w.summary(ctx.server != null);
            LadderStep step = ladderStep(rateName, offered, w, n, before, after, p, ctx.lanes()
                    * Math.max(1, ctx.options.integer("pipeline", Defaults.PIPELINE)));
            return new LadderResult(ctx.header(run, parameters), connectSeconds < 0 ? null
                    : Latency.round(connectSeconds), monitor.streaming(), step, measured, RunContext.publisher(p), tail,
                    RunContext.counters(after), RunContext.loadGenerator(monitor),
                    OneTopicManySubscribers.checks(after, p, tail), Latency.round(monitor.elapsedSeconds()),
                    headline(step, n));
        }
    }

    /**
     * The step's figures from the measured window {@code w}, the subscriber counters before publishing started and
     * after the tail check, and the publisher's final status.
     */
    static LadderStep ladderStep(String rateName, double offeredRate, Window w, long subscribers, FleetStatus before,
                                 FleetStatus after, PublisherStatus publisher, long capacity) {
        double s = w.seconds();
        PublisherStatus a = w.startPublisher;
        PublisherStatus b = w.endPublisher;
        long due = b.due() - (a == null ? 0 : a.due());
        long sent = b.sent() - (a == null ? 0 : a.sent());
        long accepted = b.accepted() - (a == null ? 0 : a.accepted());
        long rejected = b.rejected() - (a == null ? 0 : a.rejected());
        long s503 = b.rejected503() - (a == null ? 0 : a.rejected503());
        long s429 = b.rejected429() - (a == null ? 0 : a.rejected429());
        long lost = b.lost() - (a == null ? 0 : a.lost());
        long delivered = (after.get(Counter.EVENTS) - before.get(Counter.EVENTS))
                - (after.get(Counter.DUPLICATES) - before.get(Counter.DUPLICATES));
        long expected = publisher.accepted() * subscribers;
        Double ratio = LadderStep.ratio(delivered, publisher.accepted(), subscribers);
        LatencySummary latency = LatencySummary.of(w.latency);
        Double p50 = latency.distribution().map(d -> d.p50()).orElse(null);
        Double p99 = latency.distribution().map(d -> d.p99()).orElse(null);
        double offeredPerSecond = Latency.round(due / s, 1);
        double acceptedPerSecond = Latency.round(accepted / s, 1);
        return new LadderStep(rateName, offeredRate, offeredPerSecond, Latency.round(sent / s, 1), acceptedPerSecond,
                s503, s429, rejected - s503 - s429, lost,
                Latency.round(w.inFlightPolls == 0 ? 0 : (double) w.inFlightSum / w.inFlightPolls, 1), capacity,
                Latency.round(w.delta(Counter.EVENTS) / s, 1), delivered, expected, ratio, p50, p99,
                after.get(Counter.SERVER_CLOSES) - before.get(Counter.SERVER_CLOSES),
                after.get(Counter.TYPED_EVENTS) - before.get(Counter.TYPED_EVENTS),
                LadderStep.isSustained(ratio, p99, acceptedPerSecond, offeredPerSecond));
    }

    static String headline(LadderStep st, long subscribers) {
        return String.format("%s: offered %.0f/s, accepted %.0f/s, 503 %d, 429 %d; delivered %.0f/s, ratio %s, "
                        + "p50 %s p99 %s; cut-offs %d, gap signals %d; %s",
                st.rate(), st.offeredPerSecond(), st.acceptedPerSecond(), st.status503(), st.status429(),
                st.deliveredPerSecond(), st.deliveryRatio() == null ? "n/a"
                        : String.format("%.4f", st.deliveryRatio()),
                st.p50Micros() == null ? "n/a" : Latency.human((long) (st.p50Micros() * 1000)),
                st.p99Micros() == null ? "n/a" : Latency.human((long) (st.p99Micros() * 1000)), st.serverCloses(),
                st.gapSignals(), st.sustained() ? "sustained at " + subscribers + " subscribers" : "not sustained");
    }
}
