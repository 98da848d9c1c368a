package herald.loadtest.report;

import herald.loadtest.client.FleetStatus;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code streams} results in the summary, the comparison across targets and the HTML plots. */
class StreamsReportTest {
    @TempDir
    Path dir;

    @Test
    void shouldTabulateCompareAndPlotPerRequestStreams() throws Exception {
        ResultStore.write(dir, result("herald", 40, 21_000, 300 << 20));
        ResultStore.write(dir, result("node", 150, 30_000, 200 << 20));
        List<Map<String, Object>> results = ResultStore.load(List.of(dir));
        Map<String, Object> herald = results.get(0);
        assertEquals(21_000.0 * 0.99, Reports.number(herald, "measured.interTokenGap.p99"), 21.0,
                "the gap distribution is kept (3 significant digits)");
        ResultStore.writeReports(dir, results);
        String md = Files.readString(dir.resolve("summary.md"));
        assertTrue(md.contains("## streams (PerRequestStreams)"), md);
        assertTrue(md.contains("| date | target | streams | tokens | interval (ms) | concurrent (avg) | streaming (avg) "
                + "| completed/s | tokens/s | failed | TTFB p50 (ms) | TTFB p99 (ms) | gap p50 (ms) | gap p99 (ms) |"), md);
        assertTrue(md.contains("| 1,000 | 50 | 20 | 1,000 | 990 | 975 | 48,750 | 0 |"), md);
        assertTrue(md.contains("| streams-1000x50@20ms | streams streaming (avg) ↑ | 990 | 990 |"), md);
        assertTrue(md.contains("| streams-1000x50@20ms | TTFB p99 (us) ↓ |"), md);
        assertTrue(md.contains("| streams-1000x50@20ms | server RSS max (bytes) ↓ | 314,572,800 | 209,715,200 |"
                + " 1.50 | 1.50 |"), md);
        String html = Files.readString(dir.resolve("report.html"));
        assertTrue(html.contains("data-series=\"herald 2026-12-05T16:00:00Z time to first token\""));
        assertTrue(html.contains("data-series=\"node 2026-12-05T16:00:00Z inter-token gap\""));
    }

    /** A 1,000-stream result: TTFB up to {@code ttfbMs}, gaps up to {@code gapMicros}, RSS max {@code rss}. */
    private static StreamsResult result(String target, int ttfbMs, int gapMicros, long rss) {
        Map<String, Object> parameters = new LinkedHashMap<>();
        parameters.put("streams", 1000);
        parameters.put("tokens", 50);
        parameters.put("tokenIntervalMillis", 20.0);
        Map<String, Object> machine = new LinkedHashMap<>();
        machine.put("date", "2026-12-05T16:00:00Z");
        Header h = new Header(ResultStore.SCHEMA, "streams", "PerRequestStreams", "streams-1000x50@20ms",
                new Target(target, List.of(), List.of(), "POST", List.of()), parameters, machine);
        Histogram ttfb = FleetStatus.newHistogram();
        Histogram gaps = FleetStatus.newHistogram();
        for (int i = 1; i <= 100; i++) {
            ttfb.recordValue(i * ttfbMs * 10_000L);
            gaps.recordValue(i * gapMicros * 10L);
        }
        StreamsWindow w = new StreamsWindow(10, 1000, 990, 9800, 9750, 975, 48_750, 0, LatencySummary.of(ttfb),
                LatencySummary.of(gaps), 3.5, Optional.of(new ServerWindow(8, 80, null, 100 << 20, rss, rss, 0,
                List.of(List.of(0L, rss)))));
        return new StreamsResult(h, w, Map.of(), new LoadGenerator(4, 1), new StreamChecks(true, true), 20, "test");
    }
}
