package herald.loadtest.report;

import java.util.List;

/** The part of a {@link LatencySummary} that exists only when something was recorded (inlined). */
public record Distribution(double mean, double p50, double p90, double p99, double p999, double p9999, double max,
                           List<List<Double>> percentiles, String histogram) {
}
