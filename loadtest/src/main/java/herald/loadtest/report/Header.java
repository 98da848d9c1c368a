package herald.loadtest.report;

import java.util.Map;

/**
 * The fields every result starts with: what ran, against what, with which parameters, where and when. Inlined into
 * each result.
 */
public record Header(String schema, String scenario, String topology, String run, Target target,
                     Map<String, Object> parameters, Map<String, Object> machine) {
}
