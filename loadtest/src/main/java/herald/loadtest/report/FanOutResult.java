package herald.loadtest.report;

import java.util.Map;
import java.util.Optional;

/** A {@code fanout} or {@code single} result. */
public record FanOutResult(@Json.Inline Header header, Double connectSeconds, long streamingAtEnd,
                           WindowSummary measured, Optional<ConnectionMemory> server, Optional<KernelShare> kernel,
                           PublisherSummary publisher, Tail tail, Map<String, Long> counts,
                           LoadGenerator loadGenerator, Checks checks, double elapsedSeconds, String headline)
        implements ScenarioResult {
}
