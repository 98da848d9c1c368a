package herald.loadtest.scenario;

import herald.loadtest.client.Counter;
import herald.loadtest.client.FleetStatus;
import herald.loadtest.client.Publisher;
import herald.loadtest.client.PublisherStatus;
import herald.loadtest.client.SubscriberFleet;
import herald.loadtest.probe.KernelMemory;
import herald.loadtest.probe.ProcessTree;
import herald.loadtest.report.Latency;

import org.HdrHistogram.Histogram;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Polls a run's moving parts (subscriptions, publisher, server), feeds the latencies into the open
 * {@link Window}s and prints one progress line about every second. Controller thread only.
 *
 * <pre>
 * [fanout   7.0s] streams 1000/1000 | recv 100.0k/s | lat p50 520us p99 1.73ms max 3.10ms | pub 100/s
 *                 | gaps 0 dups 0 | server 153 MiB cpu 41%          (one line)
 * </pre>
 */
final class Monitor {
    private static final long PRINT_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final String label;
    private final SubscriberFleet fleet;
    private final ProcessTree server;
    private final long t0 = System.nanoTime();
    private final List<Window> open = new ArrayList<>();
    private final Histogram sincePrint = FleetStatus.newHistogram();
    private Publisher publisher;

    private FleetStatus fleetStatus = FleetStatus.empty();
    private PublisherStatus publisherStatus;
    private ProcessTree.Sample serverSample;
    private long lastPrintNanos = t0;
    private long polledNanos = t0;
    private long lastPrintEvents;
    private long lastPrintAccepted;
    private long lastPrintServerCpu = -1;

    Monitor(String label, SubscriberFleet fleet, ProcessTree server) {
        this.label = label;
        this.fleet = fleet;
        this.server = server;
        this.serverSample = server == null ? null : server.sample();
        this.lastPrintServerCpu = serverSample == null ? -1 : serverSample.cpuNanos();
    }

    void attach(Publisher p) {
        this.publisher = p;
        this.lastPrintAccepted = 0;
    }

    FleetStatus fleet() {
        return fleetStatus;
    }

    PublisherStatus publisher() {
        return publisherStatus;
    }

    long streaming() {
        return fleetStatus.get(Counter.STREAMING);
    }

    double elapsedSeconds() {
        return (System.nanoTime() - t0) / 1e9;
    }

    /** One poll: statuses in, latencies into the open windows, a progress line if a second has passed. */
    void poll() {
        FleetStatus f = fleet.status();
        PublisherStatus p = publisher == null ? null : publisher.status();
        polledNanos = System.nanoTime();            // the statuses' time; a progress line may follow and take a while
        fleetStatus = f;
        publisherStatus = p;
        for (Window w : open) {
            w.latency.add(f.latency());
            if (p != null) {
                w.publishLatency.add(p.latency());
                w.inFlightSum += p.inFlight();
                w.inFlightPolls++;
            }
        }
        sincePrint.add(f.latency());
        long now = System.nanoTime();
        if (now - lastPrintNanos >= PRINT_NANOS) {
            sampleServer();
            print(now);
        }
    }

    /** Polls every {@code pollNanos} for {@code nanos}. */
    void runFor(long nanos, long pollNanos) {
        long end = System.nanoTime() + nanos;
        while (true) {
            long left = end - System.nanoTime();
            if (left <= 0) {
                poll();
                return;
            }
            sleep(Math.min(left, pollNanos));
            poll();
        }
    }

    /** Polls until {@code done} or the timeout; true if done. {@code done} sees the latest {@link #fleet()}. */
    boolean runUntil(BooleanSupplier done, long timeoutNanos, long pollNanos) {
        long end = System.nanoTime() + timeoutNanos;
        while (true) {
            poll();
            if (done.getAsBoolean()) {
                return true;
            }
            long left = end - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            sleep(Math.min(left, pollNanos));
        }
    }

    Window open(String name) {
        poll();
        long polled = polledNanos;                  // the counters' time, not after the server's /proc was read
        sampleServer();
        long serverCpu = serverSample == null ? 0 : serverSample.cpuNanos();
        long rss = serverSample == null ? 0 : serverSample.rssBytes();
        Window w = new Window(name, polled, fleetStatus.counters().clone(), serverCpu, loadCpu(),
                published(), rss, publisherStatus);
        open.add(w);
        return w;
    }

