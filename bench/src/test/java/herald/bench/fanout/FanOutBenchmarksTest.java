package herald.bench.fanout;

import static org.junit.jupiter.api.Assertions.assertEquals;

import herald.bench.log.LogEvents;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/** The fan-out benchmarks deliver every event to every cursor or socket, once. */
class FanOutBenchmarksTest {

    @Test
    void everyCursorShouldGetEachEventOnce() throws IOException {
        FanOutBenchmark bench = new FanOutBenchmark();
        FanOutBenchmark.Cursors1000 cursors = new FanOutBenchmark.Cursors1000();
        cursors.setUp();
        long perEvent = 1_000L * LogEvents.ENCODED_LENGTH;
        for (int i = 0; i < 3; i++) {
            assertEquals(perEvent, bench.readAndWrite1000(cursors));
        }
        for (Cursor cursor : cursors.cursors) {
            assertEquals(3, cursor.events);
            assertEquals(LogEvents.FIRST_SEQ + 2, cursor.position());
        }
        assertEquals(3 * 1_000, cursors.channel.writes);
    }

    @Test
    void cursorsShouldFollowTheLogAcrossSegments() throws IOException {
        FanOutBenchmark.Cursors cursors = new FanOutBenchmark.Cursors(3) { };
        cursors.setUp();
        int events = 12_000;                     // about four 256 KiB segments, after the small first ones
        for (int i = 0; i < events; i++) {
            assertEquals(3L * LogEvents.ENCODED_LENGTH, cursors.publishToAll(), "event " + i);
        }
        assertEquals(3L * events * LogEvents.ENCODED_LENGTH, cursors.channel.bytes);
        for (Cursor cursor : cursors.cursors) {
            assertEquals(LogEvents.FIRST_SEQ + events - 1, cursor.position());
        }
    }

    @Test
    void everySocketShouldReceiveEachPublishedEvent() throws Exception {
        FanOutSocketBenchmark bench = new FanOutSocketBenchmark();
        FanOutSocketBenchmark.Server server = new FanOutSocketBenchmark.Server();
        server.subscribers = 20;
        server.setUp();
        try {
            assertEquals(20, server.drain.events());    // one preamble block per stream
            for (int i = 1; i <= 5; i++) {
                assertEquals(20 + 20L * i, bench.publishTo1000Sockets(server));
            }
            assertEquals(20 + 100, server.drain.events());   // each event once: not more than published
            assertEquals(0, server.drain.closed());
        } finally {
            server.tearDown();
        }
    }
}
