package herald.server.transport;

import herald.protocol.http1.HttpLimits;
import herald.protocol.http1.RequestParser;

import java.nio.ByteBuffer;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Reuses what a connection needs only while it reads requests — its request parser, read buffer and response
 * head buffer — across connections. A connection takes a set when its client's first bytes arrive, and a stream
 * handed to the broker gives it back at once, so a wave of subscribers connecting costs a few pooled sets, not a
 * few KiB of garbage each (which G1 would cycle through the young generation, and RSS would keep).
 *
 * <p>Thread-safe; bounded: sets given back past {@code capacity}, and sets that a large request or response
 * head made grow, are left to the GC, so the pool never holds more than {@code capacity} sets of initial size.
 */
public final class BufferPool {
    static final int READ_BUFFER_BYTES = 4_096;
    static final int HEAD_BUFFER_BYTES = 512;

    /** One connection's request-phase state. */
    static final class Buffers {
        final RequestParser parser;
        final ByteBuffer in;
        ByteBuffer head;               // the response head; ResponseWriter may have replaced it with a larger one

        Buffers(HttpLimits limits) {
            this.parser = new RequestParser(limits);
            this.in = ByteBuffer.allocate(READ_BUFFER_BYTES).flip();
            this.head = ByteBuffer.allocate(HEAD_BUFFER_BYTES);
        }
    }

    private final HttpLimits limits;
    private final Buffers[] free;
    private final ReentrantLock lock = new ReentrantLock();   // not synchronized: callers are virtual threads
    private int count;

    public BufferPool(HttpLimits limits, int capacity) {
        this.limits = limits;
        this.free = new Buffers[capacity];
    }

    Buffers take() {
        lock.lock();
        try {
            if (count > 0) {
                Buffers buffers = free[--count];
                free[count] = null;
                return buffers;
            }
        } finally {
            lock.unlock();
        }
        return new Buffers(limits);
    }

    void give(Buffers buffers) {
        if (buffers.parser.grown() || buffers.head.capacity() != HEAD_BUFFER_BYTES) {
            return;
        }
        buffers.parser.reset();
        buffers.in.clear().flip();
        buffers.head.clear();
        lock.lock();
        try {
            if (count < free.length) {
                free[count++] = buffers;
            }
        } finally {
            lock.unlock();
        }
    }
}
