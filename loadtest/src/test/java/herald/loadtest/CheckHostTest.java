package herald.loadtest;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * ops/check-host on this machine: what it reports against the host's real limits, its exit statuses, that it changes
 * nothing, and that its recommendations are the ones ops/TUNING.md states.
 */
class CheckHostTest {

    private static final Path OPS = Path.of("..", "ops").toAbsolutePath().normalize();
    private static final Path SCRIPT = OPS.resolve("check-host");
    private static final Path GUIDE = OPS.resolve("TUNING.md");

    /** STATUS NAME CURRENT want OP VALUE WHY (ops/TUNING.md, "SECTION") */
    private static final Pattern LINE = Pattern.compile(
            "^(OK|LOW|HIGH|SKIP) +(\\S+) +(\\S+) +want (>=|<=) (\\d+) +(.+) \\(ops/TUNING\\.md, \"([^\"]+)\"\\)$");

    record Run(int status, List<String> out, List<String> err) {
    }

    record Check(String status, String name, String current, String op, long want, String section) {
    }

    @Test
    void shouldReportTheFileLimitLowAndExit1WhenTheHardLimitIsBelowTheConnections() throws Exception {
        long hardLimit = hardFileLimit();
        Run run = run("--connections", "100000");
        Check files = checks(run).get("open-files(ulimit-Hn)");
        assertEquals(String.valueOf(hardLimit), files.current(), "the current value is the shell's ulimit -Hn");
        assertEquals(100_064, files.want(), "one descriptor per connection plus Herald's 64");
        if (hardLimit < 100_064) {                 // this machine: 20,000, a hard cap
            assertEquals("LOW", files.status());
            assertEquals(1, run.status(), "something is below the recommendations: exit 1");
        } else {
            assertEquals("OK", files.status());
        }
    }

    @Test
    void shouldPassTheFileLimitForAThousandConnections() throws Exception {
        long hardLimit = hardFileLimit();
        assertTrue(hardLimit >= 1_064, "this test needs a host whose hard limit holds 1,000 connections: " + hardLimit);
        Run run = run("--connections", "1000");
        Check files = checks(run).get("open-files(ulimit-Hn)");
        assertEquals("OK", files.status());
        assertEquals(1_064, files.want());
        boolean anyBelow = checks(run).values().stream().anyMatch(c -> c.status().equals("LOW") || c.status().equals("HIGH"));
        assertEquals(anyBelow ? 1 : 0, run.status(), "exit 1 exactly when a line says LOW or HIGH");
    }

    @Test
    void shouldExitOneExactlyWhenALineIsLowOrHigh() throws Exception {
        // Find a line that is never LOW here, then check the whole contract on whatever this host reports:
        // every LOW/HIGH line makes the status 1, and a run with none exits 0 (--connections 1 on a host with
        // tcp_retries2 <= 8 and syncookies on; on this machine tcp_retries2 is 15, so it is HIGH and the status 1).
        Run run = run("--connections", "1");
        Map<String, Check> checks = checks(run);
        long bad = checks.values().stream().filter(c -> c.status().equals("LOW") || c.status().equals("HIGH")).count();
        assertEquals(bad > 0 ? 1 : 0, run.status());
        Check retries = checks.get("net.ipv4.tcp_retries2");
        long current = Long.parseLong(read("/proc/sys/net/ipv4/tcp_retries2"));
        assertEquals(String.valueOf(current), retries.current());
        assertEquals(current <= 8 ? "OK" : "HIGH", retries.status());
    }

    @Test
    void shouldReadTheHostsRealValues() throws Exception {
        Map<String, Check> checks = checks(run("--connections", "100000", "--proxy"));
        assertEquals(read("/proc/sys/fs/nr_open"), checks.get("fs.nr_open").current());
        assertEquals(read("/proc/sys/fs/file-max"), checks.get("fs.file-max").current());
        assertEquals(read("/proc/sys/net/core/somaxconn"), checks.get("net.core.somaxconn").current());
        assertEquals(read("/proc/sys/net/ipv4/tcp_mem").split("\\s+")[2], checks.get("net.ipv4.tcp_mem[max](pages)").current());
        assertEquals(read("/proc/sys/net/ipv4/tcp_wmem").split("\\s+")[0], checks.get("net.ipv4.tcp_wmem[min](bytes)").current());
        String[] range = read("/proc/sys/net/ipv4/ip_local_port_range").split("\\s+");
        assertEquals(String.valueOf(Long.parseLong(range[1]) - Long.parseLong(range[0]) + 1),
                checks.get("ip_local_port_range(ports)").current());
        long memTotalKib = Files.readAllLines(Path.of("/proc/meminfo")).stream()
                .filter(l -> l.startsWith("MemTotal:")).map(l -> Long.parseLong(l.replaceAll("\\D", ""))).findFirst().orElseThrow();
        assertEquals(String.valueOf(memTotalKib / 1024), checks.get("MemTotal(MiB)").current());
        // a recommendation that holds here must say OK, one that does not LOW: this host's port range (28,232 here)
        // is below the 60,000 a proxy for 100,000 connections wants
        Check ports = checks.get("ip_local_port_range(ports)");
        assertEquals(Long.parseLong(ports.current()) >= 60_000 ? "OK" : "LOW", ports.status());
    }

