package herald.loadtest.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * What the Markdown summary and the HTML report show, defined once: the columns of each scenario's table and
 * the metrics of the comparison across targets.
 */
final class Reports {

    /** A table column: its header and how to get the cell's text from a result. */
    record Column(String header, Function<Map<String, Object>, String> cell) {
    }

    /**
     * A compared metric: where it is in a result, and whether more is better (for the reader; ratios are always
     * reference / target).
     */
    record Metric(String name, String path, boolean higherIsBetter) {
    }

    static final List<String> SCENARIOS = List.of("idle", "fanout", "single", "reconnect", "slow", "ladder",
            "streams");

    private Reports() {
    }

    /** The value at a dotted path ({@code measured.latency.p99}), or null. */
    static Object get(Map<String, Object> r, String path) {
        Object v = r;
        for (String key : path.split("\\.")) {
            if (!(v instanceof Map<?, ?> m)) {
                return null;
            }
            v = m.get(key);
        }
        return v;
    }

    static Double number(Map<String, Object> r, String path) {
        Object v = get(r, path);
        return v instanceof Number n ? n.doubleValue() : null;
    }

    static List<Column> columns(String scenario) {
        List<Column> c = new ArrayList<>();
        c.add(new Column("date", r -> text(get(r, "machine.date"))));
        c.add(new Column("target", r -> text(get(r, "target.name"))));
        switch (scenario) {
            case "idle" -> {
                c.add(col("subscribers", "parameters.subscribers", 0));
                c.add(col("held", "connections.heldAtEnd", 0));
                c.add(col("connects/s", "rates.connectsPerSecond", 0));
                c.add(new Column("server RSS/conn (KiB)", r -> fmt(div(number(r, "server.rssPerConnectionBytes"),
                        1024), 2)));
                c.add(new Column("heap after GC/conn (KiB)", r -> fmt(div(number(r,
                        "server.heapPerConnectionBytes"), 1024), 2)));
                c.add(new Column("kernel slab/conn (KiB, both ends)", r -> fmt(div(number(r,
                        "kernel.slabBytesPerConnection"), 1024), 2)));
                c.add(new Column("kernel server share/conn (KiB)", r -> fmt(div(number(r,
                        "kernel.serverShareBytesPerConnection"), 1024), 2)));
                c.add(col("failures", "counts.connectFailures", 0));
            }
            case "fanout", "single" -> {
                c.add(col("subscribers", "parameters.subscribers", 0));
                c.add(new Column("rate", r -> text(get(r, "parameters.rate"))));
                c.add(col("bytes", "parameters.bytes", 0));
                c.add(col("delivered/s", "measured.deliveredPerSecond", 0));
                c.add(new Column("p50 (ms)", r -> ms(r, "measured.latency.p50")));
                c.add(new Column("p99 (ms)", r -> ms(r, "measured.latency.p99")));
                c.add(new Column("p999 (ms)", r -> ms(r, "measured.latency.p999")));
                c.add(new Column("max (ms)", r -> ms(r, "measured.latency.max")));
                c.add(col("server CPU s / M deliveries", "measured.serverCpuSecondsPerMillionDeliveries", 2));
                c.add(col("gaps", "counts.gaps", 0));
                c.add(col("dups", "counts.duplicates", 0));
                c.add(col("missing", "tail.missingEvents", 0));
                c.add(col("loadgen CPU s", "measured.loadGeneratorCpuSeconds", 1));
            }
            case "reconnect" -> {
                c.add(col("subscribers", "parameters.subscribers", 0));
                c.add(new Column("rate", r -> text(get(r, "parameters.rate"))));
                c.add(col("dropped", "storm.dropped", 0));
                c.add(col("all back (s)", "storm.reconnectSeconds", 2));
                c.add(col("caught up (s)", "storm.recoverSeconds", 2));
                c.add(col("lost", "counts.gapEvents", 0));
                c.add(col("dups", "counts.duplicates", 0));
                c.add(col("missing", "tail.missingEvents", 0));
                c.add(col("resumes", "storm.resumes", 0));
                c.add(col("typed events", "storm.typedEvents", 0));
            }
            case "slow" -> {
                c.add(col("subscribers", "parameters.subscribers", 0));
                c.add(col("stalled", "parameters.stalled", 0));
                c.add(new Column("rate", r -> text(get(r, "parameters.rate"))));
                c.add(col("bytes", "parameters.bytes", 0));
                c.add(new Column("p99 without (ms)", r -> ms(r, "without.latency.p99")));
                c.add(new Column("p99 with (ms)", r -> ms(r, "with.latency.p99")));
                c.add(col("p99 ratio", "comparison.p99Ratio", 2));
                c.add(new Column("goal <= 1.10", r -> text(get(r, "comparison.goalMet"))));
                c.add(new Column("server RSS max (MiB)", r -> fmt(div(number(r, "serverMemory.rssMaxBytes"),
                        1048576), 1)));
                c.add(new Column("RSS growth (KiB/s)", r -> fmt(div(number(r,
                        "serverMemory.rssGrowthBytesPerSecondSecondHalf"), 1024), 1)));
                c.add(new Column("bounded", r -> text(get(r, "serverMemory.bounded"))));
                c.add(new Column("kernel TCP buffers +MiB", r -> fmt(div(number(r,
                        "serverMemory.kernelTcpBufferGrowthBytes"), 1048576), 1)));
            }
            case "ladder" -> {
                c.add(col("subscribers", "parameters.subscribers", 0));
                c.add(new Column("rate", r -> text(get(r, "step.rate"))));
                c.add(col("offered/s", "step.offeredPerSecond", 0));
                c.add(col("sent/s", "step.sentPerSecond", 0));
                c.add(col("accepted/s", "step.acceptedPerSecond", 0));
                c.add(col("503", "step.status503", 0));
                c.add(col("429", "step.status429", 0));
                c.add(col("other errors", "step.otherErrors", 0));
                c.add(col("lost", "step.lost", 0));
                c.add(new Column("in flight (avg / max)", r -> fmt(number(r, "step.inFlightAverage"), 0) + " / "
                        + fmt(number(r, "step.inFlightCapacity"), 0)));
                c.add(col("delivered/s", "step.deliveredPerSecond", 0));
                c.add(new Column("delivery ratio", r -> ratioText(number(r, "step.deliveryRatio"))));
                c.add(new Column("p50 (ms)", r -> ms(r, "step.p50Micros")));
                c.add(new Column("p99 (ms)", r -> ms(r, "step.p99Micros")));
                c.add(col("cut-offs", "step.serverCloses", 0));
                c.add(col("gap signals", "step.gapSignals", 0));
                c.add(new Column("sustained", r -> LadderSummary.sustained(r) ? "yes" : "no"));
            }
            case "streams" -> {
                c.add(col("streams", "parameters.streams", 0));
                c.add(col("tokens", "parameters.tokens", 0));
                c.add(col("interval (ms)", "parameters.tokenIntervalMillis", 0));
                c.add(col("concurrent (avg)", "measured.concurrentAverage", 0));
                c.add(col("streaming (avg)", "measured.streamingAverage", 0));
                c.add(col("completed/s", "measured.completedPerSecond", 0));
                c.add(col("tokens/s", "measured.tokensPerSecond", 0));
                c.add(col("failed", "measured.failures", 0));
                c.add(new Column("TTFB p50 (ms)", r -> ms(r, "measured.timeToFirstToken.p50")));
                c.add(new Column("TTFB p99 (ms)", r -> ms(r, "measured.timeToFirstToken.p99")));
                c.add(new Column("gap p50 (ms)", r -> ms(r, "measured.interTokenGap.p50")));
                c.add(new Column("gap p99 (ms)", r -> ms(r, "measured.interTokenGap.p99")));
                c.add(col("server CPU %", "measured.serverCpuPercent", 0));
                c.add(new Column("server RSS before (MiB)", r -> fmt(div(number(r, "measured.serverRssStartBytes"),
                        1048576), 1)));
                c.add(new Column("server RSS max (MiB)", r -> fmt(div(number(r, "measured.serverRssMaxBytes"),
                        1048576), 1)));
                c.add(col("loadgen CPU s", "measured.loadGeneratorCpuSeconds", 1));
            }
            default -> {
            }
        }
        return c;
    }

