package herald.loadtest.report;

import herald.loadtest.client.FleetStatus;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Latency summaries of an HdrHistogram of nanoseconds, in microseconds, for results and reports. */
public final class Latency {
    private Latency() {
    }

    /**
     * Count, mean, percentiles, max (µs), the percentile curve for plots ({@code [percentile, µs]} pairs, five
     * points per halving of the tail) and the histogram itself (base64 of the compressed encoding), so any
     * percentile can be recomputed and runs can be merged later.
     */
    public static Map<String, Object> summary(Histogram h) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("unit", "us");
        m.put("count", h.getTotalCount());
        if (h.getTotalCount() == 0) {
            return m;
        }
        m.put("mean", round(h.getMean() / 1000.0));
        m.put("p50", us(h, 50));
        m.put("p90", us(h, 90));
        m.put("p99", us(h, 99));
        m.put("p999", us(h, 99.9));
        m.put("p9999", us(h, 99.99));
        m.put("max", round(h.getMaxValue() / 1000.0));
        m.put("percentiles", curve(h));
        m.put("histogram", FleetStatus.encodeHistogram(h));
        return m;
    }

    static double us(Histogram h, double percentile) {
        return round(h.getValueAtPercentile(percentile) / 1000.0);
    }

    static List<List<Double>> curve(Histogram h) {
        List<List<Double>> points = new ArrayList<>();
        double lastP = -1;
        for (HistogramIterationValue v : h.percentiles(5)) {
            double p = v.getPercentileLevelIteratedTo();
            if (p == lastP) {
                continue;
            }
            lastP = p;
            points.add(List.of(round(p, 6), round(v.getValueIteratedTo() / 1000.0)));
            if (p >= 100.0 || points.size() > 400) {
                break;
            }
        }
        return points;
    }

    public static double round(double v) {
        return round(v, 3);
    }

    public static double round(double v, int digits) {
        double f = Math.pow(10, digits);
        return Math.round(v * f) / f;
    }

    /** "0.41 ms", "12 µs", "3.2 s": for progress lines. */
    public static String human(long nanos) {
        if (nanos < 10_000) {
            return String.format("%.1fus", nanos / 1e3);
        }
        if (nanos < 1_000_000) {
            return String.format("%.0fus", nanos / 1e3);
        }
        if (nanos < 1_000_000_000) {
            return String.format("%.2fms", nanos / 1e6);
        }
        return String.format("%.2fs", nanos / 1e9);
    }
}
