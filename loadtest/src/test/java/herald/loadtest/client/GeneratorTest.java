package herald.loadtest.client;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The generator against a tiny SSE server on loopback that streams known events: order checking (gaps,
 * duplicates, per lane), latency from the send time in the data, framing (identity and chunked), resume with
 * Last-Event-ID, status codes, source addresses, stalled connections, and the end-of-run tail check.
 */
class GeneratorTest {
    private static final long AGE_NANOS = TimeUnit.MILLISECONDS.toNanos(5);
    private static final String SSE_HEAD = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
            + "Cache-Control: no-cache\r\n\r\n";
    private static final String CHUNKED_HEAD = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
            + "Transfer-Encoding: chunked\r\n\r\n";

    private final CountDownLatch release = new CountDownLatch(1);

    private static Generator generator(TinyServer server, int lanes, List<InetAddress> sources) {
        return new Generator(new GeneratorConfig(List.of(HttpUrl.parse(server.url("/topics/t"))), sources, 2, 0,
                TimeUnit.SECONDS.toNanos(10), TimeUnit.MILLISECONDS.toNanos(20), lanes, true, 4096,
                System.nanoTime() + TimeUnit.MINUTES.toNanos(1)));
    }

    @Test
    void shouldCountGapsAndDuplicatesAndTellEventKindsApart() throws Exception {
        try (TinyServer server = new TinyServer((srv, i, s, in, out) -> {
            srv.readHead(in);
            StringBuilder events = new StringBuilder(SSE_HEAD).append(": heartbeat\n\nretry: 1000\n\n");
            for (long seq : new long[]{1, 2, 4, 4, 5}) {                // 3 is missing, 4 comes twice
                events.append("id: e").append(seq).append('\n').append(TinyServer.event(seq, AGE_NANOS));
            }
            events.append("event: herald-gap\ndata: {\"topic\":\"t\"}\n\n");   // a typed event
            events.append("data: hello\n\n");                               // not a payload
            TinyServer.write(out, events.toString());
            await(release);
        }); Generator g = generator(server, 1, List.of())) {
            g.open(1, false);
            Await.until("all events", () -> counters(g)[Counter.FOREIGN_EVENTS.ordinal()] == 1);
            long[] c = counters(g);
            assertEquals(5, c[Counter.EVENTS.ordinal()], "payload events, the duplicate included");
            assertEquals(1, c[Counter.GAPS.ordinal()]);
            assertEquals(1, c[Counter.GAP_EVENTS.ordinal()], "seq 3");
            assertEquals(1, c[Counter.DUPLICATES.ordinal()], "the second 4");
            assertEquals(1, c[Counter.TYPED_EVENTS.ordinal()]);
            assertEquals(1, c[Counter.COMMENTS.ordinal()]);
            assertEquals(1, c[Counter.STREAMING.ordinal()]);
            release.countDown();
        }
    }

    @Test
    void shouldRecordEachDeliveryNoSoonerThanItsSendTime() throws Exception {
        try (TinyServer server = new TinyServer((srv, i, s, in, out) -> {
            srv.readHead(in);
            StringBuilder events = new StringBuilder(SSE_HEAD);
            for (long seq = 1; seq <= 20; seq++) {
                events.append(TinyServer.event(seq, AGE_NANOS));
            }
            TinyServer.write(out, events.toString());
            await(release);
        }); Generator g = generator(server, 1, List.of())) {
            g.open(1, false);
            Histogram all = FleetStatus.newHistogram();
            Await.until("20 latencies", () -> {
                all.add(g.status().latency());
                return all.getTotalCount() >= 20;
            });
            assertEquals(20, all.getTotalCount());
            assertTrue(all.getMinValue() >= AGE_NANOS * 0.999, "min " + all.getMinValue()
                    + " ns: each event was stamped 5 ms before it was written");
            assertEquals(0, counters(g)[Counter.GAPS.ordinal()]);
            release.countDown();
        }
    }

