package herald.server;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Debian's nginx running {@code ops/nginx/herald.conf} as shipped, with only what a user fills in substituted: the
 * listening address (a free loopback port), the certificate (EC P-256 for 127.0.0.1, made by openssl) and the nodes
 * of the upstream (each shipped {@code server} line's parameters kept). The configuration is checked with
 * {@code nginx -t} before nginx starts (one worker; access log {@link #accessLog()} with the connection's serial
 * number, the protocol and the upstream addresses tried). Stopped by its PID.
 */
final class NginxFront implements AutoCloseable {
    static final Path SHIPPED = Path.of("..", "ops", "nginx", "herald.conf");
    /** The shipped upstream's node lines: {@code server 10.0.0.1N:8080 <parameters>;}. */
    private static final Pattern NODE = Pattern.compile("(?m)^( +)server 10\\.0\\.0\\.1\\d:8080((?: [^;\\n]+)?);\\n");
    private static final String LOG_FORMAT = "$connection $connection_requests $server_protocol $remote_addr "
            + "\"$request\" $status \"$http_last_event_id\" \"$upstream_addr\" \"$upstream_status\"";

    private final Path dir;
    private final int port;
    private final Process process;
    private javax.net.ssl.SSLContext trusting;          // for statusFrom

    private NginxFront(Path dir, int port, Process process) {
        this.dir = dir;
        this.port = port;
        this.process = process;
    }

    static String executable(String... candidates) {
        for (String path : candidates) {
            if (new File(path).canExecute()) {
                return path;
            }
        }
        throw new AssertionError(candidates[0] + " is missing: run ops/test.sh, which installs it");
    }

    /** nginx in front of {@code nodes} (loopback ports); {@code edit} changes the shipped file first. */
    static NginxFront start(List<Integer> nodes, UnaryOperator<String> edit) throws IOException, InterruptedException {
        String nginx = executable("/usr/sbin/nginx", "/usr/bin/nginx");
        Path dir = Files.createTempDirectory("herald-nginx");
        try {
            Path[] certificate = TestCerts.ec(dir, "front");
            int port = freePort();
            Files.writeString(dir.resolve("herald.conf"), site(edit.apply(Files.readString(SHIPPED)), certificate,
                    port, nodes));
            Files.writeString(dir.resolve("nginx.conf"), """
                    worker_processes 1;
                    worker_rlimit_nofile 2048;
                    daemon off;
                    pid %1$s/nginx.pid;
                    error_log %1$s/error.log warn;
                    events { worker_connections 1024; }
                    http {
                        log_format herald '%2$s';
                        access_log %1$s/access.log herald;
                        client_body_temp_path %1$s/body; proxy_temp_path %1$s/proxy;
                        fastcgi_temp_path %1$s/fcgi; uwsgi_temp_path %1$s/uwsgi; scgi_temp_path %1$s/scgi;
                        include %1$s/herald.conf;
                    }
                    """.formatted(dir, LOG_FORMAT));
            String check = TestCerts.run(dir, nginx, "-t", "-p", dir.toString(), "-c",
                    dir.resolve("nginx.conf").toString());
            assertTrue(check.contains("syntax is ok") && check.contains("test is successful"), check);
            Process process = new ProcessBuilder(nginx, "-p", dir.toString(), "-c",
                    dir.resolve("nginx.conf").toString()).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("stdout.log").toFile()).start();
            NginxFront front = new NginxFront(dir, port, process);
            if (!TestServer.eventually(Duration.ofSeconds(10), () -> front.listening() || !process.isAlive())
                    || !process.isAlive()) {
                String log = front.errorLog() + read(dir.resolve("stdout.log"));
                front.close();
                throw new AssertionError("nginx did not listen on " + port + ": " + log);
            }
            return front;
        } catch (IOException | InterruptedException | RuntimeException | Error e) {
            delete(dir);
            throw e;
        }
    }

    /**
     * The shipped file with this test's listening port, certificate and nodes; fails when the file no longer has
     * the shape these substitutions expect.
     */
    static String site(String shipped, Path[] certificate, int port, List<Integer> nodes) {
        String site = replaceOnce(shipped, "listen 443 ssl http2;", "listen 127.0.0.1:" + port + " ssl http2;");
        site = replaceOnce(site, "/etc/ssl/certs/events.example.com.pem", certificate[0].toString());
        site = replaceOnce(site, "/etc/ssl/private/events.example.com.key", certificate[1].toString());
        Matcher node = NODE.matcher(site);
        StringBuilder out = new StringBuilder();
        int lines = 0;
        while (node.find()) {
            StringBuilder replacement = new StringBuilder();
            if (lines++ == 0) {
                for (int nodePort : nodes) {
                    replacement.append(node.group(1)).append("server 127.0.0.1:").append(nodePort).append(node.group(2))
                            .append(";\n");
                }
            }
            node.appendReplacement(out, Matcher.quoteReplacement(replacement.toString()));
        }
        node.appendTail(out);
        assertTrue(lines > 0, SHIPPED + " has no \"server 10.0.0.1N:8080 …;\" line in its upstream any more");
        return out.toString();
    }

    /** {@code text} with {@code from}, which it must hold exactly once, replaced by {@code to}. */
    static String replaceOnce(String text, String from, String to) {
        int at = text.indexOf(from);
        assertTrue(at >= 0 && text.indexOf(from, at + 1) < 0, SHIPPED + " should hold \"" + from + "\" once");
        return text.replace(from, to);
    }

    int port() {
        return port;
    }

    String base() {
        return "https://127.0.0.1:" + port;
    }

    Path dir() {
        return dir;
    }

    /** The certificate nginx serves (PEM), to trust. */
    Path certificate() {
        return dir.resolve("front.crt");
    }

    /** The site as nginx runs it. */
    String site() throws IOException {
        return Files.readString(dir.resolve("herald.conf"));
    }

    /** One line per finished request: connection serial, its request count, protocol, client, request, … */
    List<String> accessLog() {
        return read(dir.resolve("access.log")).lines().toList();
    }

    String errorLog() {
        return read(dir.resolve("error.log"));
    }

    private boolean listening() {
        try (java.net.Socket socket = new java.net.Socket()) {
            socket.connect(new java.net.InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public void close() {
        try {
            process.destroy();                           // SIGTERM: nginx's fast shutdown
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            delete(dir);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "";
        }
    }

    private static void delete(Path dir) {
        try (var files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temp dir left behind
        }
    }

    static int freePort() throws IOException {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /**
     * The status nginx answers {@code method target} (sent byte for byte) over TLS and HTTP/1.1 from
     * {@code localAddress}; only the status line is read, so a stream's answer returns at once.
     */
    int statusFrom(String localAddress, String method, String target) throws Exception {
        if (trusting == null) {
            trusting = TestCerts.trusting(certificate());
        }
        java.net.Socket plain = new java.net.Socket();
        plain.bind(new java.net.InetSocketAddress(localAddress, 0));
        plain.connect(new java.net.InetSocketAddress("127.0.0.1", port), TestHttp.TIMEOUT_MILLIS);
        plain.setSoTimeout(TestHttp.TIMEOUT_MILLIS);
        try (javax.net.ssl.SSLSocket socket = (javax.net.ssl.SSLSocket) trusting.getSocketFactory()
                .createSocket(plain, "localhost", port, true)) {
            javax.net.ssl.SSLParameters parameters = socket.getSSLParameters();
            parameters.setApplicationProtocols(new String[] {"http/1.1"});
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
            socket.setSSLParameters(parameters);
            socket.getOutputStream().write((method + " " + target + " HTTP/1.1\r\nHost: localhost\r\n"
                    + "Connection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            String line = new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream(),
                    StandardCharsets.ISO_8859_1)).readLine();
            if (line == null || !line.startsWith("HTTP/1.1 ")) {
                throw new AssertionError(method + " " + target + ": " + line);
            }
            return Integer.parseInt(line.substring(9, 12));
        }
    }

    /** Runs curl with {@code args}; its output (status line, headers, body as asked), whatever its exit status. */
    static String curl(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(executable("/usr/bin/curl", "/usr/local/bin/curl"), "-sk",
                "--max-time", "5"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out;
        try (InputStream in = p.getInputStream()) {
            out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        p.waitFor(10, TimeUnit.SECONDS);
        return out;
    }
}
