package herald.server.transport;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * A token bucket per key ({@code --connect-rate-per-ip} per address, {@code --publish-rate} per principal or
 * address): {@code ratePerSecond} tokens a second, and a bucket holds at most {@code ratePerSecond} (a burst of
 * the same size). Lock-free: the bucket is the generic cell rate algorithm, one {@code long} per key, the time
 * at which the bucket will be full again ({@code full}); a take moves it one interval ({@code 1 s / rate})
 * later by CAS, and is refused when that would put it more than a second after now.
 *
 * <p><b>Bounded memory.</b> A bucket whose {@code full} time has passed is exactly a new bucket, so it can be
 * dropped at any moment without changing an answer. Whoever takes a token after at least {@link #SWEEP_NANOS}
 * since the last sweep (one thread wins a CAS) removes every such bucket: the map holds only keys that took a
 * token within the last second or so, at most {@code rate × keys active in that second}.
 *
 * <p><b>Guarantees.</b> Over any window of length t, a key is granted at most {@code rate × t + rate} tokens
 * (one lost grant is possible when a sweep removes a bucket in the instant a take on it CASes; it errs toward
 * granting). Any thread may call {@link #tryTake}.
 */
public final class RateLimiter<K> {
    static final long SWEEP_NANOS = 1_000_000_000L;
    private static final long SECOND = 1_000_000_000L;
    /** A new bucket's {@code full} time: full already, a whole burst available. */
    private static final long EMPTY = Long.MIN_VALUE;

    private final long intervalNanos;
    private final ConcurrentHashMap<K, AtomicLong> buckets = new ConcurrentHashMap<>();
    private final AtomicLong lastSweep;
    private final Function<K, AtomicLong> newBucket;

    /** {@code nowNanos}: the clock's reading at construction ({@link System#nanoTime()} in production). */
    public RateLimiter(int ratePerSecond, long nowNanos) {
        if (ratePerSecond < 1) {
            throw new IllegalArgumentException("ratePerSecond must be positive: ratePerSecond=" + ratePerSecond);
        }
        this.intervalNanos = SECOND / ratePerSecond;
        this.lastSweep = new AtomicLong(nowNanos);
        this.newBucket = key -> new AtomicLong(EMPTY);
    }

    /**
     * Takes a token from {@code key}'s bucket at time {@code nowNanos}: true when there was one. A refused
     * caller may try again after at most {@code 1 s / rate}, never more than a second ({@code Retry-After: 1}).
     */
    public boolean tryTake(K key, long nowNanos) {
        sweepIfDue(nowNanos);
        AtomicLong full = buckets.computeIfAbsent(key, newBucket);
        while (true) {
            long current = full.get();
            long base = current == EMPTY || current - nowNanos < 0 ? nowNanos : current;   // full: from now
            long next = base + intervalNanos;
            if (next - nowNanos > SECOND) {
                return false;
            }
            if (full.compareAndSet(current, next)) {
                return true;
            }
        }
    }

    private void sweepIfDue(long nowNanos) {
        long last = lastSweep.get();
        if (nowNanos - last < SWEEP_NANOS || !lastSweep.compareAndSet(last, nowNanos)) {
            return;
        }
        buckets.values().removeIf(full -> isFull(full.get(), nowNanos));
    }

    private static boolean isFull(long full, long nowNanos) {
        return full == EMPTY || full - nowNanos <= 0;
    }

    /** Keys with a bucket now. */
    public int keys() {
        return buckets.size();
    }
}
