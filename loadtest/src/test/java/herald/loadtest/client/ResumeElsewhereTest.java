package herald.loadtest.client;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Subscriptions that resume on another URL (another node of a cluster) after a drop or after their server died:
 * where they reconnect, with which {@code Last-Event-ID}, and how the order check counts what the other node
 * loses or repeats across the move.
 */
class ResumeElsewhereTest {
    private static final String SSE_HEAD = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n\r\n";

    private final CountDownLatch release = new CountDownLatch(1);
    private final CountDownLatch endStreamsOnA = new CountDownLatch(1);

    /** Node A: events 1..3 with ids, then holds the stream until told to end it. */
    private TinyServer nodeA() throws Exception {
        return new TinyServer((srv, i, s, in, out) -> {
            srv.readHead(in);
            StringBuilder events = new StringBuilder(SSE_HEAD);
            for (long seq = 1; seq <= 3; seq++) {
                events.append("id: ").append(seq).append('\n').append(TinyServer.event(seq, 0));
            }
            TinyServer.write(out, events.toString());
            await(endStreamsOnA);           // returning closes the socket: the stream ends as when A dies
        });
    }

    /** Node B: resumes after the Last-Event-ID shifted by {@code shift} (0 exact, > 0 loses, < 0 repeats). */
    private TinyServer nodeB(long shift) throws Exception {
        return new TinyServer((srv, i, s, in, out) -> {
            String resume = TinyServer.header(srv.readHead(in), "Last-Event-ID");
            long from = (resume == null ? 0 : Long.parseLong(resume)) + 1 + shift;
            StringBuilder events = new StringBuilder(SSE_HEAD);
            for (long seq = from; seq <= 8; seq++) {
                events.append("id: ").append(seq).append('\n').append(TinyServer.event(seq, 0));
            }
            TinyServer.write(out, events.toString());
            await(release);
        });
    }

    private static Generator generator(TinyServer a, TinyServer b) {
        return new Generator(new GeneratorConfig(List.of(HttpUrl.parse(a.url("/topics/t"))), List.of(), 2, 0,
                TimeUnit.SECONDS.toNanos(10), TimeUnit.MILLISECONDS.toNanos(20), 1, true, 4096,
                System.nanoTime() + TimeUnit.MINUTES.toNanos(1), List.of(HttpUrl.parse(b.url("/topics/b")))));
    }

    @Test
    void shouldResumeOnTheResumeUrlWithTheLastEventIdAfterADrop() throws Exception {
        try (TinyServer a = nodeA(); TinyServer b = nodeB(0); Generator g = generator(a, b)) {
            g.open(3, false);
            Await.until("3 events each from A", () -> counters(g)[Counter.EVENTS.ordinal()] == 9);
            assertEquals(3, g.moveToResumeUrls());
            assertEquals(3, g.dropAll(0));
            Await.until("5 more each from B", () -> counters(g)[Counter.EVENTS.ordinal()] == 24);
            long[] c = counters(g);
            assertEquals(0, c[Counter.GAPS.ordinal()]);
            assertEquals(0, c[Counter.DUPLICATES.ordinal()]);
            assertEquals(3, c[Counter.RESUMES.ordinal()]);
            assertEquals(3, a.requestHeads.size(), "A saw the first requests only");
            for (String head : a.requestHeads) {
                assertNull(TinyServer.header(head, "Last-Event-ID"));
            }
            assertEquals(3, b.requestHeads.size(), "every reconnect went to B");
            for (String head : b.requestHeads) {
                assertTrue(head.startsWith("GET /topics/b HTTP/1.1\r\n"), head);
                assertEquals("127.0.0.1:" + b.port(), TinyServer.header(head, "Host"));
                assertEquals("3", TinyServer.header(head, "Last-Event-ID"));
            }
            assertEquals(3, g.caughtUp(7));
            assertEquals(0, g.missingAtEnd(new long[][]{{8}})[0]);
            release.countDown();
            endStreamsOnA.countDown();
        }
    }

    @Test
    void shouldFollowAServerThatEndsItsStreamsToTheResumeUrl() throws Exception {
        try (TinyServer a = nodeA(); TinyServer b = nodeB(0); Generator g = generator(a, b)) {
            g.open(2, false);
            Await.until("3 events each from A", () -> counters(g)[Counter.EVENTS.ordinal()] == 6);
            g.moveToResumeUrls();
            assertEquals(0, b.requestHeads.size(), "moving alone closes nothing");
            endStreamsOnA.countDown();      // A goes away: the subscriptions notice by themselves
            Await.until("5 more each from B", () -> counters(g)[Counter.EVENTS.ordinal()] == 16);
            long[] c = counters(g);
            assertEquals(0, c[Counter.DROPS.ordinal()], "not dropped by the client");
            assertEquals(2, c[Counter.SERVER_CLOSES.ordinal()] + c[Counter.RESETS.ordinal()]);
            assertEquals(2, c[Counter.RESUMES.ordinal()]);
            assertEquals(0, c[Counter.GAPS.ordinal()] + c[Counter.DUPLICATES.ordinal()]);
            assertEquals(2, b.requestHeads.size());
            release.countDown();
        }
    }

    @Test
    void shouldCountWhatTheOtherNodeLosesAcrossTheMove() throws Exception {
        try (TinyServer a = nodeA(); TinyServer b = nodeB(2); Generator g = generator(a, b)) {
            g.open(2, false);
            Await.until("3 events each from A", () -> counters(g)[Counter.EVENTS.ordinal()] == 6);
            g.moveToResumeUrls();
            g.dropAll(0);
            Await.until("6..8 from B", () -> counters(g)[Counter.EVENTS.ordinal()] == 12);
            long[] c = counters(g);
            assertEquals(2, c[Counter.GAPS.ordinal()], "one gap per subscription");
            assertEquals(4, c[Counter.GAP_EVENTS.ordinal()], "4 and 5, twice");
            assertEquals(0, c[Counter.DUPLICATES.ordinal()]);
            assertEquals(0, g.missingAtEnd(new long[][]{{8}})[0], "lost in the middle, not at the end");
            release.countDown();
            endStreamsOnA.countDown();
        }
    }

    @Test
    void shouldCountWhatTheOtherNodeRepeatsAcrossTheMove() throws Exception {
        try (TinyServer a = nodeA(); TinyServer b = nodeB(-2); Generator g = generator(a, b)) {
            g.open(2, false);
            Await.until("3 events each from A", () -> counters(g)[Counter.EVENTS.ordinal()] == 6);
            g.moveToResumeUrls();
            g.dropAll(0);
            Await.until("2..8 from B", () -> counters(g)[Counter.EVENTS.ordinal()] == 20);
            long[] c = counters(g);
            assertEquals(4, c[Counter.DUPLICATES.ordinal()], "2 and 3, twice");
            assertEquals(0, c[Counter.GAPS.ordinal()]);
            assertEquals(2, g.caughtUp(7));
            release.countDown();
            endStreamsOnA.countDown();
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
