package herald.loadtest.report;

import herald.loadtest.client.FleetStatus;
import org.HdrHistogram.Histogram;

import java.util.Optional;

/**
 * A latency section, in microseconds: count, and when anything was recorded the mean, percentiles, max, the
 * percentile curve for plots ({@code [percentile, µs]} pairs, five points per halving of the tail) and the
 * histogram itself (base64 of the compressed encoding), so any percentile can be recomputed and runs merged later.
 */
public record LatencySummary(String unit, long count, @Json.Inline Optional<Distribution> distribution) {

    /** The summary of a histogram of nanoseconds. */
    public static LatencySummary of(Histogram h) {
        if (h.getTotalCount() == 0) {
            return new LatencySummary("us", 0, Optional.empty());
        }
        return new LatencySummary("us", h.getTotalCount(), Optional.of(new Distribution(
                Latency.round(h.getMean() / 1000.0), Latency.us(h, 50), Latency.us(h, 90), Latency.us(h, 99),
                Latency.us(h, 99.9), Latency.us(h, 99.99), Latency.round(h.getMaxValue() / 1000.0), Latency.curve(h),
                FleetStatus.encodeHistogram(h))));
    }
}
