package herald.loadtest.client;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** What workers send (counters and an encoded HdrHistogram per status line) adds up to one process's view. */
class HistogramMergeTest {

    @Test
    void shouldMergeWorkerStatusLinesIntoTheSameDistributionAsOneHistogram() {
        Random random = new Random(42);
        Histogram all = FleetStatus.newHistogram();
        FleetStatus merged = FleetStatus.empty();
        for (int worker = 0; worker < 3; worker++) {
            Histogram h = FleetStatus.newHistogram();
            long[] counters = new long[Counter.ALL.length];
            for (int k = 0; k < 10_000; k++) {
                long v = (long) (Math.abs(random.nextGaussian()) * 2_000_000 * (worker + 1)) + 1000;
                h.recordValue(v);
                all.recordValue(v);
            }
            counters[Counter.EVENTS.ordinal()] = 10_000;
            counters[Counter.STREAMING.ordinal()] = 100 + worker;
            String line = new FleetStatus(counters, h, TimeUnit.SECONDS.toNanos(worker), 1).encode();
            merged = merged.plus(FleetStatus.decode(line));
        }
        assertEquals(30_000, merged.get(Counter.EVENTS));
        assertEquals(303, merged.get(Counter.STREAMING));
        assertEquals(3, merged.processes());
        assertEquals(TimeUnit.SECONDS.toNanos(3), merged.cpuNanos());
        assertEquals(all.getTotalCount(), merged.latency().getTotalCount());
        for (double p : new double[]{50, 90, 99, 99.9, 100}) {
            assertEquals(all.getValueAtPercentile(p), merged.latency().getValueAtPercentile(p), "p" + p);
        }
        assertEquals(all, merged.latency());
    }

    @Test
    void shouldRoundTripAnEmptyHistogramAndRejectGarbage() {
        FleetStatus empty = FleetStatus.decode(FleetStatus.empty().encode());
        assertEquals(0, empty.latency().getTotalCount());
        assertThrows(IllegalArgumentException.class, () -> FleetStatus.decode("1 2 3"));
        assertThrows(IllegalArgumentException.class, () -> FleetStatus.decodeHistogram("bm90IGEgaGlzdG9ncmFt"));
    }

    @Test
    void shouldCarryTheLastAcceptedSeqsToWorkers() {
        long[][] seqs = {{5, 6}, {7, 0}};
        long[][] back = WorkerFleet.decodeSeqs(WorkerFleet.encodeSeqs(seqs));
        assertArrayEquals(seqs[0], back[0]);
        assertArrayEquals(seqs[1], back[1]);
    }

    @Test
    void shouldSplitSourceAddressesBetweenWorkers() {
        var all = SourceAddresses.parse("127.0.0.2-127.0.0.7", 0);
        assertEquals(6, all.size());
        assertEquals(List.of("127.0.0.2", "127.0.0.4", "127.0.0.6"),
                SourceAddresses.share(all, 0, 2).stream().map(a -> a.getHostAddress()).toList());
        assertEquals(List.of("127.0.0.3"), SourceAddresses.share(all.subList(0, 2), 1, 3).stream()
                .map(a -> a.getHostAddress()).toList(), "fewer addresses than workers: shared");
        assertEquals(3, SourceAddresses.parse("auto", 30_000).size(), "one per 12,000 connections");
        assertEquals(0, SourceAddresses.parse("none", 30_000).size());
    }
}
