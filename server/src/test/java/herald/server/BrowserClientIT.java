package herald.server;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

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
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * herald.js in a real browser (DESIGN.md section 7): one headless Chromium, one profile, several tabs of one
 * origin (opened and closed over the DevTools HTTP endpoints), each importing {@code /herald.js} from Herald
 * and reporting what it sees to the test's own page server ({@code browser-client.html},
 * {@code browser-vectors.html}). HeraldSource: one subscription for all tabs, every event type relayed, a
 * handover without loss or duplicates when the leader's tab closes, herald-gap in every tab, the EventSource
 * fallback without BroadcastChannel, ten tabs over HTTP/1.1, 204 closing every tab. streamFetch: a POST stream
 * with a Bearer token, a GET stream the server cuts resuming without loss, the WHATWG parsing vectors.
 */
class BrowserClientIT {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    /** Chromium's start and a page's first load. */
    private static final Duration START = Duration.ofSeconds(15);
    private static final Duration WAIT = Duration.ofSeconds(8);
    private static final Duration RETRY = Duration.ofMillis(300);

    private static PageServer pages;
    private static BrowserIT.Chromium browser;

    /** One observation of a page: {@code name|seq|kind|a|b|c}. */
    record Report(String page, int seq, String kind, String a, String b, String c) {
    }

    /** An event as a page saw it. */
    record Event(String type, String lastEventId, String data) {
    }

    @BeforeAll
    static void launch() throws IOException {
        if (!Files.isExecutable(CHROMIUM)) {
            fail(CHROMIUM + " is missing: the browser test needs Debian's chromium; run ops/test.sh, which "
                    + "installs it (apt-get install -y chromium)");
        }
        pages = PageServer.start();
        browser = BrowserIT.Chromium.launchWithDevTools();
    }

    @AfterAll
    static void quit() throws IOException {
        if (browser != null) {
            browser.close();
        }
        if (pages != null) {
            pages.close();
        }
    }

