package herald.server;

import herald.protocol.http1.HttpLimits;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Queue;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Property test over real sockets: connections send valid requests, alone or pipelined, mutated (truncated,
 * bits flipped, lines duplicated or removed, bytes inserted), in several writes with small pauses, then stop
 * sending and keep the connection open (or half-close it). Whatever they sent:
 * <ul>
 *   <li>a connection that did not become a stream ({@code 200 text/event-stream}) ends within the largest
 *       timeout plus two seconds after the client's last byte: every wait of the server has a deadline;</li>
 *   <li>no answer is a 5xx other than 501 (unknown transfer coding), 503 (over a limit) and 505 (version);</li>
 *   <li>no answer shows a Java stack trace or exception;</li>
 *   <li>afterwards the server still answers, and once the client closed its streams no connection is left.</li>
 * </ul>
 * Streams may stay open: the client closes them as soon as their head arrives.
 *
 * <p>{@code -Dherald.fuzz.seed=<long>} replays a run (the seed is printed); {@code -Dherald.fuzz.connections=<n>}
 * changes the default of 200 connections, {@code -Dherald.fuzz.shown=<n>} how many failures are shown (8).
 */
class SocketFuzzIT {
    private static final long HEAD_MILLIS = 300;
    private static final long IDLE_MILLIS = 500;
    private static final long BODY_MILLIS = 300;
    private static final long WRITE_MILLIS = 1_000;
    private static final long BOUND_MILLIS = Math.max(Math.max(HEAD_MILLIS, IDLE_MILLIS),
            Math.max(BODY_MILLIS, WRITE_MILLIS)) + 2_000;
    private static final int CONCURRENCY = 32;
    private static final int DEFAULT_CONNECTIONS = 200;
    private static final int SHOWN = (int) longProperty("herald.fuzz.shown", 8);
    private static final HttpLimits LIMITS = new HttpLimits(256, 1_024, 16, 4_096, 64, 256);
    private static final byte[] SPECIAL = {'\r', '\n', 0, ' ', '\t', ':', ';', ',', '0', '9', 'f', (byte) 0x80,
        (byte) 0xFF, 0x7F};

    private static final List<String> CORPUS = List.of(
            "GET /health HTTP/1.1\r\nHost: h\r\n\r\n",
            "GET /health HTTP/1.0\r\n\r\n",
            "GET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n",
            "HEAD /health HTTP/1.1\r\nHost: h\r\n\r\n",
            "GET /topics/fz1 HTTP/1.1\r\nHost: h\r\nAccept: text/event-stream\r\nLast-Event-ID: 0\r\n\r\n",
            "GET /events?topic=fz1&topic=fz2 HTTP/1.1\r\nHost: h\r\n\r\n",
            "HEAD /topics/fz2 HTTP/1.1\r\nHost: h\r\n\r\n",
            "POST /topics/fz1 HTTP/1.1\r\nHost: h\r\nContent-Type: text/plain\r\nContent-Length: 11\r\n\r\nhello world",
            "POST /topics/fz2?event=note HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "5\r\nhello\r\n6;x=1\r\n world\r\n0\r\n\r\n",
            "POST /topics/fz1 HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\ndata",
            "DELETE /topics/fz2 HTTP/1.1\r\nHost: h\r\n\r\n",
            "OPTIONS /topics/fz1 HTTP/1.1\r\nHost: h\r\nOrigin: http://example.test\r\n"
                    + "Access-Control-Request-Method: POST\r\n\r\n",
            "OPTIONS * HTTP/1.1\r\nHost: h\r\n\r\n");

    /** One connection's script: the bytes in pieces, a pause after each, then keep open or half-close. */
    private record Case(int index, byte[][] pieces, int[] pauses, boolean halfClose) {
        String describe() {
            StringBuilder s = new StringBuilder("#").append(index).append(' ');
            for (int i = 0; i < pieces.length; i++) {
                s.append(i == 0 ? "" : " | pause " + pauses[i - 1] + " ms | ").append(escape(pieces[i], pieces[i].length));
            }
            return s.append(halfClose ? " | half-close" : " | then silent").toString();
        }
    }

    private enum Outcome { ENDED, STREAM, HUNG }

