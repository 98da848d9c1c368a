package herald.server.transport;

import herald.server.metrics.Metrics;


import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.GatheringByteChannel;
import java.nio.channels.SocketChannel;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A TLS connection's blocking reads and writes over its socket, through an {@link SSLEngine}: what
 * {@link Connection} reads requests from and writes answers to instead of the socket itself. The handshake runs
 * inside the first read, on the connection's thread, under the deadline of the phase the connection is in; a
 * {@link Watchdog} ending a blocked call (closing the socket, or shutting its input for a 408) ends it here too.
 *
 * <p>Buffers (heap, each about one TLS record, 16 KiB + 325): {@code netIn} received ciphertext, {@code appIn}
 * decrypted bytes not yet read, {@code netOut} ciphertext not yet sent; each kept in read mode (flipped). A
 * stream handed to the broker writes through {@link #sinkWriter()} instead, and all three are dropped.
 *
 * <p>Threads: the connection's thread only, until {@link #sinkWriter()}.
 */
final class TlsChannel implements ByteChannel, GatheringByteChannel {
    private static final ByteBuffer[] NOTHING = {ByteBuffer.allocate(0)};

    private final SocketChannel channel;
    private final TlsContext context;
    private final Metrics metrics;
    private SSLEngine engine;               // made at the handshake, on the connection's thread
    private ByteBuffer netIn;
    private ByteBuffer appIn;
    private ByteBuffer netOut;
    private boolean inboundClosed;
    /** Writes and the reads' post-handshake answers share {@code netOut}: HTTP/2 reads and writes on two threads. */
    private final ReentrantLock wrapLock = new ReentrantLock();

    TlsChannel(SocketChannel channel, TlsContext context, Metrics metrics) {
        this.channel = channel;
        this.context = context;
        this.metrics = metrics;
    }

    /** The negotiated application protocol (ALPN), "" when none; null before the handshake. */
    String applicationProtocol() {
        return engine == null ? null : engine.getApplicationProtocol();
    }

    private void handshake() throws IOException {
        engine = context.newEngine();
        int packet = engine.getSession().getPacketBufferSize();
        netIn = ByteBuffer.allocate(packet).flip();
        appIn = ByteBuffer.allocate(engine.getSession().getApplicationBufferSize()).flip();
        netOut = ByteBuffer.allocate(packet).flip();
        try {
            engine.beginHandshake();
            handshakeSteps();
        } catch (SSLException e) {
            metrics.tlsHandshakeFailures.increment();
            sendAlert();
            throw e;
        } catch (IOException e) {
            metrics.tlsHandshakeFailures.increment();     // the peer left or timed out mid-handshake
            throw e;
        }
        metrics.tlsHandshakes.increment();
    }

    private void handshakeSteps() throws IOException {
        while (true) {
            switch (engine.getHandshakeStatus()) {
                case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> {
                    SSLEngineResult.Status status = unwrap().getStatus();
                    if (status == SSLEngineResult.Status.CLOSED
                            || status == SSLEngineResult.Status.BUFFER_UNDERFLOW && !fill()) {
                        throw new EOFException("peer closed during the TLS handshake");
                    }
                }
                case NEED_WRAP -> wrapAndFlush(NOTHING, 0, 1);
                case NEED_TASK -> runTasks();
                case FINISHED, NOT_HANDSHAKING -> {
                    return;
                }
            }
        }
    }

    /** After a failed handshake: the engine's alert (protocol_version, handshake_failure) tells the client why. */
    private void sendAlert() {
        try {
            engine.closeOutbound();
            for (int i = 0; i < 4 && !engine.isOutboundDone(); i++) {
                wrapAndFlush(NOTHING, 0, 1);
            }
        } catch (IOException | RuntimeException e) {
            // the handshake's own failure is the one to report
        }
    }

    /** Reads decrypted bytes into {@code dst}, blocking; -1 once the peer closed (with or without close_notify). */
    @Override
    public int read(ByteBuffer dst) throws IOException {
        if (engine == null) {
            handshake();
        }
        while (!appIn.hasRemaining()) {
            if (inboundClosed) {
                return -1;
            }
            SSLEngineResult result = unwrap();
            switch (result.getStatus()) {
                case BUFFER_UNDERFLOW -> {
                    if (!fill()) {
                        inboundClosed = true;       // a truncation without close_notify reads as a close
                    }
                }
                case CLOSED -> inboundClosed = true;
                default -> afterUnwrap(result);
            }
        }
        int n = Math.min(dst.remaining(), appIn.remaining());
        int limit = appIn.limit();
        appIn.limit(appIn.position() + n);
        dst.put(appIn);
        appIn.limit(limit);
        return n;
    }

    /** Post-handshake messages (a key update, a renegotiation attempt, which TLS 1.2 here refuses). */
    private void afterUnwrap(SSLEngineResult result) throws IOException {
        switch (result.getHandshakeStatus()) {
            case NEED_TASK -> runTasks();
            case NEED_WRAP -> {
                wrapLock.lock();
                try {
                    wrapAndFlush(NOTHING, 0, 1);
                } finally {
                    wrapLock.unlock();
                }
            }
            default -> { }
        }
    }

    private SSLEngineResult unwrap() throws SSLException {
        appIn.compact();
        try {
            SSLEngineResult result = engine.unwrap(netIn, appIn);
            if (result.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
                appIn = grow(appIn, engine.getSession().getApplicationBufferSize());
                result = engine.unwrap(netIn, appIn);
            }
            return result;
        } finally {
            appIn.flip();
        }
    }

    /** Reads more ciphertext; false at the end of the stream. */
    private boolean fill() throws IOException {
        netIn.compact();
        try {
            if (!netIn.hasRemaining()) {
                netIn = grow(netIn, engine.getSession().getPacketBufferSize());
            }
            return channel.read(netIn) >= 0;
        } finally {
            netIn.flip();
        }
    }

    private static ByteBuffer grow(ByteBuffer writeMode, int atLeast) {
        return ByteBuffer.allocate(Math.max(atLeast, 2 * writeMode.capacity())).put(writeMode.flip());
    }

    private void runTasks() {
        Runnable task;
        while ((task = engine.getDelegatedTask()) != null) {
            task.run();
        }
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        return (int) write(new ByteBuffer[] {src}, 0, 1);
    }

    @Override
    public long write(ByteBuffer[] srcs) throws IOException {
        return write(srcs, 0, srcs.length);
    }

    /** Encrypts and sends all of {@code srcs}, blocking (the caller sets the write deadline). */
    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        if (engine == null) {
            handshake();
        }
        long taken = 0;
        wrapLock.lock();
        try {
            do {
                taken += wrapAndFlush(srcs, offset, length);
            } while (remaining(srcs, offset, length));
        } finally {
            wrapLock.unlock();
        }
        return taken;
    }

    /** One record (or handshake flight) from {@code srcs}, sent before returning. */
    private long wrapAndFlush(ByteBuffer[] srcs, int offset, int length) throws IOException {
        netOut.compact();
        SSLEngineResult result;
        try {
            result = engine.wrap(srcs, offset, length, netOut);
        } finally {
            netOut.flip();
        }
        switch (result.getStatus()) {
            case CLOSED -> {
                flushBlocking();
                throw new ClosedChannelException();
            }
            case BUFFER_OVERFLOW -> {
                flushBlocking();                     // room for the next record
                if (netOut.capacity() < engine.getSession().getPacketBufferSize()) {
                    netOut = ByteBuffer.allocate(engine.getSession().getPacketBufferSize()).flip();
                }
            }
            default -> { }
        }
        if (result.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.NEED_TASK) {
            runTasks();
        }
        flushBlocking();
        return result.bytesConsumed();
    }

    private void flushBlocking() throws IOException {
        while (netOut.hasRemaining()) {
            channel.write(netOut);
        }
    }

    static boolean remaining(ByteBuffer[] srcs, int offset, int length) {
        for (int i = offset; i < offset + length; i++) {
            if (srcs[i].hasRemaining()) {
                return true;
            }
        }
        return false;
    }

    /** Sends close_notify (the caller sets the write deadline), before the server's FIN. */
    void closeOutbound() throws IOException {
        if (engine == null || engine.isOutboundDone()) {
            return;
        }
        wrapLock.lock();
        try {
            engine.closeOutbound();
            while (!engine.isOutboundDone()) {
                wrapAndFlush(NOTHING, 0, 1);
            }
        } finally {
            wrapLock.unlock();
        }
    }

    /**
     * The stream's writes from here on, non-blocking, for the broker. What the client sends later is not
     * decrypted (a subscriber has nothing to say): the broker's watcher counts it as junk and notices FIN and RST.
     */
    TlsSinkWriter sinkWriter() {
        netIn = null;
        appIn = null;
        ByteBuffer left = netOut;
        netOut = null;
        return new TlsSinkWriter(channel, engine, left);
    }

    @Override
    public boolean isOpen() {
        return channel.isOpen();
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
