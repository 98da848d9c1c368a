package herald.loadtest.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code report.html}: one self-contained page (inline CSS and SVG, no scripts, nothing fetched) with the
 * scenario tables, the comparison across targets, and per run key the latency-by-percentile plot of every
 * target's HdrHistogram distribution (x: 0% to 99.999...% on the usual log scale of 1/(1-p); y: ms), plus the
 * server's RSS over time where it was sampled.
 */
final class HtmlReport {
    private static final String[] COLORS = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b",
            "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"};
    private static final int W = 760;
    private static final int H = 360;
    private static final int LEFT = 64;
    private static final int RIGHT = 36;
    private static final int TOP = 28;
    private static final int BOTTOM = 44;

    /** A plotted line: its label and its points (x, y in data units). */
    record Series(String label, List<double[]> points) {
    }

    private HtmlReport() {
    }

    static String render(List<Map<String, Object>> results) {
        StringBuilder s = new StringBuilder(64 * 1024);
        s.append("""
                <!DOCTYPE html>
                <html lang="en"><head><meta charset="utf-8"><title>Herald load test report</title>
                <style>
                body{font-family:system-ui,sans-serif;margin:24px;color:#222;max-width:1200px}
                table{border-collapse:collapse;margin:8px 0 20px;font-size:13px}
                th,td{border:1px solid #ccc;padding:3px 8px;text-align:right}
                th{background:#f3f3f3} td:first-child,td:nth-child(2),th:first-child{text-align:left}
                svg{background:#fff;border:1px solid #ddd;margin:6px 0}
                .plot text{font-size:11px} .muted{color:#666;font-size:13px}
                </style></head><body>
                <h1>Herald load test report</h1>
                """);
        if (results.isEmpty()) {
            return s.append("<p>No results yet.</p></body></html>\n").toString();
        }
        Map<String, Object> last = results.get(results.size() - 1);
        s.append("<p class=\"muted\">").append(esc(String.format("%s runs. Latest machine: %s cores, %s, kernel %s,"
                        + " %s, %s. Latency: publish→receive from the intended send time (open loop), "
                        + "System.nanoTime() = CLOCK_MONOTONIC shared by the processes of one host.",
                results.size(), Reports.get(last, "machine.cores"), Reports.get(last, "machine.cpu"),
                Reports.get(last, "machine.kernel"), Reports.get(last, "machine.os"),
                Reports.get(last, "machine.jdk")))).append("</p>\n");

        for (String scenario : Reports.SCENARIOS) {
            List<Map<String, Object>> rows = Reports.rows(scenario, results);
            if (rows.isEmpty()) {
                continue;
            }
            s.append("<h2>").append(esc(scenario)).append(" — ").append(esc(String.valueOf(rows.get(0)
                    .get("topology")))).append("</h2>\n");
            List<Reports.Column> cols = Reports.columns(scenario);
            table(s, cols.stream().map(Reports.Column::header).toList(),
                    rows.stream().map(r -> cols.stream().map(c -> c.cell().apply(r)).toList()).toList());
            if (scenario.equals("ladder")) {
                List<List<String>> sustained = LadderSummary.table(results);
                if (!sustained.isEmpty()) {
                    s.append("<h3>Sustained fan-out</h3>\n<p class=\"muted\">Per target, the highest rate whose step "
                            + "delivered at least 99.9 % of accepted events to every subscriber with p99 &lt;= 1 s, "
                            + "having accepted at least 99 % of the publishes offered.</p>\n");
                    table(s, sustained.get(0), sustained.subList(1, sustained.size()));
                    String line = LadderSummary.referenceRatio(results);
                    if (line != null) {
                        s.append("<p>").append(esc(line)).append("</p>\n");
                    }
                }
            }
        }
        comparison(s, results);
        plots(s, results);
        s.append("<h2>Runs</h2>\n<ul>\n");
        for (Map<String, Object> r : results) {
            s.append("<li><code>").append(esc(Reports.text(r.get("file")))).append("</code> ")
                    .append(esc(Reports.text(Reports.get(r, "target.name")))).append(' ')
                    .append(esc(Reports.text(r.get("run")))).append(": ")
                    .append(esc(Reports.text(r.get("headline")))).append("</li>\n");
        }
        return s.append("</ul>\n</body></html>\n").toString();
    }

    private static void comparison(StringBuilder s, List<Map<String, Object>> results) {
        List<List<String>> table = Reports.comparisonTable(results);
        if (table.isEmpty()) {
            return;
        }
        s.append("<h2>Comparison across targets</h2>\n<p class=\"muted\">Latest run of each target per run; ratios "
                + "are reference / target (↑ more is better, ↓ less is better); the last column compares with the "
                + "best other target on that row.</p>\n");
        table(s, table.get(0), table.subList(1, table.size()));
    }

    private static void plots(StringBuilder s, List<Map<String, Object>> results) {
        Map<String, List<Series>> latency = new LinkedHashMap<>();
        Map<String, List<Series>> rss = new LinkedHashMap<>();
        for (Map<String, Object> r : results) {
            String key = Reports.runKey(r);
            String label = Reports.text(Reports.get(r, "target.name")) + " " + Reports.text(Reports.get(r,
                    "machine.date"));
            if ("slow".equals(r.get("scenario"))) {
                addCurve(latency, key, label + " without stalled", Reports.get(r, "without.latency.percentiles"));
                addCurve(latency, key, label + " with stalled", Reports.get(r, "with.latency.percentiles"));
                addSamples(rss, key, label, Reports.get(r, "without.serverRssSamples"),
                        Reports.get(r, "with.serverRssSamples"), Reports.number(r, "without.seconds"));
            } else if ("streams".equals(r.get("scenario"))) {
                addCurve(latency, key, label + " time to first token", Reports.get(r,
                        "measured.timeToFirstToken.percentiles"));
                addCurve(latency, key, label + " inter-token gap", Reports.get(r,
                        "measured.interTokenGap.percentiles"));
                addSamples(rss, key, label, Reports.get(r, "measured.serverRssSamples"), null, null);
            } else {
                addCurve(latency, key, label, Reports.get(r, "measured.latency.percentiles"));
                if ("idle".equals(r.get("scenario"))) {
                    addSamples(rss, key, label, Reports.get(r, "server.rssSamples"), null, null);
                }
            }
        }
        if (!latency.isEmpty()) {
            s.append("<h2>Latency by percentile</h2>\n");
            for (Map.Entry<String, List<Series>> e : latency.entrySet()) {
                s.append(percentilePlot(e.getKey(), e.getValue()));
            }
        }
        if (!rss.isEmpty()) {
            s.append("<h2>Server RSS over time</h2>\n");
            for (Map.Entry<String, List<Series>> e : rss.entrySet()) {
                s.append(timePlot(e.getKey(), e.getValue()));
            }
        }
    }

    private static void addCurve(Map<String, List<Series>> into, String key, String label, Object curve) {
        if (!(curve instanceof List<?> list) || list.isEmpty()) {
            return;
        }
        List<double[]> points = new ArrayList<>();
        for (Object o : list) {
            if (o instanceof List<?> pair && pair.size() == 2 && pair.get(0) instanceof Number p
                    && pair.get(1) instanceof Number v) {
                points.add(new double[]{p.doubleValue(), v.doubleValue() / 1000.0});
            }
        }
        into.computeIfAbsent(key, k -> new ArrayList<>()).add(new Series(label, points));
    }

    private static void addSamples(Map<String, List<Series>> into, String key, String label, Object first,
                                   Object second, Double offsetSeconds) {
        List<double[]> points = new ArrayList<>();
        appendSamples(points, first, 0);
        appendSamples(points, second, offsetSeconds == null ? 0 : offsetSeconds);
        if (!points.isEmpty()) {
            into.computeIfAbsent(key, k -> new ArrayList<>()).add(new Series(label, points));
        }
    }

    private static void appendSamples(List<double[]> into, Object samples, double offsetSeconds) {
        if (samples instanceof List<?> list) {
            for (Object o : list) {
                if (o instanceof List<?> pair && pair.size() == 2 && pair.get(0) instanceof Number t
                        && pair.get(1) instanceof Number b) {
                    into.add(new double[]{offsetSeconds + t.doubleValue() / 1000.0, b.doubleValue() / 1048576.0});
                }
            }
        }
    }

    /** x = log10(1 / (1 - p)): 0 at 0%, 1 at 90%, 2 at 99%, ...; y = latency in ms. */
    static String percentilePlot(String title, List<Series> series) {
        double xMax = 2;
        double yMax = 0;
        for (Series se : series) {
            for (double[] p : se.points()) {
                if (p[0] < 100) {
                    xMax = Math.max(xMax, Math.ceil(nines(p[0])));
                }
                yMax = Math.max(yMax, p[1]);
            }
        }
        xMax = Math.min(xMax, 6);
        yMax = niceCeiling(yMax);
        StringBuilder s = svgStart(title);
        for (int i = 0; i <= xMax; i++) {
            double x = LEFT + (W - LEFT - RIGHT) * i / xMax;
            String label = i == 0 ? "0%" : i == 1 ? "90%" : i == 2 ? "99%" : "99." + "9".repeat(i - 2) + "%";
            s.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#eee\"/>"
                    + "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>%n", x, TOP, x, H - BOTTOM, x,
                    H - BOTTOM + 16, label));
        }
        yAxis(s, yMax, "ms");
        s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">percentile</text>%n",
                (LEFT + W - RIGHT) / 2, H - 8));
        for (int i = 0; i < series.size(); i++) {
            Series se = series.get(i);
            StringBuilder pts = new StringBuilder();
            for (double[] p : se.points()) {
                double nx = p[0] >= 100 ? xMax : Math.min(nines(p[0]), xMax);
                double x = LEFT + (W - LEFT - RIGHT) * nx / xMax;
                double y = H - BOTTOM - (H - TOP - BOTTOM) * (yMax == 0 ? 0 : p[1] / yMax);
                pts.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
            }
            line(s, se.label(), pts, i);
        }
        legend(s, series);
        return s.append("</svg>\n").toString();
    }

    static String timePlot(String title, List<Series> series) {
        double xMax = 1;
        double yMax = 0;
        for (Series se : series) {
            for (double[] p : se.points()) {
                xMax = Math.max(xMax, p[0]);
                yMax = Math.max(yMax, p[1]);
            }
        }
        yMax = niceCeiling(yMax);
        xMax = Math.ceil(xMax);
        StringBuilder s = svgStart(title + " — server RSS");
        int ticks = 5;
        for (int i = 0; i <= ticks; i++) {
            double x = LEFT + (W - LEFT - RIGHT) * i / (double) ticks;
            s.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#eee\"/>"
                    + "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%.0fs</text>%n", x, TOP, x, H - BOTTOM, x,
                    H - BOTTOM + 16, xMax * i / ticks));
        }
        yAxis(s, yMax, "MiB");
        for (int i = 0; i < series.size(); i++) {
            StringBuilder pts = new StringBuilder();
            for (double[] p : series.get(i).points()) {
                double x = LEFT + (W - LEFT - RIGHT) * p[0] / xMax;
                double y = H - BOTTOM - (H - TOP - BOTTOM) * (yMax == 0 ? 0 : p[1] / yMax);
                pts.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
            }
            line(s, series.get(i).label(), pts, i);
        }
        legend(s, series);
        return s.append("</svg>\n").toString();
    }

    private static StringBuilder svgStart(String title) {
        StringBuilder s = new StringBuilder(8 * 1024);
        s.append(String.format(Locale.ROOT, "<svg class=\"plot\" xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" "
                + "height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"%s\">%n", W, H, W, H, esc(title)));
        s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"18\" font-weight=\"bold\">%s</text>%n", LEFT,
                esc(title)));
        return s;
    }

    private static void yAxis(StringBuilder s, double yMax, String unit) {
        for (int i = 0; i <= 4; i++) {
            double y = H - BOTTOM - (H - TOP - BOTTOM) * i / 4.0;
            s.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#eee\"/>"
                    + "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>%n", LEFT, y, W - RIGHT, y, LEFT - 6,
                    y + 4, trimNumber(yMax * i / 4.0)));
        }
        s.append(String.format(Locale.ROOT, "<text x=\"14\" y=\"%d\" transform=\"rotate(-90 14 %d)\" "
                + "text-anchor=\"middle\">%s</text>%n", (TOP + H - BOTTOM) / 2, (TOP + H - BOTTOM) / 2, unit));
        s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" "
                + "stroke=\"#999\"/>%n", LEFT, TOP, W - LEFT - RIGHT, H - TOP - BOTTOM));
    }

    private static void line(StringBuilder s, String label, StringBuilder points, int i) {
        s.append("<polyline fill=\"none\" stroke-width=\"1.8\" stroke=\"").append(COLORS[i % COLORS.length])
                .append("\" data-series=\"").append(esc(label)).append("\" points=\"")
                .append(points.toString().trim()).append("\"><title>").append(esc(label))
                .append("</title></polyline>\n");
    }

    private static void legend(StringBuilder s, List<Series> series) {
        for (int i = 0; i < series.size(); i++) {
            int y = TOP + 14 + 14 * i;
            s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"10\" height=\"10\" fill=\"%s\"/>"
                    + "<text x=\"%d\" y=\"%d\">%s</text>%n", LEFT + 10, y - 9, COLORS[i % COLORS.length], LEFT + 24, y,
                    esc(series.get(i).label())));
        }
    }

    private static double nines(double percentile) {
        return Math.log10(100.0 / (100.0 - percentile));
    }

    private static double niceCeiling(double v) {
        if (v <= 0) {
            return 1;
        }
        double mag = Math.pow(10, Math.floor(Math.log10(v)));
        for (double step : new double[]{1, 2, 2.5, 5, 10}) {
            if (v <= step * mag) {
                return step * mag;
            }
        }
        return 10 * mag;
    }

    private static String trimNumber(double v) {
        return v == Math.rint(v) ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.3g", v);
    }

    private static void table(StringBuilder s, List<String> header, List<List<String>> rows) {
        s.append("<table><tr>");
        header.forEach(h -> s.append("<th>").append(esc(h)).append("</th>"));
        s.append("</tr>\n");
        for (List<String> row : rows) {
            s.append("<tr>");
            row.forEach(c -> s.append("<td>").append(esc(c)).append("</td>"));
            s.append("</tr>\n");
        }
        s.append("</table>\n");
    }

    static String esc(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
