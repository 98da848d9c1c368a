package herald.loadtest.report;

import java.util.Map;
import java.util.Optional;

/** An {@code idle} result. */
public record IdleResult(@Json.Inline Header header, ConnectRates rates, Connections connections,
                         Map<String, Long> counts, Optional<IdleServer> server, IdleKernel kernel,
                         LoadGenerator loadGenerator, double elapsedSeconds, String headline)
        implements ScenarioResult {
}
