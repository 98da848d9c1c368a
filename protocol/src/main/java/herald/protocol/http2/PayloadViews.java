package herald.protocol.http2;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * One stream's reusable views of the memory its DATA payloads are referenced from (see {@link FrameBatch}): a
 * payload queued for a gathering write needs a buffer of its own positioned on its bytes, and the caller's buffer
 * moves on as soon as the write returns. A view is a {@link ByteBuffer#duplicate()} of the caller's buffer, made
 * the first time that buffer object is seen and kept: a buffer's memory never changes, so a view made for it once
 * can be positioned on any of its bytes later. A view is busy while the batch it was queued in has not been
 * written ({@link FrameBatch#generation()} moved on), and reused after.
 *
 * <p>So a subscriber that writes from the same few buffers (one kept view per log segment) allocates a duplicate
 * once per segment, not per event. A free view is rebound to a new buffer before another is made, so the views
 * are about as many as are queued at once, and the memory they keep alive is what the stream wrote from lately.
 * At most {@code max} views exist: past that, a frame waits for one to be free.
 *
 * <p>One thread at a time (the transport's connection lock), like the {@link FrameBatch}es it serves.
 */
public final class PayloadViews {
    private final int max;
    private ByteBuffer[] sources = new ByteBuffer[2];   // the caller's buffer each view duplicates
    private ByteBuffer[] views = new ByteBuffer[2];
    private FrameBatch[] batches = new FrameBatch[2];   // the batch the view was last queued in
    private long[] generations = new long[2];           // and its generation then
    private int size;

    /** @param max the most views (payloads of this stream queued and not yet written) */
    public PayloadViews(int max) {
        if (max < 1) {
            throw new IllegalArgumentException("max views must be positive: max=" + max);
        }
        this.max = max;
    }

    /** Views free now, or that can still be made. */
    public int available() {
        int free = max - size;
        for (int i = 0; i < size; i++) {
            if (isFree(i)) {
                free++;
            }
        }
        return free;
    }

    /** Views made so far (for tests: the pool stops growing once warm). */
    public int size() {
        return size;
    }

    private boolean isFree(int i) {
        return batches[i] == null || batches[i].generation() != generations[i];
    }

    /**
     * A view of {@code src}'s memory on {@code [from, to)}, busy in {@code batch} until it was written; null when
     * all {@code max} views are busy.
     */
    ByteBuffer take(ByteBuffer src, int from, int to, FrameBatch batch) {
        int slot = -1;
        int other = -1;
        for (int i = 0; i < size; i++) {
            if (isFree(i)) {
                if (sources[i] == src) {
                    slot = i;
                    break;
                }
                if (other < 0) {
                    other = i;
                }
            }
        }
        if (slot < 0) {
            if (other >= 0) {
                slot = other;                       // rebound before growing: old memory is let go
            } else if (size < max) {
                slot = size++;
                grow(size);
            } else {
                return null;
            }
            sources[slot] = src;
            views[slot] = src.duplicate();
        }
        batches[slot] = batch;
        generations[slot] = batch.generation();
        ByteBuffer view = views[slot];
        view.limit(to).position(from);
        return view;
    }

    private void grow(int needed) {
        if (needed <= views.length) {
            return;
        }
        int length = Math.min(max, views.length * 2);
        sources = Arrays.copyOf(sources, length);
        views = Arrays.copyOf(views, length);
        batches = Arrays.copyOf(batches, length);
        generations = Arrays.copyOf(generations, length);
    }
}
