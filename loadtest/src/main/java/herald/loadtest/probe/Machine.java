package herald.loadtest.probe;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;

/** Where a result was measured: cores, memory, CPU model, kernel, OS, JDK, limits, and when. */
public final class Machine {
    private Machine() {
    }

    public static Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("date", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        m.put("host", hostName());
        m.put("cores", Runtime.getRuntime().availableProcessors());
        m.put("cpu", cpuModel());
        m.put("memoryBytes", memTotal());
        m.put("kernel", trim(ProcessTree.read(Path.of("/proc/sys/kernel/osrelease"))));
        m.put("os", osName());
        m.put("jdk", System.getProperty("java.vm.vendor", "?") + " " + System.getProperty("java.runtime.version"));
        m.put("openFileLimit", openFileLimit());
        m.put("ephemeralPorts", trim(ProcessTree.read(Path.of("/proc/sys/net/ipv4/ip_local_port_range")))
                .replaceAll("\\s+", "-"));
        m.put("clock", "System.nanoTime() = CLOCK_MONOTONIC, one clock for all processes on this host");
        return m;
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            return "?";
        }
    }

    private static String cpuModel() {
        String info = ProcessTree.read(Path.of("/proc/cpuinfo"));
        if (info != null) {
            for (String line : info.split("\n")) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        }
        return System.getProperty("os.arch");
    }

    private static long memTotal() {
        String info = ProcessTree.read(Path.of("/proc/meminfo"));
        if (info != null) {
            for (String line : info.split("\n")) {
                if (line.startsWith("MemTotal:")) {
                    return ProcessTree.kibibytes(line) * 1024;
                }
            }
        }
        return -1;
    }

    private static String osName() {
        String release = ProcessTree.read(Path.of("/etc/os-release"));
        if (release != null) {
            for (String line : release.split("\n")) {
                if (line.startsWith("PRETTY_NAME=")) {
                    return line.substring(12).replace("\"", "");
                }
            }
        }
        return System.getProperty("os.name") + " " + System.getProperty("os.version");
    }

    private static String openFileLimit() {
        String limits = ProcessTree.read(Path.of("/proc/self/limits"));
        if (limits != null) {
            for (String line : limits.split("\n")) {
                if (line.startsWith("Max open files")) {
                    String[] f = line.substring("Max open files".length()).trim().split(" +");
                    return f[0] + "/" + f[1];
                }
            }
        }
        return "?";
    }

    private static String trim(String s) {
        return s == null ? "?" : s.trim();
    }
}