    @Test
    void shouldShareOneStreamAmongThreeTabsRelayEveryTypeAndHandOverWithoutLossOrDuplicates() throws Exception {
        String topic = "shared";
        SubscribeLog subscribes = new SubscribeLog();
        Herald herald = TestServer.start(b -> b.retry(RETRY).onSubscribe(subscribes));
        int port = herald.port();
        List<String> names = List.of("s1", "s2", "s3");
        List<String> tabs = new ArrayList<>();
        Herald restarted = null;
        try {
            for (String name : names) {
                tabs.add(browser.open(pages.url("browser-client.html", name, port, "mode=source&topic=" + topic)));
            }
            for (String name : names) {
                pages.await(name, r -> r.kind().equals("open"), START);
            }
            // 1. One subscription for the three tabs.
            assertTrue(TestServer.eventually(WAIT, () -> herald.subscribers(topic) == 1), pages.context());
            Thread.sleep(300);                                // a second subscription would have come by now
            assertEquals(1, herald.subscribers(topic), pages.context());
            assertEquals(1, subscribes.all().size(), "subscriptions: " + subscribes.all());
            String leader = leader(names);

            // 2. Every tab gets every event: unnamed, named, multi-line; a type listened to in one tab only (the
            //    followers' among them) arrives there.
            String hello = herald.publish(topic, "hello");
            String named = herald.publish(topic, "update", "named");
            String multiLine = herald.publish(topic, "a\nb\r\nc");
            List<String> only = new ArrayList<>();
            for (String name : names) {
                only.add(herald.publish(topic, "only-" + name, "for " + name));
            }
            for (int i = 0; i < names.size(); i++) {
                assertEquals(List.of(new Event("message", hello, "hello"), new Event("update", named, "named"),
                                new Event("message", multiLine, "a\nb\nc"),
                                new Event("only-" + names.get(i), only.get(i), "for " + names.get(i))),
                        pages.events(names.get(i), 4, WAIT), pages.context());
            }

            // 3. The leader's tab closes while events are published every 20 ms: another tab leads within 2 s,
            //    resuming after the last id it saw, and each remaining tab gets every event once, in order.
            List<String> sent = new CopyOnWriteArrayList<>();
            AtomicBoolean publishing = new AtomicBoolean(true);
            Thread publisher = Thread.ofPlatform().name("publisher").start(() -> {
                for (int n = 1; publishing.get(); n++) {
                    sent.add(herald.publish(topic, "n" + n));
                    try {
                        Thread.sleep(20);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            Thread.sleep(300);
            int subscriptions = subscribes.all().size();
            long closed = System.nanoTime();
            browser.close(tabs.get(names.indexOf(leader)));
            boolean handedOver = TestServer.eventually(Duration.ofSeconds(2),
                    () -> subscribes.all().size() > subscriptions);
            long tookMillis = (System.nanoTime() - closed) / 1_000_000;
            assertTrue(handedOver, "no new leader within 2 s; " + pages.context());
            assertNotNull(subscribes.last().lastEventId(), "the new leader resumes with ?lastEventId=");
            Thread.sleep(500);
            publishing.set(false);
            publisher.join();
            List<String> remaining = names.stream().filter(name -> !name.equals(leader)).toList();
            for (String name : remaining) {
                List<Event> expected = new ArrayList<>();
                for (int n = 1; n <= sent.size(); n++) {
                    expected.add(new Event("message", sent.get(n - 1), "n" + n));
                }
                assertEquals(expected, pages.events(name, 4 + sent.size(), WAIT).subList(4, 4 + sent.size()),
                        name + " across the handover (" + tookMillis + " ms); " + pages.context());
            }
            assertEquals(1, herald.subscribers(topic), pages.context());
            String newLeader = leader(remaining);
            System.out.println("handover from " + leader + " to " + newLeader + " in " + tookMillis + " ms, "
                    + sent.size() + " events");

            // 4. Herald restarts on the same port: the leader's resume id is of another run, so Herald answers
            //    with herald-gap, which reaches every tab, and the stream goes on.
            herald.close();
            restarted = TestServer.start(b -> b.port(port).retry(RETRY).onSubscribe(subscribes));
            int seen = 4 + sent.size();
            for (String name : remaining) {
                Event gap = pages.events(name, seen + 1, WAIT).get(seen);
                assertEquals("herald-gap", gap.type(), pages.context());
                assertTrue(gap.data().contains("\"reason\":\"unknown\""), gap.data());
            }
            String after = restarted.publish(topic, "after the restart");
            for (String name : remaining) {
                assertEquals(new Event("message", after, "after the restart"),
                        pages.events(name, seen + 2, WAIT).get(seen + 1), pages.context());
            }
            assertEquals(1, restarted.subscribers(topic));
        } finally {
            tabs.forEach(browser::close);
            herald.close();
            if (restarted != null) {
                restarted.close();
            }
        }
    }

    @Test
    void shouldTellTheTopicOfEachEventOnAStreamOfSeveralTopics() throws Exception {
        String tab = null;
        try (Herald herald = TestServer.start(b -> b.retry(RETRY))) {
            tab = browser.open(pages.url("browser-client.html", "m1", herald.port(),
                    "mode=multi&topic=news&topic=sport"));
            pages.await("m1", r -> r.kind().equals("loaded"), START);
            pages.await("m1", r -> r.kind().equals("open"), START);
            assertTrue(TestServer.eventually(WAIT, () -> herald.subscribers("news") == 2), pages.context());
            herald.publish("news", "hello");
            herald.publish("sport", "update", "goal");
            // between topics, events come in the order the stream finds them: compare as sets
            List<Event> events = pages.events("m1", 2, WAIT);
            assertEquals(java.util.Set.of("message@news hello", "update@sport goal"), events.stream()
                    .map(e -> e.type() + " " + e.data()).collect(java.util.stream.Collectors.toSet()),
                    "HeraldSource's event.topic: " + pages.context());
            assertTrue(TestServer.eventually(WAIT, () -> pages.of("m1").stream()
                    .filter(r -> r.kind().equals("plain")).count() == 2), pages.context());
            assertEquals(java.util.Set.of("news hello", "sport:update goal"), pages.of("m1").stream()
                    .filter(r -> r.kind().equals("plain")).map(r -> r.a() + " " + r.c())
                    .collect(java.util.stream.Collectors.toSet()), "EventSource with dispatch=topic");
        } finally {
            if (tab != null) {
                browser.close(tab);
            }
        }
    }

    @Test
    void shouldGiveEachTabItsOwnEventSourceWithoutBroadcastChannel() throws Exception {
        String topic = "own";
        List<String> names = List.of("b1", "b2", "b3");
        List<String> tabs = new ArrayList<>();
        try (Herald herald = TestServer.start(b -> b.retry(RETRY))) {
            for (String name : names) {
                tabs.add(browser.open(pages.url("browser-client.html", name, herald.port(),
                        "mode=source&nobc&topic=" + topic)));
            }
            for (String name : names) {
                assertEquals("undefined", pages.await(name, r -> r.kind().equals("loaded"), START).a());
                pages.await(name, r -> r.kind().equals("open"), START);
            }
            assertTrue(TestServer.eventually(WAIT, () -> herald.subscribers(topic) == 3), pages.context());
            String hello = herald.publish(topic, "hello");
            String named = herald.publish(topic, "update", "named");
            for (String name : names) {
                assertEquals(List.of(new Event("message", hello, "hello"), new Event("update", named, "named")),
                        pages.events(name, 2, WAIT), pages.context());
                assertTrue(pages.of(name).stream().noneMatch(r -> r.kind().equals("leader")), "no leader");
            }
        } finally {
            tabs.forEach(browser::close);
        }
    }

    @Test
    void shouldServeTenTabsOverOneConnectionAndCloseThemAllOn204() throws Exception {
        String topic = "ten";
        List<String> names = new ArrayList<>();
        List<String> tabs = new ArrayList<>();
        try (Herald herald = TestServer.start(b -> b.retry(RETRY))) {
            for (int i = 1; i <= 10; i++) {
                names.add("t" + i);
                tabs.add(browser.open(pages.url("browser-client.html", "t" + i, herald.port(),
                        "mode=source&topic=" + topic)));
            }
            for (String name : names) {
                pages.await(name, r -> r.kind().equals("open"), START);
            }
            assertEquals(1, herald.subscribers(topic), "one stream, not ten (six would stall HTTP/1.1)");
            String hello = herald.publish(topic, "to all ten");
            for (String name : names) {
                assertEquals(List.of(new Event("message", hello, "to all ten")), pages.events(name, 1, WAIT),
                        pages.context());
            }
            // A deleted topic: the leader's reconnect gets 204, and every tab closes for good (readyState 2).
            assertTrue(herald.deleteTopic(topic));
            for (String name : names) {
                pages.await(name, r -> r.kind().equals("error") && r.a().equals("2"), WAIT);
            }
            Thread.sleep(RETRY.toMillis() * 3);
            assertEquals(0, herald.subscribers(topic));
        } finally {
            tabs.forEach(browser::close);
        }
    }

    @Test
    void shouldStreamFetchPostWithBearerTokenAndResumeGetCutByServer() throws Exception {
        String topic = "fetched";
        List<String> authorizations = new CopyOnWriteArrayList<>();
        SubscribeLog subscribes = new SubscribeLog();
        String tab = null;
        try (Herald herald = TestServer.start(b -> b.maxStreamAge(Duration.ofSeconds(1)).onSubscribe(subscribes)
                .stream("POST", "/chat", (request, stream) -> {
                    authorizations.add(String.valueOf(request.header("Authorization")));
                    if (!"Bearer s3cret".equals(request.header("Authorization"))) {
                        throw Refusal.of(401, "no token");
                    }
                    for (String word : new String(request.body(), StandardCharsets.UTF_8).split(" ")) {
                        stream.send("token", word);
                    }
                    stream.send("[DONE]");
                }))) {
            tab = browser.open(pages.url("browser-client.html", "f", herald.port(), "mode=fetch&topic=" + topic));
            pages.await("f", r -> r.kind().equals("chat-done"), START);
            List<String> tokens = pages.of("f").stream().filter(r -> r.kind().equals("token"))
                    .map(r -> r.a() + ":" + r.c()).toList();
            assertEquals(List.of("token:tell", "token:me", "token:a", "token:story", "message:[DONE]"), tokens);
            assertEquals(List.of("Bearer s3cret"), authorizations);

            assertTrue(TestServer.eventually(WAIT, () -> herald.subscribers(topic) == 1), pages.context());
            List<Event> expected = new ArrayList<>();
            for (int n = 1; n <= 30; n++) {                 // 3 s: the server ends the stream every second
                expected.add(new Event("message", herald.publish(topic, "e" + n), "e" + n));
                Thread.sleep(100);
            }
            assertEquals(expected, pages.events("f", 30, WAIT), pages.context());
            Thread.sleep(300);
            assertEquals(30, pages.events("f", 30, WAIT).size(), "no duplicate");
            List<SubscribeLog.Entry> all = subscribes.all();
            assertTrue(all.size() >= 3, "the stream was cut and resumed: " + all);
            assertNull(all.get(0).lastEventIdHeader());
            assertTrue(all.subList(1, all.size()).stream().allMatch(e -> e.lastEventIdHeader() != null),
                    "every resume sends Last-Event-ID: " + all);
        } finally {
            if (tab != null) {
                browser.close(tab);
            }
        }
    }

    @Test
    void shouldParseTheWhatwgVectorsInTheBrowser() throws Exception {
        String tab = null;
        try (Herald herald = TestServer.start()) {
            tab = browser.open(pages.url("browser-vectors.html", "v", herald.port(), ""));
            Report done = pages.await("v", r -> r.kind().equals("done"), START);
            List<Report> failures = pages.of("v").stream().filter(r -> r.kind().equals("fail")).toList();
            assertEquals(List.of(), failures);
            assertEquals("0", done.b(), pages.context());
            assertTrue(Integer.parseInt(done.a()) >= 12, "vectors: " + done.a());
        } finally {
            if (tab != null) {
                browser.close(tab);
            }
        }
    }

    /** The page among {@code names} whose latest leader report says it leads. */
    private static String leader(List<String> names) throws InterruptedException {
        String[] found = new String[1];
        boolean one = TestServer.eventually(WAIT, () -> {
            List<String> leaders = names.stream().filter(name -> {
                List<Report> reports = pages.of(name).stream().filter(r -> r.kind().equals("leader")).toList();
                return !reports.isEmpty() && reports.get(reports.size() - 1).a().equals("true");
            }).toList();
            found[0] = leaders.size() == 1 ? leaders.get(0) : null;
            return found[0] != null;
        });
        assertTrue(one, "exactly one leader among " + names + "; " + pages.context());
        return found[0];
    }

    /** Records every subscription Herald starts. */
    private static final class SubscribeLog implements SubscribeHook {
        record Entry(String origin, String lastEventId, String lastEventIdHeader) {
        }

        private final List<Entry> entries = new CopyOnWriteArrayList<>();

        @Override
        public void onSubscribe(Subscribe subscribe) {
            entries.add(new Entry(subscribe.header("Origin"), subscribe.lastEventId(),
                    subscribe.header("Last-Event-ID")));
        }

        List<Entry> all() {
            return List.copyOf(entries);
        }

        Entry last() {
            List<Entry> all = all();
            return all.get(all.size() - 1);
        }
    }

    /** The pages' origin: serves the test pages and takes their reports at {@code POST /report}. */
    private static final class PageServer implements AutoCloseable {
        private final List<Report> reports = new CopyOnWriteArrayList<>();
        private final ServerSocket server;

        private PageServer(ServerSocket server) {
            this.server = server;
        }

        static PageServer start() throws IOException {
            ServerSocket server = new ServerSocket();
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            PageServer page = new PageServer(server);
            Thread.ofPlatform().daemon().name("browser-client-it-pages").start(page::acceptLoop);
            return page;
        }

        String url(String page, String name, int heraldPort, String query) {
            return "http://127.0.0.1:" + server.getLocalPort() + "/" + page + "?herald=http://127.0.0.1:"
                    + heraldPort + "&name=" + name + (query.isEmpty() ? "" : "&" + query);
        }

        /** A page's reports in its order; fails on a page's JavaScript error. */
        List<Report> of(String name) {
            List<Report> of = reports.stream().filter(r -> r.page().equals(name))
                    .sorted(Comparator.comparingInt(Report::seq)).toList();
            for (Report report : of) {
                if (report.kind().equals("jserror")) {
                    throw new AssertionError("page " + name + " failed: " + report.a() + "; " + context());
                }
            }
            return of;
        }

        Report await(String name, Predicate<Report> wanted, Duration timeout) throws InterruptedException {
            Report[] found = new Report[1];
            boolean ok = TestServer.eventually(timeout, () -> {
                found[0] = of(name).stream().filter(wanted).findFirst().orElse(null);
                return found[0] != null;
            });
            if (!ok) {
                throw new AssertionError("page " + name + " did not report it within " + timeout + "; " + context());
            }
            return found[0];
        }

        /** The page's first {@code count} events (or more, if more came), waiting for them. */
        List<Event> events(String name, int count, Duration timeout) throws InterruptedException {
            TestServer.eventually(timeout, () -> events(name).size() >= count);
            List<Event> events = events(name);
            if (events.size() < count) {
                throw new AssertionError("page " + name + ": " + events.size() + " of " + count + " events; "
                        + context());
            }
            return events;
        }

        private List<Event> events(String name) {
            return of(name).stream().filter(r -> r.kind().equals("event"))
                    .map(r -> new Event(r.a(), r.b(), r.c())).toList();
        }

        String context() {
            StringBuilder out = new StringBuilder("reports:\n");
            reports.stream().sorted(Comparator.comparing(Report::page).thenComparingInt(Report::seq))
                    .forEach(r -> out.append("  ").append(r).append('\n'));
            return out.append("chromium's output (tail):\n").append(browser.logTail()).toString();
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
                String path = requestLine[1].split("\\?")[0];
                if (requestLine[0].equals("POST") && path.equals("/report")) {
                    String[] f = new String(body, StandardCharsets.UTF_8).split("\\|", 6);
                    reports.add(new Report(f[0], Integer.parseInt(f[1]), f[2], f[3], f[4], f[5]));
                    respond(out, "204 No Content", null, null);
                } else if (requestLine[0].equals("GET") && path.matches("/browser-(client|vectors)\\.html")) {
                    respond(out, "200 OK", "text/html; charset=utf-8", resource(path.substring(1)));
                } else {
                    respond(out, "404 Not Found", "text/plain", "not here\n".getBytes(StandardCharsets.US_ASCII));
                }
            } catch (IOException e) {
                // the browser went away
            }
        }

        private static byte[] resource(String name) throws IOException {
            try (InputStream in = BrowserClientIT.class.getResourceAsStream(name)) {
                if (in == null) {
                    throw new IOException("test resource herald/server/" + name + " is missing");
                }
                return in.readAllBytes();
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

}
