package herald.bench.fanout;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The client side of a socket fan-out: one thread with a {@link Selector} reading every subscriber socket,
 * discarding the bytes and counting events (each ends with the blank line {@code "\n\n"}; a response head's
 * {@code "\r\n\r\n"} does not count). {@link #await} parks the caller until the count reaches a target.
 */
final class SseDrain implements AutoCloseable {
    private final Selector selector;
    private final ByteBuffer buffer = ByteBuffer.allocate(64 << 10);
    private final Thread thread;
    private volatile boolean running = true;
    private volatile long events;           // written only by the drain thread
    private volatile long closed;           // sockets the server closed; drain thread only
    private volatile long target = Long.MAX_VALUE;
    private volatile Thread waiter;

    /** Takes over {@code channels} (connected, request sent): makes them non-blocking and starts reading. */
    SseDrain(List<SocketChannel> channels) throws IOException {
        selector = Selector.open();
        for (SocketChannel channel : channels) {
            channel.configureBlocking(false);
            channel.register(selector, SelectionKey.OP_READ, new byte[1]);   // the last byte read
        }
        thread = Thread.ofPlatform().daemon().name("sse-drain").start(this::run);
    }

    long events() {
        return events;
    }

    long closed() {
        return closed;
    }

    /**
     * Waits until {@code target} events were counted in all; {@code target} is set before the work that produces
     * them starts (see {@link #expect}).
     *
     * @throws IllegalStateException when they do not arrive within {@code timeoutMillis}
     */
    void await(long timeoutMillis) {
        long goal = target;
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (events < goal) {
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("counted " + events + " of " + goal + " events; "
                        + closed + " sockets closed by the server");
            }
            LockSupport.parkNanos(this, 10_000_000L);
        }
    }

    /** Sets the count {@link #await} waits for; call before publishing. */
    void expect(long goal) {
        waiter = Thread.currentThread();
        target = goal;                       // volatile write, then the caller's reads of events: no lost wake-up
    }

    private void run() {
        try {
            while (running) {
                selector.select(this::read);
                if (events >= target) {
                    LockSupport.unpark(waiter);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void read(SelectionKey key) {
        SocketChannel channel = (SocketChannel) key.channel();
        byte[] last = (byte[]) key.attachment();
        byte[] bytes = buffer.array();
        long counted = 0;
        byte previous = last[0];
        try {
            while (true) {
                buffer.clear();
                int n = channel.read(buffer);
                if (n <= 0) {
                    if (n < 0) {
                        key.cancel();
                        closed++;
                    }
                    break;
                }
                for (int i = 0; i < n; i++) {
                    byte b = bytes[i];
                    if (b == '\n' && previous == '\n') {
                        counted++;
                    }
                    previous = b;
                }
            }
        } catch (IOException e) {
            key.cancel();
            closed++;
        }
        last[0] = previous;
        if (counted != 0) {
            events += counted;
        }
    }

    @Override
    public void close() throws IOException {
        running = false;
        selector.wakeup();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        selector.close();
    }
}
