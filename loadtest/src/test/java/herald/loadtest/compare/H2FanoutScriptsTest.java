package herald.loadtest.compare;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs the Node tests of {@code compare/h2-fanout.js} (the HTTP/2 fan-out client's stream checks, latency
 * percentiles and phase options) and {@code compare/h2-fanout-report.js} (medians and ratios):
 * {@code node --test compare/h2-fanout.test.js}, bounded to 60 s. Needs {@code node} (ops/test.sh installs nodejs).
 */
class H2FanoutScriptsTest {

    @Test
    void shouldPassTheFanoutClientsNodeTests() throws Exception {
        Path test = Path.of("compare", "h2-fanout.test.js");
        assertTrue(Files.isRegularFile(test), "run from the loadtest module: " + test.toAbsolutePath());
        Path out = Files.createTempFile("h2-fanout-test", ".log");
        Process node;
        try {
            node = new ProcessBuilder("node", "--test", test.toString()).redirectErrorStream(true)
                    .redirectOutput(out.toFile()).start();
        } catch (IOException e) {
            throw new AssertionError("node not found: install nodejs (ops/test.sh does)", e);
        }
        try {
            boolean ended = node.waitFor(60, TimeUnit.SECONDS);
            if (!ended) {
                node.destroyForcibly();         // ours, by its handle
                node.waitFor(5, TimeUnit.SECONDS);
            }
            String log = Files.readString(out, StandardCharsets.UTF_8);
            assertTrue(ended, "node --test did not end within 60 s:\n" + log);
            assertEquals(0, node.exitValue(), log);
            assertTrue(log.contains("# fail 0") && log.matches("(?s).*# pass [1-9].*"), log);
        } finally {
            Files.deleteIfExists(out);
        }
    }
}
