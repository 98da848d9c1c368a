package herald.server.log;

import java.nio.ByteBuffer;

/**
 * A run of consecutive events that lie back to back in one segment: what a reader writes with one buffer.
 *
 * <p>Mutable and reused: owned by one reader, filled by {@link EventLog#read(long, Run, int, int)}. The memory it
 * points to is immutable and stays valid while the run holds it, even after the log has evicted it.
 */
public final class Run {
    private Segment segment;
    private int from;
    private int to;
    private long firstSeq;
    private long lastSeq;
    private boolean more;
    private long firstAppendNanos;

    /** An empty run, for one reader to reuse. */
    public Run() {
    }

    void set(Segment segment, int from, int to, long firstSeq, long lastSeq, boolean more, long firstAppendNanos) {
        this.more = more;
        this.firstAppendNanos = firstAppendNanos;
        this.segment = segment;
        this.from = from;
        this.to = to;
        this.firstSeq = firstSeq;
        this.lastSeq = lastSeq;
    }

    /** Lets go of the segment so that it can be freed. */
    public void clear() {
        segment = null;
    }

    /** Identity of the memory the run lies in: equal for runs whose bytes one view can reach. */
    public Object memoryKey() {
        return segment;
    }

    /**
     * A new read-only view of the run's segment. A reader keeps it and repositions it for later runs with
     * the same {@link #memoryKey()}, so that writing costs no allocation per event.
     */
    public ByteBuffer newView() {
        return segment.memory.asReadOnlyBuffer();
    }

    /** Points {@code view} (made by {@link #newView()} for this run's memory) at the run's bytes. */
    public ByteBuffer positionView(ByteBuffer view) {
        view.limit(to).position(from);
        return view;
    }

    public int to() {
        return to;
    }

    public int byteLength() {
        return to - from;
    }

    public long firstSeq() {
        return firstSeq;
    }

    public long lastSeq() {
        return lastSeq;
    }

    /**
     * Whether the run was cut with the next event already published (at a segment's end, or at a size limit),
     * so that reading again right away finds more. False when the run ends at the newest published event:
     * a later publish will offer the reader again.
     */
    public boolean more() {
        return more;
    }

    /** {@link System#nanoTime()} when the run's first (oldest) event was appended. */
    public long firstAppendNanos() {
        return firstAppendNanos;
    }

    public int eventCount() {
        return (int) (lastSeq - firstSeq + 1);
    }
}
