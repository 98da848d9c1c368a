package herald.server.transport;

import herald.server.metrics.Metrics;

import java.util.concurrent.atomic.AtomicInteger;

/** Counts open connections (subscribers included) against {@code maxConnections}. */
public final class ConnectionLimiter {
    private final int max;
    private final AtomicInteger open = new AtomicInteger();
    private final Metrics metrics;

    public ConnectionLimiter(int max, Metrics metrics) {
        if (max < 1) {
            throw new IllegalArgumentException("maxConnections must be positive: maxConnections=" + max);
        }
        this.max = max;
        this.metrics = metrics;
    }

    /** Takes a slot; false when {@code max} connections are open. */
    public boolean tryAcquire() {
        while (true) {
            int n = open.get();
            if (n >= max) {
                return false;
            }
            if (open.compareAndSet(n, n + 1)) {
                metrics.connectionsOpen.increment();
                return true;
            }
        }
    }

    /** Gives a slot back; once per successful {@link #tryAcquire()}. */
    public void release() {
        open.decrementAndGet();
        metrics.connectionsOpen.decrement();
    }

    public int open() {
        return open.get();
    }

    public int max() {
        return max;
    }
}
