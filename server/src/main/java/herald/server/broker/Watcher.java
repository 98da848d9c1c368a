package herald.server.broker;

import herald.server.health.Supervisor;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Watches subscriber sockets ({@link ChannelSink}s) with one {@link Selector} on one platform thread: readable
 * means the client closed (FIN), reset (RST) or sent bytes it should not have; writable means a subscriber whose
 * socket was full can continue. A client that leaves is noticed at once, so a reconnect storm never piles up dead
 * sockets waiting for the next write.
 *
 * <p>New sockets are registered by the watcher's own thread: {@link #register} queues the sink and wakes the
 * selector only if no wake-up is pending since the thread last took the queue, so a burst of new streams costs
 * one wake-up per round of the watcher, not one per stream, and a connection's thread never waits for the
 * selector's locks (which the watcher holds while it updates the poll set). A queued socket is in the poll set
 * from the watcher's next round, which its wake-up starts.
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
    private final ConcurrentLinkedQueue<ChannelSink> added = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean wakePending = new AtomicBoolean();
    private volatile boolean running = true;

    Watcher(String name, Supervisor supervisor) throws IOException {
        this.selector = Selector.open();
        this.supervisor = supervisor;
        this.thread = new Thread(this::loop, name);
        thread.setDaemon(true);
        thread.setUncaughtExceptionHandler(supervisor.uncaughtHandler());
        thread.start();
    }

    /**
     * Starts watching {@code sink}'s channel (already non-blocking): the watcher's thread registers it at its next
     * round, which this starts unless one is due anyway, and then hands the sink its key
     * ({@link ChannelSink#registered}). A channel closed before that is skipped.
     */
    void register(ChannelSink sink) {
        added.add(sink);
        if (!wakePending.get() && wakePending.compareAndSet(false, true)) {
            selector.wakeup();
        }
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

    /**
     * Stops watching; the channel's descriptor is released at the selector's next round, which this starts. A null
     * key (a sink not registered yet): closing its channel cancels the key it may get meanwhile, and this starts the
     * round that releases it.
     */
    void cancel(SelectionKey key) {
        if (key != null) {
            key.cancel();
        }
        selector.wakeup();
    }

    private void loop() {
        while (running) {
            try {
                wakePending.set(false);    // before taking the queue: a sink queued from here on wakes the next round
                registerAdded();
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

    /** Registers the sinks queued by {@link #register} (the watcher's thread). */
    private void registerAdded() {
        ChannelSink sink;
        while ((sink = added.poll()) != null) {
            SelectionKey key;
            try {
                key = sink.channel.register(selector, SelectionKey.OP_READ, sink);
            } catch (ClosedChannelException e) {
                continue;                  // closed before it was watched: its close did everything
            } catch (IOException | RuntimeException e) {
                LOG.log(Level.DEBUG, "registering a subscriber socket", e);
                sink.events.gone();        // cannot be watched: end the stream (its client reconnects)
                continue;
            }
            sink.registered(key);
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
