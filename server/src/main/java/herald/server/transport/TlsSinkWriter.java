package herald.server.transport;

import herald.server.broker.ChannelWriter;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SocketChannel;

/**
 * A TLS subscriber's writes, non-blocking: takes a prefix of the offered stream bytes, encrypts it into its own
 * buffer (one record, up to 16 KiB of them, at a time; the event was encoded once, the encryption is per
 * subscriber) and writes the record to the socket. While a record is unsent it takes nothing ({@link #write}
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

    private final SocketChannel channel;
    private final SSLEngine engine;
    private ByteBuffer netOut;              // read mode: ciphertext not yet sent

    TlsSinkWriter(SocketChannel channel, SSLEngine engine, ByteBuffer netOut) {
        this.channel = channel;
        this.engine = engine;
        this.netOut = netOut;
    }

    @Override
    public synchronized long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        if (netOut.hasRemaining() && channel.write(netOut) >= 0 && netOut.hasRemaining()) {
            return 0;
        }
        long taken = 0;
        while (taken < MAX_TAKE_BYTES && TlsChannel.remaining(srcs, offset, length)) {
            netOut.compact();
            SSLEngineResult result;
            try {
                result = engine.wrap(srcs, offset, length, netOut);
            } finally {
                netOut.flip();
            }
            if (result.getStatus() == SSLEngineResult.Status.CLOSED) {
                throw new ClosedChannelException();
            }
            if (result.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW
                    && netOut.capacity() < engine.getSession().getPacketBufferSize()) {
                netOut = ByteBuffer.allocate(engine.getSession().getPacketBufferSize()).put(netOut).flip();
            }
            taken += result.bytesConsumed();
            channel.write(netOut);
            if (netOut.hasRemaining()) {
                break;                      // the socket is full: the rest of the record goes out on flush
            }
        }
        return taken;
    }

    @Override
    public synchronized boolean holdsBytes() {
        return netOut.hasRemaining();
    }

    @Override
    public synchronized boolean flush() throws IOException {
        if (netOut.hasRemaining()) {
            channel.write(netOut);
        }
        return !netOut.hasRemaining();
    }

    /** Best effort close_notify, if the socket has room for it now; the FIN follows anyway. */
    @Override
    public synchronized void closing() {
        try {
            if (!channel.isOpen() || netOut.hasRemaining()) {
                return;                     // a record is half sent: an alert cannot follow it
            }
            engine.closeOutbound();
            netOut.compact();
            try {
                engine.wrap(new ByteBuffer[] {ByteBuffer.allocate(0)}, netOut);
            } finally {
                netOut.flip();
            }
            channel.write(netOut);
        } catch (IOException | RuntimeException e) {
            // the peer is gone or the socket full: the FIN ends the stream all the same
        }
    }
}
