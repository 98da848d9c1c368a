package herald.loadtest.client;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The publisher against a tiny HTTP server: requests carry {@code <seq> <intended time>}, pipelined answers
 * (Content-Length and chunked) are paired in order, non-2xx answers are counted, latency is measured from the
 * intended time.
 */
class PublisherTest {

    @Test
    void shouldPublishEverySeqOnItsLaneAndCountRejectedAnswers() throws Exception {
        List<String> bodies = new CopyOnWriteArrayList<>();
        Map<Integer, List<Long>> seqsByConnection = new ConcurrentHashMap<>();
        try (TinyServer server = new TinyServer((srv, i, s, in, out) -> {
            List<Long> seqs = seqsByConnection.computeIfAbsent(i, k -> new CopyOnWriteArrayList<>());
            while (true) {
                String head = srv.readHead(in);
                if (!head.startsWith("PUT /pub/t HTTP/1.1\r\n") || !"Bearer x".equals(TinyServer.header(head,
                        "Authorization"))) {
                    throw new AssertionError("unexpected request: " + head);
                }
                String body = body(in, Integer.parseInt(TinyServer.header(head, "Content-Length")));
                bodies.add(body);
                long seq = Long.parseLong(body.split(" ")[0]);
                seqs.add(seq);
                if (seq % 5 == 0) {
                    TinyServer.write(out, "HTTP/1.1 500 Oops\r\nContent-Length: 2\r\n\r\nno");
                } else if (seq % 2 == 0) {
                    TinyServer.write(out, "HTTP/1.1 202 Accepted\r\nTransfer-Encoding: chunked\r\n\r\n"
                            + "3\r\nabc\r\n0\r\n\r\n");
                } else {
                    TinyServer.write(out, "HTTP/1.1 202 Accepted\r\nContent-Length: 8\r\n\r\n{\"id\":1}");
                }
            }
        })) {
            Publisher.Config config = new Publisher.Config(List.of(HttpUrl.parse(server.url("/pub/t"))), "PUT",
                    List.of("Authorization: Bearer x"), 2, 4, 100, 2000, 20, TimeUnit.SECONDS.toNanos(5),
                    TimeUnit.SECONDS.toNanos(5), 0);
            Publisher p = new Publisher(config);
            p.start();
            assertTrue(p.join(20_000), "bounded by 20 events");
            PublisherStatus st = p.status();
            assertEquals(20, st.sent());
            assertEquals(16, st.accepted());
            assertEquals(4, st.rejected(), "5, 10, 15, 20");
            assertEquals(4, st.statusClasses()[5]);
            assertEquals(0, st.lost());
            assertEquals(20, st.latency().getTotalCount());
            long[][] last = p.lastAccepted();
            assertEquals(19, last[0][0], "lane 0 (odd seqs)");
            assertEquals(18, last[0][1], "lane 1 (even seqs; 20 was rejected)");
            assertEquals(2, seqsByConnection.size(), "two lanes, one connection each");
            for (List<Long> seqs : seqsByConnection.values()) {
                for (int k = 1; k < seqs.size(); k++) {
                    assertEquals(seqs.get(k - 1) + 2, seqs.get(k), "in order on its lane: " + seqs);
                }
            }
            PublishSchedule schedule = p.schedule();
            for (String body : bodies) {
                String[] f = body.split(" ");
                assertEquals(100, body.length(), "padded to --bytes");
                assertEquals(schedule.intendedNanos(Long.parseLong(f[0])), Long.parseLong(f[1]),
                        "carries the intended send time, not the actual one");
            }
        }
    }

