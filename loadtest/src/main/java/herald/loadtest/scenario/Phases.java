package herald.loadtest.scenario;

import herald.loadtest.client.Counter;
import herald.loadtest.client.FleetStatus;
import herald.loadtest.client.Publisher;
import herald.loadtest.client.PublisherStatus;
import herald.loadtest.client.SubscriberFleet;
import herald.loadtest.report.Tail;

import java.util.concurrent.TimeUnit;

/** Steps scenarios share: connecting a batch, finishing a publisher, the end-of-run tail check. */
final class Phases {
    static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(250);

    private Phases() {
    }

    /**
     * Opens {@code n} subscriptions and polls until {@code streamingTarget} stream (or the bound passes).
     *
     * @return seconds until all streamed, or -1 if the bound passed first
     */
    static double connect(RunContext ctx, Monitor monitor, SubscriberFleet fleet, int n, boolean stalled,
                          long streamingTarget) {
        long start = System.nanoTime();
        long failuresBefore = failures(monitor.fleet());
        fleet.open(n, stalled);
        boolean all = monitor.runUntil(() -> monitor.streaming() >= streamingTarget
                        || deadTarget(monitor, n, failuresBefore, start), ctx.connectBoundNanos(n),
                TimeUnit.MILLISECONDS.toNanos(50));
        double seconds = (System.nanoTime() - start) / 1e9;
        if (monitor.streaming() == 0) {
            FleetStatus f = monitor.fleet();
            throw new IllegalStateException(String.format("no subscription streams from %s after %.1f s "
                            + "(connect failures %d, timeouts %d, 4xx %d, 5xx %d, other 2xx %d, protocol errors %d)",
                    ctx.subscribeUrls.get(0), seconds, f.get(Counter.CONNECT_FAILURES), f.get(Counter.TIMEOUTS),
                    f.get(Counter.STATUS_4XX), f.get(Counter.STATUS_5XX), f.get(Counter.STATUS_2XX_NOT_200),
                    f.get(Counter.PROTOCOL_ERRORS)));
        }
        if (!all || monitor.streaming() < streamingTarget) {
            System.out.printf("[%s] only %d of %d subscriptions streaming after %.1f s; going on with them%n",
                    ctx.scenario.name(), monitor.streaming(), streamingTarget, seconds);
            return -1;
        }
        return seconds;
    }

    /** Every subscription has failed at least once and none streams, for 2 s: the target is down or wrong. */
    private static boolean deadTarget(Monitor monitor, int n, long failuresBefore, long start) {
        return monitor.streaming() == 0 && failures(monitor.fleet()) - failuresBefore >= n
                && System.nanoTime() - start > TimeUnit.SECONDS.toNanos(2);
    }

    private static long failures(FleetStatus f) {
        return f.get(Counter.CONNECT_FAILURES) + f.get(Counter.TIMEOUTS) + f.get(Counter.RESETS)
                + f.get(Counter.PROTOCOL_ERRORS) + f.get(Counter.STATUS_2XX_NOT_200) + f.get(Counter.STATUS_3XX)
                + f.get(Counter.STATUS_4XX) + f.get(Counter.STATUS_5XX);
    }

    /** Starts a publisher and waits until its connections are up and its schedule has started. */
    static Publisher startPublisher(RunContext ctx, Monitor monitor, SubscriberFleet fleet, int bytes, double rate,
                                    long durationNanos) {
        Publisher p = ctx.newPublisher(bytes, rate, durationNanos);
        p.gate(fleet::deliveredPerSubscriber);
        monitor.attach(p);
        p.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (p.schedule() == null && System.nanoTime() - deadline < 0) {
            Monitor.sleep(TimeUnit.MILLISECONDS.toNanos(5));
        }
        return p;
    }

    /** After the warmup: a run where not one publish was accepted measures nothing; stop it with the reason. */
    static void requirePublishing(RunContext ctx, Monitor monitor, Publisher p) {
        monitor.poll();
        PublisherStatus st = monitor.publisher();
        if (st != null && st.accepted() == 0) {
            p.stop();
            throw new IllegalStateException(String.format("no publish accepted by %s %s during the warmup "
                            + "(sent %d, rejected %d: 4xx %d 5xx %d, lost %d, connection failures %d)",
                    ctx.publishMethod, ctx.publishUrls.get(0), st.sent(), st.rejected(), st.statusClasses()[4],
                    st.statusClasses()[5], st.lost(), st.connectFailures()));
        }
    }

    /** Lets the publisher finish (stop sending, drain answers) and waits for its thread, bounded. */
    static void finish(RunContext ctx, Publisher p) {
        p.finish();
        try {
            if (!p.join(TimeUnit.NANOSECONDS.toMillis(ctx.drainNanos()) + 5_000)) {
                p.stop();
                p.join(5_000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * After the publisher has finished: waits (up to --drain) until every healthy subscription has every event
     * the server accepted, then reports what is still missing.
     */
    static Tail tailCheck(RunContext ctx, Monitor monitor, SubscriberFleet fleet, Publisher p) {
        long[][] last = ctx.bySubscribeUrl(p.lastAccepted());
        long[][] result = new long[1][];
        monitor.runUntil(() -> {
            result[0] = fleet.missingAtEnd(last);
            return result[0][0] == 0 && result[0][1] == 0;
        }, ctx.drainNanos(), POLL_NANOS);
        return new Tail(result[0][0], result[0][1], result[0][2]);
    }
}
