package herald.server.transport;

import java.nio.ByteBuffer;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Record buffers (heap, one TLS record each: the engine's packet buffer size, about 16.7 KiB) that
 * {@link TlsChannel}s take for a read or write in progress and give back as soon as they hold nothing: a TLS
 * connection waiting for its next request, and a subscriber, hold none, and a wave of handshakes reuses a few
 * instead of leaving three each as garbage (which G1 answers by growing the heap, and RSS keeps).
 *
 * <p>Thread-safe; bounded: buffers given back past {@code capacity}, and buffers of another size (a session
 * that negotiated larger records), are left to the GC.
 */
final class TlsBuffers {
    private final int recordBytes;
    private final ByteBuffer[] free;
    private final ReentrantLock lock = new ReentrantLock();   // not synchronized: callers are virtual threads
    private int count;

    TlsBuffers(int recordBytes, int capacity) {
        this.recordBytes = recordBytes;
        this.free = new ByteBuffer[capacity];
    }

    /** The size of the buffers kept here. */
    int recordBytes() {
        return recordBytes;
    }

    /** A cleared buffer (write mode) of at least {@code bytes}: a pooled one when that size fits. */
    ByteBuffer take(int bytes) {
        if (bytes > recordBytes) {
            return ByteBuffer.allocate(bytes);
        }
        lock.lock();
        try {
            if (count > 0) {
                ByteBuffer buffer = free[--count];
                free[count] = null;
                return buffer;
            }
        } finally {
            lock.unlock();
        }
        return ByteBuffer.allocate(recordBytes);
    }

    /** Takes {@code buffer} back, whatever it holds (nothing is read from it again). */
    void give(ByteBuffer buffer) {
        if (buffer.capacity() != recordBytes) {
            return;
        }
        buffer.clear();
        lock.lock();
        try {
            if (count < free.length) {
                free[count++] = buffer;
            }
        } finally {
            lock.unlock();
        }
    }

    /** Buffers waiting to be taken (for tests). */
    int pooled() {
        lock.lock();
        try {
            return count;
        } finally {
            lock.unlock();
        }
    }
}
