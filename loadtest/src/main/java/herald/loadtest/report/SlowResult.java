package herald.loadtest.report;

import java.util.Map;
import java.util.Optional;

/** A {@code slow} result. */
public record SlowResult(@Json.Inline Header header, SlowComparison comparison, WindowSummary without,
                         WindowSummary with, Optional<SlowServerMemory> serverMemory, PublisherSummary publisher,
                         Tail tail, Map<String, Long> counts, LoadGenerator loadGenerator, Checks checks,
                         double elapsedSeconds, String headline) implements ScenarioResult {
}