    static List<Metric> metrics(String scenario) {
        return switch (scenario) {
            case "idle" -> List.of(new Metric("server RSS per connection (bytes)", "server.rssPerConnectionBytes",
                    false), new Metric("heap after GC per connection (bytes)", "server.heapPerConnectionBytes", false),
                    new Metric("kernel per connection, server's half (bytes)", "kernel.serverShareBytesPerConnection",
                            false), new Metric("connects/s", "rates.connectsPerSecond", true));
            case "fanout", "single" -> List.of(
                    new Metric("delivered events/s", "measured.deliveredPerSecond", true),
                    new Metric("p50 latency (us)", "measured.latency.p50", false),
                    new Metric("p99 latency (us)", "measured.latency.p99", false),
                    new Metric("p999 latency (us)", "measured.latency.p999", false),
                    new Metric("server CPU s per M deliveries", "measured.serverCpuSecondsPerMillionDeliveries",
                            false),
                    new Metric("server CPU %", "measured.serverCpuPercent", false),
                    new Metric("load generator CPU s", "measured.loadGeneratorCpuSeconds", false));
            case "reconnect" -> List.of(new Metric("time to recover (s)", "storm.recoverSeconds", false),
                    new Metric("lost events", "counts.gapEvents", false));
            case "slow" -> List.of(new Metric("healthy p99 ratio with/without", "comparison.p99Ratio", false),
                    new Metric("server RSS growth (B/s)", "serverMemory.rssGrowthBytesPerSecondSecondHalf", false));
            case "ladder" -> List.of(new Metric("accepted publishes/s", "step.acceptedPerSecond", true),
                    new Metric("delivered events/s", "step.deliveredPerSecond", true),
                    new Metric("delivery ratio", "step.deliveryRatio", true),
                    new Metric("p99 latency (us)", "step.p99Micros", false),
                    new Metric("cut-offs", "step.serverCloses", false));
            case "streams" -> List.of(new Metric("TTFB p99 (us)", "measured.timeToFirstToken.p99", false),
                    new Metric("inter-token gap p99 (us)", "measured.interTokenGap.p99", false),
                    new Metric("server RSS max (bytes)", "measured.serverRssMaxBytes", false),
                    new Metric("server CPU %", "measured.serverCpuPercent", false),
                    new Metric("streams completed/s", "measured.completedPerSecond", true),
                    new Metric("streams streaming (avg)", "measured.streamingAverage", true),
                    new Metric("tokens/s", "measured.tokensPerSecond", true));
            default -> List.of();
        };
    }

