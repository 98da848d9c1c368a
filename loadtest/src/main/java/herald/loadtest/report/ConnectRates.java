package herald.loadtest.report;

/** {@code idle}'s {@code rates}. */
public record ConnectRates(Double connectSeconds, Double connectsPerSecond) {
}
