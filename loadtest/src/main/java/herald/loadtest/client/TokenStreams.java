package herald.loadtest.client;

import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * N concurrent per-request streams (the LLM shape): N slots over {@code threads} {@link TokenStreamLoop}s, each
 * running one stream at a time and starting the next as soon as the previous one ends, so that N streams are in
 * progress at any moment. The slots' first streams start spread evenly over {@code spreadNanos} (one stream's
 * length), so that starts and ends do not come in waves. Controller thread only, except where said.
 */
public final class TokenStreams implements AutoCloseable {

    /** A snapshot: the counters, and the latencies recorded since the previous one (ns). */
    public record Status(long[] counters, Histogram timeToFirstToken, Histogram gaps) {
        public long get(StreamCounter c) {
            return counters[c.ordinal()];
        }
    }

    private final List<TokenStreamLoop> loops = new ArrayList<>();

    /** Starts {@code concurrent} slots at once, their first streams spread over {@code spreadNanos}. */
    public TokenStreams(TokenStreamConfig config, int concurrent, long spreadNanos) {
        long now = System.nanoTime();
        int threads = Math.min(config.threads(), Math.max(1, concurrent));
        List<List<long[]>> shares = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            shares.add(new ArrayList<>());
        }
        for (int i = 0; i < concurrent; i++) {
            long start = now + (concurrent <= 1 ? 0 : spreadNanos * i / concurrent);
            shares.get(i % threads).add(new long[]{start, i});
        }
        try {
            for (int t = 0; t < threads; t++) {
                loops.add(new TokenStreamLoop(config, t, shares.get(t).toArray(long[][]::new)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        loops.forEach(TokenStreamLoop::start);
    }

    public Status status() {
        long[] c = new long[StreamCounter.ALL.length];
        Histogram ttfb = FleetStatus.newHistogram();
        Histogram gaps = FleetStatus.newHistogram();
        for (TokenStreamLoop loop : loops) {
            for (StreamCounter k : StreamCounter.ALL) {
                c[k.ordinal()] += loop.get(k);
            }
            ttfb.add(loop.intervalTtfb());
            gaps.add(loop.intervalGaps());
        }
        return new Status(c, ttfb, gaps);
    }

    /** Start no new stream; the ones in progress run to their end. */
    public void quiesce() {
        loops.forEach(TokenStreamLoop::quiesce);
    }

    @Override
    public void close() {
        loops.forEach(TokenStreamLoop::stop);
        for (TokenStreamLoop loop : loops) {
            try {
                loop.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
