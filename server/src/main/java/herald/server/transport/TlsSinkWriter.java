package herald.server.transport;

import herald.server.broker.ChannelWriter;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SocketChannel;

/**
 * A TLS subscriber's writes, non-blocking: takes a prefix of the offered stream bytes, encrypts it (one record,
 * up to 16 KiB of them, at a time; the event was encoded once, the encryption is per subscriber) into the
 * dispatcher thread's record buffer and writes the record to the socket; only a tail the socket did not take is
 * copied into a buffer of the subscriber's own, so an idle TLS subscriber holds no record buffer. While a tail is
 * unsent it takes nothing ({@link #write}
 * answers 0 and the subscriber waits for the socket); an unsent tail after the subscriber's last bytes is sent
 * by {@link #flush} when the socket drains, so no event waits for the next one.
 *
 * <p><b>Assumptions.</b> {@link #write} on the dispatcher thread running the subscriber, {@link #flush} on the
 * watcher's thread, {@link #closing} on any: all three lock this object (held for one non-blocking write, never
 * contended on the plain path, which does not use this class).
 */
final class TlsSinkWriter implements ChannelWriter {
    /** Plaintext taken in one call at most: the subscriber's turn goes on with the next call. */
    private static final int MAX_TAKE_BYTES = 256 << 10;
    /** Each dispatcher thread's record buffer: wrap into it, write it, keep only what the socket did not take. */
    private static final ThreadLocal<ByteBuffer> SCRATCH = ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(0));

    private final SocketChannel channel;
    private final SSLEngine engine;
    private ByteBuffer unsent;              // read mode: the tail of a record the socket did not take; else null

    TlsSinkWriter(SocketChannel channel, SSLEngine engine) {
        this.channel = channel;
        this.engine = engine;
    }

    @Override
    public synchronized long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        if (unsent != null && !flush()) {
            return 0;
        }
        ByteBuffer net = scratch();
        long taken = 0;
        while (taken < MAX_TAKE_BYTES && TlsChannel.remaining(srcs, offset, length)) {
            net.clear();
            SSLEngineResult result = engine.wrap(srcs, offset, length, net);
            net.flip();
            if (result.getStatus() == SSLEngineResult.Status.CLOSED) {
                throw new ClosedChannelException();
            }
            taken += result.bytesConsumed();
            channel.write(net);
            if (net.hasRemaining()) {       // the socket is full: keep the rest of the record, sent on flush
                unsent = ByteBuffer.allocate(net.remaining()).put(net).flip();
                break;
            }
        }
        return taken;
    }

    /** This thread's record buffer, large enough for one record of this engine. */
    private ByteBuffer scratch() {
        ByteBuffer net = SCRATCH.get();
        int size = engine.getSession().getPacketBufferSize();
        if (net.capacity() < size) {
            net = ByteBuffer.allocateDirect(size);
            SCRATCH.set(net);
        }
        return net;
    }

    @Override
    public synchronized boolean holdsBytes() {
        return unsent != null;
    }

    @Override
    public synchronized boolean flush() throws IOException {
        if (unsent != null) {
            channel.write(unsent);
            if (!unsent.hasRemaining()) {
                unsent = null;              // an idle subscriber holds no buffer
            }
        }
        return unsent == null;
    }

    /** Best effort close_notify, if the socket has room for it now; the FIN follows anyway. */
    @Override
    public synchronized void closing() {
        try {
            if (!channel.isOpen() || unsent != null) {
                return;                     // a record is half sent: an alert cannot follow it
            }
            engine.closeOutbound();
            ByteBuffer net = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
            engine.wrap(new ByteBuffer[] {ByteBuffer.allocate(0)}, net);
            channel.write(net.flip());
        } catch (IOException | RuntimeException e) {
            // the peer is gone or the socket full: the FIN ends the stream all the same
        }
    }
}
