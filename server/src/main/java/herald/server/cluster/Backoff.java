package herald.server.cluster;

import java.util.random.RandomGenerator;

/**
 * Delays between reconnection attempts: exponential from {@code minNanos}, capped at {@code maxNanos}, with
 * "equal jitter" (half the step fixed, half random), so that many nodes that lost the same Redis do not come back
 * in lockstep, and none retries in a tight loop. Not thread-safe: one per reconnecting loop.
 */
final class Backoff {
    private final long minNanos;
    private final long maxNanos;
    private final RandomGenerator random;
    private int attempts;

    Backoff(long minNanos, long maxNanos, RandomGenerator random) {
        if (minNanos <= 0 || maxNanos < minNanos) {
            throw new IllegalArgumentException("minNanos=" + minNanos + " maxNanos=" + maxNanos);
        }
        this.minNanos = minNanos;
        this.maxNanos = maxNanos;
        this.random = random;
    }

    /** The delay before the next attempt: in [step/2, step], step = min(max, min * 2^failures so far). */
    long nextDelayNanos() {
        long step = minNanos;
        for (int i = 0; i < attempts && step < maxNanos; i++) {
            step = step > maxNanos / 2 ? maxNanos : step * 2;
        }
        if (step < maxNanos) {
            attempts++;
        }
        long half = step / 2;
        return half + random.nextLong(step - half + 1);
    }

    /** After a success: the next failure starts from {@code minNanos} again. */
    void reset() {
        attempts = 0;
    }

    int attempts() {
        return attempts;
    }
}
