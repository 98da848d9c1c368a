package herald.server;

import org.junit.jupiter.api.Test;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A real browser against a real server: Debian's headless Chromium loads a page from another origin (a tiny
 * HTTP server of this test) whose {@code EventSource} subscribes to Herald. The page reports every
 * observation back to its own origin ({@code browser-it.html}), and the test acts on them: the open event
 * before any event, unnamed, named and multi-line events with the ids {@code publish} returned, the
 * automatic reconnect with {@code Last-Event-ID} after the server ends a stream and the replay of exactly
 * what the browser missed, and no more reconnects after a 204.
 */
class BrowserIT {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final String TOPIC = "browser";
    /** Chromium's start and the page's first load. */
    private static final Duration START = Duration.ofSeconds(15);
    private static final Duration WAIT = Duration.ofSeconds(8);
    private static final Duration RETRY = Duration.ofMillis(300);

    private static final Report OPEN = new Report("open", 1, "", "");
    private static final Report RECONNECTING = new Report("error", 0, "", "");
    private static final Report CLOSED = new Report("error", 2, "", "");

    /** What the page saw: kind (open, error, message, update, herald-gap, loaded, jserror) and the fields. */
    record Report(String kind, int readyState, String lastEventId, String data) {
        static Report event(String kind, String id, String data) {
            return new Report(kind, 1, id, data);
        }

        boolean isEvent() {
            return !kind.equals("open") && !kind.equals("error");
        }
    }

    @Test
    void shouldStreamToAnEventSourceOfAnotherOriginReconnectWithoutLossAndStopAfter204() throws Exception {
        if (!Files.isExecutable(CHROMIUM)) {
            fail(CHROMIUM + " is missing: the browser test needs Debian's chromium; run ops/test.sh, which "
                    + "installs it (apt-get install -y chromium)");
        }
        SubscribeLog subscribes = new SubscribeLog();
        try (Herald herald = TestServer.start(b -> b.maxStreamAge(Duration.ofSeconds(2)).retry(RETRY)
                .onSubscribe(subscribes));
             PageServer page = PageServer.start(page(herald.port()));
             Chromium browser = Chromium.launch(page.url())) {
            Reports reports = new Reports(page, browser);
            try {
                // 1. The page is of another origin, and its EventSource opens before anything is published:
                //    Herald flushes the stream head at once and allows the origin (else no open event).
                Report loaded = reports.next(START);
                assertEquals(new Report("loaded", -1, "", page.origin()), loaded, reports.context());
                assertNotEquals("http://127.0.0.1:" + herald.port(), loaded.data());
                assertEquals(OPEN, reports.next(WAIT), reports.context());
                assertTrue(TestServer.eventually(WAIT, () -> herald.subscribers(TOPIC) == 1), reports.context());
                assertEquals(page.origin(), subscribes.all().get(0).origin(), "the browser sent its Origin");
                assertNull(subscribes.all().get(0).lastEventIdHeader(), "a first subscription resumes nothing");

                // 2. Unnamed, named (addEventListener) and multi-line events, each with the id publish returned.
                String hello = herald.publish(TOPIC, "hello");
                String named = herald.publish(TOPIC, "update", "named");
                String multiLine = herald.publish(TOPIC, "a\nb\r\nc");
                assertEquals(List.of(
                                Report.event("message", hello, "hello"),
                                Report.event("update", named, "named"),
                                Report.event("message", multiLine, "a\nb\nc")),
                        reports.events(3, WAIT), reports.context());

                // 3. The server ends the stream (maxStreamAge); events published before the browser is back are
                //    replayed after its reconnect, once each. The hook holds the reconnect until they are
                //    published, so only a reconnect carrying Last-Event-ID can get them.
                subscribes.hold();
                assertEquals(RECONNECTING, reports.next(WAIT), "the stream ended; " + reports.context());
                long resumes = metric(herald, "herald_resumes_total");
                List<String> missed = new ArrayList<>();
                for (int i = 1; i <= 3; i++) {
                    missed.add(herald.publish(TOPIC, "missed " + i));
                }
                subscribes.release();
                assertEquals(OPEN, reports.next(WAIT), "reconnected; " + reports.context());
                assertEquals(List.of(
                                Report.event("message", missed.get(0), "missed 1"),
                                Report.event("message", missed.get(1), "missed 2"),
                                Report.event("message", missed.get(2), "missed 3")),
                        List.of(reports.next(WAIT), reports.next(WAIT), reports.next(WAIT)), reports.context());
                reports.expectNoEvent(Duration.ofMillis(500));            // no duplicate, no herald-gap
                SubscribeLog.Entry resume = subscribes.last();
                assertEquals(multiLine, resume.lastEventIdHeader(), "the reconnect's Last-Event-ID header");
                assertEquals(page.origin(), resume.origin());
                assertTrue(metric(herald, "herald_resumes_total") > resumes, herald.metricsText());
                assertEquals(0, metric(herald, "herald_gaps_total"), herald.metricsText());

                // 4. Delete: the stream ends (the browser reconnects), the reconnect gets 204, EventSource closes
                //    and asks no more.
                assertTrue(herald.deleteTopic(TOPIC));
                assertEquals(RECONNECTING, reports.next(WAIT), "the stream ended; " + reports.context());
                assertEquals(CLOSED, reports.next(WAIT), "204 closed the EventSource; " + reports.context());
                long requests = metric(herald, "herald_requests_total");
                long subscriptions = metric(herald, "herald_subscriptions_total");
                reports.expectNothing(RETRY.multipliedBy(5));
                assertEquals(requests, metric(herald, "herald_requests_total"),
                        "no request reached Herald after the 204 (retry is " + RETRY.toMillis() + " ms)");
                assertEquals(subscriptions, metric(herald, "herald_subscriptions_total"), herald.metricsText());
                assertEquals(subscribes.all().size(), subscriptions, "subscriptions: " + subscribes.all());
                assertEquals(subscriptions + 1, requests, "every request of the browser was a subscription but one, "
                        + "the one answered 204; " + herald.metricsText());
                assertEquals(0, herald.subscribers(TOPIC));
            } finally {
                subscribes.release();                      // a held reconnect must not delay close
            }
        }
    }

