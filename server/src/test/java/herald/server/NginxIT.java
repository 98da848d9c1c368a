package herald.server;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The nginx front of ops/nginx/herald.conf, as shipped with one node in its upstream, in front of a real Herald:
 * TLS 1.3 is offered, a stream over TLS and HTTP/2 (curl) arrives unbuffered, and publishing from outside is
 * refused. {@link NginxClusterIT} puts it in front of several nodes.
 */
class NginxIT {
    @Test
    void shouldStreamThroughTheShippedNginxConfigOverHttp2() throws Exception {
        String curl = NginxFront.executable("/usr/bin/curl", "/usr/local/bin/curl");
        String openssl = NginxFront.executable("/usr/bin/openssl", "/usr/local/bin/openssl");
        try (Herald herald = TestServer.start();
             NginxFront front = NginxFront.start(List.of(herald.port()), site -> site)) {
            Process subscriber = null;
            try {
                String base = front.base();
                assertTrue(TestServer.eventually(Duration.ofSeconds(10), () -> status(base + "/health") == 200),
                        "nginx is up: " + front.errorLog());
                // the config's ssl_protocols: nginx 1.22 (Debian 12) would otherwise offer 1.0-1.2 and not 1.3
                String session = output(openssl, "s_client", "-connect", "127.0.0.1:" + front.port(), "-tls1_3");
                assertTrue(session.contains("TLSv1.3"), "TLS 1.3 through the shipped config: " + session);
                subscriber = new ProcessBuilder(curl, "-skN", "--http2", "--max-time", "10", "-i",
                        base + "/topics/edge").redirectErrorStream(true).start();
                assertTrue(TestServer.eventually(Duration.ofSeconds(10), () -> herald.subscribers("edge") == 1));
                String id = herald.publish("edge", "through nginx");
                assertEquals(403, status("-X", "POST", "--data", "x", base + "/topics/edge"),
                        "publishing through the proxy is refused");
                assertTrue(TestServer.eventually(Duration.ofSeconds(5), () -> herald.metricsText()
                        .contains("herald_events_delivered_total 1\n")));
                herald.deleteTopic("edge");            // ends the stream, so curl exits
                String stream = new String(subscriber.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertTrue(stream.startsWith("HTTP/2 200"), stream);
                assertTrue(stream.contains("content-type: text/event-stream"), stream);
                assertTrue(stream.contains("data: through nginx\nid: " + id + "\n\n"), stream);
            } finally {
                if (subscriber != null) {
                    subscriber.destroyForcibly();
                }
            }
        }
    }

    private static int status(String... args) {
        try {
            String out = NginxFront.curl(concat(new String[] {"-o", "/dev/null", "-w", "%{http_code}"}, args)).trim();
            return out.isEmpty() ? 0 : Integer.parseInt(out);
        } catch (IOException | NumberFormatException e) {
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }

    private static String[] concat(String[] a, String[] b) {
        String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    /** A command's output, whatever its exit status (stdin closed at once). */
    private static String output(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS);
        return out;
    }
}
