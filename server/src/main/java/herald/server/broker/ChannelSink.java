package herald.server.broker;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;

/**
 * A subscriber's stream on a plain socket (HTTP/1.1, no TLS): non-blocking gathering writes to the channel
 * straight from log memory. Its {@link Watcher} selects on the socket: readable means the client closed (FIN),
 * reset (RST) or sent bytes it should not have ({@link Events#gone()}); writable after a short write means the
 * subscriber can go on ({@link Events#writable()}). It is the selection key's attachment.
 *
 * {@link WriterSink} writes through a TLS engine instead.
 *
 * <p>Threads: {@link #write} and {@link #requestWritable} on the dispatcher thread running the subscriber; the
 * events and {@link #junkBytes} on the watcher's thread; {@link #close} on any.
 */
class ChannelSink implements SubscriberSink {
    private static final System.Logger LOG = System.getLogger(ChannelSink.class.getName());
    private static final Object WRITABLE_WANTED = new Object();
    private static final VarHandle KEY;

    static {
        try {
            KEY = MethodHandles.lookup().findVarHandle(ChannelSink.class, "key", Object.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final SocketChannel channel;
    private final Watcher watcher;
    private final Runnable onClose;
    Events events;                          // set by start, before the watcher can see this sink
    /**
     * Null until the watcher registered the socket, then its key (closing the channel cancels it even if unseen);
     * {@link #WRITABLE_WANTED} while a {@link #requestWritable} waits for the registration. Through {@link #KEY}.
     */
    @SuppressWarnings("unused")
    private volatile Object key;
    int junkBytes;                          // bytes the client sent after its request; watcher thread only

    /** @param onClose runs once the socket is closed: releases the connection's permit */
    ChannelSink(SocketChannel channel, Watcher watcher, Runnable onClose) {
        this.channel = channel;
        this.watcher = watcher;
        this.onClose = onClose;
    }

    @Override
    public void start(Events events) throws IOException {
        this.events = events;
        channel.configureBlocking(false);
        watcher.register(this);
    }

    /**
     * The watcher registered the socket (watcher thread): a {@link #requestWritable} that came before left its mark in
     * the key's place, and the watcher adds what it asked for. One atomic swap each: neither is lost.
     */
    void registered(SelectionKey key) {
        if (KEY.getAndSet(this, key) == WRITABLE_WANTED) {
            try {
                key.interestOpsOr(SelectionKey.OP_WRITE);   // in the poll set at the round that registers it
            } catch (java.nio.channels.CancelledKeyException e) {
                // closed meanwhile
            }
        }
    }

    /** The selection key, or null before the watcher registered the socket. */
    SelectionKey key() {
        return KEY.getVolatile(this) instanceof SelectionKey k ? k : null;
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        // one buffer: write(2), not writev(2)
        return length == 1 ? channel.write(srcs[offset]) : channel.write(srcs, offset, length);
    }

    /** The socket drained after a {@link #requestWritable}; watcher thread. */
    void onWritable() {
        events.writable();
    }

    @Override
    public void requestWritable() {
        Object current = KEY.getVolatile(this);
        if (current == null && KEY.compareAndSet(this, null, WRITABLE_WANTED)) {
            return;                         // the watcher asks for it when it registers the socket
        }
        current = KEY.getVolatile(this);    // registered meanwhile, or asked for already
        if (current instanceof SelectionKey k) {
            watcher.wantWritable(k);
        }
    }

    @Override
    public void close() {
        SelectionKey registered = key();
        watcher.cancel(registered);
        try {
            channel.close();
            if (registered == null && key() != null) {
                watcher.cancel(key());      // registered in between: wake the selector again to free the socket
            }
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "closing subscriber socket", e);
        } finally {
            onClose.run();                  // once: the subscriber closes its sink once
        }
    }
}