    /** The test page with the stream's URL filled in. */
    private static String page(int heraldPort) throws IOException {
        try (InputStream in = BrowserIT.class.getResourceAsStream("browser-it.html")) {
            if (in == null) {
                throw new IOException("test resource herald/server/browser-it.html is missing");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8)
                    .replace("@STREAM_URL@", "http://127.0.0.1:" + heraldPort + "/topics/" + TOPIC);
        }
    }

    private static long metric(Herald herald, String name) {
        for (String line : herald.metricsText().split("\n")) {
            if (line.startsWith(name + " ")) {
                return Long.parseLong(line.substring(name.length() + 1).trim());
            }
        }
        throw new AssertionError("no metric " + name + " in\n" + herald.metricsText());
    }

    /** Records every subscription Herald starts, and can hold them until released. */
    private static final class SubscribeLog implements SubscribeHook {
        record Entry(String origin, String lastEventIdHeader) {
        }

        private final List<Entry> entries = new CopyOnWriteArrayList<>();
        private volatile CountDownLatch gate;

        @Override
        public void onSubscribe(Subscribe subscribe) throws InterruptedException {
            entries.add(new Entry(subscribe.header("Origin"), subscribe.header("Last-Event-ID")));
            CountDownLatch held = gate;
            if (held != null) {
                held.await(10, TimeUnit.SECONDS);
            }
        }

        void hold() {
            gate = new CountDownLatch(1);
        }

        void release() {
            CountDownLatch held = gate;
            gate = null;
            if (held != null) {
                held.countDown();
            }
        }

        List<Entry> all() {
            return List.copyOf(entries);
        }

        Entry last() {
            List<Entry> all = all();
            return all.get(all.size() - 1);
        }
    }

    /** The page's reports in the order the page made them (by their sequence number). */
    static final class Reports {
        private final PageServer page;
        private final Chromium browser;
        private final Map<Integer, Report> early = new HashMap<>();
        private final List<Report> seen = new ArrayList<>();
        private int nextSeq;

        Reports(PageServer page, Chromium browser) {
            this.page = page;
            this.browser = browser;
        }

