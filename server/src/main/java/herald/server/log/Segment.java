package herald.server.log;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;

/**
 * A block of direct memory holding encoded events back to back, in sequence order.
 *
 * <p>Segments are append-only and never reused: once the log lets go of one (eviction by bytes or by
 * the segment ring wrapping), the garbage collector frees it when the last subscriber still writing from it
 * has moved on. That is what lets a slow reader hand a region to the kernel without any risk of a producer
 * overwriting it mid-write.
 *
 * <p>Producers claim space with a CAS on {@link #claim}, whose layout is in {@link SegmentDescriptor}: the
 * record count and the byte offset move together, so the byte order of records equals their sequence order
 * and a run of consecutive events is one contiguous region.
 */
final class Segment {
    private static final VarHandle CLAIM;

    static {
        try {
            CLAIM = MethodHandles.lookup().findVarHandle(Segment.class, "claim", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final ByteBuffer memory;      // direct; producers write with absolute puts into claimed regions only
    final long number;            // position in the log's chain of segments, from 0
    final long firstSeq;          // sequence of the first record this segment holds
    final int capacity;

    @SuppressWarnings("unused")   // accessed through CLAIM
    private long claim;           // [sealed:1][count:32][offset:31], CAS by producers

    Segment(long number, long firstSeq, int capacity) {
        this.memory = ByteBuffer.allocateDirect(capacity);
        this.number = number;
        this.firstSeq = firstSeq;
        this.capacity = capacity;
    }

    private Segment(long firstSeq) {
        this.memory = ByteBuffer.allocate(0);
        this.number = -1;
        this.firstSeq = firstSeq;
        this.capacity = 0;
        this.claim = SegmentDescriptor.SEALED;
    }

    /** A sealed segment of no bytes before segment 0: a new log allocates no memory until its first append. */
    static Segment sealedEmpty(long firstSeq) {
        return new Segment(firstSeq);
    }

    long claimAcquire() {
        return (long) CLAIM.getAcquire(this);
    }

    boolean casClaim(long expected, long value) {
        return CLAIM.compareAndSet(this, expected, value);
    }

    /** Sequence one past the last record claimed here so far. */
    long nextSeqAcquire() {
        return firstSeq + SegmentDescriptor.count(claimAcquire());
    }
}
