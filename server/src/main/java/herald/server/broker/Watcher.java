package herald.server.broker;

import herald.server.health.Supervisor;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.function.Consumer;

/**
 * Watches subscriber sockets ({@link ChannelSink}s) with one {@link Selector} on one platform thread: readable
 * means the client closed (FIN), reset (RST) or sent bytes it should not have; writable means a subscriber whose
 * socket was full can continue. A client that leaves is noticed at once, so a reconnect storm never piles up dead
 * sockets waiting for the next write.
 */
final class Watcher implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Watcher.class.getName());
    /** A subscriber that keeps sending bytes after its request is closed past this many. */
    private static final int MAX_JUNK_BYTES = 64 << 10;

    private final Selector selector;
    private final Supervisor supervisor;
    private final Thread thread;
    private final ByteBuffer junk = ByteBuffer.allocateDirect(4_096);
    private final Consumer<SelectionKey> onReady = this::ready;
    private volatile boolean running = true;

    Watcher(String name, Supervisor supervisor) throws IOException {
        this.selector = Selector.open();
        this.supervisor = supervisor;
        this.thread = new Thread(this::loop, name);
        thread.setDaemon(true);
        thread.setUncaughtExceptionHandler(supervisor.uncaughtHandler());
        thread.start();
    }

    /** Starts watching {@code channel} (already non-blocking) for {@code sink}. */
    SelectionKey register(SocketChannel channel, ChannelSink sink) throws IOException {
        SelectionKey key = channel.register(selector, SelectionKey.OP_READ, sink);
        selector.wakeup();                 // so that the new socket is in the poll set now, not at the next wakeup
        return key;
    }

    /** The subscriber's socket is full: tell it once the socket drains. */
    void wantWritable(SelectionKey key) {
        if (key != null && key.isValid()) {
            try {
                key.interestOpsOr(SelectionKey.OP_WRITE);
                selector.wakeup();
            } catch (java.nio.channels.CancelledKeyException e) {
                // closed meanwhile: nothing to resume
            }
        }
    }

    /** Stops watching; the channel's descriptor is released at the selector's next round, which this starts. */
    void cancel(SelectionKey key) {
        if (key != null) {
            key.cancel();
            selector.wakeup();
        }
    }

    private void loop() {
        while (running) {
            try {
                selector.select(onReady, 1_000);
            } catch (IOException | RuntimeException e) {
                LOG.log(Level.ERROR, "subscriber watcher failed; continuing", e);
            } catch (OutOfMemoryError e) {
                supervisor.outOfMemory(thread.getName(), e);
            }
        }
        try {
            selector.close();
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "closing selector", e);
        }
    }

    private void ready(SelectionKey key) {
        ChannelSink sink = (ChannelSink) key.attachment();
        if (!key.isValid()) {
            return;
        }
        int ready = key.readyOps();
        if ((ready & SelectionKey.OP_READ) != 0 && !drainInput(sink)) {
            return;
        }
        if ((ready & SelectionKey.OP_WRITE) != 0 && key.isValid()) {
            key.interestOpsAnd(~SelectionKey.OP_WRITE);
            sink.onWritable();
        }
    }

    /** Reads what the client sent; false when the peer is gone because of it (closed, reset, too much junk). */
    private boolean drainInput(ChannelSink sink) {
        try {
            int read = sink.channel.read(junk.clear());
            if (read >= 0) {
                sink.junkBytes += read;
                if (sink.junkBytes <= MAX_JUNK_BYTES) {
                    return true;
                }
            }
        } catch (IOException e) {
            // reset: gone as well
        }
        sink.events.gone();
        return false;
    }

    @Override
    public void close() {
        running = false;
        selector.wakeup();
        try {
            thread.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
