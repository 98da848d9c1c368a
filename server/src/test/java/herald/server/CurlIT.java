package herald.server;

import org.junit.jupiter.api.Test;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** curl, as users run it from the README, against a real server. */
class CurlIT {
    private static String curl() {
        for (String path : new String[] {"/usr/bin/curl", "/usr/local/bin/curl", "/bin/curl"}) {
            if (new File(path).canExecute()) {
                return path;
            }
        }
        throw new AssertionError("curl is missing: run ops/test.sh, which installs it");
    }

    @Test
    void shouldSubscribeAndPublishWithCurl() throws Exception {
        try (Herald herald = TestServer.start()) {
            String base = "http://127.0.0.1:" + herald.port();
            Process subscriber = new ProcessBuilder(curl(), "-sN", "--max-time", "5", base + "/topics/curl")
                    .redirectErrorStream(true).start();
            try {
                assertTrue(TestServer.eventually(Duration.ofSeconds(5), () -> herald.subscribers("curl") == 1));
                Process publisher = new ProcessBuilder(curl(), "-s", "-X", "POST", "--data-binary", "line one\nline two",
                        base + "/topics/curl?event=note").redirectErrorStream(true).start();
                String answer = new String(publisher.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertTrue(publisher.waitFor(5, TimeUnit.SECONDS));
                assertTrue(answer.startsWith("{\"id\":\""), answer);
                String id = answer.substring(7, answer.indexOf('"', 7));
                assertTrue(TestServer.eventually(Duration.ofSeconds(5), () -> herald.metricsText()
                        .contains("herald_events_delivered_total 1\n")));
                assertTrue(herald.deleteTopic("curl"));   // ends the stream, so curl exits
                String stream = new String(subscriber.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertTrue(subscriber.waitFor(5, TimeUnit.SECONDS));
                String epoch = id.substring(0, id.indexOf('-'));
                assertEquals("retry: 500\nid: " + epoch + "-0\n\nevent: note\ndata: line one\ndata: line two\nid: "
                        + id + "\n\n", stream);
            } finally {
                subscriber.destroyForcibly();
            }
        }
    }
}
