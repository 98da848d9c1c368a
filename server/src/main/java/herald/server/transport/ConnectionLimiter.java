package herald.server.transport;

import herald.server.metrics.Metrics;

import java.util.concurrent.atomic.AtomicInteger;

/** Counts open connections (subscribers included) against {@code maxConnections}. */
public final class ConnectionLimiter {
    private final int max;
    private final AtomicInteger open = new AtomicInteger();

    public ConnectionLimiter(int max, Metrics metrics) {
        if (max < 1) {
            throw new IllegalArgumentException("maxConnections must be positive: maxConnections=" + max);
        }
        this.max = max;
        metrics.countConnectionsWith(open::get);
    }

    /** Takes a slot; false when {@code max} connections are open. */
    public boolean tryAcquire() {
        while (true) {
            int n = open.get();
            if (n >= max) {
                return false;
            }
            if (open.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }

    /** Gives a slot back; once per successful {@link #tryAcquire()}. */
    public void release() {
        open.decrementAndGet();
    }

    public int open() {
        return open.get();
    }
}
