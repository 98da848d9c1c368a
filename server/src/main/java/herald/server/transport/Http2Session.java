package herald.server.transport;

// Longer than ~300 lines on purpose: the read loop, the writer thread, the output batch and the stream table share
// one lock and one state machine; split, each part would need all of them.

import herald.protocol.http2.ErrorCode;
import herald.protocol.http2.FrameBatch;
import herald.protocol.http2.HpackBlockDecoder;
import herald.protocol.http2.Http2Connection;
import herald.protocol.http2.Http2Limit;
import herald.protocol.http2.Http2Listener;
import herald.protocol.http2.RequestHeaders;
import herald.protocol.hpack.HpackEncoder;
import herald.server.exchange.Permit;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.GatheringByteChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One HTTP/2 connection (h2 over TLS, or h2c with prior knowledge): {@link Http2Connection} driven over a socket.
 *
 * <p><b>Threads.</b> The connection's virtual thread reads: read, {@code receive}, repeat. A writer virtual thread
 * sends what the others framed. Each request stream runs its route on a virtual thread of its own
 * ({@link Http2Exchange}); a subscription becomes an {@link Http2Sink} written by the broker's dispatcher threads.
 * <b>Assumptions.</b> One lock covers the state machine, the HPACK encoder, the stream table and the output batch;
 * it is never held across a socket call. <b>Guarantees.</b> Frames enter the output batch whole, in the order they
 * were framed (a frame is never interleaved with another); HPACK blocks are encoded and framed under the same lock
 * hold, so the client's decoder sees them in encoding order. The output is a {@link FrameBatch}: frames framed in
 * place, and the DATA payloads of subscriptions referenced in the broker's log memory (never copied). The writer
 * swaps the filled batch for an empty one and writes it with one gathering write (or a few, when the socket takes
 * part) outside the lock, within {@code writeTimeout}; then, under the lock, clears it, which frees the payload views
 * it held. Listener events for sinks ({@code writable}, {@code gone}) are fired after the lock is released.
 *
 * <p>Deadlines ({@link Watchdog}): no stream and no unacknowledged SETTINGS, the {@code idleTimeout}; Herald's SETTINGS
 * not acknowledged, the {@code headTimeout}, then GOAWAY SETTINGS_TIMEOUT; each socket write, the
 * {@code writeTimeout}. Shutdown ({@link Http2Sessions#goAwayAll}): GOAWAY, open streams finish (subscriptions got
 * their {@code herald-shutdown} event from the broker and ended), then the connection closes.
 */
final class Http2Session implements Http2Listener {
    private static final System.Logger LOG = System.getLogger(Http2Session.class.getName());
    /**
     * Bytes of frames that wait for the writer, at most, per batch (two per connection: one filling, one being
     * written), framed or referenced. The framed bytes start at {@link #FIRST_OUTPUT_BYTES} of direct memory and
     * double when a frame does not fit, so an idle connection holds little.
     */
    static final int OUTPUT_BYTES = 32 * 1024;
    /** Referenced DATA payloads per batch, at most: with the bytes between them, at most 257 buffers per write. */
    static final int OUTPUT_REFERENCES = 128;
    private static final int FIRST_OUTPUT_BYTES = 2 * 1024;
    private static final int READ_BYTES = 4 * 1024;       // the frame reader keeps a frame split across reads
    private static final long LINGER_NANOS = TimeUnit.SECONDS.toNanos(2);
    private static final long LINGER_MAX_BYTES = 1L << 20;

    private final SocketChannel channel;
    private final ReadableByteChannel reader;
    private final GatheringByteChannel writer;
    private final TlsChannel tls;
    private final Permit permit;
    final Connection.Shared shared;
    final Http2Sessions sessions;
    private final Watchdog.Guarded guard;
    final ReentrantLock lock = new ReentrantLock();
    /** Signalled whenever output room, a send window, a body or a stream's state changed. */
    final Condition changed = lock.newCondition();
    final Http2Connection h2;
    final HpackEncoder encoder = new HpackEncoder(4_096);
    private FrameBatch out = newBatch();                                  // filling; under the lock
    private FrameBatch sending = newBatch();                              // the writer's; cleared under the lock
    private final ByteBuffer in;
    private final Map<Integer, Http2Exchange> streams = new HashMap<>();  // under the lock
    private final List<Http2Sink> wantRoom = new ArrayList<>();           // sinks waiting for output room
    private final List<Http2Sink> fireWritable = new ArrayList<>();       // events to fire after unlock
    private final List<Http2Sink> fireGone = new ArrayList<>();
    private boolean ended;                                               // reader done: no more frames framed
    private boolean writerDone;
    private Thread writerThread;

    Http2Session(SocketChannel channel, ReadableByteChannel reader, GatheringByteChannel writer, TlsChannel tls,
                 Permit permit, Connection.Shared shared, Http2Sessions sessions, Watchdog.Guarded guard,
                 ByteBuffer firstBytes) {
        this.channel = channel;
        this.reader = reader;
        this.writer = writer;
        this.tls = tls;
        this.permit = permit;
        this.shared = shared;
        this.sessions = sessions;
        this.guard = guard;
        this.in = ByteBuffer.allocate(Math.max(READ_BYTES, firstBytes.remaining()));
        in.put(firstBytes).flip();
        this.h2 = new Http2Connection(sessions.limits(), new HpackBlockDecoder(sessions.limits()), this);
    }

    private static FrameBatch newBatch() {
        return new FrameBatch(FIRST_OUTPUT_BYTES, OUTPUT_BYTES, OUTPUT_REFERENCES);
    }

    /** Serves the connection on the calling thread until it ends; closes the channel and releases the permit. */
    void run() {
        sessions.opened(this);
        writerThread = Thread.ofVirtual().name("herald-h2-writer").start(this::writeLoop);
        try {
            receive();                                    // the preface (and more) read before the hand-over
            while (!isDone()) {
                setReadDeadline();
                in.compact();
                int n;
                try {
                    n = reader.read(in);
                } finally {
                    in.flip();
                }
                if (n < 0) {
                    if (guard.headTimedOut()) {
                        settingsTimedOut();
                    }
                    break;
                }
                receive();
            }
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "h2 connection ended: " + e);
        } catch (RuntimeException e) {
            LOG.log(Level.ERROR, "h2 connection failed", e);
        } finally {
            end();
        }
    }

    private boolean isDone() {
        lock.lock();
        try {
            return h2.isClosed() || h2.isFinished();
        } finally {
            lock.unlock();
        }
    }

    private void setReadDeadline() {
        lock.lock();
        try {
            if (h2.awaitingSettingsAck()) {
                guard.phase(Watchdog.Phase.HEAD, shared.timeouts().headNanos());
            } else {
                idleDeadline();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Under the lock: the idle deadline runs while no stream is open. */
    private void idleDeadline() {
        if (streams.isEmpty() && !h2.awaitingSettingsAck()) {
            guard.phase(Watchdog.Phase.IDLE, shared.timeouts().idleNanos());
        } else if (!h2.awaitingSettingsAck()) {
            guard.endPhase();
        }
    }

    private void settingsTimedOut() {
        lock.lock();
        try {
            h2.settingsTimeout();
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        fireEvents();
    }

    private void receive() {
        lock.lock();
        try {
            h2.receive(in);
            encoder.peerMaxTableSize(h2.peerSettings().headerTableBytes());
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        fireEvents();
    }

    // ---- output -------------------------------------------------------------------------------------------------

    /**
     * Under the lock: moves the state machine's queued frames into the output batch and tells whether
     * {@code frameBytes} more fit after them (a frame of the transport's own goes in only after every queued one).
     */
    boolean room(int frameBytes) {
        drainQueued();
        return !h2.hasOutput() && out.ensureBytes(frameBytes);
    }

    /**
     * Under the lock: the DATA payload bytes that fit in the output now to be copied, trying to make room for
     * {@code wanted} (0: none fits, not even a one-byte frame).
     */
    int dataRoom(long wanted) {
        if (!room(10)) {
            return 0;
        }
        out.ensureBytes((int) Math.min(wanted + 9, out.room()));
        return Math.min(out.bytes().remaining(), out.room()) - 9;
    }

    /** Under the lock: the state machine's queued frames into the output, as many bytes as fit. */
    private void drainQueued() {
        if (h2.hasOutput()) {
            int n = Math.min(h2.outputBytes(), out.room());
            if (n > 0 && out.ensureBytes(n)) {
                ByteBuffer bytes = out.bytes();
                int limit = bytes.limit();
                bytes.limit(bytes.position() + n);
                h2.drainOutput(bytes);
                bytes.limit(limit);
            }
        }
    }

    /** Under the lock: the output's framed bytes, positioned to append a frame after {@link #room} said it fits. */
    ByteBuffer output() {
        return out.bytes();
    }

    /** Under the lock: the output batch, for DATA frames that reference their payload. */
    FrameBatch batch() {
        return out;
    }

    /** Under the lock: frames were appended or queued; wake the writer. */
    void framed() {
        drainQueued();
        changed.signalAll();
    }

    /** Under the lock: a sink that could not write asks to be told when output room frees up. */
    void awaitRoom(Http2Sink sink) {
        if (!wantRoom.contains(sink)) {
            wantRoom.add(sink);
        }
    }

    private void writeLoop() {
        try {
            while (true) {
                int count;
                lock.lock();
                try {
                    sending.clear();                    // written: its payload views are free again
                    while (true) {
                        drainQueued();
                        if (!out.isEmpty()) {
                            break;
                        }
                        if (ended || h2.isClosed() || h2.isFinished()) {
                            return;                     // everything framed was sent
                        }
                        if (!wantRoom.isEmpty()) {      // waiting for views the cleared batch held
                            fireWritable.addAll(wantRoom);
                            wantRoom.clear();
                            break;
                        }
                        changed.await();
                    }
                    FrameBatch filled = out;
                    out = sending;
                    sending = filled;
                    changed.signalAll();                // room again for blocked stream threads
                    fireWritable.addAll(wantRoom);
                    wantRoom.clear();
                    count = sending.gather();
                } finally {
                    lock.unlock();
                }
                fireEvents();
                if (count == 0) {
                    continue;                           // woke sinks only
                }
                writeAll(sending.gathered(), count);
            }
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "h2 write failed: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            boolean readerBlocked;
            lock.lock();
            try {
                writerDone = true;
                readerBlocked = !ended;
                changed.signalAll();
            } finally {
                lock.unlock();
            }
            if (readerBlocked) {
                try {
                    channel.shutdownInput();            // the reader's blocked read ends
                } catch (IOException e) {
                    LOG.log(Level.DEBUG, "h2 shutdown input: " + e);
                }
            }
        }
    }

    /** Writes {@code buffers[0..count)} whole, gathering, within one {@code writeTimeout}. */
    private void writeAll(ByteBuffer[] buffers, int count) throws IOException {
        guard.writeDeadlineIn(shared.timeouts().writeNanos());
        try {
            int from = 0;
            while (from < count) {
                writer.write(buffers, from, count - from);
                while (from < count && !buffers[from].hasRemaining()) {
                    from++;
                }
            }
        } finally {
            guard.writeDone();
        }
    }

    /** Under the lock: whether the writer can no longer send (stream threads stop waiting). */
    boolean writerGone() {
        return writerDone;
    }

    // ---- streams ------------------------------------------------------------------------------------------------

    /** Under the lock: the stream left the table (answered, reset, or its sink closed). */
    void remove(int streamId) {
        if (streams.remove(streamId) != null) {
            idleDeadline();
        }
    }

    /** Under the lock: {@code sink} is told writable once the lock is released. */
    void deferWritable(Http2Sink sink) {
        fireWritable.add(sink);
    }

    /** Fires the sink events collected under the lock; never call with the lock held. */
    void fireEvents() {
        Http2Sink[] writable;
        Http2Sink[] gone;
        lock.lock();
        try {
            if (fireWritable.isEmpty() && fireGone.isEmpty()) {
                return;
            }
            writable = fireWritable.toArray(new Http2Sink[0]);
            gone = fireGone.toArray(new Http2Sink[0]);
            fireWritable.clear();
            fireGone.clear();
        } finally {
            lock.unlock();
        }
        for (Http2Sink sink : gone) {
            sink.gone();
        }
        for (Http2Sink sink : writable) {
            sink.writable();
        }
    }

    @Override
    public void onRequest(int streamId, RequestHeaders request, boolean endStream) {
        Http2Exchange exchange = new Http2Exchange(this, streamId, permit, request, endStream);
        streams.put(streamId, exchange);
        idleDeadline();
        sessions.metrics().h2Streams.increment();
        shared.metrics().requests.increment();
        Thread.ofVirtual().name("herald-h2-stream").start(exchange);
    }

    @Override
    public void onRequestRejected(int streamId, int status, String reason) {
        Http2Exchange exchange = new Http2Exchange(this, streamId, permit, null, true);
        streams.put(streamId, exchange);
        idleDeadline();
        sessions.metrics().h2Streams.increment();
        exchange.rejectWith(status, reason);
        Thread.ofVirtual().name("herald-h2-stream").start(exchange);
    }

    @Override
    public void onData(int streamId, ByteBuffer data, boolean endStream) {
        Http2Exchange exchange = streams.get(streamId);
        if (exchange != null) {
            int n = data.remaining();
            exchange.bodyBytes(data, endStream);
            h2.consumed(streamId, n);                     // buffered (bounded by maxBodyBytes) or discarded
        }
        changed.signalAll();
    }

    @Override
    public void onStreamReset(int streamId, ErrorCode code) {
        Http2Exchange exchange = streams.remove(streamId);
        if (exchange != null) {
            exchange.resetByPeer();
            if (exchange.sink() != null) {
                fireGone.add(exchange.sink());
            }
            idleDeadline();
        }
        changed.signalAll();
    }

    @Override
    public void onSendWindowOpened(int streamId) {
        if (streamId == 0) {
            for (Http2Exchange exchange : streams.values()) {
                if (exchange.sink() != null && exchange.sink().waiting()) {
                    fireWritable.add(exchange.sink());
                }
            }
        } else {
            Http2Exchange exchange = streams.get(streamId);
            if (exchange != null && exchange.sink() != null && exchange.sink().waiting()) {
                fireWritable.add(exchange.sink());
            }
        }
        changed.signalAll();
    }

    @Override
    public void onGoAway(int lastStreamId, ErrorCode code) {
        changed.signalAll();
    }

    @Override
    public void onConnectionError(ErrorCode code, String reason) {
        LOG.log(Level.DEBUG, "h2 connection error " + code + ": " + reason);
        goneAll();
        changed.signalAll();
    }

    @Override
    public void onLimitExceeded(Http2Limit limit) {
        sessions.metrics().recordH2Limit(limit);
    }

    /** Under the lock: every stream ends with the connection. */
    private void goneAll() {
        for (Http2Exchange exchange : streams.values()) {
            exchange.resetByPeer();
            if (exchange.sink() != null) {
                fireGone.add(exchange.sink());
            }
        }
        streams.clear();
    }

    /** Starts a graceful shutdown: GOAWAY; the connection ends when its streams did. */
    void goAway() {
        lock.lock();
        try {
            h2.goAway();
            framed();
        } finally {
            lock.unlock();
        }
    }

    private void end() {
        lock.lock();
        try {
            ended = true;
            guard.endPhase();
            goneAll();
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        fireEvents();
        try {
            writerThread.join(TimeUnit.NANOSECONDS.toMillis(shared.timeouts().writeNanos()) + 1_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            if (tls != null && channel.isOpen()) {
                guard.writeDeadlineIn(shared.timeouts().writeNanos());     // close_notify, still watched
                tls.closeOutbound();
            }
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "h2 TLS close: " + e);
        } finally {
            guard.writeDone();
        }
        linger();
        shared.watchdog().release(guard);
        try {
            channel.close();
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "closing h2 connection", e);
        }
        sessions.closed(this);
        permit.release();
    }

    /**
     * After the last frame (a GOAWAY): FIN, then what the client still sends is read and dropped until it closes,
     * for {@link #LINGER_NANOS} and {@link #LINGER_MAX_BYTES} at most. Closing with unread bytes would make the
     * kernel send a reset, which can destroy the GOAWAY before the client read it (a flood stopped mid-way).
     */
    private void linger() {
        if (!channel.isOpen() || guard.expired()) {
            return;
        }
        try {
            channel.shutdownOutput();
            guard.phase(Watchdog.Phase.LINGER, LINGER_NANOS);   // the watchdog closes it if the client never does
            long discarded = 0;
            while (discarded < LINGER_MAX_BYTES) {
                in.clear();
                int n = channel.read(in);
                if (n < 0) {
                    break;
                }
                discarded += n;
            }
        } catch (IOException e) {
            // the client reset or did not close in time: the GOAWAY went out before either
        } finally {
            guard.endPhase();
        }
    }
}