    @Test
    void shouldCheckOrderPerPublisherLane() throws Exception {
        try (TinyServer server = new TinyServer((srv, i, s, in, out) -> {
            srv.readHead(in);
            StringBuilder events = new StringBuilder(SSE_HEAD);
            // lanes 0 (odd seqs) and 1 (even) interleave freely; within lane 1, 6 is missing
            for (long seq : new long[]{2, 1, 3, 4, 5, 8, 7}) {
                events.append(TinyServer.event(seq, 0));
            }
            TinyServer.write(out, events.toString());
            await(release);
        }); Generator g = generator(server, 2, List.of())) {
            g.open(1, false);
            Await.until("7 events", () -> counters(g)[Counter.EVENTS.ordinal()] == 7);
            long[] c = counters(g);
            assertEquals(1, c[Counter.GAPS.ordinal()]);
            assertEquals(1, c[Counter.GAP_EVENTS.ordinal()], "seq 6");
            assertEquals(0, c[Counter.DUPLICATES.ordinal()]);
            assertEquals(1, g.caughtUp(6), "past 6 in both lanes (7 and 8)");
            assertEquals(0, g.caughtUp(7), "lane 0 has nothing above 7");
            long[] tail = g.missingAtEnd(new long[][]{{9, 12}});
            assertEquals(1 + 2, tail[0], "lane 0 lacks 9; lane 1 lacks 10 and 12");
            assertEquals(1, tail[1], "one connection behind");
            assertEquals(0, g.missingAtEnd(new long[][]{{7, 8}})[0]);
            release.countDown();
        }
    }

    @Test
    void shouldDecodeChunkedStreamsAndResumeWithLastEventIdWhenTheServerEndsOne() throws Exception {
        try (TinyServer server = new TinyServer((srv, i, s, in, out) -> {
            String head = srv.readHead(in);
            if (i == 0) {
                // three events in 7-byte chunks (cut mid-line, with an extension), then the last chunk
                String body = "id: 1\n" + TinyServer.event(1, 0) + "id: 2\n" + TinyServer.event(2, 0)
                        + "id: 3\n" + TinyServer.event(3, 0);
                StringBuilder chunked = new StringBuilder(CHUNKED_HEAD);
                for (int from = 0; from < body.length(); from += 7) {
                    String part = body.substring(from, Math.min(body.length(), from + 7));
                    chunked.append(Integer.toHexString(part.length())).append(";ext=1\r\n").append(part)
                            .append("\r\n");
                }
                TinyServer.write(out, chunked.append("0\r\n\r\n").toString());
                await(release);
            } else {
                String resume = TinyServer.header(head, "Last-Event-ID");
                String body = "id: 4\n" + TinyServer.event(4, 0) + "id: 5\n" + TinyServer.event(5, 0);
                TinyServer.write(out, CHUNKED_HEAD + Integer.toHexString(body.length()) + "\r\n" + body + "\r\n");
                if (!"3".equals(resume)) {
                    throw new AssertionError("Last-Event-ID was " + resume);
                }
                await(release);
            }
        }); Generator g = generator(server, 1, List.of())) {
            g.open(1, false);
            Await.until("5 events", () -> counters(g)[Counter.EVENTS.ordinal()] == 5);
            long[] c = counters(g);
            assertEquals(0, c[Counter.GAPS.ordinal()]);
            assertEquals(0, c[Counter.DUPLICATES.ordinal()]);
            assertEquals(1, c[Counter.SERVER_CLOSES.ordinal()], "the last chunk ended the first stream");
            assertEquals(1, c[Counter.RESUMES.ordinal()]);
            assertEquals(2, c[Counter.STREAMS_OPENED.ordinal()]);
            assertTrue(server.failures.isEmpty(), () -> server.failures.toString());
            release.countDown();
        }
    }

    @Test
    void shouldResumeEveryDroppedStreamWithItsLastEventId() throws Exception {
        try (TinyServer server = new TinyServer((srv, i, s, in, out) -> {
            String head = srv.readHead(in);
            String resume = TinyServer.header(head, "Last-Event-ID");
            long from = resume == null ? 1 : Long.parseLong(resume) + 1;
            StringBuilder events = new StringBuilder(SSE_HEAD);
            for (long seq = from; seq < from + 3; seq++) {
                events.append("id: ").append(seq).append('\n').append(TinyServer.event(seq, 0));
            }
            TinyServer.write(out, events.toString());
            await(release);
        }); Generator g = generator(server, 1, List.of())) {
            g.open(3, false);
            Await.until("9 events", () -> counters(g)[Counter.EVENTS.ordinal()] == 9);
            assertEquals(3, g.dropAll(0));
            Await.until("18 events", () -> counters(g)[Counter.EVENTS.ordinal()] == 18);
            long[] c = counters(g);
            assertEquals(3, c[Counter.DROPS.ordinal()]);
            assertEquals(3, c[Counter.RESUMES.ordinal()]);
            assertEquals(0, c[Counter.GAPS.ordinal()] + c[Counter.DUPLICATES.ordinal()]);
            assertEquals(3, g.caughtUp(3), "4..6 were resumed after 3");
            release.countDown();
        }
    }

