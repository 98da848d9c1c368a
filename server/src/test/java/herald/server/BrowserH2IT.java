package herald.server;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * DESIGN.md section 6: one browser page with 50 EventSources uses one TCP connection. Over HTTP/1.1 Chromium holds
 * six connections per origin and the seventh EventSource stalls; over h2 (TLS, ALPN) all 50 streams share one
 * connection and every one receives. The server's own connection count says how many connections the page used.
 */
class BrowserH2IT {
    private static final Duration START = Duration.ofSeconds(15);
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final int SOURCES = 50;

    @TempDir
    Path dir;

    @Test
    void shouldStreamTo50EventSourcesOverOneH2Connection() throws Exception {
        if (!Files.isExecutable(BrowserIT.CHROMIUM)) {
            fail(BrowserIT.CHROMIUM + " is missing: run ops/test.sh, which installs it");
        }
        Path[] pair = TestCerts.ec(dir, "server");
        // A short head timeout: connections Chromium opens speculatively and never uses are closed within 2 s, so
        // that the server's connection count can show the one connection the 50 streams share.
        try (Herald herald = TestServer.start(b -> b.tls(pair[0], pair[1])
                .timeouts(Timeouts.DEFAULTS.withHead(Duration.ofSeconds(2))));
             BrowserIT.PageServer page = BrowserIT.PageServer.start(page(herald.port()));
             BrowserIT.Chromium browser = BrowserIT.Chromium.launch(page.url(),
                     List.of("--ignore-certificate-errors"))) {
            BrowserIT.Reports reports = new BrowserIT.Reports(page, browser);
            assertEquals("loaded", reports.next(START).kind(), reports.context());
            assertTrue(TestServer.eventually(WAIT, () -> subscribed(herald) == SOURCES),
                    "subscribed=" + subscribed(herald) + "; " + reports.context());
            for (int i = 0; i < SOURCES; i++) {
                herald.publish("h2b" + i, "hello " + i);
            }
            BrowserIT.Report all = reports.next(WAIT);
            assertEquals(new BrowserIT.Report("all", SOURCES, "", "received"), all, reports.context());
            assertTrue(TestServer.eventually(WAIT, () -> herald.metricsText().contains("herald_connections 1\n")),
                    "one TCP connection: " + herald.metricsText());
            String metrics = herald.metricsText();
            assertTrue(metrics.contains("herald_h2_connections_total 1\n"), metrics);
        }
    }

    private static int subscribed(Herald herald) {
        int n = 0;
        for (int i = 0; i < SOURCES; i++) {
            n += herald.subscribers("h2b" + i);
        }
        return n;
    }

    /** Opens 50 EventSources on 50 topics and reports once every one got its event. */
    private static String page(int port) {
        return """
                <!DOCTYPE html>
                <html><head><meta charset="utf-8"><title>Herald BrowserH2IT</title></head><body><script>
                "use strict";
                var seq = 0;
                var sending = Promise.resolve();
                function report(kind, readyState, lastEventId, data) {
                  var body = (seq++) + "|" + kind + "|" + readyState + "|" + lastEventId + "|" + data;
                  sending = sending.then(function () {
                    return fetch("/report", {method: "POST", body: body, cache: "no-store"});
                  }).catch(function () {});
                }
                window.addEventListener("error", function (e) { report("jserror", -1, "", String(e.message)); });
                report("loaded", -1, "", location.origin);
                var received = 0;
                for (var i = 0; i < @N@; i++) {
                  (function (i) {
                    var source = new EventSource("https://127.0.0.1:@PORT@/topics/h2b" + i);
                    source.onmessage = function (e) {
                      if (e.data === "hello " + i) {
                        source.close();
                        if (++received === @N@) { report("all", @N@, "", "received"); }
                      }
                    };
                  })(i);
                }
                </script></body></html>
                """.replace("@PORT@", Integer.toString(port)).replace("@N@", Integer.toString(SOURCES));
    }
}
