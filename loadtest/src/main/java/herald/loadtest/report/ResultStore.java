package herald.loadtest.report;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The results directory: one JSON file per run ({@code <date>-<target>-<run>.json}), and {@code summary.md} and
 * {@code report.html} rebuilt over every result in it after each run (or by the {@code report} command over any
 * set of files, e.g. the compare step's runs of several targets).
 */
public final class ResultStore {
    public static final String SCHEMA = "herald-loadtest/1";

    private ResultStore() {
    }

    public static Path write(Path dir, ScenarioResult result) {
        try {
            Files.createDirectories(dir);
            Header h = result.header();
            String date = String.valueOf(h.machine().get("date")).replaceAll("[^0-9T]", "");
            String name = date + "-" + safe(h.target().name()) + "-" + safe(h.run()) + ".json";
            Path file = dir.resolve(name);
            for (int i = 2; Files.exists(file); i++) {
                file = dir.resolve(name.replace(".json", "-" + i + ".json"));
            }
            Files.writeString(file, Json.write(result), StandardCharsets.UTF_8);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write results in " + dir, e);
        }
    }

    /** Results in these files and directories (their {@code *.json} files of our schema), oldest first. */
    @SuppressWarnings("unchecked")
    public static List<Map<String, Object>> load(List<Path> inputs) {
        List<Path> files = new ArrayList<>();
        for (Path in : inputs) {
            if (Files.isDirectory(in)) {
                try (Stream<Path> s = Files.list(in)) {
                    s.filter(p -> p.toString().endsWith(".json")).sorted().forEach(files::add);
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot list " + in, e);
                }
            } else if (Files.isRegularFile(in)) {
                files.add(in);
            } else {
                throw new IllegalArgumentException("no such result file or directory: " + in);
            }
        }
        List<Map<String, Object>> results = new ArrayList<>();
        for (Path f : files) {
            try {
                Object v = Json.parse(Files.readString(f, StandardCharsets.UTF_8));
                if (v instanceof Map<?, ?> m && SCHEMA.equals(m.get("schema"))) {
                    Map<String, Object> r = (Map<String, Object>) m;
                    r.put("file", f.getFileName().toString());
                    results.add(r);
                }
            } catch (IOException | IllegalArgumentException e) {
                System.err.println("loadtest: skipping " + f + ": " + e.getMessage());
            }
        }
        results.sort(Comparator.comparing(r -> String.valueOf(Reports.get(r, "machine.date"))));
        return results;
    }

    /** Writes {@code summary.md} and {@code report.html} into {@code dir}. */
    public static void writeReports(Path dir, List<Map<String, Object>> results) {
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("summary.md"), MarkdownSummary.render(results), StandardCharsets.UTF_8);
            Files.writeString(dir.resolve("report.html"), HtmlReport.render(results), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write reports in " + dir, e);
        }
    }

    private static String safe(String s) {
        String t = s.replaceAll("[^A-Za-z0-9._+-]+", "_");
        return t.length() > 60 ? t.substring(0, 60) : t;
    }
}
