package herald.loadtest.scenario;

import herald.loadtest.client.Counter;
import herald.loadtest.client.FleetStatus;
import herald.loadtest.report.Json;
import herald.loadtest.report.ResultStore;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Result JSON, the Markdown summary and the HTML report, from results of two targets. */
class ReportsTest {
    @TempDir
    Path dir;

    @Test
    void shouldWriteValidJsonThatReadsBackTheSame() throws Exception {
        Map<String, Object> result = fanoutResult("herald", 1000);
        Path file = ResultStore.write(dir, result);
        Object parsed = Json.parse(Files.readString(file, StandardCharsets.UTF_8));
        Map<?, ?> m = assertInstanceOf(Map.class, parsed);
        assertEquals("herald-loadtest/1", m.get("schema"));
        assertEquals("fanout", m.get("scenario"));
        assertEquals("OneTopicManySubscribers", m.get("topology"));
        assertInstanceOf(Long.class, ((Map<?, ?>) m.get("machine")).get("cores"));
        assertTrue(((Map<?, ?>) m.get("machine")).containsKey("kernel"));
        Map<?, ?> latency = (Map<?, ?>) ((Map<?, ?>) m.get("measured")).get("latency");
        assertEquals(1000L, latency.get("count"));
        assertEquals(FleetStatus.decodeHistogram((String) latency.get("histogram")).getTotalCount(), 1000L,
                "the distribution itself is kept");
        assertEquals(Json.parse(Json.write(parsed)), parsed, "write(parse(x)) is stable");
    }

    @Test
    void shouldRenderTablesComparisonAndPlotsWithTheDistributionsData() throws Exception {
        ResultStore.write(dir, fanoutResult("herald", 1000));
        ResultStore.write(dir, fanoutResult("node", 3000));
        List<Map<String, Object>> results = ResultStore.load(List.of(dir));
        assertEquals(2, results.size());
        ResultStore.writeReports(dir, results);

        String md = Files.readString(dir.resolve("summary.md"));
        assertTrue(md.contains("## fanout (OneTopicManySubscribers)"));
        assertTrue(md.contains("| date | target | subscribers |"));
        assertTrue(md.contains("## Comparison across targets"));
        assertTrue(md.contains("herald/node"), "ratio column, reference herald");
        assertTrue(md.contains("| run | metric | herald | node | herald/node | herald/best other |"), "one table");
        assertTrue(md.contains("| fanout-100x10-64B | p99 latency (us) ↓ |"), md);

        String html = Files.readString(dir.resolve("report.html"));
        assertTrue(html.startsWith("<!DOCTYPE html>"));
        assertFalse(html.contains("<script"), "self-contained, no scripts");
        assertFalse(html.contains("http://") && html.contains("src=\"http"), "nothing fetched");
        assertTrue(html.contains("<svg"));
        assertTrue(html.contains("data-series=\"herald "), "one line per target");
        assertTrue(html.contains("data-series=\"node "));
        int plotted = html.split("<polyline").length - 1;
        assertEquals(2, plotted);
        String points = html.substring(html.indexOf("points=\"") + 8);
        points = points.substring(0, points.indexOf('"'));
        assertTrue(points.split(" ").length > 10, "the percentile curve's points: " + points);
        assertTrue(html.contains("<th>herald/node</th>"));
    }

    /** A fanout result as the scenario builds it, with {@code n} latencies around 1 ms × scale. */
    private static Map<String, Object> fanoutResult(String target, int scale) {
        RunContext ctx = new RunContext(Options.parse(List.of("--target", target)), new OneTopicManySubscribers(),
                Long.MAX_VALUE);
        Map<String, Object> parameters = new LinkedHashMap<>();
        parameters.put("subscribers", 100);
        parameters.put("rate", 10);
        parameters.put("bytes", 64);
        Map<String, Object> r = ctx.result("fanout-100x10-64B", parameters);
        long[] start = new long[Counter.ALL.length];
        long[] end = start.clone();
        end[Counter.EVENTS.ordinal()] = 1000;
        Window w = new Window("measure", 0, start, 0, 0, 0, 0);
        for (int i = 1; i <= 1000; i++) {
            w.latency.recordValue((long) i * scale);
        }
        w.endNanos = 1_000_000_000L;
        w.endCounters = end;
        w.endPublished = 10;
        w.endServerCpu = 500_000_000L;
        r.put("measured", w.toMap(true));
        r.put("counts", RunContext.counters(new FleetStatus(end, FleetStatus.newHistogram(), 0, 1)));
        r.put("tail", Map.of("missingEvents", 0));
        r.put("headline", "test");
        return r;
    }
}
