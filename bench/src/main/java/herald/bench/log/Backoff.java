package herald.bench.log;

/**
 * What every producer does while its ring is full and every consumer while its ring is empty, in all the log
 * benchmarks alike: spin briefly, then yield. Yielding matters here: there are more benchmark threads than cores
 * (2 cores; up to 4 producers and a consumer), and a thread that only spins keeps the one it waits for off a core.
 */
final class Backoff {
    static final int SPINS = 64;

    private Backoff() {
    }

    /** Waits a little; {@code round} counts the failed attempts so far, from 0. */
    static void idle(int round) {
        if (round < SPINS) {
            Thread.onSpinWait();
        } else {
            Thread.yield();
        }
    }
}
