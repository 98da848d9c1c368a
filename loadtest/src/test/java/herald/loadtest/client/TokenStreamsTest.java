package herald.loadtest.client;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The per-request stream client against a tiny stream server: the POST it sends, one stream per slot restarted as
 * soon as it ends, time to first token once per stream, the gap before each event from token 6 to [DONE], and each
 * way a stream can go wrong counted as itself.
 */
class TokenStreamsTest {
    private static final Pattern TOKENS = Pattern.compile("\"tokens\":(\\d+)");

    @Test
    void shouldRunEverySlotStreamAfterStreamAndRecordFirstTokensAndGaps() throws Exception {
        AtomicInteger served = new AtomicInteger();
        try (TinyServer server = new TinyServer((srv, i, s, in, out) -> {
            String head = srv.readHead(in);
            String body = body(in, Integer.parseInt(TinyServer.header(head, "Content-Length")));
            Matcher m = TOKENS.matcher(body);
            int tokens = m.find() ? Integer.parseInt(m.group(1)) : 0;
            boolean chunked = i % 2 == 1;               // identity and chunked framing, alternately
            TinyServer.write(out, "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
                    + (chunked ? "Transfer-Encoding: chunked\r\n" : "") + "\r\n");
            for (int k = 1; k <= tokens; k++) {
                send(out, "data: token " + k + "\n\n", chunked);
                sleep(1);
            }
            send(out, "data: [DONE]\n\n", chunked);
            if (chunked) {
                TinyServer.write(out, "0\r\n\r\n");
            }
            served.incrementAndGet();
        })) {
            TokenStreamConfig config = config(server, 8);
            try (TokenStreams streams = new TokenStreams(config, 3, TimeUnit.MILLISECONDS.toNanos(20))) {
                Histogram ttfb = FleetStatus.newHistogram();
                Histogram gaps = FleetStatus.newHistogram();
                long[] completed = new long[1];
                long[] streamingSeen = new long[1];
                Await.until("12 streams done", () -> {
                    TokenStreams.Status st = streams.status();
                    ttfb.add(st.timeToFirstToken());
                    gaps.add(st.gaps());
                    completed[0] = st.get(StreamCounter.COMPLETED);
                    streamingSeen[0] = Math.max(streamingSeen[0], st.get(StreamCounter.STREAMING));
                    return completed[0] >= 12;
                });
                streams.quiesce();
                Await.until("the streams in progress end", () -> {
                    TokenStreams.Status st = streams.status();
                    ttfb.add(st.timeToFirstToken());
                    gaps.add(st.gaps());
                    return st.get(StreamCounter.ACTIVE) == 0;
                });
                TokenStreams.Status st = streams.status();
                ttfb.add(st.timeToFirstToken());
                gaps.add(st.gaps());
                long done = st.get(StreamCounter.COMPLETED);
                assertEquals(st.get(StreamCounter.STARTED), done, "every stream started ran to [DONE]");
                assertEquals(8 * done, st.get(StreamCounter.TOKENS));
                assertEquals(done, ttfb.getTotalCount(), "one time to first token per stream");
                assertEquals(4 * done, gaps.getTotalCount(), "gaps before tokens 6, 7, 8 and [DONE] (event 9)");
                assertEquals(0, PerStream.failures(st));
                assertEquals(0, st.get(StreamCounter.STREAMING), "none streaming once all ended");
                assertTrue(streamingSeen[0] >= 1 && streamingSeen[0] <= 3, "streaming seen: " + streamingSeen[0]);
            }
            String head = server.requestHeads.get(0);
            assertTrue(head.startsWith("POST /stream HTTP/1.1\r\n"), head);
            assertEquals("close", TinyServer.header(head, "Connection"), "one stream per connection");
            assertEquals("application/json", TinyServer.header(head, "Content-Type"));
            assertEquals("text/event-stream", TinyServer.header(head, "Accept"));
            assertEquals(String.valueOf(config.body().length()), TinyServer.header(head, "Content-Length"));
            assertEquals("{\"tokens\":8,\"intervalMs\":1}", config.body());
        }
    }

