package herald.server.metrics;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Lets wait-free writers record into a structure that a reader swaps out from under them, after which the reader
 * waits until every writer that could still see the old one has left (HdrHistogram's
 * {@code WriterReaderPhaser}, Gil Tene's design, in the same shape).
 *
 * <p>Writers: {@code long e = writerCriticalSectionEnter(); … write to the active structure …;
 * writerCriticalSectionExit(e);} — two atomic increments, never a wait. Reader: {@link #readerLock()}, swap the
 * active structure, {@link #flipPhase()}, read the one swapped out (no writer touches it any more),
 * {@link #readerUnlock()}.
 */
final class WriterReaderPhaser {
    private final AtomicLong startEpoch = new AtomicLong();
    private final AtomicLong evenEndEpoch = new AtomicLong();
    private final AtomicLong oddEndEpoch = new AtomicLong(Long.MIN_VALUE);
    private final ReentrantLock readerLock = new ReentrantLock();

    long writerCriticalSectionEnter() {
        return startEpoch.getAndIncrement();
    }

    void writerCriticalSectionExit(long criticalValueAtEnter) {
        (criticalValueAtEnter < 0 ? oddEndEpoch : evenEndEpoch).getAndIncrement();
    }

    void readerLock() {
        readerLock.lock();
    }

    void readerUnlock() {
        readerLock.unlock();
    }

    /**
     * Moves writers to the other phase and waits until every writer that entered in the previous phase has left.
     * Only while holding the reader lock.
     */
    void flipPhase() {
        if (!readerLock.isHeldByCurrentThread()) {
            throw new IllegalStateException("flipPhase() needs the reader lock");
        }
        boolean nextPhaseIsEven = startEpoch.get() < 0;
        long initialStartValue = nextPhaseIsEven ? 0 : Long.MIN_VALUE;
        (nextPhaseIsEven ? evenEndEpoch : oddEndEpoch).set(initialStartValue);
        long startValueAtFlip = startEpoch.getAndSet(initialStartValue);
        AtomicLong previousEnd = nextPhaseIsEven ? oddEndEpoch : evenEndEpoch;
        while (previousEnd.get() != startValueAtFlip) {
            Thread.yield();                         // writers leave within a few instructions
        }
    }
}
