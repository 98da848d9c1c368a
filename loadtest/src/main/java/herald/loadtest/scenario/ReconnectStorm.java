package herald.loadtest.scenario;

import herald.loadtest.client.Counter;
import herald.loadtest.client.Publisher;
import herald.loadtest.client.SubscriberFleet;
import herald.loadtest.report.Header;
import herald.loadtest.report.Latency;
import herald.loadtest.report.ReconnectChecks;
import herald.loadtest.report.ReconnectResult;
import herald.loadtest.report.ScenarioResult;
import herald.loadtest.report.Storm;
import herald.loadtest.report.Tail;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code reconnect}: N subscribers stream one topic while R events/s are published; after --warmup every one of
 * them closes its connection at the same moment and reconnects with {@code Last-Event-ID} (all at once, or
 * paced by --reconnect-rate) while publishing goes on. With --kill-pid the drop is the server's death instead: the
 * process is sent SIGKILL and the subscriptions reconnect --reconnect-delay after they see their streams end. With
 * --resume-url they reconnect to another URL (another node of a cluster) from the drop on. Measures the time until
 * all are streaming again and until all have caught up (every subscriber has, in every publisher lane, an event
 * sent after the drop: what was published while it was away has been replayed), then publishes 2 s more, stops,
 * and checks: no gap, no duplicate, nothing missing at the end. Bounded by --recover-timeout.
 */
final class ReconnectStorm implements Scenario {
    private static final long AFTER_RECOVERY_NANOS = TimeUnit.SECONDS.toNanos(2);
    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    @Override
    public String name() {
        return "reconnect";
    }

    @Override
    public String topology() {
        return "ReconnectStorm";
    }

    private static int subscribers(RunContext ctx) {
        return (int) ctx.options.integer("subscribers", Defaults.SUBSCRIBERS);
    }

    @Override
    public long boundNanos(RunContext ctx) {
        return ctx.connectBoundNanos(subscribers(ctx)) + ctx.options.nanos("warmup", Defaults.WARMUP)
                + ctx.options.nanos("recover-timeout", Defaults.RECOVER_TIMEOUT) + AFTER_RECOVERY_NANOS + 3 * ctx.drainNanos()
                + TimeUnit.SECONDS.toNanos(20);
    }

