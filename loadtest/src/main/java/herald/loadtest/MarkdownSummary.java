package herald.loadtest;

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
            List<Map<String, Object>> rows = results.stream().filter(r -> scenario.equals(r.get("scenario"))).toList();
            if (rows.isEmpty()) {
                continue;
            }
            s.append("## ").append(scenario).append(" (").append(rows.get(0).get("topology")).append(")\n\n");
            List<Reports.Column> cols = Reports.columns(scenario);
            table(s, cols.stream().map(Reports.Column::header).toList(),
                    rows.stream().map(r -> cols.stream().map(c -> c.cell().apply(r)).toList()).toList());
            s.append('\n');
        }
        comparison(s, results);
        s.append("## Runs\n\n");
        for (Map<String, Object> r : results) {
            s.append("- `").append(r.get("file")).append("` ").append(Reports.get(r, "target.name")).append(' ')
                    .append(r.get("run")).append(": ").append(Reports.text(r.get("headline"))).append('\n');
        }
        return s.toString();
    }

    private static void comparison(StringBuilder s, List<Map<String, Object>> results) {
        if (Reports.targets(results).size() < 2) {
            return;
        }
        s.append("## Comparison across targets\n\n");
        s.append("Latest run of each target; ratios are reference / target (for times, memory and CPU, below 1 "
                + "means the reference uses less).\n\n");
        for (Map.Entry<String, Map<String, Map<String, Object>>> e
                : Reports.latestByRunAndTarget(results).entrySet()) {
            Map<String, Map<String, Object>> byTarget = e.getValue();
            if (byTarget.size() < 2) {
                continue;
            }
            String scenario = String.valueOf(byTarget.values().iterator().next().get("scenario"));
            String ref = Reports.reference(byTarget.keySet());
            List<String> others = byTarget.keySet().stream().filter(t -> !t.equals(ref)).toList();
            List<String> header = new java.util.ArrayList<>(List.of("metric (" + e.getKey() + ")"));
            header.addAll(byTarget.keySet());
            others.forEach(o -> header.add(ref + "/" + o));
            List<List<String>> rows = new java.util.ArrayList<>();
            for (Reports.Metric m : Reports.metrics(scenario)) {
                String arrow = m.higherIsBetter() ? " ↑" : " ↓";
                List<String> row = new java.util.ArrayList<>(List.of(m.name() + arrow));
                for (Map<String, Object> r : byTarget.values()) {
                    row.add(Reports.fmt(Reports.number(r, m.path()), 2));
                }
                Double refValue = Reports.number(byTarget.get(ref), m.path());
                for (String o : others) {
                    row.add(Reports.ratio(refValue, Reports.number(byTarget.get(o), m.path())));
                }
                rows.add(row);
            }
            table(s, header, rows);
            s.append('\n');
        }
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
