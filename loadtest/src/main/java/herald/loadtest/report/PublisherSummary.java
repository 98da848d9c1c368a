package herald.loadtest.report;

import java.util.Map;

/**
 * What the publisher did ({@code publisher}); {@code scheduled} is null at the max rate, {@code answers} counts
 * 2xx..5xx.
 */
public record PublisherSummary(Long scheduled, long sent, long accepted, long rejected, long lost,
                               long connectionFailures, Map<String, Long> answers) {
}
