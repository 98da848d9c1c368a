package herald.server.log;

// Longer than ~300 lines on purpose: one lock-free structure with its memory-order argument in one place; more than
// half of it is that javadoc.

import herald.protocol.sse.SseEncoder;
import herald.server.Retention;
import herald.server.health.MemoryBudget;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One topic's event log: a bounded, lock-free, multi-producer ring of SSE events, each encoded once into
 * direct memory and read by any number of subscribers.
 *
 * <p><b>Assumptions.</b> Any number of threads append concurrently; any number of readers read concurrently,
 * each with its own {@link Run}. Sequences are {@code long}s that never wrap. Every claimed sequence is
 * published: nothing between the claim and the publish can fail (the index page a sequence needs is installed
 * before its sequence is claimed, and an out-of-memory error there makes {@link #append} return {@link #FULL}
 * without claiming; encoding into the claimed range and publishing allocate nothing). Only a thread that dies
 * between the claim and the publish would leave a hole: readers would stop at that slot ({@link #NONE}
 * forever) and producers a lap later would wait for it, so the topic would stall for good. That cannot happen
 * short of a thread dying in the middle of {@link #append}, and Herald's threads do not: nothing there throws,
 * blocks or can be interrupted, and Herald never stops a thread.
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
 *
 * <p>Memory grows with what the log holds. The slot index is allocated in pages of {@link #PAGE_SLOTS} slots as
 * sequences first reach them (a topic with a few events holds one page, not {@code slots} of them), and the
 * first segment is allocated at the first append. Every segment and page is taken from a {@link MemoryBudget}
 * shared by all logs: a segment that does not fit (or that direct memory cannot hold) makes the append return
 * {@link #FULL} without taking a sequence. {@link #close()} ends the log and gives its memory back.
 */
public final class EventLog {
    /** {@link #read} found a run of events. */
    public static final int RUN = 1;
    /** {@link #read}: the next event has not been published yet. */
    public static final int NONE = 0;
    /** {@link #read}: the next event has left the retained window; the reader missed events. */
    public static final int OVERTAKEN = -1;
    /** {@link #append}: the log was closed; nothing was appended. */
    public static final long CLOSED = -1;
    /** {@link #append}: the memory budget (or direct memory) has no room for the next segment; nothing appended. */
    public static final long FULL = -2;
    /** Slots per page of the slot index. */
    static final int PAGE_SLOTS = 64;

    private static final VarHandle SLOT_SEQ = MethodHandles.arrayElementVarHandle(long[].class);
    private static final VarHandle SEGMENT = MethodHandles.arrayElementVarHandle(Segment[].class);
    private static final VarHandle PAGE = MethodHandles.arrayElementVarHandle(SlotPage[].class);
    private static final int SPINS_BEFORE_YIELD = 64;

    private final byte[] idPrefix;
    private final long baseSeq;
    private final long maxBytes;
    private final int segmentBytes;

    private final int slots;
    private final int slotMask;
    private final SlotPage[] pages;    // the slot index by page, each installed (release) when first needed
    private final int pageShift;
    private final int pageMask;
    private final MemoryBudget budget;

    private final Segment[] segments;  // ring of retained segments by number; null once evicted
    private final int segmentMask;

    private volatile Segment current;  // written under rotation
    private volatile long oldestSegment;  // number of the oldest retained segment; written under rotation
    private volatile long retainedBytes;  // written under rotation; read without it by tailAfterNextSegment
    private long pageBytes;            // guarded by rotation
    private volatile boolean closed;   // written under rotation
    private final ReentrantLock rotation = new ReentrantLock();

    /**
     * Slots {@code [k * PAGE_SLOTS, (k + 1) * PAGE_SLOTS)} of the index. A slot's word is the seqlock: the
     * sequence it holds, {@code -seq} while being written, 0 never written.
     */
    private static final class SlotPage {
        final long[] seq;
        final int[] segment;           // low 32 bits of the holding segment's number
        final int[] offset;
        final int[] length;
        final long[] appendNanos;      // System.nanoTime() when the event was appended (delivery latency)

        SlotPage(int size) {
            seq = new long[size];
            segment = new int[size];
            offset = new int[size];
            length = new int[size];
            appendNanos = new long[size];
        }

        static long bytes(int size) {
            return 5 * 16 + 24 + 28L * size;      // five arrays and the page, with their headers
        }
    }

    /** A log whose memory is bounded by its retention only (an unbounded budget). */
    public EventLog(Retention retention, byte[] idPrefix, long baseSeq) {
        this(retention, idPrefix, baseSeq, MemoryBudget.unbounded());
    }

    /**
     * @param retention how much to keep
     * @param idPrefix  bytes written before the sequence number in each event's {@code id:} line (the epoch
     *                  and a separator); not copied, must not change
     * @param baseSeq   sequence of the first event, at least 1
     * @param budget    where the log's segments and index pages are counted, shared by all logs
     */
    public EventLog(Retention retention, byte[] idPrefix, long baseSeq, MemoryBudget budget) {
        if (baseSeq < 1) {
            throw new IllegalArgumentException("baseSeq must be at least 1: baseSeq=" + baseSeq);
        }
        this.idPrefix = idPrefix;
        this.baseSeq = baseSeq;
        this.maxBytes = retention.bytes();
        this.segmentBytes = retention.segmentBytes();
        this.slots = retention.slots();
        this.slotMask = slots - 1;
        int pageSlots = Math.min(slots, PAGE_SLOTS);
        this.pageShift = Integer.numberOfTrailingZeros(pageSlots);
        this.pageMask = pageSlots - 1;
        this.pages = new SlotPage[slots / pageSlots];
        this.budget = budget;
        long ring = Math.max(16, retention.bytes() / retention.segmentBytes() + 32);
        int ringSize = (int) Math.min(1 << 20, Long.highestOneBit(ring - 1) << 1);
        this.segments = new Segment[ringSize];
        this.segmentMask = ringSize - 1;
        this.current = Segment.sealedEmpty(baseSeq);    // the first append installs segment 0
    }

    /**
     * Encodes one event and appends it. Returns its sequence number. Never blocks on readers.
     *
     * @param eventType   the {@code event:} field, or null; must hold no CR, LF or NUL (checked by the caller)
     * @param data        UTF-8 data, split into {@code data:} lines at CR, LF and CRLF
     * @param retryMillis a {@code retry:} field, or -1 for none
     * @return the event's sequence, or {@link #CLOSED} or {@link #FULL} when nothing was appended
     */
    public long append(byte[] eventType, byte[] data, int offset, int length, long retryMillis) {
        int withoutId = SseEncoder.encodedLength(eventType, data, offset, length, null, -1, retryMillis);
        Segment segment = current;
        long seq;
        int at;
        int recordLength;
        boolean reclaimed = false;
        while (true) {
            long claim = segment.claimAcquire();
            if (SegmentDescriptor.isSealed(claim)) {
                Segment next = successor(segment, withoutId + SseEncoder.idLineLength(idPrefix, Long.MAX_VALUE));
                if (next == null) {
                    if (closed) {
                        return CLOSED;
                    }
                    if (reclaimed || !budget.reclaim(withoutId)) {    // no lock held here: see MemoryBudget
                        return FULL;
                    }
                    reclaimed = true;
                    continue;
                }
                segment = next;
                continue;
            }
            seq = segment.firstSeq + SegmentDescriptor.count(claim);
            recordLength = withoutId + SseEncoder.idLineLength(idPrefix, seq);
            at = SegmentDescriptor.offset(claim);
            if (recordLength > segment.capacity - at) {
                segment.casClaim(claim, claim | SegmentDescriptor.SEALED);   // whoever seals, all move on
                continue;
            }
            int slot = (int) seq & slotMask;
            if (page(slot) == null) {                // before the claim: once a sequence is taken it must publish
                try {
                    installPage(slot >>> pageShift);
                } catch (OutOfMemoryError heapExhausted) {
                    return FULL;
                }
            }
            if (segment.casClaim(claim, SegmentDescriptor.next(claim, recordLength))) {
                break;
            }
        }
        SseEncoder.encode(segment.memory, at, eventType, data, offset, length, idPrefix, seq, retryMillis);
        publishSlot(seq, segment, at, recordLength, System.nanoTime());
        return seq;
    }

    private void publishSlot(long seq, Segment segment, int at, int recordLength, long appendNanos) {
        int i = (int) seq & slotMask;
        SlotPage page = pageForWrite(i);
        int j = i & pageMask;
        long[] slotSeq = page.seq;
        long lapped = seq - slots;
        if (lapped >= baseSeq && (long) SLOT_SEQ.getAcquire(slotSeq, j) != lapped) {
            awaitPublished(slotSeq, j, lapped);
        }
        SLOT_SEQ.setOpaque(slotSeq, j, -seq);
        VarHandle.storeStoreFence();       // the writing mark is visible before any extent field changes
        page.segment[j] = (int) segment.number;
        page.offset[j] = at;
        page.length[j] = recordLength;
        page.appendNanos[j] = appendNanos;
        SLOT_SEQ.setRelease(slotSeq, j, seq);
    }

    /** The page of slot {@code i}, or null when no event ever reached it. */
    private SlotPage page(int i) {
        return (SlotPage) PAGE.getAcquire(pages, i >>> pageShift);
    }

    /** The page of slot {@code i}, installed if this is the first event to reach it (off the fast path). */
    private SlotPage pageForWrite(int i) {
        SlotPage page = page(i);
        return page != null ? page : installPage(i >>> pageShift);
    }

    private SlotPage installPage(int k) {
        rotation.lock();
        try {
            SlotPage page = (SlotPage) PAGE.getAcquire(pages, k);
            if (page == null) {
                page = new SlotPage(pageMask + 1);
                if (!closed) {                  // a closed log has given its memory back already
                    long bytes = SlotPage.bytes(pageMask + 1);
                    budget.forceReserve(bytes);
                    pageBytes += bytes;
                }
                PAGE.setRelease(pages, k, page);
            }
            return page;
        } finally {
            rotation.unlock();
        }
    }

    private static void awaitPublished(long[] slotSeq, int slot, long seq) {
        for (int spins = 0; (long) SLOT_SEQ.getAcquire(slotSeq, slot) != seq; spins++) {
            if (spins < SPINS_BEFORE_YIELD) {
                Thread.onSpinWait();
            } else {
                Thread.yield();
            }
        }
    }

    /**
     * The segment after {@code sealed}, installing it if this thread is the first to need it; null when the log
     * is closed or the budget (or direct memory) has no room for it. {@code minCapacity} fits any record of the
     * event being appended.
     */
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
            if (closed) {
                return null;
            }
            long count = SegmentDescriptor.count(sealed.claimAcquire());
            int grown = (int) Math.min(segmentBytes, Math.max(Retention.MIN_SEGMENT_BYTES, 2L * sealed.capacity));
            int capacity = Math.max(minCapacity, grown);      // doubling from 4 KiB; a large event's own size
            if (!budget.tryReserve(capacity)) {
                return null;
            }
            Segment next;
            try {
                next = new Segment(sealed.number + 1, sealed.firstSeq + count, capacity);
            } catch (OutOfMemoryError directMemoryExhausted) {
                budget.release(capacity);
                return null;
            }
            install(next);
            current = next;
            return next;
        } finally {
            rotation.unlock();
        }
    }

    private void install(Segment next) {          // under rotation
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
            budget.release(oldest.capacity);
            SEGMENT.setRelease(segments, i, null);
        }
        oldestSegment = number + 1;
    }

    /**
     * Ends the log: no append succeeds after this returns ({@link #CLOSED}), and its segments and pages go back
     * to the budget (a reader still writing from a segment keeps it until it is done; the GC frees it then).
     * Idempotent. Returns the sequence of the last event appended, which no later append can exceed.
     */
    public long close() {
        rotation.lock();
        try {
            if (!closed) {
                closed = true;
                Segment last = current;
                while (true) {                      // seal: producers that have not claimed yet move on and fail
                    long claim = last.claimAcquire();
                    if (SegmentDescriptor.isSealed(claim) || last.casClaim(claim, claim | SegmentDescriptor.SEALED)) {
                        break;
                    }
                }
                budget.release(retainedBytes + pageBytes);
                retainedBytes = 0;
                pageBytes = 0;
                for (int i = 0; i < segments.length; i++) {
                    SEGMENT.setRelease(segments, i, null);   // readers of a closed log are told OVERTAKEN
                }
            }
            return headSeq();
        } finally {
            rotation.unlock();
        }
    }

    public boolean isClosed() {
        return closed;
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
        SlotPage page = page(i);
        if (page == null) {
            return NONE;                        // no event ever reached this slot: seq is ahead of the head
        }
        int p = i & pageMask;
        long held = (long) SLOT_SEQ.getAcquire(page.seq, p);
        if (held != seq) {
            return held > seq || -held > seq ? OVERTAKEN : NONE;
        }
        int segmentNumber = page.segment[p];
        int from = page.offset[p];
        int to = from + page.length[p];
        long appendNanos = page.appendNanos[p];
        VarHandle.loadLoadFence();              // the extent reads complete before the slot word is checked again
        if ((long) SLOT_SEQ.getOpaque(page.seq, p) != seq) {
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
            SlotPage nextPage = (j & pageMask) == 0 ? page(j) : page;
            if (nextPage == null) {
                more = false;
                break;
            }
            page = nextPage;
            int q = j & pageMask;
            long nextHeld = (long) SLOT_SEQ.getAcquire(page.seq, q);
            if (nextHeld != next) {
                more = nextHeld > next || -nextHeld > next;   // lapped: the next read says so
                break;
            }
            int nextSegment = page.segment[q];
            int nextTo = to + page.length[q];
            VarHandle.loadLoadFence();
            if ((long) SLOT_SEQ.getOpaque(page.seq, q) != next || nextSegment != segmentNumber
                    || nextTo - from > maxBytes) {
                break;
            }
            to = nextTo;                        // records of one segment lie back to back
            last = next;
        }
        run.set(segment, from, to, seq, last, more, appendNanos);
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
        SlotPage page = page(i);
        if (page == null) {
            return false;
        }
        int p = i & pageMask;
        long held = (long) SLOT_SEQ.getAcquire(page.seq, p);
        if (held != seq) {
            return held > seq || -held > seq;
        }
        int segmentNumber = page.segment[p];
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

    /** The event slots: the most events the log retains (its retention's events rounded up to a power of two). */
    public int slots() {
        return slots;
    }

    /**
     * The oldest sequence still retained once the next segment is installed: {@link #tailSeq()}, unless a full-size
     * next segment would take the retained bytes over the limit, which evicts the oldest segment (then the first
     * sequence of the one after it; {@code headSeq() + 1} when the oldest is the only one). An estimate read without
     * the lock, for pushing publishers back before a reader is overtaken; never used to decide what a reader gets.
     */
    public long tailAfterNextSegment() {
        long tail = tailSeq();
        if (retainedBytes + segmentBytes <= maxBytes) {
            return tail;
        }
        long second = oldestSegment + 1;
        Segment segment = (Segment) SEGMENT.getAcquire(segments, (int) second & segmentMask);
        long head = headSeq();
        if (segment == null || segment.number != second) {
            return head + 1;
        }
        return Math.min(Math.max(tail, segment.firstSeq), head + 1);
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

    /** Bytes of segment memory and index pages the log has taken from its budget and holds now. */
    public long budgetedBytes() {
        rotation.lock();
        try {
            return retainedBytes + pageBytes;
        } finally {
            rotation.unlock();
        }
    }
}
