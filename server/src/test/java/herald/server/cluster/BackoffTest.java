package herald.server.cluster;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BackoffTest {

    @Test
    void shouldDoubleFromMinToMaxWithEqualJitter() {
        Backoff backoff = new Backoff(100, 1_000, new SplittableRandom(1));
        long[] steps = {100, 200, 400, 800, 1_000, 1_000, 1_000};
        for (long step : steps) {
            long delay = backoff.nextDelayNanos();
            assertTrue(delay >= step / 2 && delay <= step, "step=" + step + " delay=" + delay);
        }
    }

    @Test
    void shouldJitterSoThatNodesDoNotRetryInLockstep() {
        Backoff a = new Backoff(1_000_000, 1_000_000_000, new SplittableRandom(1));
        Backoff b = new Backoff(1_000_000, 1_000_000_000, new SplittableRandom(2));
        int same = 0;
        for (int i = 0; i < 20; i++) {
            if (a.nextDelayNanos() == b.nextDelayNanos()) {
                same++;
            }
        }
        assertTrue(same < 3, "same=" + same);
    }

    @Test
    void shouldStartOverAfterReset() {
        Backoff backoff = new Backoff(100, 10_000, new SplittableRandom(3));
        for (int i = 0; i < 10; i++) {
            backoff.nextDelayNanos();
        }
        backoff.reset();
        assertEquals(0, backoff.attempts());
        assertTrue(backoff.nextDelayNanos() <= 100);
    }

    @Test
    void shouldNeverOverflowAfterManyFailures() {
        Backoff backoff = new Backoff(1, Long.MAX_VALUE / 2, new SplittableRandom(4));
        long last = 0;
        for (int i = 0; i < 200; i++) {
            last = backoff.nextDelayNanos();
            assertTrue(last >= 0, "i=" + i + " delay=" + last);
        }
        assertTrue(last >= Long.MAX_VALUE / 4, "capped at max, never wrapped: " + last);
        assertThrows(IllegalArgumentException.class, () -> new Backoff(0, 1, new SplittableRandom()));
        assertThrows(IllegalArgumentException.class, () -> new Backoff(2, 1, new SplittableRandom()));
    }
}
