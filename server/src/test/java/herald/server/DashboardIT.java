package herald.server;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The dashboard ({@code GET /}) in headless Chromium, driven over the DevTools protocol (a WebSocket this test
 * speaks itself): with events flowing, the canvas charts of events per second and of delivery latency move off
 * zero, the busiest-topics table lists the topic, and the publish form gets a 202. A screenshot is kept as
 * {@code server/target/dashboard-it.png} (a test artifact).
 */
class DashboardIT {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final Pattern WS = Pattern.compile("\"webSocketDebuggerUrl\"\\s*:\\s*\"ws://[^/]+(/[^\"]+)\"");
    private static final Pattern VALUE = Pattern.compile("\"value\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");
    private static final Pattern DATA = Pattern.compile("\"data\"\\s*:\\s*\"([^\"]+)\"");

    @Test
    void shouldDrawMovingChartsListTopicsAndPublishFromTheForm() throws Exception {
        if (!Files.isExecutable(CHROMIUM)) {
            fail(CHROMIUM + " is missing: run ops/test.sh, which installs it (apt-get install -y chromium)");
        }
        Path dir = Files.createTempDirectory("herald-dashboard-it-");
        Process chromium = null;
        AtomicBoolean publishing = new AtomicBoolean(true);
        try (Herald herald = TestServer.start();
             SseClient a = SseClient.open(herald.port(), "/topics/orders");
             SseClient b = SseClient.open(herald.port(), "/topics/orders")) {
            Path profile = Files.createDirectory(dir.resolve("profile"));
            chromium = new ProcessBuilder(CHROMIUM.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                    "--no-first-run", "--disable-background-networking", "--disable-component-update",
                    "--disable-sync", "--disable-background-timer-throttling", "--disable-renderer-backgrounding",
                    "--window-size=1280,1300", "--remote-debugging-port=0", "--user-data-dir=" + profile,
                    "about:blank").redirectErrorStream(true).redirectOutput(dir.resolve("chromium.log").toFile())
                    .start();
            Path portFile = profile.resolve("DevToolsActivePort");
            Process started = chromium;
            assertTrue(TestServer.eventually(WAIT, () -> {
                try {
                    return Files.exists(portFile) && !Files.readAllLines(portFile).isEmpty();
                } catch (IOException e) {
                    return false;
                }
            }) && started.isAlive(), "chromium's DevTools port");
            int devtools = Integer.parseInt(Files.readAllLines(portFile).get(0).trim());
            TestHttp.Response tab = TestHttp.request(devtools, "PUT", "/json/new?"
                    + URLEncoder.encode("http://127.0.0.1:" + herald.port() + "/", StandardCharsets.UTF_8), null);
            Matcher ws = WS.matcher(tab.body());
            assertTrue(ws.find(), tab.body());
            try (DevTools page = DevTools.connect(devtools, ws.group(1))) {
                assertTrue(eventually(page, "document.getElementById('c-conn').dataset.points >= 2"),
                        "the connections chart draws");
                Thread publisher = Thread.ofVirtual().start(() -> {
                    for (int i = 0; publishing.get(); i++) {
                        herald.publish("orders", "order-" + i);
                        try {
                            Thread.sleep(5);
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                });
                assertTrue(eventually(page, "(() => { const r = document.getElementById('c-rate').dataset.last"
                        + ".split(',').map(Number); return r[0] > 20 && r[1] > 40; })()"), "events/s in and out move: "
                        + page.evaluate("document.getElementById('c-rate').dataset.last"));
                assertTrue(eventually(page, "Number(document.getElementById('c-lat').dataset.last.split(',')[0]) > 0"),
                        "latency percentiles drawn: " + page.evaluate("document.getElementById('c-lat').dataset.last"));
                assertTrue(eventually(page, "document.getElementById('topics').innerText.includes('orders')"),
                        "the busiest topics: " + page.evaluate("document.getElementById('topics').innerText"));
                page.evaluate("document.getElementById('p-topic').value = 'from-form';"
                        + "document.getElementById('p-data').value = 'clicked';"
                        + "document.querySelector('#publish button').click(); 'ok'");
                assertTrue(eventually(page, "document.getElementById('p-result').textContent.startsWith('202')"),
                        "the form published: " + page.evaluate("document.getElementById('p-result').textContent"));
                Thread.sleep(1_200);
                Path shot = Path.of("target", "dashboard-it.png");
                Files.write(shot, page.screenshot());
                System.out.println("DashboardIT: screenshot " + shot.toAbsolutePath() + ", charts "
                        + page.evaluate("[...document.querySelectorAll('canvas')].map(c => c.id + '=' + c.dataset.last)"
                        + ".join(' ')"));
                publishing.set(false);
                publisher.join(5_000);
            }
        } finally {
            publishing.set(false);
            if (chromium != null) {
                List<ProcessHandle> tree = new ArrayList<>(chromium.descendants().toList());
                tree.forEach(ProcessHandle::destroyForcibly);
                chromium.destroyForcibly();
                chromium.waitFor();
            }
            try (Stream<Path> paths = Files.walk(dir)) {
                paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static boolean eventually(DevTools page, String condition) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            if ("true".equals(page.evaluate("String(" + condition + ")"))) {
                return true;
            }
            Thread.sleep(200);
        }
        return false;
    }

    /** The DevTools protocol over a WebSocket (RFC 6455: masked client frames, text messages), one call at a time. */
    private static final class DevTools implements AutoCloseable {
        private final Socket socket;
        private final DataInputStream in;
        private final OutputStream out;
        private int nextId = 1;

        private DevTools(Socket socket) throws IOException {
            this.socket = socket;
            this.in = new DataInputStream(socket.getInputStream());
            this.out = socket.getOutputStream();
        }

        static DevTools connect(int port, String path) throws IOException {
            Socket socket = new Socket();
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            socket.setSoTimeout(20_000);
            byte[] key = new byte[16];
            new SecureRandom().nextBytes(key);
            socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port
                    + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: "
                    + Base64.getEncoder().encodeToString(key) + "\r\nSec-WebSocket-Version: 13\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            String head = TestHttp.readHead(socket.getInputStream());
            if (head == null || !head.startsWith("HTTP/1.1 101")) {
                throw new IOException("no WebSocket upgrade: " + head);
            }
            return new DevTools(socket);
        }

        /** Runs {@code expression} in the page and returns its value as a string. */
        String evaluate(String expression) throws IOException {
            String reply = call("Runtime.evaluate", "{\"expression\":" + json(expression)
                    + ",\"returnByValue\":true,\"awaitPromise\":true}");
            Matcher m = VALUE.matcher(reply);
            return m.find() ? m.group(1).replace("\\\"", "\"").replace("\\\\", "\\") : reply;
        }

        byte[] screenshot() throws IOException {
            Matcher m = DATA.matcher(call("Page.captureScreenshot", "{\"format\":\"png\"}"));
            if (!m.find()) {
                throw new IOException("no screenshot");
            }
            return Base64.getDecoder().decode(m.group(1));
        }

        private String call(String method, String params) throws IOException {
            int id = nextId++;
            send("{\"id\":" + id + ",\"method\":\"" + method + "\",\"params\":" + params + "}");
            while (true) {
                String message = receive();
                if (message.startsWith("{\"id\":" + id + ",")) {
                    return message;
                }
            }
        }

        private void send(String text) throws IOException {
            byte[] payload = text.getBytes(StandardCharsets.UTF_8);
            ByteArrayOutputStream frame = new ByteArrayOutputStream();
            frame.write(0x81);
            if (payload.length < 126) {
                frame.write(0x80 | payload.length);
            } else {
                frame.write(0x80 | 126);
                frame.write(payload.length >>> 8);
                frame.write(payload.length & 0xff);
            }
            byte[] mask = new byte[4];
            new SecureRandom().nextBytes(mask);
            frame.write(mask);
            for (int i = 0; i < payload.length; i++) {
                frame.write(payload[i] ^ mask[i & 3]);
            }
            out.write(frame.toByteArray());
            out.flush();
        }

        private String receive() throws IOException {
            ByteArrayOutputStream message = new ByteArrayOutputStream();
            while (true) {
                int first = in.readUnsignedByte();
                int second = in.readUnsignedByte();
                long length = second & 0x7f;
                if (length == 126) {
                    length = in.readUnsignedShort();
                } else if (length == 127) {
                    length = in.readLong();
                }
                byte[] payload = new byte[(int) length];
                in.readFully(payload);
                int opcode = first & 0x0f;
                if (opcode == 0x8) {
                    throw new IOException("DevTools closed the WebSocket");
                }
                if (opcode == 0x9 || opcode == 0xA) {
                    continue;                                 // ping, pong: nothing to answer in a test
                }
                message.write(payload);
                if ((first & 0x80) != 0) {
                    return message.toString(StandardCharsets.UTF_8);
                }
            }
        }

        private static String json(String text) {
            StringBuilder out = new StringBuilder("\"");
            for (char c : text.toCharArray()) {
                switch (c) {
                    case '"' -> out.append("\\\"");
                    case '\\' -> out.append("\\\\");
                    case '\n' -> out.append("\\n");
                    default -> out.append(c < 0x20 ? String.format("\\u%04x", (int) c) : String.valueOf(c));
                }
            }
            return out.append('"').toString();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
