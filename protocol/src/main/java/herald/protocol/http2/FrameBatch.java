package herald.protocol.http2;

import static herald.protocol.http2.FrameDescriptor.HEADER_BYTES;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Frames queued for one gathering write, in order: bytes framed in place (control frames, HEADERS, every DATA
 * frame's 9-byte header, payloads that must be copied) and DATA payloads referenced where they lie. An SSE event
 * in shared log memory leaves as {@code [header][view of the event]}: the header is the only byte written per
 * stream, the event's bytes are never copied. An event longer than what one frame may carry (the windows, the
 * client's SETTINGS_MAX_FRAME_SIZE) is cut into frames, each a view of its part.
 *
 * <pre>
 *   bytes:  | SETTINGS ack | DATA hdr s1 | DATA hdr s3 | id line copy | WINDOW_UPDATE ... |
 *                                      ^ ref 0        ^ ref 1        ^ ref 2
 *   gather: [bytes 0..a] [ref 0] [bytes a..b] [ref 1] [bytes b..c] [ref 2] [bytes c..end]
 * </pre>
 *
 * <p>What {@link #writeData} references and what it copies: a read-only buffer is taken to be immutable memory
 * (Herald's event log hands out read-only views of segments that are never reused) and is referenced through the
 * stream's {@link PayloadViews}; a writable buffer (a multi-topic stream's id line, a heartbeat) may change after
 * the call returns and is copied.
 *
 * <p>A batch holds at most {@code maxBytes}, framed and referenced together: the transport writes it within one
 * write deadline, so its size bounds how fast a client must read, whatever its windows.
 *
 * <p><b>Assumptions.</b> One thread at a time: the transport's connection lock is held around every call, also by
 * the thread that writes the batch ({@link #gather}, then {@link #clear} after the write, under the lock).
 * Referenced memory stays valid and unchanged until {@link #clear}. <b>Guarantees.</b> A frame goes in whole or not
 * at all; at most {@code maxBytes} bytes and {@code maxReferences} references per batch; no allocation once
 * the buffers have grown to their working size (the bytes double up to {@code maxBytes}; a view is made once per
 * buffer a stream writes from).
 *
 * <pre>{@code
 * lock();  n = batch.writeData(h2, streamId, srcs, 0, count, views);  unlock();   // a stream: frames what fits
 * lock();  int k = batch.gather();  unlock();                                      // the writer
 * write all of batch.gathered()[0..k) to the socket
 * lock();  batch.clear();  unlock();                                               // views are free again
 * }</pre>
 */
public final class FrameBatch {
    private final int maxBytes;
    private final int maxReferences;
    private ByteBuffer bytes;
    private final ByteBuffer[] references;
    private final int[] referenceAt;        // bytes.position() when reference i was queued: it follows those bytes
    private int referenceCount;
    private int referencedBytes;
    private int gatherCount;
    private long generation;                // counts clears: a view queued in an older generation is free
    private ByteBuffer[] slices = new ByteBuffer[1];   // duplicates of bytes, one per stretch between references
    private ByteBuffer slicesOf;
    private final ByteBuffer[] gather;

    /**
     * @param firstBytes    the framed bytes' first capacity (direct memory, doubled as needed)
     * @param maxBytes      bytes at most, framed (control frames, headers, copied payloads) and referenced
     * @param maxReferences referenced payloads at most
     */
    public FrameBatch(int firstBytes, int maxBytes, int maxReferences) {
        if (firstBytes < HEADER_BYTES + 1 || maxBytes < firstBytes || maxReferences < 1) {
            throw new IllegalArgumentException("need 10 <= firstBytes <= maxBytes and maxReferences >= 1: firstBytes="
                    + firstBytes + " maxBytes=" + maxBytes + " maxReferences=" + maxReferences);
        }
        this.maxBytes = maxBytes;
        this.maxReferences = maxReferences;
        this.bytes = ByteBuffer.allocateDirect(firstBytes);
        this.references = new ByteBuffer[maxReferences];
        this.referenceAt = new int[maxReferences];
        this.gather = new ByteBuffer[2 * maxReferences + 1];
    }

    /**
     * The framed bytes, positioned to append a frame after {@link #ensureBytes} said it fits. The buffer is replaced
     * when it grows: ask again after each {@link #ensureBytes}.
     */
    public ByteBuffer bytes() {
        return bytes;
    }

    /** Bytes that may still be queued, framed or referenced. */
    public int room() {
        return maxBytes - bytes.position() - referencedBytes;
    }

    /** Grows the framed bytes until {@code count} more fit within {@link #room()}; tells whether they do. */
    public boolean ensureBytes(int count) {
        if (count > room()) {
            return false;
        }
        if (bytes.remaining() >= count) {
            return true;
        }
        int capacity = bytes.capacity();
        while (capacity - bytes.position() < count) {
            capacity = Math.min(maxBytes, capacity * 2);
        }
        bytes = ByteBuffer.allocateDirect(capacity).put(bytes.flip());
        return true;
    }

    /** Nothing queued. */
    public boolean isEmpty() {
        return bytes.position() == 0 && referenceCount == 0;
    }

    /** Whether a referenced payload could still join (a slot left, and room for a header and a byte). */
    public boolean canReference() {
        return referenceCount < maxReferences && room() > HEADER_BYTES;
    }

    /** Changes at each {@link #clear}: a view queued under an older generation has been written. */
    public long generation() {
        return generation;
    }

    /**
     * Frames what it can of {@code srcs[offset..offset+length)} as DATA frames on {@code streamId} (without
     * END_STREAM), each as long as the windows and the client's SETTINGS_MAX_FRAME_SIZE allow
     * ({@link Http2Connection#sendableBytes}) and as this batch has room for; advances the buffers' positions past
     * what it took, as {@link java.nio.channels.GatheringByteChannel#write} does.
     *
     * @param views the stream's views for read-only buffers (referenced); null: copy everything
     * @return bytes taken, 0 when a window is shut or the batch is full
     * @throws IllegalStateException the stream is not {@link Http2Connection#streamWritable}
     */
    public long writeData(Http2Connection h2, int streamId, ByteBuffer[] srcs, int offset, int length,
                          PayloadViews views) {
        int end = offset + length;
        int viewsLeft = views == null ? 0 : views.available();
        long taken = 0;
        int i = offset;
        while (true) {
            while (i < end && !srcs[i].hasRemaining()) {
                i++;
            }
            if (i == end) {
                return taken;
            }
            int sendable = h2.sendableBytes(streamId);
            if (sendable == 0) {
                return taken;
            }
            int n = framePayload(srcs, i, end, sendable, views != null, viewsLeft);
            if (n <= 0) {
                return taken;
            }
            ensureBytes(HEADER_BYTES + copiedBytes(srcs, i, end, n, views != null));
            h2.writeDataHeader(bytes, streamId, n, false);
            int left = n;
            for (int k = i; left > 0; k++) {
                ByteBuffer src = srcs[k];
                int take = Math.min(left, src.remaining());
                if (take == 0) {
                    continue;
                }
                int from = src.position();
                if (views != null && src.isReadOnly()) {
                    references[referenceCount] = views.take(src, from, from + take, this);
                    referenceAt[referenceCount++] = bytes.position();
                    referencedBytes += take;
                    viewsLeft--;
                    src.position(from + take);
                } else {
                    int limit = src.limit();
                    src.limit(from + take);
                    bytes.put(src);
                    src.limit(limit);
                }
                left -= take;
            }
            taken += n;
        }
    }

    /**
     * The payload of the next frame from {@code srcs[i..end)}: at most {@code sendable} bytes, and only what fits
     * (its header and payload within {@link #room()}, a reference slot and a view for each referenced part).
     */
    private int framePayload(ByteBuffer[] srcs, int i, int end, int sendable, boolean reference, int viewsLeft) {
        int room = room() - HEADER_BYTES;
        if (room <= 0) {
            return 0;
        }
        int slots = maxReferences - referenceCount;
        int n = 0;
        for (int k = i; k < end && n < sendable; k++) {
            ByteBuffer src = srcs[k];
            int remaining = src.remaining();
            if (remaining == 0) {
                continue;
            }
            int take = Math.min(Math.min(remaining, sendable - n), room);
            if (take == 0) {
                break;
            }
            if (reference && src.isReadOnly()) {
                if (slots == 0 || viewsLeft == 0) {
                    break;
                }
                slots--;
                viewsLeft--;
            }
            room -= take;
            n += take;
            if (take < remaining) {
                break;
            }
        }
        return n;
    }

    /** Of the next {@code n} payload bytes from {@code srcs[i..end)}, those that will be copied. */
    private static int copiedBytes(ByteBuffer[] srcs, int i, int end, int n, boolean reference) {
        int copied = 0;
        for (int k = i; k < end && n > 0; k++) {
            int take = Math.min(n, srcs[k].remaining());
            if (!reference || !srcs[k].isReadOnly()) {
                copied += take;
            }
            n -= take;
        }
        return copied;
    }

    /**
     * Lays the batch out for one gathering write: stretches of the framed bytes between the referenced payloads,
     * in order, into {@link #gathered()}; returns the count. Write all of them, then {@link #clear}.
     */
    public int gather() {
        if (slicesOf != bytes) {                // the bytes grew: their old slices point at the old buffer
            Arrays.fill(slices, null);
            slicesOf = bytes;
        }
        int end = bytes.position();
        int count = 0;
        int slice = 0;
        int from = 0;
        for (int r = 0; r < referenceCount; r++) {
            int at = referenceAt[r];
            if (at > from) {
                gather[count++] = slice(slice++, from, at);
                from = at;
            }
            gather[count++] = references[r];
        }
        if (end > from) {
            gather[count++] = slice(slice, from, end);
        }
        gatherCount = count;
        return count;
    }

    private ByteBuffer slice(int index, int from, int to) {
        if (index == slices.length) {
            slices = Arrays.copyOf(slices, Math.min(maxReferences + 1, 2 * slices.length));
        }
        ByteBuffer view = slices[index];
        if (view == null) {
            view = bytes.duplicate();
            slices[index] = view;
        }
        view.limit(to).position(from);
        return view;
    }

    /** The buffers {@link #gather} laid out. */
    public ByteBuffer[] gathered() {
        return gather;
    }

    /** The batch was written (or dropped): empties it and frees the views queued in it. */
    public void clear() {
        bytes.clear();
        for (int i = 0; i < referenceCount; i++) {
            references[i] = null;               // let go of log memory
        }
        Arrays.fill(gather, 0, gatherCount, null);
        gatherCount = 0;
        referenceCount = 0;
        referencedBytes = 0;
        generation++;
    }
}
