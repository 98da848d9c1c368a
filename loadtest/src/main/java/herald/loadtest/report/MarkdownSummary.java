package herald.loadtest.report;

import java.util.List;
import java.util.Map;

/** {@code summary.md}: one table per scenario, the comparison across targets, each run's headline. */
final class MarkdownSummary {
    private MarkdownSummary() {
    }

    static String render(List<Map<String, Object>> results) {
        StringBuilder s = new StringBuilder("# Load test summary\n\n");
        if (results.isEmpty()) {
            return s.append("No results yet.\n").toString();
        }
        Map<String, Object> last = results.get(results.size() - 1);
        s.append(String.format("Machine (latest run): %s cores, %s, %.0f GiB, kernel %s, %s, %s. Latency is "
                        + "publish→receive from the intended send time (open loop); System.nanoTime() is "
                        + "CLOCK_MONOTONIC, shared by all processes on this host.%n%n",
                Reports.get(last, "machine.cores"), Reports.get(last, "machine.cpu"),
                orZero(Reports.number(last, "machine.memoryBytes")) / (1L << 30), Reports.get(last, "machine.kernel"),
                Reports.get(last, "machine.os"), Reports.get(last, "machine.jdk")));
        for (String scenario : Reports.SCENARIOS) {
            List<Map<String, Object>> rows = Reports.rows(scenario, results);
            if (rows.isEmpty()) {
                continue;
            }
            s.append("## ").append(scenario).append(" (").append(rows.get(0).get("topology")).append(")\n\n");
            List<Reports.Column> cols = Reports.columns(scenario);
            table(s, cols.stream().map(Reports.Column::header).toList(),
                    rows.stream().map(r -> cols.stream().map(c -> c.cell().apply(r)).toList()).toList());
            s.append('\n');
            if (scenario.equals("ladder")) {
                sustained(s, results);
            }
        }
        comparison(s, results);
        s.append("## Runs\n\n");
        for (Map<String, Object> r : results) {
            s.append("- `").append(r.get("file")).append("` ").append(Reports.get(r, "target.name")).append(' ')
                    .append(r.get("run")).append(": ").append(Reports.text(r.get("headline"))).append('\n');
        }
        return s.toString();
    }

    private static void sustained(StringBuilder s, List<Map<String, Object>> results) {
        List<List<String>> table = LadderSummary.table(results);
        if (table.isEmpty()) {
            return;
        }
        s.append("### Sustained fan-out\n\nPer target, the highest rate whose step delivered at least 99.9 % of "
                + "accepted events to every subscriber (delivery ratio >= 0.999) with p99 <= 1 s, having accepted at "
                + "least 99 % of the publishes offered.\n\n");
        table(s, table.get(0), table.subList(1, table.size()));
        String line = LadderSummary.referenceRatio(results);
        if (line != null) {
            s.append('\n').append(line).append('\n');
        }
        s.append('\n');
    }

    private static void comparison(StringBuilder s, List<Map<String, Object>> results) {
        List<List<String>> table = Reports.comparisonTable(results);
        if (table.isEmpty()) {
            return;
        }
        s.append("## Comparison across targets\n\n");
        s.append("Latest run of each target per run; ratios are reference / target (↑: more is better, so above 1 "
                + "means the reference is ahead; ↓: times, memory and CPU, so below 1 means the reference uses "
                + "less). The last column compares with the best other target on that row.\n\n");
        table(s, table.get(0), table.subList(1, table.size()));
        s.append('\n');
    }

    static void table(StringBuilder s, List<String> header, List<List<String>> rows) {
        s.append("| ").append(String.join(" | ", header)).append(" |\n|");
        header.forEach(h -> s.append(" --- |"));
        s.append('\n');
        for (List<String> row : rows) {
            s.append("| ").append(String.join(" | ", row.stream().map(c -> c.replace("|", "\\|")).toList()))
                    .append(" |\n");
        }
    }

    private static double orZero(Double d) {
        return d == null ? 0 : d;
    }
}
