package herald.loadtest;

import herald.loadtest.report.Json;
import herald.loadtest.report.ResultStore;
import herald.loadtest.report.ScenarioResult;
import herald.loadtest.scenario.Defaults;
import herald.loadtest.scenario.Options;
import herald.loadtest.scenario.RunContext;
import herald.loadtest.scenario.Scenario;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code java -jar herald-loadtest-all.jar <scenario> [options]}: runs one scenario against any SSE server on
 * loopback and writes its results; {@code report} rebuilds the summaries. {@code --help} lists every option.
 * Exit status: 0 done, 1 the run failed, 2 bad usage, 4 aborted at --max-time.
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    static int run(String[] args) {
        if (args.length == 0 || Arrays.asList(args).contains("--help") || args[0].equals("help")) {
            System.out.print(Options.help());
            return args.length == 0 ? 2 : 0;
        }
        String name = args[0];
        Options options;
        try {
            options = Options.parse(Arrays.asList(args).subList(1, args.length));
        } catch (IllegalArgumentException e) {
            return usage(e.getMessage());
        }
        Path out = Path.of(options.string("out", Defaults.OUT));
        if (name.equals("report")) {
            return report(options, out);
        }
        Scenario scenario = Scenario.all().stream().filter(s -> s.name().equals(name)).findFirst().orElse(null);
        if (scenario == null) {
            return usage("unknown scenario '" + name + "': idle, fanout, single, reconnect, slow, ladder, streams "
                    + "or report");
        }
        if (!options.positional().isEmpty()) {
            return usage("unexpected argument '" + options.positional().get(0) + "'");
        }
        try {
            long start = System.nanoTime();
            RunContext probe = new RunContext(options, scenario, Long.MAX_VALUE);
            long bound = options.nanos("max-time", (scenario.boundNanos(probe) + TimeUnit.MINUTES.toNanos(1))
                    / 1_000_000 + "ms");
            RunContext ctx = probe.withDeadline(start + bound);
            Thread watchdog = watchdog(bound);
            List<ScenarioResult> results = scenario.run(ctx);
            watchdog.interrupt();
            List<Path> files = new ArrayList<>();
            for (ScenarioResult r : results) {
                files.add(ResultStore.write(out, r));
            }
            ResultStore.writeReports(out, ResultStore.load(List.of(out)));
            System.out.println();
            for (int i = 0; i < results.size(); i++) {
                ScenarioResult r = results.get(i);
                System.out.printf("%s %s against %s: %s%n", scenario.topology(), r.header().run(), ctx.target,
                        r.headline());
                if (r.checks() != null) {
                    System.out.println("  checks: " + Json.fields(r.checks()));  // {inOrderNoGaps=true, ...}
                }
                System.out.println("  result: " + files.get(i));
            }
            System.out.println("  summary: " + out.resolve("summary.md") + ", report: " + out.resolve("report.html"));
            return 0;
        } catch (IllegalArgumentException e) {
            return usage(e.getMessage());
        } catch (RuntimeException e) {
            System.err.println("loadtest: " + name + " failed: " + e.getMessage());
            if (System.getenv("HERALD_LOADTEST_DEBUG") != null) {
                e.printStackTrace();
            }
            return 1;
        }
    }

    private static int report(Options options, Path out) {
        List<Path> inputs = options.positional().isEmpty() ? List.of(out)
                : options.positional().stream().map(Path::of).toList();
        try {
            List<Map<String, Object>> results = ResultStore.load(inputs);
            ResultStore.writeReports(out, results);
            System.out.printf("%d results: %s, %s%n", results.size(), out.resolve("summary.md"),
                    out.resolve("report.html"));
            return 0;
        } catch (RuntimeException e) {
            System.err.println("loadtest: report failed: " + e.getMessage());
            return 1;
        }
    }

    /** Ends the process at the bound, whatever the run is doing; worker processes end through the shutdown hook. */
    private static Thread watchdog(long boundNanos) {
        Thread t = new Thread(() -> {
            try {
                TimeUnit.NANOSECONDS.sleep(boundNanos);
                System.err.printf("loadtest: aborted after --max-time %.0f s%n", boundNanos / 1e9);
                System.exit(4);                          // runs the hook that ends worker processes
            } catch (InterruptedException ignored) {
                // finished in time
            }
        }, "herald-loadtest-watchdog");
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static int usage(String message) {
        System.err.println("loadtest: " + message);
        return 2;
    }
}
