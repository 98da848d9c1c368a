package herald.loadtest.report;

import java.util.Optional;

/**
 * One measured window ({@code measured}, {@code without}, {@code with}): counter deltas, latencies, CPU, and with
 * {@code --server-pid} the server's CPU and RSS.
 */
public record WindowSummary(double seconds, long deliveredEvents, double deliveredPerSecond, long publishedEvents,
                            double publishedPerSecond, long gaps, long gapEvents, long duplicates, long serverCloses,
                            LatencySummary latency, LatencySummary publishLatency, double loadGeneratorCpuSeconds,
                            @Json.Inline Optional<ServerWindow> server, @Json.Inline Optional<KernelWindow> kernel) {
}