    @Test
    void shouldScaleTheRecommendationsWithTheConnections() throws Exception {
        Map<String, Check> small = checks(run("--connections", "1000"));
        Map<String, Check> large = checks(run("--connections", "1000000"));
        assertEquals(1_064, small.get("open-files(ulimit-Hn)").want());
        assertEquals(1_000_064, large.get("open-files(ulimit-Hn)").want());
        assertEquals(2_000, small.get("fs.file-max").want());
        assertEquals(2_000_000, large.get("fs.file-max").want());
        assertEquals(4_096, small.get("net.core.somaxconn").want(), "never below Herald's default --backlog");
        assertEquals(65_535, large.get("net.core.somaxconn").want(), "the kernel's listen() cap");
        assertTrue(large.get("MemTotal(MiB)").want() > small.get("MemTotal(MiB)").want() + 5_000,
                "6 KiB per connection and a bigger heap for a million");
    }

    @Test
    void shouldRefuseBadUsageWithExit2AndOneLine() throws Exception {
        String[][] bad = {
                {"--connections", "abc"}, {"--connections", "0"}, {"--connections", "1000001"},
                {"--connections", "99999999999999999999"}, {"--connections", "-5"}, {"--connections"},
                {"--connections="}, {"--bogus"}, {"extra"}, {"--unit", "a b"}, {"--unit", "x;rm -rf /"}, {"--unit"}};
        for (String[] args : bad) {
            Run run = run(args);
            String what = String.join(" ", args);
            assertEquals(2, run.status(), what);
            assertEquals(List.of(), run.out(), what + ": nothing on stdout");
            assertEquals(1, run.err().size(), what + ": one line on stderr: " + run.err());
            assertTrue(run.err().get(0).startsWith("check-host: "), what + ": " + run.err());
        }
    }

    @Test
    void shouldPrintHelpAndExit0() throws Exception {
        Run run = run("--help");
        assertEquals(0, run.status());
        assertTrue(run.out().get(0).startsWith("Usage: ops/check-host"), run.out().get(0));
        assertTrue(String.join("\n", run.out()).contains("--connections N"));
    }

    @Test
    void shouldPrintEveryCheckAsOneWellFormedLineNamingASectionOfTheGuide() throws Exception {
        Run run = run("--connections", "100000", "--proxy");
        String guide = Files.readString(GUIDE, StandardCharsets.UTF_8);
        assertTrue(run.out().get(0).startsWith("check-host: one Herald process holding 100000 connections"));
        for (String line : run.out().subList(1, run.out().size())) {
            Matcher m = LINE.matcher(line);
            assertTrue(m.matches(), "not a check line: " + line);
            assertTrue(guide.contains("\n## " + m.group(7) + "\n"), "TUNING.md has no section \"" + m.group(7) + "\"");
        }
        assertEquals(List.of(), run.err());
    }

    @Test
    void shouldNotContainAnythingThatWrites() throws IOException {
        List<String> code = Files.readAllLines(SCRIPT).stream().map(l -> l.replaceFirst("^\\s*#.*", "")).toList();
        Pattern[] writers = {
                Pattern.compile("sysctl\\s"), Pattern.compile(">\\s*/(proc|sys|etc)"), Pattern.compile("\\btee\\b"),
                Pattern.compile("ulimit\\s+-[HS]?n\\s+\\d"), Pattern.compile("\\bprlimit\\b"),
                Pattern.compile("systemctl\\s+(start|stop|restart|reload|kill|enable|disable|edit|set-property|daemon-reload)"), Pattern.compile("\\b(rm|mv|cp|dd|install|mkdir|touch|chmod)\\s"),
                Pattern.compile("\\bsudo\\b")};
        for (int i = 0; i < code.size(); i++) {
            for (Pattern writer : writers) {
                assertFalse(writer.matcher(code.get(i)).find(), "line " + (i + 1) + " may write: " + code.get(i));
            }
        }
    }

