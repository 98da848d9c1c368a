package herald.loadtest.scenario;

import herald.loadtest.client.Counter;
import herald.loadtest.client.FleetStatus;
import herald.loadtest.client.PublisherStatus;
import herald.loadtest.report.LadderStep;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A ladder step's figures from a measured window, the subscriber counters and the publisher's status. */
class RateLadderTest {

    @Test
    void shouldSplitOfferedSentAcceptedAndRefusedAndRateTheDeliveriesOverTheWholeStep() {
        // 10 s window: the schedule made 10,000 publishes due, 9,000 went out, 7,000 accepted, 1,000 refused
        // (700 x 503, 200 x 429, 100 x 500), 50 lost; the whole step accepted 8,000
        PublisherStatus start = publisher(1_000, 1_000, 1_000, 0, 0, 0, 0);
        PublisherStatus end = publisher(11_000, 10_000, 8_000, 1_000, 700, 200, 50);
        Window w = window(start, end, 7_000_000);
        w.inFlightSum = 3_000;
        w.inFlightPolls = 40;
        FleetStatus before = fleet(0, 0, 0, 0);
        // 100 subscribers x 8,000 accepted = 800,000 expected; 799,300 received of which 100 duplicates
        FleetStatus after = fleet(799_300, 100, 3, 2);
        LadderStep st = RateLadder.ladderStep("1000", 1000, w, 100, before, after, end, 16 * 64);

        assertEquals("1000", st.rate());
        assertEquals(1000.0, st.offeredPerSecond(), "due in the window, sent or not");
        assertEquals(900.0, st.sentPerSecond());
        assertEquals(700.0, st.acceptedPerSecond());
        assertEquals(700, st.status503());
        assertEquals(200, st.status429());
        assertEquals(100, st.otherErrors(), "refused, neither 503 nor 429");
        assertEquals(50, st.lost());
        assertEquals(75.0, st.inFlightAverage());
        assertEquals(1024, st.inFlightCapacity());
        assertEquals(700_000.0, st.deliveredPerSecond(), "events received per second in the window");
        assertEquals(799_200, st.deliveredEvents(), "duplicates are not deliveries");
        assertEquals(800_000, st.expectedDeliveries());
        assertEquals(0.999, st.deliveryRatio());
        assertEquals(3, st.serverCloses());
        assertEquals(2, st.gapSignals());
        assertFalse(st.sustained(), "70 % of the offered rate accepted is not sustaining it");
    }

    @Test
    void shouldCallAStepSustainedOnlyWhenTheRateWasTakenDeliveredAndFast() {
        PublisherStatus start = publisher(0, 0, 0, 0, 0, 0, 0);
        PublisherStatus end = publisher(4_000, 4_000, 4_000, 0, 0, 0, 0);
        FleetStatus before = fleet(0, 0, 0, 0);
        assertTrue(RateLadder.ladderStep("400", 400, window(start, end, 900_000_000L), 10, before,
                fleet(40_000, 0, 0, 0), end, 32).sustained());
        assertFalse(RateLadder.ladderStep("400", 400, window(start, end, 1_100_000_000L), 10, before,
                fleet(40_000, 0, 0, 0), end, 32).sustained(), "p99 over 1 s");
        assertFalse(RateLadder.ladderStep("400", 400, window(start, end, 900_000_000L), 10, before,
                fleet(39_950, 0, 0, 0), end, 32).sustained(), "ratio 0.99875 < 0.999");
    }

    @Test
    void shouldHaveNoRatioWhenNothingWasAccepted() {
        PublisherStatus start = publisher(0, 0, 0, 0, 0, 0, 0);
        PublisherStatus end = publisher(1_000, 1_000, 0, 1_000, 1_000, 0, 0);
        LadderStep st = RateLadder.ladderStep("max", 20_000, window(start, end, 0), 10, fleet(0, 0, 0, 0),
                fleet(0, 0, 0, 0), end, 32);
        assertNull(st.deliveryRatio());
        assertNull(st.p99Micros(), "no event, no latency");
        assertEquals(1_000, st.status503());
        assertFalse(st.sustained());
    }

    @Test
    void shouldParseTheRatesAndRefuseBadOnes() {
        assertEquals(List.of(100.0, 200.0, 400.0, 800.0, 1600.0, 0.0), RateLadder.rates(Options.parse(List.of())));
        assertEquals(List.of(50.0, 0.0), RateLadder.rates(Options.parse(List.of("--rates", "50,MAX"))));
        assertEquals(20_000.0, RateLadder.maxRate(Options.parse(List.of())));
        for (String bad : List.of("0", "-5", "fast", "1e999")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> RateLadder.rates(Options.parse(List.of("--rates", bad))));
            assertTrue(e.getMessage().startsWith("--rates: not a rate"), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> RateLadder.maxRate(Options.parse(List.of("--max-rate",
                "max"))));
    }

    /** A 10 s window with 10 latencies, the largest {@code p99Nanos}. */
    private static Window window(PublisherStatus start, PublisherStatus end, long p99Nanos) {
        long[] counters = new long[Counter.ALL.length];
        Window w = new Window("measure", 0, counters, 0, 0, start.accepted(), 0, start);
        long[] endCounters = counters.clone();
        endCounters[Counter.EVENTS.ordinal()] = 7_000_000;
        if (p99Nanos > 0) {
            for (int i = 0; i < 9; i++) {
                w.latency.recordValue(1_000_000);
            }
            w.latency.recordValue(p99Nanos);
        }
        w.endNanos = 10_000_000_000L;
        w.endCounters = endCounters;
        w.endPublisher = end;
        return w;
    }

    private static PublisherStatus publisher(long due, long sent, long accepted, long rejected, long s503, long s429,
                                             long lost) {
        return new PublisherStatus(-1, sent, accepted, rejected, lost, 0, sent, new long[6],
                FleetStatus.newHistogram(), false, due, s503, s429, 0);
    }

    private static FleetStatus fleet(long events, long duplicates, long serverCloses, long typed) {
        long[] c = new long[Counter.ALL.length];
        c[Counter.EVENTS.ordinal()] = events;
        c[Counter.DUPLICATES.ordinal()] = duplicates;
        c[Counter.SERVER_CLOSES.ordinal()] = serverCloses;
        c[Counter.TYPED_EVENTS.ordinal()] = typed;
        return new FleetStatus(c, FleetStatus.newHistogram(), 0, 1);
    }
}
