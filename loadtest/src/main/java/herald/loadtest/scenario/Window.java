package herald.loadtest.scenario;

import herald.loadtest.client.Counter;
import herald.loadtest.client.FleetStatus;
import herald.loadtest.client.PublisherStatus;
import herald.loadtest.probe.KernelMemory;
import herald.loadtest.report.KernelWindow;
import herald.loadtest.report.Latency;
import herald.loadtest.report.LatencySummary;
import herald.loadtest.report.ServerWindow;
import herald.loadtest.report.WindowSummary;

import org.HdrHistogram.Histogram;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One measured interval of a run: counter deltas, the latencies recorded in it, CPU used in it by the server
 * and by the load generator, and the server's RSS sampled about once a second. Opened and closed by a
 * {@link Monitor}; the controller thread only.
 */
final class Window {
    final String name;
    final long startNanos;
    final long[] startCounters;
    final long startServerCpu;
    final long startLoadCpu;
    final long startPublished;
    final PublisherStatus startPublisher;              // null without a publisher
    long inFlightSum;                                  // publisher requests in flight, summed over polls
    long inFlightPolls;
    final Histogram latency = FleetStatus.newHistogram();
    final Histogram publishLatency = FleetStatus.newHistogram();
    final List<long[]> rss = new ArrayList<>();         // [ms since start, bytes]
    final long startRss;
    final KernelMemory startKernel = KernelMemory.sample();
    KernelMemory endKernel;

    long endNanos;
    long[] endCounters;
    long endServerCpu;
    long endLoadCpu;
    long endPublished;
    long endRss;
    PublisherStatus endPublisher;

    Window(String name, long now, long[] counters, long serverCpu, long loadCpu, long published, long rss) {
        this(name, now, counters, serverCpu, loadCpu, published, rss, null);
    }

    Window(String name, long now, long[] counters, long serverCpu, long loadCpu, long published, long rss,
           PublisherStatus publisher) {
        this.startPublisher = publisher;
        this.name = name;
        this.startNanos = now;
        this.startCounters = counters;
        this.startServerCpu = serverCpu;
        this.startLoadCpu = loadCpu;
        this.startPublished = published;
        this.startRss = rss;
    }

    double seconds() {
        return (endNanos - startNanos) / 1e9;
    }

    long delta(Counter c) {
        return endCounters[c.ordinal()] - startCounters[c.ordinal()];
    }

    long maxRss() {
        long max = Math.max(startRss, endRss);
        for (long[] s : rss) {
            max = Math.max(max, s[1]);
        }
        return max;
    }

    /**
     * RSS growth per second over the window's second half (least squares), in bytes: near 0 when the server's
     * memory is bounded, steady growth when it buffers for consumers that do not read.
     */
    double rssSlopePerSecond() {
        List<long[]> half = rss.subList(rss.size() / 2, rss.size());
        if (half.size() < 2) {
            return 0;
        }
        double n = half.size();
        double sx = 0;
        double sy = 0;
        double sxx = 0;
        double sxy = 0;
        for (long[] p : half) {
            double x = p[0] / 1000.0;
            double y = p[1];
            sx += x;
            sy += y;
            sxx += x * x;
            sxy += x * y;
        }
        double d = n * sxx - sx * sx;
        return d == 0 ? 0 : (n * sxy - sx * sy) / d;
    }

    /** The window as a result section; {@code server} false leaves out the server's numbers. */
    WindowSummary summary(boolean server) {
        double s = seconds();
        long events = delta(Counter.EVENTS);
        long published = endPublished - startPublished;
        Optional<ServerWindow> serverWindow = Optional.empty();
        if (server) {
            double cpu = (endServerCpu - startServerCpu) / 1e9;
            List<List<Long>> samples = new ArrayList<>();
            for (long[] p : rss) {
                samples.add(List.of(p[0], p[1]));
            }
            serverWindow = Optional.of(new ServerWindow(Latency.round(cpu), Latency.round(100 * cpu / s, 1),
                    events == 0 ? null : Latency.round(cpu / events * 1e6), startRss, endRss, maxRss(),
                    Latency.round(rssSlopePerSecond(), 0), samples));
        }
        // host-wide: socket buffers of both ends; a stalled reader's data waits here before any server buffers it
        Optional<KernelWindow> kernel = endKernel == null ? Optional.empty()
                : Optional.of(new KernelWindow(startKernel.tcpBufferBytes(), endKernel.tcpBufferBytes()));
        return new WindowSummary(Latency.round(s), events, Latency.round(events / s, 1), published,
                Latency.round(published / s, 1), delta(Counter.GAPS), delta(Counter.GAP_EVENTS),
                delta(Counter.DUPLICATES), delta(Counter.SERVER_CLOSES), LatencySummary.of(latency),
                LatencySummary.of(publishLatency), Latency.round((endLoadCpu - startLoadCpu) / 1e9), serverWindow,
                kernel);
    }
}