    @Test
    void shouldChangeNothingAndNeedNoRoot() throws Exception {
        List<Path> read = List.of(Path.of("/proc/sys/fs/nr_open"), Path.of("/proc/sys/fs/file-max"),
                Path.of("/proc/sys/net/core/somaxconn"), Path.of("/proc/sys/net/ipv4/tcp_syncookies"),
                Path.of("/proc/sys/net/ipv4/tcp_max_syn_backlog"), Path.of("/proc/sys/net/ipv4/ip_local_port_range"),
                Path.of("/proc/sys/net/ipv4/tcp_mem"), Path.of("/proc/sys/net/ipv4/tcp_rmem"),
                Path.of("/proc/sys/net/ipv4/tcp_wmem"), Path.of("/proc/sys/net/ipv4/tcp_retries2"));
        Map<Path, String> before = new LinkedHashMap<>();
        for (Path p : read) {
            before.put(p, readProc(p));
        }
        List<String> asUser = new ArrayList<>();
        boolean root = new String(new ProcessBuilder("id", "-u").start().getInputStream().readAllBytes()).trim().equals("0");
        if (root && Files.isExecutable(Path.of("/usr/bin/setpriv"))) {
            // as nobody, with no capabilities: it cannot write /proc/sys even if it tried
            asUser.addAll(List.of("/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--inh-caps=-all"));
        }
        Run asRoot = run("--connections", "100000", "--proxy");
        Run unprivileged = runAs(asUser, "--connections", "100000", "--proxy");
        assertEquals(asRoot.status(), unprivileged.status(), "the same verdict without privileges: " + unprivileged.err());
        assertEquals(statuses(asRoot), statuses(unprivileged));
        assertEquals(List.of(), unprivileged.err());
        for (Path p : read) {
            assertEquals(before.get(p), readProc(p), p + " changed");
        }
    }

    /** TUNING.md's table "What ops/check-host checks" states, per line, the value for 100,000 and 1,000,000. */
    @Test
    void shouldRecommendWhatTheGuideStates() throws Exception {
        Map<String, String[]> table = guideTable();
        Map<String, Check> at100k = checks(run("--connections", "100000", "--proxy"));
        Map<String, Check> at1m = checks(run("--connections", "1000000", "--proxy"));
        assertEquals(at100k.keySet(), table.keySet(), "every check-host line has a row in TUNING.md, and no other");
        for (Map.Entry<String, String[]> row : table.entrySet()) {
            Check a = at100k.get(row.getKey());
            Check b = at1m.get(row.getKey());
            assertEquals(row.getValue()[0], a.op() + " " + a.want(), row.getKey() + " at 100,000");
            assertEquals(row.getValue()[1], b.op() + " " + b.want(), row.getKey() + " at 1,000,000");
        }
    }

    /** The sysctl file TUNING.md gives meets check-host's recommendations for a million connections. */
    @Test
    void shouldFindTheGuidesSysctlFileSufficientForAMillion() throws Exception {
        Map<String, String> file = guideSysctls();
        Map<String, Check> at1m = checks(run("--connections", "1000000", "--proxy"));
        Map<String, String> keyOf = Map.of(
                "fs.nr_open", "fs.nr_open", "fs.file-max", "fs.file-max", "net.core.somaxconn", "net.core.somaxconn",
                "net.ipv4.tcp_syncookies", "net.ipv4.tcp_syncookies",
                "net.ipv4.tcp_max_syn_backlog", "net.ipv4.tcp_max_syn_backlog",
                "net.ipv4.tcp_mem[max](pages)", "net.ipv4.tcp_mem", "net.ipv4.tcp_retries2", "net.ipv4.tcp_retries2",
                "net.netfilter.nf_conntrack_max", "net.netfilter.nf_conntrack_max",
                "ip_local_port_range(ports)", "net.ipv4.ip_local_port_range");
        for (Map.Entry<String, String> e : keyOf.entrySet()) {
            String value = file.get(e.getValue());
            assertNotNull(value, "TUNING.md's sysctl file sets " + e.getValue());
            String[] fields = value.trim().split("\\s+");
            long number = switch (e.getKey()) {
                case "net.ipv4.tcp_mem[max](pages)" -> Long.parseLong(fields[2]);
                case "ip_local_port_range(ports)" -> Long.parseLong(fields[1]) - Long.parseLong(fields[0]) + 1;
                default -> Long.parseLong(fields[0]);
            };
            Check check = at1m.get(e.getKey());
            boolean meets = check.op().equals(">=") ? number >= check.want() : number <= check.want();
            assertTrue(meets, e.getValue() + " = " + value + " in TUNING.md, but check-host wants " + check.op() + " "
                    + check.want() + " for 1,000,000 connections");
        }
    }

