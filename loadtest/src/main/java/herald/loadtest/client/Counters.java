package herald.loadtest.client;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * One thread's {@link Counter}s. <b>Single writer:</b> only the owning thread calls {@link #add}; any thread may
 * call {@link #get} or {@link #addTo} and sees each value at most a moment old (opaque access: statistics, no
 * ordering between counters). On x86 an increment costs a plain load and store.
 */
final class Counters {
    private final AtomicLongArray values = new AtomicLongArray(Counter.ALL.length);

    /** Owning thread only. */
    void add(Counter counter, long delta) {
        int i = counter.ordinal();
        values.setOpaque(i, values.getPlain(i) + delta);
    }

    /** Owning thread only. */
    void increment(Counter counter) {
        add(counter, 1);
    }

    /** Any thread. */
    long get(Counter counter) {
        return values.getOpaque(counter.ordinal());
    }

    /** Any thread: adds this thread's values into {@code into} (indexed by ordinal). */
    void addTo(long[] into) {
        for (int i = 0; i < into.length; i++) {
            into[i] += values.getOpaque(i);
        }
    }
}