    @Test
    void shouldCountRefusedStreamsByStatusAndBindToTheSourceAddress() throws Exception {
        try (TinyServer server = new TinyServer((srv, i, s, in, out) -> {
            srv.readHead(in);
            TinyServer.write(out, "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 4\r\n\r\nbusy");
        }); Generator g = generator(server, 1, List.of(InetAddress.getByName("127.0.0.2")))) {
            g.open(2, false);
            Await.until("two 503s", () -> counters(g)[Counter.STATUS_5XX.ordinal()] >= 2);
            assertEquals(0, counters(g)[Counter.STREAMING.ordinal()]);
            assertEquals("127.0.0.2", server.remoteAddresses.get(0));
        }
    }

    @Test
    void shouldStopReadingStalledConnectionsAfterTheirHead() throws Exception {
        try (TinyServer server = new TinyServer((srv, i, s, in, out) -> {
            srv.readHead(in);
            TinyServer.write(out, SSE_HEAD);
            byte[] event = TinyServer.event(1, 0).replace("xxxx", "x".repeat(1000)).getBytes();
            try {
                for (int k = 0; k < 10_000 && release.getCount() > 0; k++) {
                    out.write(event);           // blocks once the buffers are full; closing ends it
                }
            } catch (IOException ignored) {
                // closed by the test
            }
        }); Generator g = generator(server, 1, List.of())) {
            g.open(1, true);
            Await.until("streaming", () -> counters(g)[Counter.STREAMING.ordinal()] == 1);
            Thread.sleep(300);                  // a negative check needs a window: the server writes 10 MB meanwhile
            long bytes = counters(g)[Counter.BYTES.ordinal()];
            assertTrue(bytes <= 64 * 1024, "at most the read that carried the head: " + bytes + " bytes");
            assertEquals(0, g.status().latency().getTotalCount(), "stalled subscriptions record no latency");
            release.countDown();
        }
    }

    /**
     * Unpaced, one loop thread: the first request goes out after the first {@link SubscriberLoop#CONNECTS_PER_ROUND}
     * connects, not after all of them (which measured how fast the generator opens sockets, not the server).
     */
    @Test
    void shouldWriteRequestsWhileTheRestOfAnUnpacedWaveConnects() throws Exception {
        int wave = 2_000;
        java.util.concurrent.atomic.AtomicReference<Generator> generator = new java.util.concurrent.atomic.AtomicReference<>();
        java.util.concurrent.atomic.AtomicLong attemptsAtFirstRequest = new java.util.concurrent.atomic.AtomicLong(-1);
        try (TinyServer server = new TinyServer((srv, i, s, in, out) -> {
            srv.readHead(in);
            attemptsAtFirstRequest.compareAndSet(-1, counters(generator.get())[Counter.CONNECT_ATTEMPTS.ordinal()]);
            TinyServer.write(out, SSE_HEAD);
            await(release);
        }); Generator g = new Generator(new GeneratorConfig(List.of(HttpUrl.parse(server.url("/topics/t"))),
                List.of(), 1, 0, TimeUnit.SECONDS.toNanos(20), TimeUnit.MILLISECONDS.toNanos(20), 1, true, 4096,
                System.nanoTime() + TimeUnit.MINUTES.toNanos(1)))) {
            generator.set(g);
            g.open(wave, false);
            Await.until("a request", () -> attemptsAtFirstRequest.get() >= 0);
            assertTrue(attemptsAtFirstRequest.get() < wave, "the first request came after all " + wave
                    + " connects had been started");
            release.countDown();
        }
    }

    private static long[] counters(Generator g) {
        return g.status().counters();
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(20, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
