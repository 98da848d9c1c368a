package herald.loadtest.report;

/** Pass/fail of a {@code streams} run ({@code checks}): over the whole run, warmup and drain included. */
public record StreamChecks(boolean noFailedStreams, boolean everyStreamHadAllTokens) {
}
