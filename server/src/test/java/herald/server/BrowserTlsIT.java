package herald.server;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Headless Chromium's EventSource over native TLS: the page (of another origin, over plain HTTP, as in
 * {@link BrowserIT}) opens {@code https://127.0.0.1:port/topics/…} against a certificate made at test time, which
 * Chromium is told to accept ({@code --ignore-certificate-errors}: it has no way to trust a test CA headless).
 */
class BrowserTlsIT {
    private static final Duration START = Duration.ofSeconds(15);
    private static final Duration WAIT = Duration.ofSeconds(8);

    @TempDir
    Path dir;

    @Test
    void shouldStreamToAnEventSourceOverHttps() throws Exception {
        if (!Files.isExecutable(BrowserIT.CHROMIUM)) {
            fail(BrowserIT.CHROMIUM + " is missing: run ops/test.sh, which installs it");
        }
        Path[] pair = TestCerts.ec(dir, "server");
        try (Herald herald = TestServer.start(b -> b.tls(pair[0], pair[1]));
             BrowserIT.PageServer page = BrowserIT.PageServer.start(page(herald.port()));
             BrowserIT.Chromium browser = BrowserIT.Chromium.launch(page.url(),
                     List.of("--ignore-certificate-errors"))) {
            BrowserIT.Reports reports = new BrowserIT.Reports(page, browser);
            assertEquals("loaded", reports.next(START).kind(), reports.context());
            assertEquals(new BrowserIT.Report("open", 1, "", ""), reports.next(WAIT), reports.context());
            assertTrue(TestServer.eventually(WAIT, () -> herald.subscribers("tls") == 1), reports.context());
            String hello = herald.publish("tls", "hello over tls");
            String named = herald.publish("tls", "update", "named");
            assertEquals(List.of(BrowserIT.Report.event("message", hello, "hello over tls"),
                            BrowserIT.Report.event("update", named, "named")),
                    reports.events(2, WAIT), reports.context());
        }
    }

    private static String page(int port) throws IOException {
        try (InputStream in = BrowserIT.class.getResourceAsStream("browser-it.html")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8)
                    .replace("@STREAM_URL@", "https://127.0.0.1:" + port + "/topics/tls");
        }
    }
}
