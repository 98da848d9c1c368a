package herald.server;

import org.junit.jupiter.api.Test;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The nginx front of ops/nginx/herald.conf, as shipped, in front of a real Herald: TLS 1.3 is offered, a stream
 * over TLS and HTTP/2 (curl) arrives unbuffered, and publishing from outside is refused.
 */
class NginxIT {
    private static final Path CONFIG = Path.of("..", "ops", "nginx", "herald.conf");

    private static String executable(String... candidates) {
        for (String path : candidates) {
            if (new File(path).canExecute()) {
                return path;
            }
        }
        throw new AssertionError(candidates[0] + " is missing: run ops/test.sh, which installs it");
    }

    @Test
    void shouldStreamThroughTheShippedNginxConfigOverHttp2() throws Exception {
        String nginx = executable("/usr/sbin/nginx", "/usr/bin/nginx");
        String curl = executable("/usr/bin/curl", "/usr/local/bin/curl");
        String openssl = executable("/usr/bin/openssl", "/usr/local/bin/openssl");
        Path dir = Files.createTempDirectory("herald-nginx");
        try (Herald herald = TestServer.start()) {
            int tlsPort = freePort();
            run(openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost",
                    "-keyout", dir.resolve("key.pem").toString(), "-out", dir.resolve("cert.pem").toString());
            String site = Files.readString(CONFIG)
                    .replace("/etc/ssl/certs/events.example.com.pem", dir.resolve("cert.pem").toString())
                    .replace("/etc/ssl/private/events.example.com.key", dir.resolve("key.pem").toString())
                    .replace("listen 443", "listen 127.0.0.1:" + tlsPort)
                    .replace("127.0.0.1:8080", "127.0.0.1:" + herald.port());
            Files.writeString(dir.resolve("herald.conf"), site);
            Files.writeString(dir.resolve("nginx.conf"), """
                    worker_processes 1;
                    daemon off;
                    pid %1$s/nginx.pid;
                    error_log %1$s/error.log;
                    events { worker_connections 256; }
                    http {
                        access_log off;
                        client_body_temp_path %1$s/body; proxy_temp_path %1$s/proxy;
                        fastcgi_temp_path %1$s/fcgi; uwsgi_temp_path %1$s/uwsgi; scgi_temp_path %1$s/scgi;
                        include %1$s/herald.conf;
                    }
                    """.formatted(dir));
            Process server = new ProcessBuilder(nginx, "-p", dir.toString(), "-c", dir.resolve("nginx.conf").toString())
                    .redirectErrorStream(true).redirectOutput(dir.resolve("stdout.log").toFile()).start();
            Process subscriber = null;
            try {
                String base = "https://127.0.0.1:" + tlsPort;
                assertTrue(TestServer.eventually(Duration.ofSeconds(10), () -> status(curl, base + "/health") == 200),
                        "nginx is up: " + read(dir.resolve("error.log")));
                // the config's ssl_protocols: nginx 1.22 (Debian 12) would otherwise offer 1.0-1.2 and not 1.3
                String session = output(openssl, "s_client", "-connect", "127.0.0.1:" + tlsPort, "-tls1_3");
                assertTrue(session.contains("TLSv1.3"), "TLS 1.3 through the shipped config: " + session);
                subscriber = new ProcessBuilder(curl, "-skN", "--http2", "--max-time", "10", "-i",
                        base + "/topics/edge").redirectErrorStream(true).start();
                assertTrue(TestServer.eventually(Duration.ofSeconds(10), () -> herald.subscribers("edge") == 1));
                String id = herald.publish("edge", "through nginx");
                assertEquals(403, status(curl, "-X", "POST", "--data", "x", base + "/topics/edge"),
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
                server.destroy();
                if (!server.waitFor(5, TimeUnit.SECONDS)) {
                    server.destroyForcibly();
                }
            }
        } finally {
            try (var files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static int status(String curl, String... args) {
        String[] command = new String[args.length + 6];
        command[0] = curl;
        command[1] = "-sk";
        command[2] = "-o";
        command[3] = "/dev/null";
        command[4] = "-w";
        command[5] = "%{http_code}";
        System.arraycopy(args, 0, command, 6, args.length);
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
            p.waitFor(10, TimeUnit.SECONDS);
            return out.isEmpty() ? 0 : Integer.parseInt(out);
        } catch (IOException | NumberFormatException e) {
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }

    private static void run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0, String.join(" ", command) + ": " + out);
    }

    /** A command's output, whatever its exit status (stdin closed at once). */
    private static String output(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(30, TimeUnit.SECONDS);
        return out;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "(" + file + " unreadable)";
        }
    }

    private static int freePort() throws IOException {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
