package herald.server.broker;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Queue;

/**
 * A {@link SubscriberSink} for tests, on the test's thread: records the bytes it takes, takes at most a scripted
 * number of bytes per write (then {@link #takeAtMost} for every write after the script), and fires
 * {@link Events#writable()} and {@link Events#gone()} when told. It fails a test that breaks the contract: a write
 * before start or after close, a second start.
 */
final class FakeSink implements SubscriberSink {
    private final ByteArrayOutputStream taken = new ByteArrayOutputStream();
    private final Queue<Long> script = new ArrayDeque<>();
    private long takeAtMost = Long.MAX_VALUE;
    private Events events;
    int writes;
    int writableRequests;
    int closes;
    int bytesAtClose = -1;                  // bytes taken when first closed
    Runnable onClose = () -> { };           // runs at the first close, on the closing thread
    Runnable onWrite = () -> { };           // runs at each write, before it takes anything
    final java.util.List<Integer> buffersPerWrite = new java.util.ArrayList<>();
    private boolean writableRequested;

    /** The next writes take these many bytes each, in order; then {@link #takeAtMost} each. */
    FakeSink script(long... bytesPerWrite) {
        for (long bytes : bytesPerWrite) {
            script.add(bytes);
        }
        return this;
    }

    /** Every write after the script takes at most {@code bytes} (0: a full sink). */
    FakeSink takeAtMost(long bytes) {
        takeAtMost = bytes;
        return this;
    }

    @Override
    public void start(Events events) {
        if (this.events != null) {
            throw new AssertionError("started twice");
        }
        this.events = events;
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        if (events == null || closes > 0) {
            throw new AssertionError("write " + (events == null ? "before start" : "after close"));
        }
        writes++;
        buffersPerWrite.add(length);
        onWrite.run();
        Long scripted = script.poll();
        long budget = scripted == null ? takeAtMost : scripted;
        long written = 0;
        for (int i = offset; i < offset + length && budget > 0; i++) {
            ByteBuffer src = srcs[i];
            int n = (int) Math.min(budget, src.remaining());
            byte[] bytes = new byte[n];
            src.get(bytes);
            taken.write(bytes, 0, n);
            budget -= n;
            written += n;
        }
        return written;
    }

    @Override
    public void requestWritable() {
        writableRequested = true;
        writableRequests++;
    }

    @Override
    public void close() {
        if (closes++ == 0) {
            bytesAtClose = taken.size();
            onClose.run();
        }
    }

    /** Whether a {@link #requestWritable} waits for {@link #fireWritable}. */
    boolean wantsWritable() {
        return writableRequested;
    }

    /** The sink can take bytes again: tells the subscriber, as a transport would. */
    void fireWritable() {
        if (!writableRequested) {
            throw new AssertionError("writable without requestWritable");
        }
        writableRequested = false;
        events.writable();
    }

    /** The peer is gone: tells the subscriber, as a transport would. */
    void fireGone() {
        events.gone();
    }

    Subscriber subscriber() {
        return (Subscriber) events;
    }

    byte[] bytes() {
        return taken.toByteArray();
    }

    String text() {
        return taken.toString(StandardCharsets.UTF_8);
    }
}