    // ---- helpers ------------------------------------------------------------------------------------------------

    private static Map<String, String[]> guideTable() throws IOException {
        List<String> lines = Files.readAllLines(GUIDE);
        int start = lines.indexOf("## What ops/check-host checks");
        assertTrue(start >= 0, "TUNING.md has a section \"What ops/check-host checks\"");
        Map<String, String[]> rows = new LinkedHashMap<>();
        for (String line : lines.subList(start + 1, lines.size())) {
            if (line.startsWith("## ")) {
                break;
            }
            if (!line.startsWith("| `")) {
                continue;
            }
            String[] cells = line.split("\\|");
            String name = cells[1].trim().replace("`", "");
            rows.put(name, new String[]{normalise(cells[3]), normalise(cells[4])});
        }
        return rows;
    }

    private static String normalise(String cell) {
        String s = cell.trim().replace("≥", ">=").replace("≤", "<=").replace(",", "");
        Matcher m = Pattern.compile("^(>=|<=) ?(\\d+)").matcher(s);
        if (!m.find()) {
            fail("not a recommendation in TUNING.md's table: " + cell);
        }
        return m.group(1) + " " + m.group(2);
    }

    /** The key = value lines of the guide's sysctl.d file (the block after "/etc/sysctl.d/90-herald.conf"). */
    private static Map<String, String> guideSysctls() throws IOException {
        List<String> lines = Files.readAllLines(GUIDE);
        int at = -1;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith("# /etc/sysctl.d/90-herald.conf")) {
                at = i;
                break;
            }
        }
        assertTrue(at >= 0, "TUNING.md has the file /etc/sysctl.d/90-herald.conf");
        Map<String, String> values = new LinkedHashMap<>();
        for (String line : lines.subList(at + 1, lines.size())) {
            if (line.startsWith("```")) {
                break;
            }
            String code = line.replaceFirst("#.*", "").trim();
            if (!code.isEmpty()) {
                String[] kv = code.split("=", 2);
                values.put(kv[0].trim(), kv[1].trim());
            }
        }
        return values;
    }

    private static Map<String, Check> checks(Run run) {
        Map<String, Check> checks = new LinkedHashMap<>();
        for (String line : run.out().subList(1, run.out().size())) {
            Matcher m = LINE.matcher(line);
            assertTrue(m.matches(), "not a check line: " + line);
            checks.put(m.group(2), new Check(m.group(1), m.group(2), m.group(3), m.group(4), Long.parseLong(m.group(5)), m.group(7)));
        }
        return checks;
    }

    private static List<String> statuses(Run run) {
        return checks(run).values().stream().map(c -> c.status() + " " + c.name()).toList();
    }

    private static long hardFileLimit() throws Exception {
        Run run = exec(List.of("bash", "-c", "ulimit -Hn"));
        String value = run.out().get(0).trim();
        return value.equals("unlimited") ? Long.MAX_VALUE : Long.parseLong(value);
    }

    private static String read(String path) throws IOException {
        return readProc(Path.of(path)).trim();
    }

    /** The whole of a /proc file (on this JDK Files.readString returned only the first byte of one). */
    private static String readProc(Path path) throws IOException {
        try (var in = Files.newInputStream(path)) {
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        }
    }

    private static Run run(String... args) throws Exception {
        return runAs(List.of(), args);
    }

    private static Run runAs(List<String> prefix, String... args) throws Exception {
        List<String> command = new ArrayList<>(prefix);
        command.add(SCRIPT.toString());
        command.addAll(List.of(args));
        return exec(command);
    }

    private static Run exec(List<String> command) throws Exception {
        Path out = Files.createTempFile("check-host", ".out");
        Path err = Files.createTempFile("check-host", ".err");
        try {
            Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                fail("did not finish within 30 s: " + command);
            }
            return new Run(p.exitValue(), Files.readAllLines(out), Files.readAllLines(err));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }
}
