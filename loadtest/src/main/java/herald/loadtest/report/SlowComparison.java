package herald.loadtest.report;

/** {@code slow}'s {@code comparison}: healthy latency with / without the stalled subscribers. */
public record SlowComparison(Double p50Ratio, Double p99Ratio, Double p999Ratio, String goal, boolean goalMet) {
}
