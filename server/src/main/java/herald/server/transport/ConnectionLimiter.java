package herald.server.transport;

import herald.server.exchange.Client;
import herald.server.exchange.Permit;
import herald.server.metrics.Metrics;

import java.net.InetAddress;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/** Counts open connections (subscribers included) against {@code maxConnections}. */
public final class ConnectionLimiter {
    private final int max;
    private final AtomicInteger open = new AtomicInteger();
    private final Runnable release = this::release;    // one for all permits: an idle stream keeps its permit

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
     * Like {@link #tryAcquire(Client)}; the permit's release then also gives {@code alsoOnRelease} the client's
     * address (another limit's count of the connection), when not null.
     */
    public Permit tryAcquire(Client client, Consumer<InetAddress> alsoOnRelease) {
        while (true) {
            int n = open.get();
            if (n >= max) {
                return null;
            }
            if (open.compareAndSet(n, n + 1)) {
                return new Permit(client, release, alsoOnRelease);
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
