package herald.bench.tls;

import herald.server.Herald;
import herald.server.Timeouts;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * What native TLS costs, measured the same way over TLS and plain: one bounded client for both (the load
 * generator in loadtest/ speaks no TLS). Not JMH: a server and a client process on one machine. The client's
 * "tls" is any TLS front on PORT: Herald's own, or nginx terminating TLS in front of a plain Herald
 * (loadtest/compare/tls.sh runs all three in one run).
 *
 * <pre>
 * server PORT CERT KEY|plain        Herald with open publish, the per-address limits off, a 10-minute idle
 *                                   keep-alive and a POST /v1/chat handler stream (3 events)
 * fanout PORT tls|plain N SECONDS [PUBLISH_PORT tls|plain]   N subscribers to /topics/bench, 2 publishers
 *                                   (on PUBLISH_PORT if given: Herald's own port behind a front that refuses
 *                                   publishing) as fast as 202s come back; prints events delivered per second
 *                                   (all subscribers together)
 * idle PORT tls|plain N [streams|kept]   N subscribers to /topics/idle (streams), or N connections that each
 *                                   made one GET /health and wait with the connection kept (kept); held until
 *                                   killed (measure the server)
 * posts PORT tls|plain SECONDS keep|close CONCURRENCY   short POST streams per second
 * </pre>
 * Every TLS mode prints the protocol and cipher suite its first connection negotiated. With
 * {@code -Dtlscost.serverPids=PID,...} fanout and posts also print the CPU time (user and system) those
 * processes used in the measuring window, per delivered event or per request: on a machine shared with other
 * work, a steadier figure than the rates, which depend on how much CPU the server got.
 */
