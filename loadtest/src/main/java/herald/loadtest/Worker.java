package herald.loadtest;

import herald.loadtest.client.FleetStatus;
import herald.loadtest.client.Generator;
import herald.loadtest.client.GeneratorConfig;
import herald.loadtest.client.WorkerFleet;
import herald.loadtest.probe.ProcessTree;
import herald.loadtest.scenario.Options;
import herald.loadtest.scenario.RunContext;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A worker process: a {@link Generator} driven over stdin/stdout by a {@link WorkerFleet} in the coordinating
 * process. Started as {@code java -cp <the same jar> herald.loadtest.Worker <generator options>}.
 *
 * <p>Protocol: one command per stdin line, one answer per command on stdout, prefixed {@code @herald}
 * (anything else the JVM prints is passed through by the coordinator):
 * <pre>
 *   open COUNT STALLED        → @herald ok
 *   status                    → @herald status CPU_NANOS PROCESSES C0,C1,... HISTOGRAM_BASE64
 *   drop RATE                 → @herald dropped N
 *   move                      → @herald moved N           (reconnects go to the resume URLs from now on)
 *   caughtup SEQ              → @herald caughtup N
 *   missing L,L,...;L,L,...   → @herald missing EVENTS BEHIND NOTHING    (last accepted seq per URL, lane)
 *   stop                      → @herald bye, then exit 0
 * </pre>
 * A failed command answers {@code @herald error MESSAGE}. EOF on stdin (the coordinator died) stops the worker;
 * so does {@code --deadline}, after which it exits with status 3 whatever it is doing.
 */
public final class Worker {
    private Worker() {
    }

    public static void main(String[] args) throws Exception {
        Options o;
        try {
            o = Options.parse(List.of(args));
        } catch (IllegalArgumentException e) {
            System.err.println("loadtest worker: " + e.getMessage());
            System.exit(2);
            return;
        }
        long deadlineNanos = o.nanos("deadline", "10m");
        long deadline = System.nanoTime() + deadlineNanos;
        Thread watchdog = new Thread(() -> {
            try {
                TimeUnit.NANOSECONDS.sleep(deadlineNanos + TimeUnit.SECONDS.toNanos(10));
                System.err.println("loadtest worker: deadline passed, exiting");
                System.exit(3);
            } catch (InterruptedException ignored) {
                // normal exit
            }
        }, "herald-worker-deadline");
        watchdog.setDaemon(true);
        watchdog.start();

        GeneratorConfig config = RunContext.generatorConfig(o, 0, deadline);
        PrintStream out = new PrintStream(System.out, false, StandardCharsets.UTF_8);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        boolean stopped = false;
        try (Generator generator = new Generator(config)) {
            answer(out, "ready");
            String line;
            while (!stopped && (line = in.readLine()) != null) {
                String[] p = line.trim().split(" ");
                try {
                    switch (p[0]) {
                        case "open" -> {
                            generator.open(Integer.parseInt(p[1]), Boolean.parseBoolean(p[2]));
                            answer(out, "ok");
                        }
                        case "status" -> {
                            FleetStatus s = generator.status();
                            FleetStatus mine = new FleetStatus(s.counters(), s.latency(),
                                    ProcessTree.selfCpuNanos(), 1);
                            answer(out, "status " + mine.encode());
                        }
                        case "drop" -> answer(out, "dropped " + generator.dropAll(Double.parseDouble(p[1])));
                        case "move" -> answer(out, "moved " + generator.moveToResumeUrls());
                        case "caughtup" -> answer(out, "caughtup " + generator.caughtUp(Long.parseLong(p[1])));
                        case "missing" -> {
                            long[] m = generator.missingAtEnd(WorkerFleet.decodeSeqs(p.length > 1 ? p[1] : ""));
                            answer(out, "missing " + m[0] + " " + m[1] + " " + m[2]);
                        }
                        case "stop" -> stopped = true;                  // closed on leaving the try
                        default -> answer(out, "error unknown command " + p[0]);
                    }
                } catch (RuntimeException e) {
                    answer(out, "error " + String.valueOf(e.getMessage()).replace('\n', ' '));
                }
            }
        } finally {
            if (stopped) {
                answer(out, "bye");
            }
            out.flush();
            watchdog.interrupt();
        }
    }

    private static void answer(PrintStream out, String text) {
        out.print(WorkerFleet.PREFIX);
        out.print(text);
        out.print('\n');
        out.flush();
    }
}