    /**
     * The comparison across targets as one table: a row per run key and metric (run keys in first-seen order),
     * a column per target (every target of any run, the reference first), then reference / target for each other
     * target, then reference / the best other target on that row (best by the metric's direction). Empty when
     * fewer than two targets.
     *
     * @return the header, then the rows
     */
    static List<List<String>> comparisonTable(List<Map<String, Object>> results) {
        Set<String> all = targets(results);
        if (all.size() < 2) {
            return List.of();
        }
        String ref = reference(all);
        List<String> targets = new ArrayList<>(List.of(ref));
        all.stream().filter(t -> !t.equals(ref)).forEach(targets::add);
        List<String> others = targets.subList(1, targets.size());
        List<List<String>> table = new ArrayList<>();
        List<String> header = new ArrayList<>(List.of("run", "metric"));
        header.addAll(targets);
        others.forEach(o -> header.add(ref + "/" + o));
        header.add(ref + "/best other");
        table.add(header);
        for (Map.Entry<String, Map<String, Map<String, Object>>> e : latestByRunAndTarget(results).entrySet()) {
            Map<String, Map<String, Object>> byTarget = e.getValue();
            if (byTarget.size() < 2 || !byTarget.containsKey(ref)) {
                continue;
            }
            String scenario = String.valueOf(byTarget.values().iterator().next().get("scenario"));
            for (Metric m : metrics(scenario)) {
                List<String> row = new ArrayList<>(List.of(String.valueOf(byTarget.get(ref).get("run")),
                        m.name() + (m.higherIsBetter() ? " ↑" : " ↓")));
                boolean any = false;
                for (String t : targets) {
                    Double v = byTarget.containsKey(t) ? number(byTarget.get(t), m.path()) : null;
                    any |= v != null;
                    row.add(fmt(v, v != null && Math.abs(v) >= 100 ? 0 : 2));
                }
                if (!any) {
                    continue;
                }
                Double refValue = number(byTarget.get(ref), m.path());
                Double best = null;
                for (String o : others) {
                    Double v = byTarget.containsKey(o) ? number(byTarget.get(o), m.path()) : null;
                    row.add(ratio(refValue, v));
                    if (v != null && (best == null || (m.higherIsBetter() ? v > best : v < best))) {
                        best = v;
                    }
                }
                row.add(ratio(refValue, best));
                table.add(row);
            }
        }
        return table.size() < 2 ? List.of() : table;
    }

