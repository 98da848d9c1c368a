package herald.loadtest.client;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** Two real worker processes (this test's class path) hold the subscriptions; their results add up. */
class WorkerFleetTest {

    @Test
    void shouldSpreadSubscriptionsOverWorkerProcessesAndMergeWhatTheyMeasure() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        try (TinyServer resume = new TinyServer((srv, i, s, in, out) -> {
            srv.readHead(in);
            StringBuilder events = new StringBuilder("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n\r\n");
            for (long seq = 11; seq <= 15; seq++) {
                events.append(TinyServer.event(seq, 1_000_000));
            }
            TinyServer.write(out, events.toString());
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }); TinyServer server = new TinyServer((srv, i, s, in, out) -> {
            srv.readHead(in);
            StringBuilder events = new StringBuilder("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n\r\n");
            for (long seq = 1; seq <= 10; seq++) {
                events.append(TinyServer.event(seq, 1_000_000));
            }
            TinyServer.write(out, events.toString());
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        })) {
            GeneratorConfig config = new GeneratorConfig(List.of(HttpUrl.parse(server.url("/t"))),
                    SourceAddresses.parse("127.0.0.2-127.0.0.3", 4), 1, 0, TimeUnit.SECONDS.toNanos(10),
                    TimeUnit.MILLISECONDS.toNanos(20), 1, true, 4096, System.nanoTime() + TimeUnit.MINUTES.toNanos(2),
                    List.of(HttpUrl.parse(resume.url("/r"))));
            List<Long> pids;
            try (WorkerFleet fleet = new WorkerFleet(config, 2, List.of("-Xmx64m", "-XX:+UseSerialGC"))) {
                pids = fleet.pids();
                assertEquals(2, pids.size());
                fleet.open(4, false);
                long[] latencies = {0};
                Await.until("40 events", () -> {
                    FleetStatus s = fleet.status();
                    latencies[0] += s.latency().getTotalCount();
                    return s.get(Counter.EVENTS) == 40 && latencies[0] == 40;
                });
                FleetStatus s = fleet.status();
                assertEquals(4, s.get(Counter.STREAMING));
                assertEquals(2, s.processes());
                assertEquals(0, s.get(Counter.GAPS));
                assertEquals(0, fleet.missingAtEnd(new long[][]{{10}})[0]);
                assertEquals(4, fleet.caughtUp(9));
                assertEquals(List.of("127.0.0.2", "127.0.0.3"), server.remoteAddresses.stream().distinct().sorted()
                        .toList(), "each worker binds its own share of the source addresses");
                assertEquals(4, fleet.moveToResumeUrls());
                assertEquals(4, fleet.dropAll(0));
                Await.until("4 x 5 more from the resume URL", () -> fleet.status().get(Counter.EVENTS) == 60);
                assertEquals(4, resume.requestHeads.size(), "the workers reconnected to the resume URL");
                assertEquals(0, fleet.status().get(Counter.GAPS));
                release.countDown();
            }
            for (long pid : pids) {
                assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false),
                        "worker " + pid + " ended");
            }
        }
    }
}
