package herald.loadtest.report;

import java.util.List;

/** The server a run measured (result key {@code target}). */
public record Target(String name, List<String> subscribeUrls, List<String> publishUrls, String publishMethod,
                     List<Long> serverPids) {
}
