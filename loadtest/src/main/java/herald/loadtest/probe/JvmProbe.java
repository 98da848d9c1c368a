package herald.loadtest.probe;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A server that is a JVM, seen through {@code jcmd} (from the JDK running this process; the target must run as the
 * same user): {@code GC.run} forces a full collection, {@code GC.heap_info} tells the heap used. For {@code idle
 * --jvm-gc}: memory readings taken right after a full GC hold live objects only, so the delta over N connections
 * is what the connections keep, not the garbage of accepting them.
 */
public final class JvmProbe {
    private static final long TIMEOUT_SECONDS = 60;
    // "garbage-first heap   total reserved 1048576K, committed 1048576K, used 5460K [...]",
    // "def new generation   total 4928K, used 1234K [...]", " ZHeap  used 12M, capacity 64M, ..."
    private static final Pattern USED = Pattern.compile("\\bused (\\d+)([KMG])\\b");

    private JvmProbe() {
    }

    /** Forces a full GC in each process (synchronous: jcmd returns when it is done). */
    public static void fullGc(List<Long> pids) {
        for (long pid : pids) {
            jcmd(pid, "GC.run");
        }
    }

    /** Heap used in bytes, summed over the processes (after {@link #fullGc}: the live heap), or -1 if unknown. */
    public static long heapUsedBytes(List<Long> pids) {
        long sum = 0;
        for (long pid : pids) {
            long used = parseHeapUsed(jcmd(pid, "GC.heap_info"));
            if (used < 0) {
                return -1;
            }
            sum += used;
        }
        return sum;
    }

    /** Sums the {@code used} of the heap's spaces in {@code GC.heap_info} output; Metaspace is not heap. */
    static long parseHeapUsed(String heapInfo) {
        long sum = 0;
        boolean any = false;
        for (String line : heapInfo.split("\n")) {
            String t = line.trim();
            if (t.startsWith("Metaspace") || t.startsWith("class space") || t.startsWith("region size")) {
                continue;
            }
            Matcher m = USED.matcher(t);
            if (m.find()) {
                long unit = switch (m.group(2)) {
                    case "K" -> 1L << 10;
                    case "M" -> 1L << 20;
                    default -> 1L << 30;
                };
                sum += Long.parseLong(m.group(1)) * unit;
                any = true;
            }
        }
        return any ? sum : -1;
    }

    private static String jcmd(long pid, String command) {
        Path java = Path.of(ProcessHandle.current().info().command().orElse("java"));
        Path jcmd = java.resolveSibling("jcmd");
        String exe = Files.isExecutable(jcmd) ? jcmd.toString() : "jcmd";
        try {
            Process p = new ProcessBuilder(exe, Long.toString(pid), command).redirectErrorStream(true).start();
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("jcmd " + pid + " " + command + " did not finish in "
                        + TIMEOUT_SECONDS + " s");
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException("jcmd " + pid + " " + command + " failed (is it a JVM of this "
                        + "user?): " + out.strip().lines().findFirst().orElse(""));
            }
            return out;
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + exe + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted");
        }
    }
}
