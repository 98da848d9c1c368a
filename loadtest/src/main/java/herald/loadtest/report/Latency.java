package herald.loadtest.report;


import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;

import java.util.ArrayList;
import java.util.List;

/** Latency summaries of an HdrHistogram of nanoseconds, in microseconds, for results and reports. */
public final class Latency {
    private Latency() {
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