public final class TlsCost {
    private TlsCost() {
    }

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "server" -> server(args);
            case "fanout" -> fanout(Integer.parseInt(args[1]), args[2].equals("tls"), Integer.parseInt(args[3]),
                    Integer.parseInt(args[4]), args.length > 5 ? Integer.parseInt(args[5]) : Integer.parseInt(args[1]),
                    args.length > 6 ? args[6].equals("tls") : args[2].equals("tls"));
            case "idle" -> idle(Integer.parseInt(args[1]), args[2].equals("tls"), Integer.parseInt(args[3]),
                    args.length > 4 && args[4].equals("kept"));
            case "posts" -> posts(Integer.parseInt(args[1]), args[2].equals("tls"), Integer.parseInt(args[3]),
                    args[4].equals("keep"), Integer.parseInt(args[5]));
            default -> throw new IllegalArgumentException("server, fanout, idle or posts");
        }
    }

    private static void server(String[] args) throws InterruptedException {
        Herald.Builder builder = Herald.builder().host("127.0.0.1").port(Integer.parseInt(args[1]))
                .abuseLimits(herald.server.AbuseLimits.off())    // one client address stands in for thousands
                .timeouts(Timeouts.DEFAULTS.withIdle(Duration.ofMinutes(10)))     // idle kept connections stay
                .stream("POST", "/v1/chat", (request, stream) -> {
                    request.body();
                    stream.send("token", "one");
                    stream.send("token", "two");
                    stream.send("done", "three");
                });
        if (!args[2].equals("plain")) {
            builder.tls(Path.of(args[2]), Path.of(args[3]));
        }
        try (Herald herald = builder.start()) {
            System.out.println("serving on " + herald.port() + " pid " + ProcessHandle.current().pid());
            Thread.sleep(Long.MAX_VALUE);
        }
    }

    /** The server processes whose CPU time the measuring window is charged (-Dtlscost.serverPids=1,2,3). */
    private static final long[] SERVER_PIDS = pids(System.getProperty("tlscost.serverPids", ""));
    /** CPU ticks of the server processes at the window's start, then its length. */
    private static final long[] WINDOW_TICKS = new long[2];
    private static final SSLContext TRUST_ALL = trustAll();
    private static final AtomicBoolean NEGOTIATED_SHOWN = new AtomicBoolean();

    private static SSLContext trustAll() {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {new X509TrustManager() {
                public void checkClientTrusted(X509Certificate[] chain, String type) { }

                public void checkServerTrusted(X509Certificate[] chain, String type) { }

                public X509Certificate[] getAcceptedIssuers() {
                    return new X509Certificate[0];
                }
            }}, null);
            return context;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static long[] pids(String list) {
        return list.isBlank() ? new long[0]
                : java.util.Arrays.stream(list.trim().split("[, ]+")).mapToLong(Long::parseLong).toArray();
    }

    /** User and system time of the server processes, in clock ticks (/proc/PID/stat; 100 a second on Linux). */
    private static long serverTicks() {
        long ticks = 0;
        for (long pid : SERVER_PIDS) {
            try {
                String stat = java.nio.file.Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
                String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                ticks += Long.parseLong(fields[11]) + Long.parseLong(fields[12]);     // utime, stime
            } catch (IOException | RuntimeException e) {
                throw new IllegalStateException("cannot read the CPU time of server process " + pid + ": " + e);
            }
        }
        return ticks;
    }

    private static void startWindow(AtomicBoolean counting) {
        WINDOW_TICKS[0] = serverTicks();
        counting.set(true);
    }

    private static void endWindow(AtomicBoolean counting) {
        counting.set(false);
        WINDOW_TICKS[1] = serverTicks() - WINDOW_TICKS[0];
    }

    /** ", server CPU S s: N µs per UNIT" when server PIDs were given, else "". */
    private static String serverCpu(long units, String unit) {
        if (SERVER_PIDS.length == 0) {
            return "";
        }
        double seconds = WINDOW_TICKS[1] / 100.0;
        return String.format("; server CPU %.2f s: %.2f us per %s", seconds, units == 0 ? Double.NaN
                : seconds * 1e6 / units, unit);
    }

    private static Socket connect(int port, boolean tls) throws IOException {
        Socket plain = new Socket();
        plain.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
        plain.setTcpNoDelay(true);
        if (!tls) {
            return plain;
        }
        SSLSocket socket = (SSLSocket) TRUST_ALL.getSocketFactory().createSocket(plain, "localhost", port, true);
        socket.startHandshake();
        if (!NEGOTIATED_SHOWN.getAndSet(true)) {
            System.out.println("negotiated " + socket.getSession().getProtocol() + " "
                    + socket.getSession().getCipherSuite());
        }
        return socket;
    }

    /** Opens a subscriber and reads its head; returns the socket positioned after it. */
    private static Socket subscribe(int port, boolean tls, String topic) throws IOException {
        Socket socket = connect(port, tls);
        socket.getOutputStream().write(("GET /topics/" + topic + " HTTP/1.1\r\nHost: x\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        readHead(socket.getInputStream());
        return socket;
    }

    /** Reads a response head; returns its Content-Length, or -1 without one. */
    private static int readHead(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        int state = 0;
        while (state < 4) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed in the head");
            }
            head.append((char) b);
            state = (b == '\r' && (state == 0 || state == 2)) || (b == '\n' && (state == 1 || state == 3))
                    ? state + 1 : (b == '\r' ? 1 : 0);
        }
        for (String line : head.toString().split("\r\n")) {
            if (line.regionMatches(true, 0, "Content-Length:", 0, 15)) {
                return Integer.parseInt(line.substring(15).trim());
            }
        }
        return -1;
    }

    private static void fanout(int port, boolean tls, int subscribers, int seconds, int publishPort,
                               boolean publishTls) throws Exception {
        LongAdder events = new LongAdder();
        AtomicBoolean counting = new AtomicBoolean();
        List<Socket> sockets = new ArrayList<>();
        CountDownLatch ready = new CountDownLatch(subscribers);
        for (int i = 0; i < subscribers; i++) {
            Socket socket = subscribe(port, tls, "bench");
            sockets.add(socket);
            Thread.ofVirtual().start(() -> {
                ready.countDown();
                byte[] buffer = new byte[16_384];
                int matched = 0;                             // of "data:" after a line feed
                try (InputStream in = socket.getInputStream()) {
                    for (int n; (n = in.read(buffer)) > 0; ) {
                        long found = 0;
                        for (int k = 0; k < n; k++) {
                            byte b = buffer[k];
                            matched = b == '\n' ? 1 : matched > 0 && b == "\ndata:".charAt(matched) ? matched + 1 : 0;
                            if (matched == 6) {
                                found++;
                                matched = 0;
                            }
                        }
                        if (counting.get()) {
                            events.add(found);
                        }
                    }
                } catch (IOException e) {
                    // closed at the end
                }
            });
        }
        ready.await();
        long published = publishFor(publishPort, publishTls, seconds, counting);
        long delivered = events.sum();
        System.out.printf("%s fanout: %d subscribers, %d s: %d published (%.0f/s), %d delivered (%.0f events/s)%s%n",
                tls ? "TLS" : "plain", subscribers, seconds, published, published / (double) seconds, delivered,
                delivered / (double) seconds, serverCpu(delivered, "event"));
        for (Socket socket : sockets) {
            socket.close();
        }
    }

    /** Two publishers, keep-alive, each waiting for its 202; counts published events while counting is on. */
    private static long publishFor(int port, boolean tls, int seconds, AtomicBoolean counting) throws Exception {
        LongAdder published = new LongAdder();
        AtomicBoolean stop = new AtomicBoolean();
        byte[] request = ("POST /topics/bench HTTP/1.1\r\nHost: x\r\nContent-Length: 64\r\n\r\n" + "x".repeat(64))
                .getBytes(StandardCharsets.US_ASCII);
        List<Thread> threads = new ArrayList<>();
        for (int p = 0; p < 2; p++) {
            Socket socket = connect(port, tls);
            threads.add(Thread.ofPlatform().start(() -> {
                try (socket) {
                    OutputStream out = socket.getOutputStream();
                    InputStream in = new BufferedInputStream(socket.getInputStream());   // heads are read bytewise
                    while (!stop.get()) {
                        out.write(request);
                        in.readNBytes(readHead(in));
                        if (counting.get()) {
                            published.increment();
                        }
                    }
                } catch (IOException e) {
                    System.err.println("publisher: " + e);
                }
            }));
        }
        Thread.sleep(1_000);                                  // warm-up, not counted
        startWindow(counting);
        Thread.sleep(seconds * 1_000L);
        endWindow(counting);
        stop.set(true);
        for (Thread t : threads) {
            t.join();
        }
        return published.sum();
    }

    private static void idle(int port, boolean tls, int count, boolean kept) throws Exception {
        List<Socket> sockets = new ArrayList<>();
        byte[] health = "GET /health HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < count; i++) {
            if (kept) {
                Socket socket = connect(port, tls);
                socket.getOutputStream().write(health);
                InputStream in = socket.getInputStream();
                int length = readHead(in);
                if (length < 0) {
                    throw new IOException("GET /health answered without a Content-Length");
                }
                in.readNBytes(length);
                sockets.add(socket);
            } else {
                sockets.add(subscribe(port, tls, "idle"));
            }
        }
        System.out.println("holding " + sockets.size() + (tls ? " TLS" : " plain")
                + (kept ? " kept connections (one GET /health each)" : " subscribers"));
        Thread.sleep(Long.MAX_VALUE);
    }

    private static void posts(int port, boolean tls, int seconds, boolean keep, int concurrency) throws Exception {
        LongAdder done = new LongAdder();
        AtomicBoolean counting = new AtomicBoolean();
        AtomicBoolean stop = new AtomicBoolean();
        byte[] request = ("POST /v1/chat HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n" + (keep ? "" : "Connection: close\r\n")
                + "\r\nhello").getBytes(StandardCharsets.US_ASCII);
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < concurrency; c++) {
            threads.add(Thread.ofPlatform().start(() -> {
                Socket socket = null;
                InputStream in = null;
                try {
                    while (!stop.get()) {
                        if (socket == null) {
                            socket = connect(port, tls);
                            in = new BufferedInputStream(socket.getInputStream());    // heads are read bytewise
                        }
                        socket.getOutputStream().write(request);
                        readHead(in);
                        if (keep) {
                            readChunkedToEnd(in);
                        } else {
                            in.readAllBytes();
                            socket.close();
                            socket = null;
                        }
                        if (counting.get()) {
                            done.increment();
                        }
                    }
                    if (socket != null) {
                        socket.close();
                    }
                } catch (IOException e) {
                    System.err.println("client: " + e);
                }
            }));
        }
        Thread.sleep(1_000);
        startWindow(counting);
        Thread.sleep(seconds * 1_000L);
        endWindow(counting);
        stop.set(true);
        for (Thread t : threads) {
            t.join();
        }
        System.out.printf("%s POST streams, %s, %d clients: %.0f requests/s%s%n", tls ? "TLS" : "plain",
                keep ? "kept connection (chunked)" : "new connection each (Connection: close)", concurrency,
                done.sum() / (double) seconds, serverCpu(done.sum(), "request"));
    }

    /** Reads up to and including the last chunk's {@code 0\r\n\r\n}. */
    private static void readChunkedToEnd(InputStream in) throws IOException {
        int state = 0;                                        // matched of "\n0\r\n\r\n"
        byte[] tail = "\n0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        while (state < tail.length) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed in a chunked body");
            }
            state = b == tail[state] ? state + 1 : (b == '\n' ? 1 : 0);
        }
    }
}
