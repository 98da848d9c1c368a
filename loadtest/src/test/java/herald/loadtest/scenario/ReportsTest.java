package herald.loadtest.scenario;

import herald.loadtest.client.Counter;
import herald.loadtest.client.FleetStatus;
import herald.loadtest.client.PublisherStatus;
import herald.loadtest.report.ConnectionMemory;
import herald.loadtest.report.FanOutResult;
import herald.loadtest.report.Header;
import herald.loadtest.report.Json;
import herald.loadtest.report.KernelShare;
import herald.loadtest.report.LoadGenerator;
import herald.loadtest.report.ResultStore;
import herald.loadtest.report.Tail;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

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
        FanOutResult result = fanoutResult("herald", 1000);
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
    static FanOutResult fanoutResult(String target, int scale) {
        RunContext ctx = new RunContext(Options.parse(List.of("--target", target)), new OneTopicManySubscribers(),
                Long.MAX_VALUE);
        Map<String, Object> parameters = new LinkedHashMap<>();
        parameters.put("subscribers", 100);
        parameters.put("rate", 10.0);
        parameters.put("bytes", 64);
        parameters.put("warmupSeconds", 2.0);
        parameters.put("durationSeconds", 10.0);
        Header header = ctx.header("fanout-100x10-64B", parameters);
        long[] start = new long[Counter.ALL.length];
        long[] end = start.clone();
        end[Counter.EVENTS.ordinal()] = 1000;
        end[Counter.STREAMING.ordinal()] = 100;
        Window w = new Window("measure", 0, start, 0, 0, 0, 0);
        for (int i = 1; i <= 1000; i++) {
            w.latency.recordValue((long) i * scale);
            w.publishLatency.recordValue((long) i * scale / 2);
        }
        w.endNanos = 1_000_000_000L;
        w.endCounters = end;
        w.endPublished = 10;
        w.endServerCpu = 500_000_000L;
        w.endKernel = w.startKernel;
        FleetStatus fleet = new FleetStatus(end, FleetStatus.newHistogram(), 0, 1);
        PublisherStatus publisher = new PublisherStatus(100, 100, 100, 0, 0, 0, 100, new long[]{0, 0, 100, 0, 0, 0},
                FleetStatus.newHistogram(), true, 100, 0, 0, 0);
        Tail tail = new Tail(0, 0, 0);
        return new FanOutResult(header, 0.5, 100, w.summary(true),
                Optional.of(new ConnectionMemory(1 << 20, 2 << 20, 10_485L)),
                Optional.of(new KernelShare("host-wide, both ends of each loopback connection", 4096, 0, 40, 20)),
                RunContext.publisher(publisher), tail, RunContext.counters(fleet), new LoadGenerator(1.5, 1),
                OneTopicManySubscribers.checks(fleet, publisher, tail), 12.0, "test");
    }
}
