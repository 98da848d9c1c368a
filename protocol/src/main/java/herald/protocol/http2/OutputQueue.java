package herald.protocol.http2;

import java.nio.ByteBuffer;

/**
 * Frames {@link Http2Connection} queues for its transport (SETTINGS, acknowledgements, RST_STREAM, WINDOW_UPDATE,
 * GOAWAY), in order, until the transport drains them. Counts the answers the client caused that wait in it, so a
 * client that sends PINGs or SETTINGS (or provokes resets) faster than it reads is cut off instead of growing it.
 * One thread.
 */
final class OutputQueue {
    private ByteBuffer buffer = ByteBuffer.allocate(128);
    private int pendingAnswers;

    /** Room for {@code bytes} more; returns the buffer to write them into. */
    ByteBuffer claim(int bytes) {
        if (buffer.remaining() < bytes) {
            ByteBuffer bigger = ByteBuffer.allocate(Math.max(buffer.capacity() * 2, buffer.position() + bytes));
            buffer.flip();
            bigger.put(buffer);
            buffer = bigger;
        }
        return buffer;
    }

    void answerQueued() {
        pendingAnswers++;
    }

    int pendingAnswers() {
        return pendingAnswers;
    }

    boolean isEmpty() {
        return buffer.position() == 0;
    }

    int bytes() {
        return buffer.position();
    }

    /** Copies as much as fits into {@code dst}; once all is drained, no answer is pending any more. */
    int drainTo(ByteBuffer dst) {
        buffer.flip();
        int n = Math.min(buffer.remaining(), dst.remaining());
        int limit = buffer.limit();
        buffer.limit(buffer.position() + n);
        dst.put(buffer);
        buffer.limit(limit);
        buffer.compact();
        if (buffer.position() == 0) {
            pendingAnswers = 0;
        }
        return n;
    }
}
