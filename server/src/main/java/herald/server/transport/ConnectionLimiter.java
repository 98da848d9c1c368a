package herald.server.transport;

import herald.server.exchange.Client;
import herald.server.exchange.Permit;
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

    /**
     * Takes a slot for {@code client}: a permit that gives it back when released (once, by whoever ends the
     * connection), or null when {@code max} connections are open.
     */
    public Permit tryAcquire(Client client) {
        return tryAcquire(client, null);
    }

    /**
     * Like {@link #tryAcquire(Client)}; the permit's release also runs {@code alsoOnRelease} (another limit's
     * count of the connection), when not null.
     */
    public Permit tryAcquire(Client client, Runnable alsoOnRelease) {
        while (true) {
            int n = open.get();
            if (n >= max) {
                return null;
            }
            if (open.compareAndSet(n, n + 1)) {
                return new Permit(client, alsoOnRelease == null ? this::release : () -> {
                    release();
                    alsoOnRelease.run();
                });
            }
        }
    }

    /** Gives a slot back: only through {@link Permit#release()}, once per permit. */
    private void release() {
        open.decrementAndGet();
    }

    public int open() {
        return open.get();
    }
}
