package herald.loadtest.report;

import java.util.List;

/** The server's share of a {@link WindowSummary} (inlined; present with {@code --server-pid}). */
public record ServerWindow(double serverCpuSeconds, double serverCpuPercent,
                           Double serverCpuSecondsPerMillionDeliveries, long serverRssStartBytes,
                           long serverRssEndBytes, long serverRssMaxBytes, double serverRssGrowthBytesPerSecond,
                           List<List<Long>> serverRssSamples) {
}
