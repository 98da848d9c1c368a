package herald.server;

import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A strict reader of the Prometheus text exposition format (0.0.4) for tests, for where {@code promtool} is not
 * installed: every sample belongs to a family announced by {@code # HELP} and {@code # TYPE} before it, names and
 * labels are well formed, values parse, no series repeats, counters end in {@code _total}, a histogram's buckets
 * are cumulative and end with {@code le="+Inf"} equal to its {@code _count}, a summary has {@code _sum} and
 * {@code _count}. Throws {@link AssertionError} naming the line.
 */
final class PrometheusText {
    private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern SAMPLE = Pattern.compile(
            "([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{((?:[a-zA-Z_][a-zA-Z0-9_]*=\"(?:[^\"\\\\\\n]|\\\\[\\\\\"n])*\",?)*)})? "
                    + "(\\S+)( -?\\d+)?");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\\\n]|\\\\[\\\\\"n])*)\"");
    private static final Set<String> TYPES = Set.of("counter", "gauge", "histogram", "summary", "untyped");

    /** The samples by series ({@code name{labels}} as written), in order. */
    final Map<String, Double> samples = new LinkedHashMap<>();
    /** The type of each family. */
    final Map<String, String> types = new HashMap<>();

    private PrometheusText() {
    }

    static PrometheusText parse(String text) {
        PrometheusText parsed = new PrometheusText();
        Set<String> helped = new HashSet<>();
        Map<String, Double> lastBucket = new HashMap<>();
        int number = 0;
        for (String line : text.split("\n", -1)) {
            number++;
            String where = "line " + number + ": " + line;
            if (line.isEmpty()) {
                check(number == text.split("\n", -1).length, "an empty line inside: " + where);
                continue;
            }
            if (line.startsWith("# HELP ")) {
                String[] parts = line.split(" ", 4);
                check(parts.length == 4 && NAME.matcher(parts[2]).matches(), "HELP: " + where);
                check(helped.add(parts[2]), "HELP twice: " + where);
                continue;
            }
            if (line.startsWith("# TYPE ")) {
                String[] parts = line.split(" ");
                check(parts.length == 4 && NAME.matcher(parts[2]).matches() && TYPES.contains(parts[3]), "TYPE: " + where);
                check(helped.contains(parts[2]), "TYPE before HELP: " + where);
                check(parsed.types.put(parts[2], parts[3]) == null, "TYPE twice: " + where);
                if (parts[3].equals("counter")) {
                    check(parts[2].endsWith("_total"), "a counter not ending in _total: " + where);
                }
                continue;
            }
            check(!line.startsWith("#"), "a comment that is neither HELP nor TYPE: " + where);
            Matcher m = SAMPLE.matcher(line);
            check(m.matches(), "not a sample: " + where);
            String name = m.group(1);
            String labels = m.group(3) == null ? "" : m.group(3);
            double value;
            try {
                value = switch (m.group(4)) {
                    case "+Inf" -> Double.POSITIVE_INFINITY;
                    case "-Inf" -> Double.NEGATIVE_INFINITY;
                    case "NaN" -> Double.NaN;
                    default -> Double.parseDouble(m.group(4));
                };
            } catch (NumberFormatException e) {
                throw new AssertionError("value: " + where);
            }
            String family = family(name, parsed.types);
            check(family != null, "a sample of no announced family: " + where);
            String type = parsed.types.get(family);
            Map<String, String> labelMap = new LinkedHashMap<>();
            Matcher lm = LABEL.matcher(labels);
            while (lm.find()) {
                check(labelMap.put(lm.group(1), lm.group(2)) == null, "a label twice: " + where);
            }
            check(parsed.samples.put(name + "{" + labels + "}", value) == null, "a series twice: " + where);
            if (type.equals("counter") || name.endsWith("_count") || name.endsWith("_bucket")) {
                check(value >= 0, "negative count: " + where);
            }
            if (type.equals("histogram")) {
                if (name.equals(family + "_bucket")) {
                    String le = labelMap.remove("le");
                    check(le != null, "a bucket without le: " + where);
                    String key = family + labelMap;
                    Double previous = lastBucket.get(key);
                    check(previous == null || value >= previous, "buckets not cumulative: " + where);
                    lastBucket.put(key, le.equals("+Inf") ? Double.NaN : value);
                    if (le.equals("+Inf")) {
                        lastBucket.put(key + "+Inf", value);
                    }
                } else if (name.equals(family + "_count")) {
                    Double inf = lastBucket.get(family + labelMap + "+Inf");
                    check(inf != null && inf == value, "_count is not the +Inf bucket: " + where);
                } else {
                    check(name.equals(family + "_sum"), "a histogram sample that is no bucket, sum or count: " + where);
                }
            } else if (type.equals("summary")) {
                check(name.equals(family) && labelMap.containsKey("quantile") || name.equals(family + "_sum")
                        || name.equals(family + "_count"), "a summary sample: " + where);
            } else {
                check(name.equals(family), "a sample named unlike its family: " + where);
            }
        }
        check(text.endsWith("\n"), "no final line feed");
        return parsed;
    }

    private static String family(String name, Map<String, String> types) {
        if (types.containsKey(name)) {
            return name;
        }
        for (String suffix : List.of("_bucket", "_sum", "_count")) {
            if (name.endsWith(suffix)) {
                String base = name.substring(0, name.length() - suffix.length());
                String type = types.get(base);
                if ("histogram".equals(type) || "summary".equals(type) && !suffix.equals("_bucket")) {
                    return base;
                }
            }
        }
        return null;
    }

    private static void check(boolean ok, String problem) {
        if (!ok) {
            throw new AssertionError(problem);
        }
    }

    double value(String series) {
        Double value = samples.get(series.contains("{") ? series : series + "{}");
        if (value == null) {
            throw new AssertionError("no series " + series);
        }
        return value;
    }
}
