package herald.loadtest.client;

import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * The SSE load generator in this process: {@code threads} {@link SubscriberLoop}s, connections spread over them
 * round-robin. One process holds at most what its open-file limit allows (~19,900 here); {@link WorkerFleet}
 * spreads beyond that.
 *
 * <pre>{@code
 * try (Generator g = new Generator(config)) {
 *     g.open(1_000, false);
 *     FleetStatus s = g.status();      // every second: counters, latency since the last call
 * }
 * }</pre>
 */
public final class Generator implements SubscriberFleet {
    private static final long CALL_TIMEOUT_SECONDS = 30;

    private final GeneratorConfig config;
    private final SubscriberLoop[] loops;
    private final Histogram[] recycled;
    private volatile int opened;

    public Generator(GeneratorConfig config) {
        this.config = config;
        this.loops = new SubscriberLoop[config.threads()];
        this.recycled = new Histogram[loops.length];
        try {
            for (int i = 0; i < loops.length; i++) {
                loops[i] = new SubscriberLoop(config, i, config.connectsPerSecond() / loops.length);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (SubscriberLoop loop : loops) {
            loop.start();
        }
    }

    @Override
    public void open(int count, boolean stalled) {
        int first = opened;
        for (int t = 0; t < loops.length; t++) {
            int share = count / loops.length + (t < count % loops.length ? 1 : 0);
            if (share == 0) {
                continue;
            }
            int loopFirst = first + t;
            // indexes stay global (loop t holds first+t, first+t+threads, ...): URLs and addresses alternate evenly
            await(loops[t].call(l -> {
                l.open(share, loopFirst, loops.length, stalled);
                return null;
            }));
        }
        opened += count;
    }

    @Override
    public synchronized FleetStatus status() {
        long[] counters = new long[Counter.ALL.length];
        Histogram latency = FleetStatus.newHistogram();
        for (int i = 0; i < loops.length; i++) {
            loops[i].counters.addTo(counters);
            recycled[i] = loops[i].intervalLatency(recycled[i]);
            latency.add(recycled[i]);
        }
        return new FleetStatus(counters, latency, 0, 1);     // CPU: the caller's process, counted by the caller
    }

    @Override
    public long dropAll(double connectsPerSecond) {
        return sum(l -> (long) l.dropAll(connectsPerSecond / loops.length));
    }

    @Override
    public long moveToResumeUrls() {
        return sum(l -> (long) l.moveToResumeUrls());
    }

    @Override
    public long caughtUp(long seq) {
        return sum(l -> l.caughtUp(seq));
    }

    @Override
    public long[] missingAtEnd(long[][] lastSeqPerUrlPerLane) {
        long[] out = new long[3];
        for (SubscriberLoop loop : loops) {
            long[] part = await(loop.call(l -> l.missingAtEnd(lastSeqPerUrlPerLane)));
            for (int i = 0; i < out.length; i++) {
                out[i] += part[i];
            }
        }
        return out;
    }

    @Override
    public long deliveredPerSubscriber() {
        long events = 0;
        for (SubscriberLoop loop : loops) {
            events += loop.counters.get(Counter.EVENTS);
        }
        return events / Math.max(1, opened);
    }

    @Override
    public long opened() {
        return opened;
    }

    @Override
    public void close() {
        for (SubscriberLoop loop : loops) {
            loop.stop();
        }
        for (SubscriberLoop loop : loops) {
            try {
                loop.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private long sum(Function<SubscriberLoop, Long> task) {
        List<CompletableFuture<Long>> futures = new ArrayList<>(loops.length);
        for (SubscriberLoop loop : loops) {
            futures.add(loop.call(task));
        }
        long total = 0;
        for (CompletableFuture<Long> f : futures) {
            total += await(f);
        }
        return total;
    }

    private static <T> T await(CompletableFuture<T> future) {
        try {
            return future.get(CALL_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted");
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("a subscriber loop did not answer within " + CALL_TIMEOUT_SECONDS + " s");
        }
    }
}
