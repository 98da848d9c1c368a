package herald.server.health;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A bound on bytes held by many owners at once (request bodies being read; the history retained by all topic
 * logs), so that many clients or topics together cannot exhaust the heap or direct memory: over the budget a
 * request gets {@code 503}, never an out-of-memory error.
 *
 * <p>Thread-safe and lock-free. Every successful {@link #tryReserve} and every {@link #forceReserve} is
 * matched by a {@link #release} of the same amount. A budget may have a {@link Reclaimer}: when a reservation
 * does not fit, the caller asks it to free memory ({@link #reclaim}) and tries once more.
 */
public final class MemoryBudget {
    private final String name;
    private final long limit;
    private final AtomicLong used = new AtomicLong();

    /** A budget that never refuses (for a log used on its own: tests, benchmarks). */
    public static MemoryBudget unbounded() {
        return new MemoryBudget("unbounded", Long.MAX_VALUE);
    }

    /** @param name the option that sets the limit, for messages ({@code maxInflightBodyBytes}) */
    public MemoryBudget(String name, long limit) {
        if (limit < 1) {
            throw new IllegalArgumentException(name + " must be positive: " + name + "=" + limit);
        }
        this.name = name;
        this.limit = limit;
    }

    /** Takes {@code bytes} of the budget; false (and nothing taken) when that would pass the limit. */
    public boolean tryReserve(long bytes) {
        while (true) {
            long now = used.get();
            if (bytes > limit - now) {
                return false;
            }
            if (used.compareAndSet(now, now + bytes)) {
                return true;
            }
        }
    }

    /**
     * Takes {@code bytes} even past the limit: for small amounts that cannot be refused at the point they are
     * needed (the next {@link #tryReserve} then fails sooner).
     */
    public void forceReserve(long bytes) {
        used.addAndGet(bytes);
    }

    /** Frees memory held elsewhere, for a reservation of {@code bytes} that did not fit. */
    @FunctionalInterface
    public interface Reclaimer {
        /** Returns whether anything was freed. Called with no lock held. */
        boolean reclaim(long bytes);
    }

    private volatile Reclaimer reclaimer;

    /** Who frees memory when a reservation does not fit; set once, before use. */
    public void reclaimWith(Reclaimer reclaimer) {
        this.reclaimer = reclaimer;
    }

    /** Asks the reclaimer (if any) to free about {@code bytes}; returns whether anything was freed. */
    public boolean reclaim(long bytes) {
        Reclaimer r = reclaimer;
        return r != null && r.reclaim(bytes);
    }

    public void release(long bytes) {
        used.addAndGet(-bytes);
    }

    public long used() {
        return used.get();
    }

    public long limit() {
        return limit;
    }

    public String name() {
        return name;
    }
}
