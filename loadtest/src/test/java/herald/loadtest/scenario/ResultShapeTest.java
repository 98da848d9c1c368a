package herald.loadtest.scenario;

import herald.loadtest.report.Json;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The typed result writes the keys, in the order, of the files already in {@code loadtest/results} (schema
 * {@code herald-loadtest/1}), which {@code compare/goals.sh} and the reports read.
 */
class ResultShapeTest {
    /** A fanout run of the final comparison, with --server-pid: every optional section present. */
    private static final Path GOLDEN = Path.of("results/2026-11-24-final/herald/"
            + "20261124T154759-herald-fanout-10000x100-64B.json");

    @Test
    void shouldWriteAFanOutResultWithTheKeysOfAnExistingResultFile() throws Exception {
        Object golden = Json.parse(Files.readString(GOLDEN, StandardCharsets.UTF_8));
        Object written = Json.parse(Json.write(ReportsTest.fanoutResult("herald", 1000)));
        assertEquals(keys(golden, ""), keys(written, ""));
    }

    /** Every object's key path, in order; {@code loadGenerator}'s as a set (it was written from a Map.of). */
    private static List<String> keys(Object v, String path) {
        List<String> out = new ArrayList<>();
        if (v instanceof Map<?, ?> m) {
            Iterable<?> names = path.equals(".loadGenerator") ? new TreeSet<>(m.keySet().stream().map(String::valueOf)
                    .toList()) : m.keySet();
            for (Object k : names) {
                String p = path + "." + k;
                out.add(p);
                out.addAll(keys(m.get(k), p));
            }
        }
        return out;
    }
}