        /** The next report, or null when none came within {@code timeout}. */
        Report poll(Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!early.containsKey(nextSeq)) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return null;
                }
                String raw = page.reports.poll(Math.min(left, TimeUnit.MILLISECONDS.toNanos(100)),
                        TimeUnit.NANOSECONDS);
                if (raw != null) {
                    String[] fields = raw.split("\\|", 5);
                    if (fields.length != 5) {
                        throw new AssertionError("malformed report '" + raw + "'; " + context());
                    }
                    early.put(Integer.parseInt(fields[0]), new Report(fields[1], Integer.parseInt(fields[2]),
                            fields[3], fields[4]));
                } else if (!browser.isAlive()) {
                    throw new AssertionError("chromium exited; " + context());
                }
            }
            Report report = early.remove(nextSeq++);
            seen.add(report);
            if (report.kind().equals("jserror")) {
                throw new AssertionError("the page failed: " + report.data() + "; " + context());
            }
            return report;
        }

        Report next(Duration timeout) throws InterruptedException {
            Report report = poll(timeout);
            if (report == null) {
                throw new AssertionError("no report #" + nextSeq + " within " + timeout + "; " + context());
            }
            return report;
        }

        /**
         * The next {@code count} events, passing over the open and error reports of a reconnect (a stream
         * may reach maxStreamAge meanwhile on a slow machine; the replay then keeps the events whole).
         */
        List<Report> events(int count, Duration timeout) throws InterruptedException {
            List<Report> events = new ArrayList<>();
            while (events.size() < count) {
                Report report = next(timeout);
                if (report.isEvent()) {
                    events.add(report);
                } else if (!report.equals(OPEN) && !report.equals(RECONNECTING)) {
                    throw new AssertionError("unexpected " + report + "; " + context());
                }
            }
            return events;
        }

        /** Fails on any event within {@code time}; a reconnect's open and error reports may come. */
        void expectNoEvent(Duration time) throws InterruptedException {
            long deadline = System.nanoTime() + time.toNanos();
            for (long left = time.toNanos(); left > 0; left = deadline - System.nanoTime()) {
                Report report = poll(Duration.ofNanos(left));
                if (report != null && !report.equals(OPEN) && !report.equals(RECONNECTING)) {
                    throw new AssertionError("unexpected " + report + "; " + context());
                }
            }
        }

        /** Fails on any report within {@code time}. */
        void expectNothing(Duration time) throws InterruptedException {
            Report report = poll(time);
            if (report != null) {
                throw new AssertionError("unexpected " + report + "; " + context());
            }
        }

        String context() {
            return "reports so far: " + seen + "\nchromium's output (tail):\n" + browser.logTail();
        }
    }

    /** The page's origin: serves the page at {@code /} and takes its reports at {@code POST /report}. */
    static final class PageServer implements AutoCloseable {
        final BlockingQueue<String> reports = new LinkedBlockingQueue<>();
        private final ServerSocket server;
        private final byte[] html;

        private PageServer(ServerSocket server, byte[] html) {
            this.server = server;
            this.html = html;
        }

        static PageServer start(String html) throws IOException {
            ServerSocket server = new ServerSocket();
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            PageServer page = new PageServer(server, html.getBytes(StandardCharsets.UTF_8));
            Thread.ofPlatform().daemon().name("browser-it-page").start(page::acceptLoop);
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
                    return;                                    // closed
                }
            }
        }

        /** One request per connection: the answer says {@code Connection: close}. */
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
                if (requestLine[0].equals("GET") && requestLine[1].equals("/")) {
                    respond(out, "200 OK", "text/html; charset=utf-8", html);
                } else if (requestLine[0].equals("POST") && requestLine[1].equals("/report")) {
                    reports.add(new String(body, StandardCharsets.UTF_8));
                    respond(out, "204 No Content", null, null);
                } else {
                    respond(out, "404 Not Found", "text/plain", "not here\n".getBytes(StandardCharsets.US_ASCII));
                }
            } catch (IOException e) {
                // the browser went away
            }
        }

        private static void respond(OutputStream out, String status, String type, byte[] body) throws IOException {
            StringBuilder head = new StringBuilder("HTTP/1.1 ").append(status).append("\r\n")
                    .append("Cache-Control: no-store\r\nConnection: close\r\n");
            if (type != null) {
                head.append("Content-Type: ").append(type).append("\r\n");
            }
            if (body != null) {
                head.append("Content-Length: ").append(body.length).append("\r\n");
            }
            out.write(head.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII));
            if (body != null) {
                out.write(body);
            }
            out.flush();
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }

    /** Headless Chromium on a fresh profile; {@link #close()} kills its whole process tree. */
    /**
     * Headless Chromium on a fresh profile, shared by the browser tests: opened on one URL ({@link #launch}), or with
     * the DevTools HTTP endpoints on a free port ({@link #launchWithDevTools}), through which tabs are opened and
     * closed. {@link #close()} kills its process tree and deletes the profile.
     */
    static final class Chromium implements AutoCloseable {
        private static final List<String> FLAGS = List.of("--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync");
        private static final java.util.regex.Pattern TARGET_ID =
                java.util.regex.Pattern.compile("\"id\"\\s*:\\s*\"([^\"]+)\"");
        private final Process process;
        private final Path dir;
        private final Path log;
        private final int devtools;             // the DevTools port, or -1

        private Chromium(Process process, Path dir, Path log, int devtools) {
            this.process = process;
            this.dir = dir;
            this.log = log;
            this.devtools = devtools;
        }

        static Chromium launch(String url) throws IOException {
            return launch(url, List.of());
        }

        /** With extra command-line flags (BrowserTlsIT: {@code --ignore-certificate-errors}). */
        static Chromium launch(String url, List<String> flags) throws IOException {
            List<String> extra = new ArrayList<>(flags);
            extra.add(url);
            return start(extra, false);
        }

        /**
         * On {@code about:blank}, with the DevTools endpoints (tabs through {@link #open} and {@link #close(String)})
         * and no throttling of background tabs (BrowserClientIT drives several tabs at once).
         */
        static Chromium launchWithDevTools() throws IOException {
            return start(List.of("--disable-background-timer-throttling", "--disable-renderer-backgrounding",
                    "--disable-backgrounding-occluded-windows", "--remote-debugging-port=0", "about:blank"), true);
        }

        private static Chromium start(List<String> extra, boolean devtools) throws IOException {
            Path dir = Files.createTempDirectory("herald-browser-");
            Path profile = Files.createDirectory(dir.resolve("profile"));
            Path log = dir.resolve("chromium.log");
            Process process = null;
            try {
                List<String> command = new ArrayList<>();
                command.add(CHROMIUM.toString());
                command.addAll(FLAGS);
                command.add("--user-data-dir=" + profile);
                command.addAll(extra);
                process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
                return new Chromium(process, dir, log, devtools ? devToolsPort(process, profile, log) : -1);
            } catch (IOException | RuntimeException e) {
                if (process != null) {
                    process.destroyForcibly();
                }
                delete(dir);
                throw e;
            }
        }

        private static int devToolsPort(Process process, Path profile, Path log) throws IOException {
            Path portFile = profile.resolve("DevToolsActivePort");
            long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
            try {
                while (!Files.exists(portFile) || Files.readAllLines(portFile).isEmpty()) {
                    if (System.nanoTime() > deadline || !process.isAlive()) {
                        throw new IOException("chromium did not open its DevTools port: "
                                + String.join("\n", Files.readAllLines(log)));
                    }
                    Thread.sleep(20);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while chromium started", e);
            }
            return Integer.parseInt(Files.readAllLines(portFile).get(0).trim());
        }

        /** Opens a tab on {@code url} and returns its target id ({@link #launchWithDevTools} only). */
        String open(String url) throws IOException {
            TestHttp.Response response = TestHttp.request(devtools, "PUT",
                    "/json/new?" + java.net.URLEncoder.encode(url, StandardCharsets.UTF_8), null);
            java.util.regex.Matcher id = TARGET_ID.matcher(response.body());
            if (response.status() != 200 || !id.find()) {
                throw new IOException("DevTools did not open a tab: " + response.statusLine() + " "
                        + response.body());
            }
            return id.group(1);
        }

        /** Closes the tab {@code target} ({@link #launchWithDevTools} only). */
        void close(String target) {
            try {
                TestHttp.request(devtools, "GET", "/json/close/" + target, null);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        boolean isAlive() {
            return process.isAlive();
        }

        String logTail() {
            try {
                List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8).stream()
                        .filter(line -> !line.contains("dbus"))      // no D-Bus here: noise on every start
                        .toList();
                return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
            } catch (IOException | UncheckedIOException e) {
                return "(no log: " + e + ")";
            }
        }

        @Override
        public void close() {
            try {
                List<ProcessHandle> tree = new ArrayList<>(process.descendants().toList());
                tree.forEach(ProcessHandle::destroyForcibly);  // children first: they would be reparented
                process.destroyForcibly();
                tree.add(process.toHandle());
                long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
                for (ProcessHandle handle : tree) {
                    while (handle.isAlive() && System.nanoTime() < deadline) {
                        Thread.sleep(10);
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                delete(dir);
            }
        }

        private static void delete(Path dir) {
            for (int attempt = 0; attempt < 3 && Files.exists(dir); attempt++) {
                try (Stream<Path> paths = Files.walk(dir)) {
                    paths.sorted(Comparator.reverseOrder()).forEach(path -> {
                        try {
                            Files.deleteIfExists(path);
                        } catch (IOException e) {
                            // a file chromium was still writing: the next attempt
                        }
                    });
                } catch (IOException | UncheckedIOException e) {
                    // walked over a vanishing file: the next attempt
                }
            }
        }
    }
}
