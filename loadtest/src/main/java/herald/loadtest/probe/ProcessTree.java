package herald.loadtest.probe;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Memory and CPU of a server: the processes given by PID and all their descendants (a launcher script and its
 * JVM, nginx's master and workers, several Herald processes), read from Linux's {@code /proc}.
 *
 * <ul>
 *   <li>RSS: {@code VmRSS} of {@code /proc/<pid>/status}, summed. Shared pages count once per process, so a
 *       tree of forked workers over-counts its shared text a little; the delta over a run is what matters.</li>
 *   <li>CPU: {@code utime + stime} (fields 14 and 15 of {@code /proc/<pid>/stat}, in clock ticks), summed over
 *       live processes. Children that exit take their time with them unless reaped (then it moves to the
 *       parent's {@code cutime}, which is not added): sample trees that do not churn processes.</li>
 * </ul>
 *
 * <p>Any thread; each {@link #sample} re-reads the tree.
 */
public final class ProcessTree {

    /** @param processes live processes in the tree; 0 when the roots are gone */
    public record Sample(long nanoTime, long rssBytes, long cpuNanos, int processes) {
    }

    private static final long NANOS_PER_TICK = TimeUnit.SECONDS.toNanos(1) / clockTicksPerSecond();

    public final List<Long> roots;

    ProcessTree(List<Long> roots) {
        if (roots.isEmpty()) {
            throw new IllegalArgumentException("no server PID");
        }
        this.roots = List.copyOf(roots);
    }

    public List<Long> roots() {
        return roots;
    }

    public Sample sample() {
        Set<Long> pids = new LinkedHashSet<>();
        for (long root : roots) {
            ProcessHandle.of(root).ifPresent(h -> {
                pids.add(h.pid());
                h.descendants().forEach(d -> pids.add(d.pid()));
            });
        }
        long rss = 0;
        long cpu = 0;
        int live = 0;
        for (long pid : pids) {
            long r = rssBytes(pid);
            long c = cpuNanos(pid);
            if (r >= 0 && c >= 0) {
                rss += r;
                cpu += c;
                live++;
            }
        }
        return new Sample(System.nanoTime(), rss, cpu, live);
    }

    /** This process's CPU time (all threads), or 0 if {@code /proc} cannot tell. */
    public static long selfCpuNanos() {
        return Math.max(0, cpuNanos(ProcessHandle.current().pid()));
    }

    /** {@code VmRSS} of one process in bytes, -1 if it is gone. */
    static long rssBytes(long pid) {
        String status = read(Path.of("/proc", Long.toString(pid), "status"));
        if (status == null) {
            return -1;
        }
        for (String line : status.split("\n")) {
            if (line.startsWith("VmRSS:")) {
                return kibibytes(line) * 1024;
            }
        }
        return 0;                       // a zombie or kernel thread has no VmRSS
    }

    /** {@code utime + stime} of one process in nanoseconds, -1 if it is gone. */
    static long cpuNanos(long pid) {
        String stat = read(Path.of("/proc", Long.toString(pid), "stat"));
        if (stat == null) {
            return -1;
        }
        // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so count fields after the last ')'
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" +");
        long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);   // fields 14 and 15 of stat(5)
        return ticks * NANOS_PER_TICK;
    }

    static long kibibytes(String line) {
        String[] parts = line.trim().split(" +");
        return parts.length >= 2 ? Long.parseLong(parts[1]) : 0;
    }

    /** The whole file, or null. Reads to EOF: procfs files report a size that is not their length. */
    static String read(Path path) {
        try (InputStream in = Files.newInputStream(path)) {
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            return null;
        }
    }

    /** USER_HZ from {@code getconf CLK_TCK}; 100, its value on every Linux we run on, if that fails. */
    private static long clockTicksPerSecond() {
        try {
            Process p = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
            if (p.waitFor(5, TimeUnit.SECONDS) && p.exitValue() == 0) {
                long hz = Long.parseLong(out);
                if (hz > 0) {
                    return hz;
                }
            }
        } catch (IOException | NumberFormatException e) {
            // fall back
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 100;
    }

    /** Several roots from a comma list of PIDs. */
    public static ProcessTree of(String pidList) {
        List<Long> pids = new ArrayList<>();
        for (String s : pidList.split(",")) {
            if (!s.isBlank()) {
                try {
                    pids.add(Long.parseLong(s.trim()));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("--server-pid: not a PID: " + s.trim());
                }
            }
        }
        for (long pid : pids) {
            if (ProcessHandle.of(pid).isEmpty()) {
                throw new IllegalArgumentException("--server-pid: no process " + pid);
            }
        }
        return new ProcessTree(pids);
    }
}
