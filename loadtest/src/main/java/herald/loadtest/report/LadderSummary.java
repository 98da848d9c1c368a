package herald.loadtest.report;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The rate ladder over result files: each target's steps in rate order, and each target's sustained fan-out, the
 * highest offered rate of a step that {@link LadderStep#isSustained sustained} it (recomputed from the step's
 * figures, so that the thresholds are the ones in this code whatever wrote the file).
 */
final class LadderSummary {

    /**
     * A target's sustained fan-out.
     *
     * @param rate               the step's name ({@code 400}, {@code max}), or null when no step sustained its rate
     * @param offeredRate        its offered rate, events/s (0 when none)
     * @param acceptedPerSecond  publishes accepted per second there
     * @param deliveredPerSecond events delivered per second there (over all subscribers)
     * @param sustainedSteps     steps that sustained their rate, of {@code steps}
     */
    record Sustained(String target, String rate, double offeredRate, double acceptedPerSecond,
                     double deliveredPerSecond, int sustainedSteps, int steps) {
    }

    private LadderSummary() {
    }

    /** The latest result per target and step, targets in first-seen order, each target's steps by offered rate. */
    static List<Map<String, Object>> steps(List<Map<String, Object>> results) {
        Map<String, Map<String, Map<String, Object>>> byTarget = new LinkedHashMap<>();
        for (Map<String, Object> r : results) {
            if ("ladder".equals(r.get("scenario"))) {
                byTarget.computeIfAbsent(Reports.text(Reports.get(r, "target.name")), k -> new LinkedHashMap<>())
                        .put(Reports.text(r.get("run")), r);
            }
        }
        List<Map<String, Object>> out = new ArrayList<>();
        for (Map<String, Map<String, Object>> steps : byTarget.values()) {
            steps.values().stream().sorted(Comparator.comparingDouble(LadderSummary::offeredRate)).forEach(out::add);
        }
        return out;
    }

    static double offeredRate(Map<String, Object> r) {
        Double v = Reports.number(r, "step.offeredRate");
        return v == null ? 0 : v;
    }

    /** Whether this step sustained its rate, from its figures. */
    static boolean sustained(Map<String, Object> r) {
        Double accepted = Reports.number(r, "step.acceptedPerSecond");
        Double offered = Reports.number(r, "step.offeredPerSecond");
        return LadderStep.isSustained(Reports.number(r, "step.deliveryRatio"), Reports.number(r, "step.p99Micros"),
                accepted == null ? 0 : accepted, offered == null ? 0 : offered);
    }

    /** Per target (first-seen order): its sustained fan-out. */
    static List<Sustained> sustained(List<Map<String, Object>> results) {
        Map<String, List<Map<String, Object>>> byTarget = new LinkedHashMap<>();
        for (Map<String, Object> r : steps(results)) {
            byTarget.computeIfAbsent(Reports.text(Reports.get(r, "target.name")), k -> new ArrayList<>()).add(r);
        }
        List<Sustained> out = new ArrayList<>();
        for (Map.Entry<String, List<Map<String, Object>>> e : byTarget.entrySet()) {
            Map<String, Object> best = null;
            int count = 0;
            for (Map<String, Object> r : e.getValue()) {
                if (sustained(r)) {
                    count++;
                    if (best == null || offeredRate(r) > offeredRate(best)) {
                        best = r;
                    }
                }
            }
            out.add(best == null ? new Sustained(e.getKey(), null, 0, 0, 0, 0, e.getValue().size())
                    : new Sustained(e.getKey(), Reports.text(Reports.get(best, "step.rate")), offeredRate(best),
                    orZero(Reports.number(best, "step.acceptedPerSecond")),
                    orZero(Reports.number(best, "step.deliveredPerSecond")), count, e.getValue().size()));
        }
        return out;
    }

    /** The sustained fan-out as a table: header, then a row per target, then the reference / best other. */
    static List<List<String>> table(List<Map<String, Object>> results) {
        List<Sustained> all = sustained(results);
        if (all.isEmpty()) {
            return List.of();
        }
        List<List<String>> t = new ArrayList<>();
        t.add(List.of("target", "sustained rate (events/s)", "step", "accepted/s", "delivered/s", "steps sustained"));
        for (Sustained s : all) {
            t.add(List.of(s.target(), s.rate() == null ? "none" : Reports.fmt(s.offeredRate(), 0),
                    s.rate() == null ? "" : s.rate(), s.rate() == null ? "" : Reports.fmt(s.acceptedPerSecond(), 0),
                    s.rate() == null ? "" : Reports.fmt(s.deliveredPerSecond(), 0),
                    s.sustainedSteps() + " of " + s.steps()));
        }
        return t;
    }

    /**
     * One line: the reference target's sustained delivered events/s over the best other target's, or null when
     * there is no other target or either sustained nothing.
     */
    static String referenceRatio(List<Map<String, Object>> results) {
        List<Sustained> all = sustained(results);
        if (all.size() < 2) {
            return null;
        }
        String ref = Reports.reference(new java.util.LinkedHashSet<>(all.stream().map(Sustained::target).toList()));
        Sustained r = all.stream().filter(s -> s.target().equals(ref)).findFirst().orElseThrow();
        Sustained best = all.stream().filter(s -> !s.target().equals(ref))
                .max(Comparator.comparingDouble(Sustained::deliveredPerSecond)).orElseThrow();
        if (r.rate() == null || best.rate() == null || best.deliveredPerSecond() <= 0) {
            return String.format(Locale.ROOT, "%s sustained %s, the best other (%s) %s: no ratio.", ref,
                    r.rate() == null ? "no step" : r.rate() + " events/s", best.target(),
                    best.rate() == null ? "no step" : best.rate() + " events/s");
        }
        return String.format(Locale.ROOT, "Sustained fan-out, %s / best other (%s): %s x in delivered events/s "
                        + "(%s vs %s events/s offered).", ref, best.target(),
                Reports.fmt(r.deliveredPerSecond() / best.deliveredPerSecond(), 2), r.rate(), best.rate());
    }

    private static double orZero(Double d) {
        return d == null ? 0 : d;
    }
}
