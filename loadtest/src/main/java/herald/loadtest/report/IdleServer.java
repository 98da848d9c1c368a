package herald.loadtest.report;

import java.util.List;
import java.util.Optional;

/** {@code idle}'s {@code server} section. */
public record IdleServer(long rssBeforeBytes, long rssAfterBytes, Long rssPerConnectionBytes,
                         double cpuSecondsDuringHold, int processes, @Json.Inline Optional<HeapAfterGc> heap,
                         List<List<Long>> rssSamples) {
}