    /** The comparison key: same scenario and same run name (which encodes its size: subscribers, rate, bytes). */
    static String runKey(Map<String, Object> r) {
        return r.get("scenario") + " " + r.get("run");
    }

    /** Latest result per run key and target, run keys in first-seen order. */
    static Map<String, Map<String, Map<String, Object>>> latestByRunAndTarget(List<Map<String, Object>> results) {
        Map<String, Map<String, Map<String, Object>>> out = new LinkedHashMap<>();
        for (Map<String, Object> r : results) {
            out.computeIfAbsent(runKey(r), k -> new LinkedHashMap<>()).put(text(get(r, "target.name")), r);
        }
        return out;
    }

    /** The reference target of ratios: {@code herald} if it is among them, else the first. */
    static String reference(Set<String> targets) {
        for (String t : targets) {
            if (t.toLowerCase(Locale.ROOT).contains("herald")) {
                return t;
            }
        }
        return targets.iterator().next();
    }

    static Set<String> targets(List<Map<String, Object>> results) {
        Set<String> t = new LinkedHashSet<>();
        for (Map<String, Object> r : results) {
            t.add(text(get(r, "target.name")));
        }
        return t;
    }

    static String ratio(Double ref, Double other) {
        if (ref == null || other == null || other == 0) {
            return "";
        }
        double r = ref / other;
        return r != 0 && Math.abs(r) < 0.1 ? String.format(Locale.ROOT, "%.2g", r) : fmt(r, 2);
    }

    private static Column col(String header, String path, int digits) {
        return new Column(header, r -> fmt(number(r, path), digits));
    }

    /** A delivery ratio: four decimals, so that 0.9990 and 0.9999 differ. */
    static String ratioText(Double v) {
        return v == null ? "" : String.format(Locale.ROOT, "%.4f", v);
    }

    /** The rows of a scenario's table, in the order it is shown: the ladder by target and rate, others by date. */
    static List<Map<String, Object>> rows(String scenario, List<Map<String, Object>> results) {
        if (scenario.equals("ladder")) {
            return LadderSummary.steps(results);
        }
        return results.stream().filter(r -> scenario.equals(r.get("scenario"))).toList();
    }

    private static String ms(Map<String, Object> r, String path) {
        return fmt(div(number(r, path), 1000), 3);
    }

    private static Double div(Double v, double by) {
        return v == null ? null : v / by;
    }

    static String fmt(Double v, int digits) {
        if (v == null) {
            return "";
        }
        if (digits == 0) {
            return String.format(Locale.ROOT, "%,.0f", v);
        }
        return String.format(Locale.ROOT, "%,." + digits + "f", v);
    }

    static String text(Object v) {
        return v == null ? "" : String.valueOf(v);
    }
}