    @Test
    void shouldCountEachWayAStreamGoesWrong() throws Exception {
        try (TinyServer server = new TinyServer((srv, i, s, in, out) -> {
            String head = srv.readHead(in);
            body(in, Integer.parseInt(TinyServer.header(head, "Content-Length")));
            switch (i % 4) {
                case 0 -> TinyServer.write(out, "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n");
                case 1 -> TinyServer.write(out, "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n\r\n"
                        + "data: token 1\n\ndata: token 2\n\n");                        // then the close
                case 2 -> TinyServer.write(out, "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n\r\n"
                        + "data: token 1\n\ndata: [DONE]\n\n");                         // 1 of 3 tokens
                default -> TinyServer.write(out, "HTTP 200 nonsense\r\n\r\n");
            }
        })) {
            try (TokenStreams streams = new TokenStreams(config(server, 3), 2, 0)) {
                Await.until("each failure seen", () -> {
                    TokenStreams.Status st = streams.status();
                    return st.get(StreamCounter.NOT_200) > 0 && st.get(StreamCounter.ENDED_EARLY) > 0
                            && st.get(StreamCounter.WRONG_TOKEN_COUNT) > 0 && st.get(StreamCounter.PROTOCOL_ERRORS) > 0;
                });
                assertEquals(0, streams.status().get(StreamCounter.COMPLETED));
                streams.quiesce();
                Await.until("the streams in progress end", () -> streams.status().get(StreamCounter.ACTIVE) == 0);
                assertEquals(0, streams.status().get(StreamCounter.STREAMING),
                        "streams that failed or ended short after their first token stopped streaming");
            }
        }
    }

    @Test
    void shouldCountARefusedConnectAsAConnectFailure() throws Exception {
        int port;
        try (TinyServer closed = new TinyServer((srv, i, s, in, out) -> { })) {
            port = closed.port();
        }
        TokenStreamConfig config = new TokenStreamConfig(HttpUrl.parse("http://127.0.0.1:" + port + "/stream"),
                List.of(), List.of(), 1, 3, 1, TimeUnit.SECONDS.toNanos(2), TimeUnit.SECONDS.toNanos(5),
                System.nanoTime() + TimeUnit.SECONDS.toNanos(30));
        try (TokenStreams streams = new TokenStreams(config, 1, 0)) {
            Await.until("a refused connect counted", () -> streams.status().get(StreamCounter.CONNECT_FAILURES) > 0);
            assertEquals(0, streams.status().get(StreamCounter.TOKENS));
        }
    }

    private static TokenStreamConfig config(TinyServer server, int tokens) {
        return new TokenStreamConfig(HttpUrl.parse(server.url("/stream")), List.of(),
                List.of(InetAddress.getLoopbackAddress()), 2, tokens, 1, TimeUnit.SECONDS.toNanos(5),
                TimeUnit.SECONDS.toNanos(10), System.nanoTime() + TimeUnit.SECONDS.toNanos(60));
    }

    /** The failure sum the scenario reports, here from the counters alone. */
    private static final class PerStream {
        static long failures(TokenStreams.Status s) {
            return s.get(StreamCounter.CONNECT_FAILURES) + s.get(StreamCounter.TIMEOUTS)
                    + s.get(StreamCounter.NOT_200) + s.get(StreamCounter.ENDED_EARLY)
                    + s.get(StreamCounter.WRONG_TOKEN_COUNT) + s.get(StreamCounter.PROTOCOL_ERRORS);
        }
    }

    private static void send(OutputStream out, String event, boolean chunked) throws IOException {
        int n = event.getBytes(StandardCharsets.UTF_8).length;
        TinyServer.write(out, chunked ? Integer.toHexString(n) + "\r\n" + event + "\r\n" : event);
    }

    private static void sleep(long millis) throws IOException {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            throw new IOException(e);
        }
    }

    private static String body(InputStream in, int length) throws IOException {
        byte[] b = in.readNBytes(length);
        if (b.length < length) {
            throw new IOException("short body");
        }
        return new String(b, StandardCharsets.UTF_8);
    }
}