    void close(Window w) {
        poll();
        w.endNanos = polledNanos;
        sampleServer();
        open.remove(w);
        w.endCounters = fleetStatus.counters().clone();
        w.endServerCpu = serverSample == null ? 0 : serverSample.cpuNanos();
        w.endRss = serverSample == null ? 0 : serverSample.rssBytes();
        w.endLoadCpu = loadCpu();
        w.endPublished = published();
        w.endPublisher = publisherStatus;
        w.endKernel = KernelMemory.sample();
    }

    /** CPU of every load-generator process: this one (publisher, controller, local subscriptions) and workers. */
    long loadCpu() {
        return ProcessTree.selfCpuNanos() + fleetStatus.cpuNanos();
    }

    private long published() {
        return publisherStatus == null ? 0 : publisherStatus.accepted();
    }

    private void sampleServer() {
        if (server == null) {
            return;
        }
        serverSample = server.sample();
        for (Window w : open) {
            w.rss.add(new long[]{(serverSample.nanoTime() - w.startNanos) / 1_000_000, serverSample.rssBytes()});
        }
    }

    private void print(long now) {
        double dt = (now - lastPrintNanos) / 1e9;
        FleetStatus f = fleetStatus;
        StringBuilder s = new StringBuilder(200);
        s.append(String.format("[%s %5.1fs] streams %d/%d", label, (now - t0) / 1e9, f.get(Counter.STREAMING),
                fleet.opened()));
        long events = f.get(Counter.EVENTS);
        s.append(" | recv ").append(rate((events - lastPrintEvents) / dt)).append("/s");
        lastPrintEvents = events;
        if (sincePrint.getTotalCount() > 0) {
            s.append(" | lat p50 ").append(Latency.human(sincePrint.getValueAtPercentile(50)))
                    .append(" p99 ").append(Latency.human(sincePrint.getValueAtPercentile(99)))
                    .append(" max ").append(Latency.human(sincePrint.getMaxValue()));
        }
        sincePrint.reset();
        PublisherStatus p = publisherStatus;
        if (p != null) {
            s.append(" | pub ").append(rate((p.accepted() - lastPrintAccepted) / dt)).append("/s");
            if (p.rejected() > 0 || p.lost() > 0) {
                s.append(" rej ").append(p.rejected());
                if (p.rejected503() > 0) {
                    s.append(" (503 ").append(p.rejected503()).append(')');
                }
                s.append(" lost ").append(p.lost());
            }
            lastPrintAccepted = p.accepted();
        }
        s.append(" | gaps ").append(f.get(Counter.GAPS)).append(" dups ").append(f.get(Counter.DUPLICATES));
        long failures = f.get(Counter.CONNECT_FAILURES) + f.get(Counter.TIMEOUTS) + f.get(Counter.RESETS)
                + f.get(Counter.PROTOCOL_ERRORS) + f.get(Counter.STATUS_4XX) + f.get(Counter.STATUS_5XX);
        if (failures > 0) {
            s.append(" | failures ").append(failures);
        }
        if (serverSample != null) {
            s.append(String.format(" | server %.0f MiB", serverSample.rssBytes() / 1048576.0));
            if (lastPrintServerCpu >= 0) {
                s.append(String.format(" cpu %.0f%%", 100.0 * (serverSample.cpuNanos() - lastPrintServerCpu)
                        / (dt * 1e9)));
            }
            lastPrintServerCpu = serverSample.cpuNanos();
        }
        System.out.println(s);
        lastPrintNanos = now;
    }

    private static String rate(double perSecond) {
        if (perSecond >= 1e6) {
            return String.format("%.2fM", perSecond / 1e6);
        }
        if (perSecond >= 1e4) {
            return String.format("%.1fk", perSecond / 1e3);
        }
        return String.format("%.0f", perSecond);
    }

    static void sleep(long nanos) {
        try {
            TimeUnit.NANOSECONDS.sleep(nanos);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted");
        }
    }
}
