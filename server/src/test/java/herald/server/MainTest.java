package herald.server;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MainTest {
    private static HeraldConfig parse(Map<String, String> env, String... args) {
        Herald.Builder builder = Main.parse(args, env, new PrintStream(new ByteArrayOutputStream()));
        return builder.build();
    }

    @Test
    void shouldUseDefaultsWithNoArguments() {
        HeraldConfig config = parse(Map.of());
        assertEquals(8080, config.port());
        assertEquals("0.0.0.0", config.host());
        assertEquals(Duration.ofSeconds(15), config.heartbeat());
        assertEquals(1_048_576, config.limits().maxBodyBytes());
        assertEquals(PublishAccess.LOOPBACK, config.publishAccess());
    }

    @Test
    void shouldReadFlagsInBothFormsAndLetFlagsWinOverEnvironment() {
        HeraldConfig config = parse(Map.of("HERALD_PORT", "9000", "HERALD_HEARTBEAT", "5s"),
                "--port=9100", "--retention-events", "100", "--max-body-bytes", "64KiB", "--idle-timeout", "500ms",
                "--open-publish");
        assertEquals(9100, config.port());
        assertEquals(Duration.ofSeconds(5), config.heartbeat());
        assertEquals(128, config.retention().slots());
        assertEquals(65_536, config.limits().maxBodyBytes());
        assertEquals(Duration.ofMillis(500), config.idleTimeout());
        assertEquals(PublishAccess.ANY, config.publishAccess());
    }

    @Test
    void shouldRejectUnknownOptionsAndBadValuesNamingTheOption() {
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class, () -> parse(Map.of(), "--nope"));
        assertTrue(unknown.getMessage().contains("--nope"));
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> parse(Map.of(), "--port", "eighty"));
        assertTrue(bad.getMessage().startsWith("--port"), bad.getMessage());
        IllegalArgumentException env = assertThrows(IllegalArgumentException.class,
                () -> parse(Map.of("HERALD_HEARTBEAT", "soon")));
        assertTrue(env.getMessage().startsWith("HERALD_HEARTBEAT"), env.getMessage());
        assertThrows(IllegalArgumentException.class, () -> parse(Map.of(), "--port", "70000"));
        assertThrows(IllegalArgumentException.class, () -> parse(Map.of(), "--retention-bytes", "1KiB"));
        assertThrows(IllegalArgumentException.class, () -> parse(Map.of(), "--port"));
    }

    @Test
    void shouldRefuseARetryBelowTheFloorNamingTheOptionAndTheValue() {
        IllegalArgumentException zero = assertThrows(IllegalArgumentException.class,
                () -> parse(Map.of(), "--retry", "0"));
        assertEquals("--retry: retry must be at least 100ms: retry=PT0S", zero.getMessage());
        IllegalArgumentException env = assertThrows(IllegalArgumentException.class,
                () -> parse(Map.of("HERALD_RETRY", "99ms")));
        assertEquals("HERALD_RETRY: retry must be at least 100ms: retry=PT0.099S", env.getMessage());
        assertEquals(Duration.ofMillis(100), parse(Map.of(), "--retry", "100ms").retry());
    }

    @Test
    void shouldRefuseARetryBelowTheFloorFromTheBuilder() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Herald.builder().retry(Duration.ofMillis(99)).build());
        assertEquals("retry must be at least 100ms: retry=PT0.099S", e.getMessage());
        assertEquals(Duration.ofMillis(100), Herald.builder().retry(Duration.ofMillis(100)).build().retry());
    }

    @Test
    void shouldPrintEveryOptionWithItsEnvironmentVariableOnHelp() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertNull(Main.parse(new String[] {"--help"}, Map.of(), new PrintStream(out, true, StandardCharsets.UTF_8)));
        String help = out.toString(StandardCharsets.UTF_8);
        for (String option : new String[] {"--port", "--host", "--max-connections", "--heartbeat", "--retry",
                "--retention-events", "--retention-bytes", "--max-body-bytes", "--open-publish", "--max-stream-age"}) {
            assertTrue(help.contains(option), option);
        }
        assertTrue(help.contains("HERALD_MAX_BODY_BYTES"));
        assertTrue(help.contains("at least 100ms"), "the retry floor: " + help);
    }

    @Test
    void shouldParseSizesAndDurations() {
        assertEquals(16L << 20, Main.size("16MiB"));
        assertEquals(512L << 10, Main.size("512kib"));
        assertEquals(100, Main.size("100"));
        assertEquals(Duration.ofMinutes(2), Main.duration("2m"));
        assertEquals(Duration.ZERO, Main.duration("0"));
        assertThrows(IllegalArgumentException.class, () -> Main.size("12MB"));
        assertThrows(IllegalArgumentException.class, () -> Main.duration("10"));
    }
}
