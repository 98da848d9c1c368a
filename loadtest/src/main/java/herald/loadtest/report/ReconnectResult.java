package herald.loadtest.report;

import java.util.Map;

/** A {@code reconnect} result. */
public record ReconnectResult(@Json.Inline Header header, Storm storm, WindowSummary measured,
                              PublisherSummary publisher, Tail tail, Map<String, Long> counts,
                              LoadGenerator loadGenerator, ReconnectChecks checks, double elapsedSeconds,
                              String headline) implements ScenarioResult {
}
