package herald.loadtest.report;

import java.util.Map;

/** A {@code streams} result: N concurrent per-request streams of tokens at a cadence. */
public record StreamsResult(@Json.Inline Header header, StreamsWindow measured, Map<String, Long> counts,
                            LoadGenerator loadGenerator, StreamChecks checks, double elapsedSeconds, String headline)
        implements ScenarioResult {
}
