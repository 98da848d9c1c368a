package herald.loadtest.report;

import java.util.Map;

/** A {@code ladder} result: one step of the rate ladder (one rate, a fresh set of subscriptions). */
public record LadderResult(@Json.Inline Header header, Double connectSeconds, long streamingAtEnd, LadderStep step,
                           WindowSummary measured, PublisherSummary publisher, Tail tail, Map<String, Long> counts,
                           LoadGenerator loadGenerator, Checks checks, double elapsedSeconds, String headline)
        implements ScenarioResult {
}