    @Override
    public List<ScenarioResult> run(RunContext ctx) {
        int n = subscribers(ctx);
        double rate = ctx.options.rate("rate", Defaults.RATE);
        int bytes = ctx.byteSizes("64").get(0);
        long warmup = ctx.options.nanos("warmup", Defaults.WARMUP);
        long recoverTimeout = ctx.options.nanos("recover-timeout", Defaults.RECOVER_TIMEOUT);
        double reconnectRate = ctx.options.rate("reconnect-rate", 0);
        ProcessHandle victim = victim(ctx);
        List<String> resumeUrls = ctx.options.list("resume-url", null);
        Map<String, Object> parameters = new LinkedHashMap<>();
        parameters.put("subscribers", n);
        parameters.put("rate", rate == 0 ? "max" : rate);
        parameters.put("bytes", bytes);
        parameters.put("warmupSeconds", warmup / 1e9);
        parameters.put("reconnectRate", reconnectRate == 0 ? "all at once" : reconnectRate);
        parameters.put("recoverTimeoutSeconds", recoverTimeout / 1e9);
        parameters.put("drop", victim == null ? "subscriptions close" : "SIGKILL of PID " + victim.pid());
        parameters.put("resumeUrls", resumeUrls.isEmpty() ? "the subscribe URLs" : String.join(",", resumeUrls));
        Header header = ctx.header("reconnect-" + n, parameters);
        ReconnectResult result;

        try (SubscriberFleet fleet = ctx.newFleet(n)) {
            Monitor monitor = new Monitor(name(), fleet, ctx.server);
            Phases.connect(ctx, monitor, fleet, n, false, n);
            long publishFor = warmup + recoverTimeout + AFTER_RECOVERY_NANOS + TimeUnit.SECONDS.toNanos(5);
            Publisher publisher = Phases.startPublisher(ctx, monitor, fleet, bytes, rate, publishFor);
            monitor.runFor(warmup, Phases.POLL_NANOS);
            Phases.requirePublishing(ctx, monitor, publisher);

            long streamingBefore = monitor.streaming();
            long seqAtDrop = publisher.status().lastSent();
            long opensBefore = monitor.fleet().get(Counter.STREAMS_OPENED);
            Window w = monitor.open("storm");
            if (!resumeUrls.isEmpty()) {
                fleet.moveToResumeUrls();
            }
            long dropNanos = System.nanoTime();
            long dropped;
            if (victim == null) {
                dropped = fleet.dropAll(reconnectRate);
            } else {
                dropped = streamingBefore;
                kill(victim);
            }
            System.out.printf("[%s] dropped %d streams at seq %d (%s); reconnecting with Last-Event-ID to %s%n",
                    name(), dropped, seqAtDrop, parameters.get("drop"), parameters.get("resumeUrls"));
            long[] reconnectedAt = {-1};
            long[] caughtUp = {0};
            boolean recovered = monitor.runUntil(() -> {
                long now = System.nanoTime();
                if (reconnectedAt[0] < 0 && monitor.fleet().get(Counter.STREAMS_OPENED) - opensBefore >= dropped
                        && monitor.streaming() >= streamingBefore) {
                    reconnectedAt[0] = now;
                }
                caughtUp[0] = fleet.caughtUp(seqAtDrop);
                return reconnectedAt[0] >= 0 && caughtUp[0] >= streamingBefore;
            }, recoverTimeout, POLL_NANOS);
            long recoveredNanos = System.nanoTime();
            if (!recovered) {
                System.out.printf("[%s] not recovered after %.1f s: %d streaming, %d caught up%n", name(),
                        recoverTimeout / 1e9, monitor.streaming(), caughtUp[0]);
            }
            monitor.runFor(AFTER_RECOVERY_NANOS, Phases.POLL_NANOS);
            Phases.finish(ctx, publisher);
            monitor.close(w);
            Tail tail = Phases.tailCheck(ctx, monitor, fleet, publisher);

            Storm storm = new Storm(dropped, seqAtDrop, reconnectedAt[0] < 0 ? null
                    : Latency.round((reconnectedAt[0] - dropNanos) / 1e9), recovered,
                    recovered ? Latency.round((recoveredNanos - dropNanos) / 1e9) : null,
                    recovered ? streamingBefore : caughtUp[0], monitor.fleet().get(Counter.RESUMES),
                    monitor.fleet().get(Counter.TYPED_EVENTS));
            ReconnectChecks checks = new ReconnectChecks(
                    OneTopicManySubscribers.checks(monitor.fleet(), monitor.publisher(), tail),
                    monitor.fleet().get(Counter.GAP_EVENTS) == 0 && tail.missingEvents() == 0,
                    monitor.fleet().get(Counter.DUPLICATES) == 0, recovered);
            String back = reconnectedAt[0] < 0 ? "not all back" : "all back in " + storm.reconnectSeconds() + " s";
            String up = recovered ? "caught up in " + storm.recoverSeconds() + " s"
                    : "not caught up within " + recoverTimeout / 1_000_000_000 + " s (" + caughtUp[0] + " were)";
            String headline = String.format("%d dropped; %s, %s; lost %d, duplicates %d, missing at end %s",
                    dropped, back, up, monitor.fleet().get(Counter.GAP_EVENTS), monitor.fleet().get(Counter.DUPLICATES),
                    tail.missingEvents());
            result = new ReconnectResult(header, storm, w.summary(ctx.server != null),
                    RunContext.publisher(monitor.publisher()), tail, RunContext.counters(monitor.fleet()),
                    RunContext.loadGenerator(monitor), checks, Latency.round(monitor.elapsedSeconds()), headline);
        }
        return List.of(result);
    }

    /** The process --kill-pid names, checked before anything starts; null without the option. */
    static ProcessHandle victim(RunContext ctx) {
        if (!ctx.options.has("kill-pid")) {
            return null;
        }
        long pid = ctx.options.integer("kill-pid", 0);
        if (pid <= 1 || pid == ProcessHandle.current().pid()) {
            throw new IllegalArgumentException("--kill-pid: not a server's PID: " + pid);
        }
        return ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
                .orElseThrow(() -> new IllegalArgumentException("--kill-pid: no process " + pid));
    }

    /** SIGKILL, then up to 5 s for the process to be gone (its sockets are closed by the kernel as it dies). */
    private void kill(ProcessHandle victim) {
        if (!victim.destroyForcibly()) {
            throw new IllegalStateException("--kill-pid: could not send SIGKILL to " + victim.pid());
        }
        try {
            victim.onExit().get(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            System.out.printf("[%s] PID %d still there 5 s after SIGKILL%n", name(), victim.pid());
        }
    }
}