    @Test
    void shouldCount503And429ApartAndGoOnWithoutRetryingOrPausing() throws Exception {
        List<Long> seqs = new CopyOnWriteArrayList<>();
        try (TinyServer server = new TinyServer((srv, i, s, in, out) -> {
            while (true) {
                String head = srv.readHead(in);
                long seq = Long.parseLong(body(in, Integer.parseInt(TinyServer.header(head, "Content-Length")))
                        .split(" ")[0]);
                seqs.add(seq);
                if (seq % 3 == 0) {
                    TinyServer.write(out, "HTTP/1.1 503 Service Unavailable\r\nRetry-After: 1\r\n"
                            + "Content-Length: 5\r\n\r\nbusy\n");
                } else if (seq % 5 == 0) {
                    TinyServer.write(out, "HTTP/1.1 429 Too Many Requests\r\nRetry-After: 1\r\n"
                            + "Content-Length: 0\r\n\r\n");
                } else {
                    TinyServer.write(out, "HTTP/1.1 202 Accepted\r\nContent-Length: 0\r\n\r\n");
                }
            }
        })) {
            Publisher.Config config = new Publisher.Config(List.of(HttpUrl.parse(server.url("/p"))), "POST",
                    List.of(), 1, 4, 64, 2000, 30, TimeUnit.SECONDS.toNanos(5), TimeUnit.SECONDS.toNanos(5), 0);
            Publisher p = new Publisher(config);
            p.start();
            assertTrue(p.join(20_000));
            PublisherStatus st = p.status();
            assertEquals(30, st.sent(), "each refused event once, none retried");
            assertEquals(30, seqs.size());
            for (int k = 0; k < seqs.size(); k++) {
                assertEquals(k + 1, seqs.get(k), "the schedule went on after every refusal");
            }
            assertEquals(10, st.rejected503(), "3, 6, ..., 30");
            assertEquals(4, st.rejected429(), "5, 10, 20, 25");
            assertEquals(14, st.rejected());
            assertEquals(16, st.accepted());
            assertEquals(10, st.statusClasses()[5]);
            assertEquals(4, st.statusClasses()[4]);
            assertEquals(30, st.due(), "all 30 were offered");
            assertEquals(0, st.inFlight());
        }
    }

    @Test
    void shouldKeepOfferingOnScheduleWhileTheServerHoldsEveryPipelineSlot() throws Exception {
        try (TinyServer server = new TinyServer((srv, i, s, in, out) -> {
            while (true) {
                String head = srv.readHead(in);
                body(in, Integer.parseInt(TinyServer.header(head, "Content-Length")));
                try {
                    Thread.sleep(50);               // a server that holds each publish before answering
                } catch (InterruptedException e) {
                    return;
                }
                TinyServer.write(out, "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n");
            }
        })) {
            // 1,000 events/s for 1 s over one connection without pipelining: at most ~20 answers a second
            Publisher.Config config = new Publisher.Config(List.of(HttpUrl.parse(server.url("/p"))), "POST",
                    List.of(), 1, 1, 64, 1000, Long.MAX_VALUE, TimeUnit.SECONDS.toNanos(1),
                    TimeUnit.MILLISECONDS.toNanos(300), 0);
            Publisher p = new Publisher(config);
            p.start();
            assertTrue(p.join(20_000));
            PublisherStatus st = p.status();
            assertEquals(1000, st.due(), "the schedule's 1,000 events were offered");
            assertTrue(st.sent() < 100, "the held slot let few out: " + st.sent());
            assertEquals(st.sent(), st.rejected503() + st.lost());
        }
    }

    @Test
    void shouldCountAnswersThatNeverComeAsLostAndReconnect() throws Exception {
        try (TinyServer server = new TinyServer((srv, i, s, in, out) -> {
            String head = srv.readHead(in);
            body(in, Integer.parseInt(TinyServer.header(head, "Content-Length")));
            // close without answering: the request is lost; the publisher reconnects for the next ones
        })) {
            Publisher.Config config = new Publisher.Config(List.of(HttpUrl.parse(server.url("/p"))), "POST",
                    List.of(), 1, 1, 64, 100, 3, TimeUnit.SECONDS.toNanos(5), TimeUnit.SECONDS.toNanos(2), 0);
            Publisher p = new Publisher(config);
            p.start();
            assertTrue(p.join(20_000));
            PublisherStatus st = p.status();
            assertEquals(3, st.sent());
            assertEquals(3, st.lost());
            assertEquals(0, st.accepted());
            assertTrue(st.connectFailures() >= 3);
        }
    }

    private static String body(InputStream in, int length) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (int k = 0; k < length; k++) {
            int c = in.read();
            if (c < 0) {
                throw new IOException("short body");
            }
            b.write(c);
        }
        return b.toString(StandardCharsets.UTF_8);
    }
}
