package herald.loadtest.report;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The ladder across result files: steps in rate order, each target's sustained fan-out, the tables. */
class LadderSummaryTest {
    @TempDir
    Path dir;

    @Test
    void shouldNameTheHighestSustainedStepPerTargetFromTheStepsFigures() {
        // written out of rate order; the herald 100 step twice, the later one counts
        ResultStore.write(dir, step("herald", "max", 20_000, 20_000, 19_900, 0.9995, 500_000, "01"));
        ResultStore.write(dir, step("herald", "100", 100, 100, 100, 0.5, 20_000, "02"));
        ResultStore.write(dir, step("herald", "100", 100, 100, 100, 1.0, 20_000, "03"));
        ResultStore.write(dir, step("herald", "400", 400, 400, 400, 1.0, 40_000, "04"));
        ResultStore.write(dir, step("node", "400", 400, 400, 400, 1.0, 1_200_000, "05"));     // p99 1.2 s
        ResultStore.write(dir, step("node", "100", 100, 100, 100, 0.9999, 900_000, "06"));
        ResultStore.write(dir, step("node", "max", 20_000, 20_000, 20_000, 0.5, 9_000_000, "07"));
        List<Map<String, Object>> results = ResultStore.load(List.of(dir));

        List<Map<String, Object>> steps = LadderSummary.steps(results);
        assertEquals(List.of("herald 100", "herald 400", "herald max", "node 100", "node 400", "node max"),
                steps.stream().map(r -> Reports.get(r, "target.name") + " " + Reports.get(r, "step.rate")).toList());
        assertEquals(1.0, Reports.number(steps.get(0), "step.deliveryRatio"), "the latest herald 100 step");

        List<LadderSummary.Sustained> sustained = LadderSummary.sustained(results);
        assertEquals(new LadderSummary.Sustained("herald", "max", 20_000, 19_900, 19_900 * 100.0, 3, 3),
                sustained.get(0));
        assertEquals(new LadderSummary.Sustained("node", "100", 100, 100, 100 * 100.0, 1, 3), sustained.get(1));
        assertEquals("Sustained fan-out, herald / best other (node): 199.00 x in delivered events/s (max vs 100 "
                + "events/s offered).", LadderSummary.referenceRatio(results));
    }

    @Test
    void shouldHoldEachThresholdAtItsEdge() {
        assertTrue(LadderStep.isSustained(0.999, 1_000_000.0, 990, 1000), "every bound met exactly");
        assertFalse(LadderStep.isSustained(0.99899, 1_000_000.0, 990, 1000), "ratio");
        assertFalse(LadderStep.isSustained(0.999, 1_000_001.0, 990, 1000), "p99");
        assertFalse(LadderStep.isSustained(0.999, 1_000_000.0, 989, 1000), "accepted share");
        assertFalse(LadderStep.isSustained(null, 1.0, 1000, 1000), "nothing accepted");
        assertFalse(LadderStep.isSustained(1.0, null, 1000, 1000), "nothing received");
        assertFalse(LadderStep.isSustained(1.0, 1.0, 0, 0), "nothing offered");
        assertEquals(0.5, LadderStep.ratio(50, 10, 10));
        assertNull(LadderStep.ratio(0, 0, 10));
    }

    @Test
    void shouldSayWhenATargetSustainedNothing() {
        ResultStore.write(dir, step("herald", "100", 100, 100, 100, 1.0, 20_000, "01"));
        ResultStore.write(dir, step("nchan", "100", 100, 100, 14, 1.0, 20_000, "02"));      // took 14 of 100/s
        List<Map<String, Object>> results = ResultStore.load(List.of(dir));
        List<List<String>> table = LadderSummary.table(results);
        assertEquals(List.of("nchan", "none", "", "", "", "0 of 1"), table.get(2));
        assertEquals("herald sustained 100 events/s, the best other (nchan) no step: no ratio.",
                LadderSummary.referenceRatio(results));
    }

    @Test
    void shouldRenderTheLadderTableAndTheSustainedFanOutInBothReports() throws Exception {
        ResultStore.write(dir, step("herald", "400", 400, 400, 400, 1.0, 40_000, "01"));
        ResultStore.write(dir, step("herald", "max", 20_000, 20_000, 2_000, 0.9999, 400_000, "02"));
        ResultStore.write(dir, step("netty", "400", 400, 400, 15, 1.0, 30_000_000, "03"));
        ResultStore.writeReports(dir, ResultStore.load(List.of(dir)));
        String md = Files.readString(dir.resolve("summary.md"));
        assertTrue(md.contains("## ladder (RateLadder)"), md);
        assertTrue(md.contains("| date | target | subscribers | rate | offered/s | sent/s | accepted/s | 503 | 429 |"),
                md);
        assertTrue(md.contains("### Sustained fan-out"));
        assertTrue(md.contains("| herald | 400 | 400 | 400 | 40,000 | 1 of 2 |"), "max took 2,000 of 20,000/s: "
                + md);
        assertTrue(md.contains("| netty | none |"));
        assertTrue(md.contains("| ladder-100x400-64B | delivery ratio ↑ |"), "compared across targets: " + md);
        String html = Files.readString(dir.resolve("report.html"));
        assertTrue(html.contains("<h3>Sustained fan-out</h3>"));
        assertTrue(html.contains("<td>herald</td><td>400</td>"));
    }

    /** A ladder result at 100 subscribers as far as the reports read it. */
    private static LadderResult step(String target, String rate, double offeredRate, double offered,
                                     double accepted, double ratio, double p99Micros, String second) {
        Map<String, Object> parameters = new LinkedHashMap<>();
        parameters.put("subscribers", 100);
        parameters.put("rate", rate);
        parameters.put("offeredRate", offeredRate);
        Map<String, Object> machine = new LinkedHashMap<>();
        machine.put("date", "2026-12-05T16:00:" + second + "Z");
        Header h = new Header(ResultStore.SCHEMA, "ladder", "RateLadder", "ladder-100x" + rate + "-64B",
                new Target(target, List.of(), List.of(), "POST", List.of()), parameters, machine);
        LadderStep st = new LadderStep(rate, offeredRate, offered, offered, accepted, 0, 0, 0, 0, 1, 32,
                accepted * 100, (long) (accepted * 100 * ratio), (long) (accepted * 100), ratio, p99Micros / 2,
                p99Micros, 0, 0, false);
        LatencySummary none = new LatencySummary("us", 0, Optional.empty());
        WindowSummary w = new WindowSummary(10, 0, 0, 0, 0, 0, 0, 0, 0, none, none, 0, Optional.empty(),
                Optional.empty());
        return new LadderResult(h, 1.0, 100, st, w, new PublisherSummary(null, 0, 0, 0, 0, 0, Map.of()),
                new Tail(0, 0, 0), Map.of(), new LoadGenerator(1, 1), new Checks(true, true, true, true), 20,
                "test");
    }
}
