package herald.loadtest.scenario;

import herald.loadtest.client.GeneratorConfig;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OptionsTest {

    @Test
    void shouldParseValuesListsAndUnits() {
        Options o = Options.parse(List.of("--subscribers", "10_000", "--rate=max", "--bytes", "64,1KiB",
                "--duration", "1.5s", "--publish-header", "A: b, c", "--publish-header", "D: e", "extra"));
        assertEquals(10_000, o.integer("subscribers", 1));
        assertEquals(0, o.rate("rate", 100));
        assertEquals(100, o.rate("warmup-less", 100));
        assertEquals(List.of("64", "1KiB"), o.list("bytes", "1"));
        assertEquals(TimeUnit.MILLISECONDS.toNanos(1500), o.nanos("duration", "10s"));
        assertEquals(List.of("A: b, c", "D: e"), o.repeated("publish-header"), "header lines are not split");
        assertEquals(List.of("extra"), o.positional());
        assertEquals(TimeUnit.SECONDS.toNanos(10), o.nanos("warmup", "10s"));
    }

    @Test
    void shouldRefuseAUrlWhoseHostDoesNotResolveInOneLine() {
        for (String option : List.of("subscribe-url", "publish-url", "stream-url")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new RunContext(
                    Options.parse(List.of("--" + option, "http://no-such-host.invalid:8080/topics/x")),
                    new OneTopicManySubscribers(), Long.MAX_VALUE));
            assertEquals("--" + option + ": cannot resolve the host of http://no-such-host.invalid:8080/topics/x",
                    e.getMessage());
        }
    }

    @Test
    void shouldParseDurationsAndSizes() {
        assertEquals(TimeUnit.MILLISECONDS.toNanos(500), Options.parseDuration("500ms"));
        assertEquals(TimeUnit.MINUTES.toNanos(2), Options.parseDuration("2m"));
        assertEquals(TimeUnit.SECONDS.toNanos(30), Options.parseDuration("30"));
        assertEquals(4096, Options.parseSize("4KiB"));
        assertEquals(4096, Options.parseSize("4k"));
        assertEquals(1 << 20, Options.parseSize("1MiB"));
        assertEquals(64, Options.parseSize("64B"));
    }

    @Test
    void shouldFailInOneLineNamingTheOption() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Options.parse(List.of("--subscriber", "1")));
        assertEquals("unknown option --subscriber (--help lists them)", e.getMessage());
        Options o = Options.parse(List.of("--duration", "soon", "--subscribers", "-1", "--rate", "fast"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> o.nanos("duration", "1s")).getMessage()
                .startsWith("--duration: "));
        assertThrows(IllegalArgumentException.class, () -> o.integer("subscribers", 1));
        assertThrows(IllegalArgumentException.class, () -> o.rate("rate", 1));
        assertThrows(IllegalArgumentException.class, () -> Options.parse(List.of("--rate")));
    }

    @Test
    void shouldListEveryOptionInTheHelp() {
        String help = Options.help();
        for (Options.Spec spec : Options.SPECS) {
            assertEquals(!spec.hidden(), help.contains("--" + spec.name()), spec.name());
        }
        for (Scenario s : Scenario.all()) {
            assertTrue(help.contains(s.name() + " ") && help.contains(s.topology()), s.name());
        }
    }

    @Test
    void shouldRecreateAGeneratorConfigInAWorker() {
        Options o = Options.parse(List.of("--subscribe-url", "http://127.0.0.1:9/a,http://127.0.0.1:9/b",
                "--source-addresses", "127.0.0.5-127.0.0.6", "--threads", "3", "--publish-connections", "4",
                "--resume", "false"));
        GeneratorConfig c = RunContext.generatorConfig(o, 100, System.nanoTime() + TimeUnit.MINUTES.toNanos(1));
        GeneratorConfig back = RunContext.generatorConfig(Options.parse(c.toArgs()), 0, c.deadlineNanos());
        assertEquals(c.subscribeUrls(), back.subscribeUrls());
        assertEquals(c.sourceAddresses(), back.sourceAddresses());
        assertEquals(3, back.threads());
        assertEquals(4, back.lanes());
        assertEquals(false, back.resume());
        assertEquals(c.connectTimeoutNanos(), back.connectTimeoutNanos());
        assertEquals(List.of(), back.resumeUrls());
    }

    @Test
    void shouldPairResumeUrlsWithSubscribeUrlsAndCarryThemToWorkers() {
        String subs = "http://127.0.0.1:9/a,http://127.0.0.1:9/b";
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
        GeneratorConfig paired = RunContext.generatorConfig(Options.parse(List.of("--subscribe-url", subs,
                "--resume-url", "http://127.0.0.1:10/x,http://127.0.0.1:11/y")), 10, deadline);
        assertEquals("http://127.0.0.1:10/x", paired.resumeUrl(0).text());
        assertEquals("http://127.0.0.1:11/y", paired.resumeUrl(1).text());
        GeneratorConfig back = RunContext.generatorConfig(Options.parse(paired.toArgs()), 0, deadline);
        assertEquals(paired.resumeUrls(), back.resumeUrls(), "a worker gets the same resume URLs");

        GeneratorConfig one = RunContext.generatorConfig(Options.parse(List.of("--subscribe-url", subs,
                "--resume-url", "http://127.0.0.1:10/x")), 10, deadline);
        assertEquals("http://127.0.0.1:10/x", one.resumeUrl(0).text());
        assertEquals("http://127.0.0.1:10/x", one.resumeUrl(1).text(), "all with the only one");

        GeneratorConfig none = RunContext.generatorConfig(Options.parse(List.of("--subscribe-url", subs)), 10,
                deadline);
        assertEquals("http://127.0.0.1:9/b", none.resumeUrl(1).text(), "without: the subscribe URL");
        assertTrue(!none.toArgs().contains("--resume-url"));
    }

    @Test
    void shouldRefuseResumeUrlsThatDoNotPairOrDoNotResolve() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new RunContext(
                Options.parse(List.of("--subscribe-url", "http://127.0.0.1:9/a,http://127.0.0.1:9/b",
                        "--resume-url", "http://127.0.0.1:1/x,http://127.0.0.1:2/y,http://127.0.0.1:3/z")),
                new ReconnectStorm(), Long.MAX_VALUE));
        assertEquals("--resume-url: give one, or one per --subscribe-url (2), got 3", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new RunContext(
                Options.parse(List.of("--resume-url", "http://no-such-host.invalid:8080/topics/x")),
                new ReconnectStorm(), Long.MAX_VALUE));
        assertEquals("--resume-url: cannot resolve the host of http://no-such-host.invalid:8080/topics/x",
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new RunContext(
                Options.parse(List.of("--resume-url", "https://127.0.0.1:8443/topics/x")),
                new ReconnectStorm(), Long.MAX_VALUE));
        assertEquals("only http:// URLs are supported: https://127.0.0.1:8443/topics/x", e.getMessage());
    }

    @Test
    void shouldOnlyKillALiveProcessThatIsNotThisOne() throws Exception {
        assertEquals(null, ReconnectStorm.victim(context()));
        for (String pid : List.of("1", "0", Long.toString(ProcessHandle.current().pid()))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> ReconnectStorm.victim(context("--kill-pid", pid)));
            assertEquals("--kill-pid: not a server's PID: " + pid, e.getMessage());
        }
        Process child = new ProcessBuilder("sleep", "30").start();
        try {
            long pid = child.pid();
            assertEquals(pid, ReconnectStorm.victim(context("--kill-pid", Long.toString(pid))).pid());
            child.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> ReconnectStorm.victim(context("--kill-pid", Long.toString(pid))));
            assertEquals("--kill-pid: no process " + pid, e.getMessage());
        } finally {
            child.destroyForcibly();
        }
    }

    private static RunContext context(String... args) {
        return new RunContext(Options.parse(List.of(args)), new ReconnectStorm(), Long.MAX_VALUE);
    }
}
