package herald.loadtest.report;

/** The load generator's own cost ({@code loadGenerator}). */
public record LoadGenerator(double cpuSeconds, int processes) {
}
