package herald.server;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Auth and the CORS allowlist in a real browser (headless Chromium, as {@link BrowserIT}): a page on an
 * allowed origin puts its token in the {@code herald_token} cookie, opens
 * {@code new EventSource(url, {withCredentials: true})} on a private topic and receives events, and streams a
 * POST handler with {@code fetch} and {@code Authorization: Bearer} (preflighted); the same page on an origin
 * that is not listed gets neither.
 */
class AuthBrowserIT {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Duration START = Duration.ofSeconds(20);
    private static final Duration WAIT = Duration.ofSeconds(8);

    @TempDir
    Path dir;

    @Test
    void shouldStreamToACredentialedEventSourceAndAFetchOnAnAllowedOriginAndRefuseAnotherOrigin() throws Exception {
        if (!Files.isExecutable(CHROMIUM)) {
            fail(CHROMIUM + " is missing: the browser test needs Debian's chromium (apt-get install -y chromium)");
        }
        Path secret = Files.write(dir.resolve("secret"), AuthIT.SECRET);
        String token = AuthIT.token("reader-1", List.of("private/**"), List.of());
        try (PageServer allowed = PageServer.start();
             PageServer other = PageServer.start();
             Herald herald = TestServer.start(b -> b
                     .auth(Auth.DEFAULTS.withSecretFile(secret).withPrivateTopics(List.of("private/**")))
                     .corsOrigins(List.of(allowed.origin()))
                     .stream("POST", "/v1/whoami", (request, stream) -> {
                         stream.send("hello " + request.principal());
                         stream.send("body " + new String(request.body(), StandardCharsets.UTF_8));
                     }))) {
            String page = page(herald.port(), token);
            allowed.html = page;
            other.html = page;
            try (BrowserIT.Chromium browser = BrowserIT.Chromium.launch(allowed.url())) {
                Reports reports = new Reports(allowed, browser);
                assertEquals(allowed.origin(), reports.await("loaded", START));
                reports.await("open", WAIT);
                herald.publish("private/feed", "for readers only");
                assertEquals("for readers only", reports.await("message", WAIT));
                assertEquals("200", reports.await("fetch-status", WAIT));
                String body = reports.await("fetch-body", WAIT);
                assertTrue(body.contains("data: hello reader-1\n") && body.contains("data: body hi\n"), body);
            }
            try (BrowserIT.Chromium browser = BrowserIT.Chromium.launch(other.url())) {
                Reports reports = new Reports(other, browser);
                assertEquals(other.origin(), reports.await("loaded", START));
                assertEquals("2", reports.await("error", WAIT));          // 403: closed, no reconnect
                assertTrue(reports.await("fetch-error", WAIT).contains("TypeError"));
                assertTrue(reports.seen.stream().noneMatch(r -> r.startsWith("open|") || r.startsWith("message|")),
                        reports.seen.toString());
            }
            assertTrue(herald.metricsText().contains("herald_auth_rejections_total{reason=\"origin\"}"));
        }
    }

    private static String page(int heraldPort, String token) throws IOException {
        try (InputStream in = AuthBrowserIT.class.getResourceAsStream("auth-browser-it.html")) {
            if (in == null) {
                throw new IOException("test resource herald/server/auth-browser-it.html is missing");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8)
                    .replace("@HERALD@", "http://127.0.0.1:" + heraldPort)
                    .replace("@TOKEN@", token);
        }
    }

    /** The page's reports ({@code kind|data}), in arrival order. */
    private static final class Reports {
        private final PageServer page;
        private final BrowserIT.Chromium browser;
        final List<String> seen = new ArrayList<>();

        Reports(PageServer page, BrowserIT.Chromium browser) {
            this.page = page;
            this.browser = browser;
        }

        /** The data of the next report of {@code kind}; fails on a page error or after {@code timeout}. */
        String await(String kind, Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            for (String r : seen) {
                if (r.startsWith(kind + "|")) {
                    seen.remove(r);
                    seen.add("(taken) " + r);
                    return r.substring(kind.length() + 1);
                }
            }
            while (true) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("no '" + kind + "' report within " + timeout + "; reports: " + seen
                            + "\nchromium (tail):\n" + browser.logTail());
                }
                String raw = page.reports.poll(Math.min(left, TimeUnit.MILLISECONDS.toNanos(100)), TimeUnit.NANOSECONDS);
                if (raw == null) {
                    continue;
                }
                if (raw.startsWith("jserror|")) {
                    throw new AssertionError("the page failed: " + raw);
                }
                if (raw.startsWith(kind + "|")) {
                    seen.add("(taken) " + raw);
                    return raw.substring(kind.length() + 1);
                }
                seen.add(raw);
            }
        }
    }

    /** A page's origin: serves the page at {@code /}, takes reports at {@code POST /report}. */
    private static final class PageServer implements AutoCloseable {
        final BlockingQueue<String> reports = new LinkedBlockingQueue<>();
        private final ServerSocket server;
        volatile String html = "";

        private PageServer(ServerSocket server) {
            this.server = server;
        }

        static PageServer start() throws IOException {
            ServerSocket server = new ServerSocket();
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            PageServer page = new PageServer(server);
            Thread.ofPlatform().daemon().name("auth-browser-it-page").start(page::acceptLoop);
            return page;
        }

        String origin() {
            return "http://127.0.0.1:" + server.getLocalPort();
        }

        String url() {
            return origin() + "/";
        }

        private void acceptLoop() {
            while (true) {
                try {
                    Socket socket = server.accept();
                    Thread.ofVirtual().start(() -> serve(socket));
                } catch (IOException e) {
                    return;
                }
            }
        }

        private void serve(Socket socket) {
            try (socket) {
                socket.setSoTimeout(TestHttp.TIMEOUT_MILLIS);
                InputStream in = new BufferedInputStream(socket.getInputStream());
                String head = TestHttp.readHead(in);
                if (head == null) {
                    return;
                }
                String[] lines = head.split("\r\n");
                String[] requestLine = lines[0].split(" ");
                int length = 0;
                for (int i = 1; i < lines.length; i++) {
                    int colon = lines[i].indexOf(':');
                    if (colon > 0 && lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT)
                            .equals("content-length")) {
                        length = Integer.parseInt(lines[i].substring(colon + 1).trim());
                    }
                }
                byte[] body = in.readNBytes(length);
                OutputStream out = socket.getOutputStream();
                String status;
                byte[] answer = null;
                if (requestLine[0].equals("GET") && requestLine[1].equals("/")) {
                    status = "200 OK\r\nContent-Type: text/html; charset=utf-8";
                    answer = html.getBytes(StandardCharsets.UTF_8);
                } else if (requestLine[0].equals("POST") && requestLine[1].equals("/report")) {
                    reports.add(new String(body, StandardCharsets.UTF_8));
                    status = "204 No Content";
                } else {
                    status = "404 Not Found";
                    answer = new byte[0];
                }
                String response = "HTTP/1.1 " + status + "\r\nCache-Control: no-store\r\nConnection: close\r\n"
                        + (answer == null ? "" : "Content-Length: " + answer.length + "\r\n") + "\r\n";
                out.write(response.getBytes(StandardCharsets.US_ASCII));
                if (answer != null) {
                    out.write(answer);
                }
                out.flush();
            } catch (IOException e) {
                // the browser went away
            }
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }
}
