package herald.server.log;

import herald.protocol.sse.SseEncoder;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One topic's event log: a bounded, lock-free, multi-producer ring of SSE events, each encoded once into
 * direct memory and read by any number of subscribers.
 *
 * <p><b>Assumptions.</b> Any number of threads append concurrently; any number of readers read concurrently,
 * each with its own {@link Run}. Sequences are {@code long}s that never wrap.
 *
 * <p><b>Guarantees.</b>
 * <ul>
 *   <li>Every appended event gets the next sequence number; sequences are dense and strictly increasing.</li>
 *   <li>A reader sees an event only after its bytes are complete (release/acquire on its slot), and events in
 *       sequence order; consecutive events in one segment come as one contiguous {@link Run}.</li>
 *   <li>Bytes a reader was handed are never overwritten: segments are never reused (see {@link Segment}).</li>
 *   <li>Appending never waits for readers. A reader that falls behind the retained window learns it from
 *       {@link #read} ({@link #OVERTAKEN}); it never sees a wrong event.</li>
 *   <li>The newest {@link Retention#slots()} events are kept, within {@link Retention#bytes()} of segments.</li>
 * </ul>
 *
 * <pre>{@code
 * EventLog log = new EventLog(Retention.DEFAULTS, "mhx3k2a1-".getBytes(US_ASCII), 1);
 * long seq = log.append(null, data, 0, data.length, -1);   // any thread
 *
 * Run run = new Run();                                      // per reader
 * if (log.read(cursor, run, 256 << 10, Integer.MAX_VALUE) == EventLog.RUN) {
 *     channel.write(run.positionView(view));                // view made once per segment by run.newView()
 *     cursor = run.lastSeq();
 * }
 * }</pre>
 *
 * <p>Implementation notes. A producer claims its sequence and byte range together with one CAS on the
 * current segment's claim word ({@link SegmentDescriptor}), so byte order is sequence order. It then encodes
 * the event into the claimed range and publishes the slot {@code seq & mask} as a seqlock: the slot word is
 * set to {@code -seq} (writing), then the extent fields, then {@code seq} with release. A producer may only
 * reuse a slot once the event {@code slots} earlier has been published there, which keeps a stalled producer
 * from being lapped; this is the one wait on the append path and it needs a producer stalled for a whole lap.
 * Sealing a full segment and installing its successor (once per segment) takes {@link #rotation}, a lock off
 * the fast path.
 */
public final class EventLog {
    /** {@link #read} found a run of events. */
    public static final int RUN = 1;
    /** {@link #read}: the next event has not been published yet. */
    public static final int NONE = 0;
    /** {@link #read}: the next event has left the retained window; the reader missed events. */
    public static final int OVERTAKEN = -1;

    private static final VarHandle SLOT_SEQ = MethodHandles.arrayElementVarHandle(long[].class);
    private static final VarHandle SEGMENT = MethodHandles.arrayElementVarHandle(Segment[].class);
    private static final int SPINS_BEFORE_YIELD = 64;

    private final byte[] idPrefix;
    private final long baseSeq;
    private final long maxBytes;
    private final int segmentBytes;

    private final int slots;
    private final int slotMask;
    private final long[] slotSeq;      // seqlock word: seq held, or -seq while being written, 0 never written
    private final int[] slotSegment;   // low 32 bits of the holding segment's number
    private final int[] slotOffset;
    private final int[] slotLength;

    private final Segment[] segments;  // ring of retained segments by number; null once evicted
    private final int segmentMask;

    private volatile Segment current;  // written under rotation
    private volatile long oldestSegment;  // number of the oldest retained segment; written under rotation
    private long retainedBytes;        // guarded by rotation
    private final ReentrantLock rotation = new ReentrantLock();

    /**
     * @param retention how much to keep
     * @param idPrefix  bytes written before the sequence number in each event's {@code id:} line (the epoch
     *                  and a separator); not copied, must not change
     * @param baseSeq   sequence of the first event, at least 1
     */
    public EventLog(Retention retention, byte[] idPrefix, long baseSeq) {
        if (baseSeq < 1) {
            throw new IllegalArgumentException("baseSeq must be at least 1: baseSeq=" + baseSeq);
        }
        this.idPrefix = idPrefix;
        this.baseSeq = baseSeq;
        this.maxBytes = retention.bytes();
        this.segmentBytes = retention.segmentBytes();
        this.slots = retention.slots();
        this.slotMask = slots - 1;
        this.slotSeq = new long[slots];
        this.slotSegment = new int[slots];
        this.slotOffset = new int[slots];
        this.slotLength = new int[slots];
        long ring = Math.max(16, retention.bytes() / retention.segmentBytes() + 32);
        int ringSize = (int) Math.min(1 << 20, Long.highestOneBit(ring - 1) << 1);
        this.segments = new Segment[ringSize];
        this.segmentMask = ringSize - 1;
        Segment first = new Segment(0, baseSeq, Math.min(Retention.MIN_SEGMENT_BYTES, segmentBytes));
        install(first);
        this.current = first;
    }

    /**
     * Encodes one event and appends it. Returns its sequence number. Never blocks on readers.
     *
     * @param eventType   the {@code event:} field, or null; must hold no CR, LF or NUL (checked by the caller)
     * @param data        UTF-8 data, split into {@code data:} lines at CR, LF and CRLF
     * @param retryMillis a {@code retry:} field, or -1 for none
     */
    public long append(byte[] eventType, byte[] data, int offset, int length, long retryMillis) {
        int withoutId = SseEncoder.encodedLength(eventType, data, offset, length, null, -1, retryMillis);
        Segment segment = current;
        long seq;
        int at;
        int recordLength;
        while (true) {
            long claim = segment.claimAcquire();
            if (SegmentDescriptor.isSealed(claim)) {
                segment = successor(segment, 0);
                continue;
            }
            seq = segment.firstSeq + SegmentDescriptor.count(claim);
            recordLength = withoutId + SseEncoder.idLineLength(idPrefix, seq);
            at = SegmentDescriptor.offset(claim);
            if (recordLength > segment.capacity - at) {
                if (segment.casClaim(claim, claim | SegmentDescriptor.SEALED)) {
                    segment = successor(segment, recordLength);
                }
                continue;
            }
            if (segment.casClaim(claim, SegmentDescriptor.next(claim, recordLength))) {
                break;
            }
        }
        SseEncoder.encode(segment.memory, at, eventType, data, offset, length, idPrefix, seq, retryMillis);
        publishSlot(seq, segment, at, recordLength);
        return seq;
    }

    private void publishSlot(long seq, Segment segment, int at, int recordLength) {
        int i = (int) seq & slotMask;
        long lapped = seq - slots;
        if (lapped >= baseSeq && (long) SLOT_SEQ.getAcquire(slotSeq, i) != lapped) {
            awaitPublished(i, lapped);
        }
        SLOT_SEQ.setOpaque(slotSeq, i, -seq);
        VarHandle.storeStoreFence();       // the writing mark is visible before any extent field changes
        slotSegment[i] = (int) segment.number;
        slotOffset[i] = at;
        slotLength[i] = recordLength;
        SLOT_SEQ.setRelease(slotSeq, i, seq);
    }

    private void awaitPublished(int slot, long seq) {
        for (int spins = 0; (long) SLOT_SEQ.getAcquire(slotSeq, slot) != seq; spins++) {
            if (spins < SPINS_BEFORE_YIELD) {
                Thread.onSpinWait();
            } else {
                Thread.yield();
            }
        }
    }

    /** The segment after {@code sealed}, installing it if this thread is the first to need it. */
    private Segment successor(Segment sealed, int minCapacity) {
        Segment newest = current;
        if (newest != sealed) {
            return newest;
        }
        rotation.lock();
        try {
            newest = current;
            if (newest != sealed) {
                return newest;
            }
            long count = SegmentDescriptor.count(sealed.claimAcquire());
            int capacity = Math.max(minCapacity, (int) Math.min(segmentBytes, 2L * sealed.capacity));
            Segment next = new Segment(sealed.number + 1, sealed.firstSeq + count, capacity);
            install(next);
            current = next;
            return next;
        } finally {
            rotation.unlock();
        }
    }

    private void install(Segment next) {          // under rotation, or in the constructor
        while (oldestSegment <= next.number - segments.length) {
            evictOldest();
        }
        retainedBytes += next.capacity;
        SEGMENT.setRelease(segments, (int) next.number & segmentMask, next);
        while (retainedBytes > maxBytes && oldestSegment < next.number) {
            evictOldest();
        }
    }

    private void evictOldest() {                   // under rotation
        long number = oldestSegment;
        int i = (int) number & segmentMask;
        Segment oldest = segments[i];
        if (oldest != null && oldest.number == number) {
            retainedBytes -= oldest.capacity;
            SEGMENT.setRelease(segments, i, null);
        }
        oldestSegment = number + 1;
    }

    /**
     * Finds the events after {@code afterSeq} that can be written now as one contiguous run, and fills
     * {@code run} with them: at least one event, then more while they lie in the same segment, number at most
     * {@code maxEvents} and keep the run within {@code maxBytes}.
     *
     * @return {@link #RUN}, {@link #NONE} (nothing after {@code afterSeq} yet) or {@link #OVERTAKEN} (the event
     *         after {@code afterSeq} is no longer retained)
     */
    public int read(long afterSeq, Run run, int maxBytes, int maxEvents) {
        long seq = afterSeq + 1;
        if (seq < baseSeq) {
            return OVERTAKEN;
        }
        int i = (int) seq & slotMask;
        long held = (long) SLOT_SEQ.getAcquire(slotSeq, i);
        if (held != seq) {
            return held > seq || -held > seq ? OVERTAKEN : NONE;
        }
        int segmentNumber = slotSegment[i];
        int from = slotOffset[i];
        int to = from + slotLength[i];
        VarHandle.loadLoadFence();              // the extent reads complete before the slot word is checked again
        if ((long) SLOT_SEQ.getOpaque(slotSeq, i) != seq) {
            return OVERTAKEN;                   // lapped while we read
        }
        Segment segment = (Segment) SEGMENT.getAcquire(segments, segmentNumber & segmentMask);
        if (segment == null || (int) segment.number != segmentNumber) {
            return OVERTAKEN;                   // its segment was evicted by bytes
        }
        long last = seq;
        boolean more = true;                    // whether an event after the run may be readable right away
        while (last - seq + 1 < maxEvents) {
            long next = last + 1;
            int j = (int) next & slotMask;
            long nextHeld = (long) SLOT_SEQ.getAcquire(slotSeq, j);
            if (nextHeld != next) {
                more = nextHeld > next || -nextHeld > next;   // lapped: the next read says so
                break;
            }
            int nextSegment = slotSegment[j];
            int nextTo = to + slotLength[j];
            VarHandle.loadLoadFence();
            if ((long) SLOT_SEQ.getOpaque(slotSeq, j) != next || nextSegment != segmentNumber
                    || nextTo - from > maxBytes) {
                break;
            }
            to = nextTo;                        // records of one segment lie back to back
            last = next;
        }
        run.set(segment, from, to, seq, last, more);
        return RUN;
    }

    /**
     * Whether the event after {@code afterSeq} has left the retained window, so that a reader at
     * {@code afterSeq} can no longer continue without a gap. False while that event is not yet published.
     */
    public boolean isOvertaken(long afterSeq) {
        long seq = afterSeq + 1;
        if (seq < baseSeq) {
            return true;
        }
        int i = (int) seq & slotMask;
        long held = (long) SLOT_SEQ.getAcquire(slotSeq, i);
        if (held != seq) {
            return held > seq || -held > seq;
        }
        int segmentNumber = slotSegment[i];
        Segment segment = (Segment) SEGMENT.getAcquire(segments, segmentNumber & segmentMask);
        return segment == null || (int) segment.number != segmentNumber;
    }

    /** Sequence of the newest event claimed so far, or the log's base sequence minus one when there is none. */
    public long headSeq() {
        return current.nextSeqAcquire() - 1;
    }

    /**
     * Sequence of the oldest event still retained, or {@code headSeq() + 1} when none is. Approximate under
     * concurrent appends (it may be a little behind); {@link #read} is exact.
     */
    public long tailSeq() {
        long head = headSeq();
        long tail = Math.max(baseSeq, head + 1 - slots);
        long oldest = oldestSegment;
        Segment segment = (Segment) SEGMENT.getAcquire(segments, (int) oldest & segmentMask);
        if (segment != null && segment.number == oldest) {
            tail = Math.max(tail, segment.firstSeq);
        }
        return Math.min(tail, head + 1);
    }

    /** Length of the {@code id:} line at the end of the event with sequence {@code seq}, before its blank line. */
    public int idLineLength(long seq) {
        return SseEncoder.idLineLength(idPrefix, seq);
    }

    /** Bytes of segment memory the log holds now (evicted segments still in use by readers not counted). */
    public long retainedBytes() {
        rotation.lock();
        try {
            return retainedBytes;
        } finally {
            rotation.unlock();
        }
    }
}
