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
 * <p>Buffers: record buffers (heap, one TLS record each, 16 KiB + 325) come from the identity's
 * {@link TlsBuffers} for the call that needs them and go back as soon as they hold nothing: {@code netIn}
 * received ciphertext, {@code appIn} decrypted bytes the caller had no room for (a record usually decrypts
 * straight into the caller's buffer), a write's ciphertext only until it is sent. Waiting for the next record
 * with nothing buffered (the handshake's first bytes, a kept connection's next request) reads into a 1 KiB
 * buffer of its own, which holds a typical request's record whole; a larger record moves to a record buffer.
 * So an idle connection holds no record buffer, and a small request takes none. A stream handed to the broker writes through
 * {@link #sinkWriter()} instead.
 *
 * <p>Threads: the connection's thread only, until {@link #sinkWriter()}.
 */
final class TlsChannel implements ByteChannel, GatheringByteChannel {
    private static final ByteBuffer[] NOTHING = {ByteBuffer.allocate(0)};
    /**
     * What a connection with nothing buffered reads into while it waits: a request's record usually fits (a
     * subscribe or a publish), so it is decrypted from here without taking a record buffer.
     */
    private static final int FIRST_BYTES = 1_024;

    private final SocketChannel channel;
    private final TlsContext context;
    private final TlsBuffers buffers;
    private final Metrics metrics;
    private final ByteBuffer first = ByteBuffer.allocate(FIRST_BYTES);
    private SSLEngine engine;               // made at the handshake, on the connection's thread
    private ByteBuffer netIn;               // read mode: first, or a record buffer; null when it held nothing
    private ByteBuffer appIn;               // read mode; null when it held nothing
    private boolean inboundClosed;
    /** Writes and the reads' post-handshake answers share {@code netOut}: HTTP/2 reads and writes on two threads. */
    private final ReentrantLock wrapLock = new ReentrantLock();

    TlsChannel(SocketChannel channel, TlsContext context, Metrics metrics) {
        this.channel = channel;
        this.context = context;
        this.buffers = context.buffers();
        this.metrics = metrics;
    }

    /** The negotiated application protocol (ALPN), "" when none; null before the handshake. */
    String applicationProtocol() {
        return engine == null ? null : engine.getApplicationProtocol();
    }

    /** Whether a record buffer is held (for tests: none between requests). */
    boolean holdsBuffers() {
        return netIn != null && netIn != first || appIn != null;
    }

    private void handshake() throws IOException {
        engine = context.newEngine();
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
        } finally {
            releaseEmpty();
        }
        metrics.tlsHandshakes.increment();
    }

    private void handshakeSteps() throws IOException {
        while (true) {
            switch (engine.getHandshakeStatus()) {
                case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> {
                    releaseEmpty();                 // waiting for the client's next flight holds nothing
                    SSLEngineResult.Status status = netIn == null ? SSLEngineResult.Status.BUFFER_UNDERFLOW
                            : unwrapToAppIn().getStatus();
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
        if (!dst.hasRemaining()) {
            return 0;
        }
        try {
            while (true) {
                if (appIn != null && appIn.hasRemaining()) {
                    return drainAppIn(dst);
                }
                if (inboundClosed) {
                    return -1;
                }
                if (netIn == null) {
                    if (!fill()) {
                        inboundClosed = true;       // a truncation without close_notify reads as a close
                    }
                    continue;
                }
                SSLEngineResult result = engine.unwrap(netIn, dst);
                boolean intoDst = true;
                if (result.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
                    result = unwrapToAppIn();       // the record holds more than dst has room for
                    intoDst = false;
                }
                switch (result.getStatus()) {
                    case BUFFER_UNDERFLOW -> {
                        if (!fill()) {
                            inboundClosed = true;
                        }
                    }
                    case CLOSED -> inboundClosed = true;
                    case OK -> {
                        afterUnwrap(result);
                        if (intoDst && result.bytesProduced() > 0) {
                            return result.bytesProduced();
                        }
                    }
                    case BUFFER_OVERFLOW -> throw new SSLException("a TLS record larger than the application buffer");
                }
                if (appIn != null && appIn.hasRemaining() || inboundClosed) {
                    continue;
                }
                if (netIn != null && !netIn.hasRemaining()) {
                    giveBack(netIn);
                    netIn = null;                   // wait for the next record without a record buffer
                }
            }
        } finally {
            releaseEmpty();
        }
    }

    private int drainAppIn(ByteBuffer dst) {
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

    /** Unwraps one record of {@code netIn} into {@code appIn}, taking a buffer for it when it has none. */
    private SSLEngineResult unwrapToAppIn() throws SSLException {
        appIn = appIn == null ? buffers.take(engine.getSession().getApplicationBufferSize()) : appIn.compact();
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

    /**
     * Reads more ciphertext; false at the end of the stream. With nothing buffered it reads into {@link #first};
     * a record that does not fit moves to a record buffer.
     */
    private boolean fill() throws IOException {
        if (netIn == null) {
            netIn = first.clear();
        } else {
            netIn.compact();
        }
        try {
            if (!netIn.hasRemaining()) {
                netIn = netIn == first ? buffers.take(engine.getSession().getPacketBufferSize()).put(first.flip())
                        : grow(netIn, engine.getSession().getPacketBufferSize());
            }
            return channel.read(netIn) >= 0;
        } finally {
            netIn.flip();
        }
    }

    /** Gives back the record buffers that hold nothing. */
    private void releaseEmpty() {
        if (netIn != null && !netIn.hasRemaining()) {
            giveBack(netIn);
            netIn = null;
        }
        if (appIn != null && !appIn.hasRemaining()) {
            buffers.give(appIn);
            appIn = null;
        }
    }

    private void giveBack(ByteBuffer buffer) {
        if (buffer != first) {
            buffers.give(buffer);
        }
    }

    private ByteBuffer grow(ByteBuffer writeMode, int atLeast) {
        ByteBuffer bigger = ByteBuffer.allocate(Math.max(atLeast, 2 * writeMode.capacity())).put(writeMode.flip());
        buffers.give(writeMode);
        return bigger;
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

    /** One record (or handshake flight) from {@code srcs}, sent before returning, in a buffer held meanwhile. */
    private long wrapAndFlush(ByteBuffer[] srcs, int offset, int length) throws IOException {
        ByteBuffer netOut = buffers.take(engine.getSession().getPacketBufferSize());
        try {
            SSLEngineResult result = engine.wrap(srcs, offset, length, netOut);
            if (result.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {   // the session's records grew
                ByteBuffer small = netOut;
                netOut = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
                buffers.give(small);
                result = engine.wrap(srcs, offset, length, netOut);
            }
            flushBlocking(netOut.flip());
            if (result.getStatus() == SSLEngineResult.Status.CLOSED) {
                throw new ClosedChannelException();
            }
            if (result.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.NEED_TASK) {
                runTasks();
            }
            return result.bytesConsumed();
        } finally {
            buffers.give(netOut);
        }
    }

    private void flushBlocking(ByteBuffer netOut) throws IOException {
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
     * Bytes the client sent after its request are dropped with the buffers.
     */
    TlsSinkWriter sinkWriter() {
        if (netIn != null) {
            giveBack(netIn);
            netIn = null;
        }
        if (appIn != null) {
            buffers.give(appIn);
            appIn = null;
        }
        return new TlsSinkWriter(channel, engine);
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