    @Test
    void shouldEndEveryNonStreamConnectionWithinItsDeadlinesWhateverTheClientSends() throws Exception {
        long seed = longProperty("herald.fuzz.seed", new SplittableRandom().nextLong());
        int connections = (int) longProperty("herald.fuzz.connections", DEFAULT_CONNECTIONS);
        System.out.printf("SocketFuzzIT: -Dherald.fuzz.seed=%d -Dherald.fuzz.connections=%d%n", seed, connections);
        SplittableRandom random = new SplittableRandom(seed);
        List<Case> cases = new ArrayList<>();
        for (int i = 0; i < connections; i++) {
            cases.add(newCase(i, random));
        }
        Queue<String> failures = new ConcurrentLinkedQueue<>();
        AtomicInteger[] outcomes = {new AtomicInteger(), new AtomicInteger(), new AtomicInteger()};
        long start = System.nanoTime();
        try (Herald herald = TestServer.start(b -> b.limits(LIMITS).timeouts(Duration.ofMillis(HEAD_MILLIS),
                Duration.ofMillis(IDLE_MILLIS), Duration.ofMillis(BODY_MILLIS), Duration.ofMillis(WRITE_MILLIS)))) {
            Semaphore slots = new Semaphore(CONCURRENCY);
            try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                for (Case c : cases) {
                    slots.acquire();
                    pool.execute(() -> {
                        try {
                            outcomes[run(c, herald.port(), failures).ordinal()].incrementAndGet();
                        } catch (IOException | RuntimeException e) {
                            failures.add("client error " + e + ": " + c.describe());
                        } finally {
                            slots.release();
                        }
                    });
                }
                pool.shutdown();
                if (!pool.awaitTermination(60, TimeUnit.SECONDS)) {
                    fail("seed=" + seed + ": the connections did not finish in 60 s");
                }
            }
            System.out.printf("SocketFuzzIT: %d connections in %d ms: %d ended, %d streams, %d still open%n",
                    connections, (System.nanoTime() - start) / 1_000_000, outcomes[0].get(), outcomes[1].get(),
                    outcomes[2].get());
            if (!failures.isEmpty()) {
                fail("seed=" + seed + ": " + failures.size() + " failures among " + connections + " connections ("
                        + count(failures, "connection still open") + " still open, "
                        + count(failures, "answered ") + " with a 5xx, "
                        + count(failures, "an exception") + " with an exception); first:\n"
                        + String.join("\n", failures.stream().limit(SHOWN).toList()));
            }
            assertEquals(200, TestHttp.request(herald.port(), "GET", "/health", null).status(), "seed=" + seed);
            assertTrue(TestServer.eventually(Duration.ofSeconds(5),
                    () -> DeadlinesIT.metric(herald, "herald_connections") == 0),
                    "seed=" + seed + ": herald_connections=" + DeadlinesIT.metric(herald, "herald_connections")
                            + " after every client closed");
        }
    }

    private static long count(Queue<String> failures, String prefix) {
        return failures.stream().filter(f -> f.startsWith(prefix)).count();
    }

    /** Sends the case, then reads until the server closes, a stream begins, or the bound passes. */
    private static Outcome run(Case c, int port, Queue<String> failures) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            socket.setTcpNoDelay(true);
            OutputStream out = socket.getOutputStream();
            try {
                for (int i = 0; i < c.pieces().length; i++) {
                    out.write(c.pieces()[i]);
                    out.flush();
                    if (i < c.pauses().length && c.pauses()[i] > 0) {
                        Thread.sleep(c.pauses()[i]);
                    }
                }
                if (c.halfClose()) {
                    socket.shutdownOutput();
                }
            } catch (IOException e) {
                // the server closed while the client still sent: it stopped sending here
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
            long stopped = System.nanoTime();
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[8_192];
            Outcome outcome;
            while (true) {
                long left = BOUND_MILLIS - (System.nanoTime() - stopped) / 1_000_000;
                if (left <= 0) {
                    outcome = Outcome.HUNG;
                    break;
                }
                socket.setSoTimeout((int) left);
                int n;
                try {
                    n = in.read(buffer);
                } catch (SocketTimeoutException e) {
                    outcome = Outcome.HUNG;
                    break;
                } catch (SocketException e) {
                    outcome = Outcome.ENDED;        // a reset ends the connection too
                    break;
                }
                if (n < 0) {
                    outcome = Outcome.ENDED;
                    break;
                }
                got.write(buffer, 0, n);
                if (Answers.parse(got.toByteArray()).stream()) {
                    outcome = Outcome.STREAM;
                    break;
                }
            }
            byte[] received = got.toByteArray();
            Answers answers = Answers.parse(received);
            if (outcome == Outcome.HUNG && answers.stream()) {
                outcome = Outcome.STREAM;
            }
            if (outcome == Outcome.HUNG) {
                failures.add("connection still open " + (System.nanoTime() - stopped) / 1_000_000
                        + " ms after the client stopped sending: " + c.describe() + "; received: "
                        + escape(received, 400));
            }
            for (String statusLine : answers.statusLines()) {
                int status = statusOf(statusLine);
                if (status >= 500 && status != 501 && status != 503 && status != 505) {
                    failures.add("answered " + statusLine + " to " + c.describe() + "; received: "
                            + escape(received, 400));
                }
            }
            String text = new String(received, StandardCharsets.ISO_8859_1);
            if (text.contains("at herald.") || text.contains("Exception") || text.contains("\tat ")) {
                failures.add("an exception in the answer to " + c.describe() + ": " + escape(received, 2_000));
            }
            return outcome;
        }
    }

    /**
     * The status lines of the answers in {@code bytes}, framed as a client would: by Content-Length, none for
     * 1xx, 204, 304 and answers to HEAD (recognised by another status line right after the head), up to the
     * close otherwise; and whether the last one began a stream ({@code 200 text/event-stream} with
     * {@code Connection: close} and no length; without the close, a HEAD's answer on a stream).
     */
    private record Answers(List<String> statusLines, boolean stream) {
        static Answers parse(byte[] b) {
            List<String> statusLines = new ArrayList<>();
            int p = 0;
            while (p < b.length) {
                int end = indexOf(b, p, "\r\n\r\n");
                if (end < 0) {
                    break;
                }
                String[] lines = new String(b, p, end - p, StandardCharsets.ISO_8859_1).split("\r\n");
                statusLines.add(lines[0]);
                int status = statusOf(lines[0]);
                if (status < 0) {
                    break;
                }
                String length = null;
                String type = "";
                String connection = "";
                for (int i = 1; i < lines.length; i++) {
                    int colon = lines[i].indexOf(':');
                    if (colon < 0) {
                        continue;
                    }
                    String name = lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT);
                    String value = lines[i].substring(colon + 1).trim();
                    switch (name) {
                        case "content-length" -> length = value;
                        case "content-type" -> type = value;
                        case "connection" -> connection = value;
                        default -> { }
                    }
                }
                int body = end + 4;
                if (status == 200 && type.startsWith("text/event-stream") && length == null) {
                    if (connection.equalsIgnoreCase("close")) {
                        return new Answers(statusLines, true);
                    }
                    p = body;
                } else if (status / 100 == 1 || status == 204 || status == 304 || startsWith(b, body, "HTTP/1.")) {
                    p = body;
                } else if (length != null) {
                    p = body + Integer.parseInt(length);
                } else {
                    break;
                }
            }
            return new Answers(statusLines, false);
        }

        private static int indexOf(byte[] b, int from, String s) {
            for (int i = from; i + s.length() <= b.length; i++) {
                if (startsWith(b, i, s)) {
                    return i;
                }
            }
            return -1;
        }

        private static boolean startsWith(byte[] b, int at, String s) {
            if (at + s.length() > b.length) {
                return false;
            }
            for (int i = 0; i < s.length(); i++) {
                if (b[at + i] != s.charAt(i)) {
                    return false;
                }
            }
            return true;
        }
    }

    /** The status of a status line, or -1 when it is not one. */
    private static int statusOf(String statusLine) {
        if (!statusLine.startsWith("HTTP/1.") || statusLine.length() < 12) {
            return -1;
        }
        try {
            return Integer.parseInt(statusLine.substring(9, 12));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    // ---- cases -----------------------------------------------------------------------------------------------

    private static Case newCase(int index, SplittableRandom random) {
        ByteArrayOutputStream requests = new ByteArrayOutputStream();
        int pipelined = 1 + random.nextInt(3);
        for (int i = 0; i < pipelined; i++) {
            requests.writeBytes(CORPUS.get(random.nextInt(CORPUS.size())).getBytes(StandardCharsets.ISO_8859_1));
        }
        byte[] bytes = requests.toByteArray();
        int mutations = random.nextInt(4) == 0 ? 0 : 1 + random.nextInt(3);
        for (int m = 0; m < mutations; m++) {
            bytes = mutate(bytes, random);
        }
        int pieceCount = Math.min(bytes.length, 1 + random.nextInt(4));
        int[] cuts = new int[pieceCount + 1];
        cuts[pieceCount] = bytes.length;
        for (int i = 1; i < pieceCount; i++) {
            cuts[i] = 1 + random.nextInt(bytes.length - 1);
        }
        Arrays.sort(cuts, 1, pieceCount);
        byte[][] pieces = new byte[pieceCount][];
        int[] pauses = new int[pieceCount - 1];
        for (int i = 0; i < pieceCount; i++) {
            pieces[i] = Arrays.copyOfRange(bytes, cuts[i], cuts[i + 1]);
            if (i < pauses.length) {
                pauses[i] = random.nextInt(40);
            }
        }
        return new Case(index, pieces, pauses, random.nextInt(5) == 0);
    }

    private static byte[] mutate(byte[] b, SplittableRandom random) {
        int at = random.nextInt(b.length);
        return switch (random.nextInt(6)) {
            case 0 -> Arrays.copyOf(b, Math.max(1, at));                       // truncate
            case 1 -> {                                                         // flip one bit
                byte[] flipped = b.clone();
                flipped[at] ^= (byte) (1 << random.nextInt(8));
                yield flipped;
            }
            case 2 -> splice(b, at, at, new byte[] {SPECIAL[random.nextInt(SPECIAL.length)]});
            case 3 -> {                                                         // duplicate a line
                int[] line = lineAround(b, at);
                yield splice(b, line[1], line[1], Arrays.copyOfRange(b, line[0], line[1]));
            }
            case 4 -> {                                                         // remove a line
                int[] line = lineAround(b, at);
                byte[] shorter = splice(b, line[0], line[1], new byte[0]);
                yield shorter.length == 0 ? b : shorter;
            }
            default -> {                                                        // overwrite with a special byte
                byte[] changed = b.clone();
                changed[at] = SPECIAL[random.nextInt(SPECIAL.length)];
                yield changed;
            }
        };
    }

    /** The start and end (after its LF) of the line holding {@code at}. */
    private static int[] lineAround(byte[] b, int at) {
        int start = at;
        while (start > 0 && b[start - 1] != '\n') {
            start--;
        }
        int end = at;
        while (end < b.length && b[end] != '\n') {
            end++;
        }
        return new int[] {start, Math.min(b.length, end + 1)};
    }

    private static byte[] splice(byte[] b, int from, int to, byte[] insert) {
        byte[] out = new byte[b.length - (to - from) + insert.length];
        System.arraycopy(b, 0, out, 0, from);
        System.arraycopy(insert, 0, out, from, insert.length);
        System.arraycopy(b, to, out, from + insert.length, b.length - to);
        return out;
    }

    private static String escape(byte[] bytes, int max) {
        StringBuilder s = new StringBuilder("\"");
        for (int i = 0; i < Math.min(bytes.length, max); i++) {
            int c = bytes[i] & 0xFF;
            switch (c) {
                case '\r' -> s.append("\\r");
                case '\n' -> s.append("\\n");
                case '\\' -> s.append("\\\\");
                default -> s.append(c >= 0x20 && c < 0x7F ? String.valueOf((char) c) : String.format("\\x%02X", c));
            }
        }
        return s.append(bytes.length > max ? "\"..." : "\"").toString();
    }

    /** A long system property; unset, empty or an unresolved Maven {@code ${…}} gives the default. */
    private static long longProperty(String name, long defaultValue) {
        String value = System.getProperty(name);
        if (value == null || value.isBlank() || value.startsWith("${")) {
            return defaultValue;
        }
        return Long.parseLong(value.trim());
    }
}
