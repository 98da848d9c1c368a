package herald.server.broker;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;

/**
 * The one write path of every subscriber: batches of log memory to a {@link SubscriberSink}, without blocking and
 * without copying. It writes the rest of a batch the sink took only part of (exactly from where it stopped), the
 * line feed of a heartbeat whose colon went out alone, new batches within a turn's budget, and a heartbeat when
 * one is due and no event went out. A kind of subscriber only chooses the next batch ({@link #nextBatch}: one topic
 * writes one or two contiguous runs of log memory, several topics write records up to their id line and the
 * stream's own id lines) and moves its cursors once the sink took all of it ({@link #batchWritten}).
 *
 * <p><b>Assumptions.</b> {@link #writeAvailable} runs on one thread at a time ({@link Subscriber}'s state machine
 * sees to it), with that thread's {@link DeliveryScratch}; the buffers of a batch stay valid until it is written
 * (log segments are never reused). <b>Guarantees.</b> No allocation; every byte of a batch is offered to the sink
 * until taken, once; the cursors move only past bytes the sink took.
 */
abstract class SinkWriter {
    /** {@link #writeAvailable} results. */
    static final int DONE = 0;
    static final int BLOCKED = 1;
    static final int YIELD = 2;
    static final int CUT_OFF = 3;

    /** {@link #nextBatch} result: the next event it needs has left the log. */
    static final int OVERTAKEN = -1;

    /** Bytes one subscriber may write in one turn before it yields the dispatcher thread to others. */
    static final int TURN_BYTES = 1 << 20;
    /** Upper bound of one contiguous run handed to write. */
    static final int RUN_BYTES = 256 << 10;

    private static final VarHandle LAST_WRITE_TICK;

    static {
        try {
            LAST_WRITE_TICK = MethodHandles.lookup().findVarHandle(SinkWriter.class, "lastWriteTick", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final SubscriberSink sink;
    final Broker broker;
    volatile boolean heartbeatDue;          // set by the heartbeat timer, cleared by the writer
    private long lastWriteTick;             // written by the writer (opaque), read by the heartbeat timer
    private final ByteBuffer[] pending;     // pending[pendingFrom..pendingTo): a batch the sink took part of
    private int pendingFrom;                // writer thread only, like pendingTo and heartbeatTail
    private int pendingTo;
    private boolean heartbeatTail;          // a heartbeat's colon went out, its line feed not yet
    private boolean lastStarted;            // the stream's last bytes (writeLast) began: nothing else follows
    /** Whether this stream counts in the delivery figures: false for Herald's own topics (the dashboard's). */
    final boolean counted;
    /** When the oldest event of the batch {@link #nextBatch} chose was appended; writer thread only. */
    long batchAppendNanos;

    /**
     * @param batchBuffers the most buffers {@link #nextBatch} puts in one batch
     * @param counted      whether its events, bytes and latencies count in the metrics
     */
    SinkWriter(SubscriberSink sink, Broker broker, int batchBuffers, boolean counted) {
        this.sink = sink;
        this.counted = counted;
        this.broker = broker;
        this.pending = new ByteBuffer[batchBuffers];
        this.lastWriteTick = broker.tick();
    }

    /**
     * Puts the next batch into {@code scratch.gather[0..n)}: log memory (and, for several topics, this stream's
     * id lines) positioned on what to write, and remembers where the cursors will be once all of it is written,
     * and in {@link #batchAppendNanos} when its oldest event was appended.
     *
     * @return n, the buffer count (at most {@code batchBuffers}); 0 when nothing is new; {@link #OVERTAKEN}
     */
    abstract int nextBatch(DeliveryScratch scratch);

    /**
     * The sink took all of the last batch: moves the cursors past it and counts its events in
     * {@code scratch.events}. Returns whether more may be readable right away.
     */
    abstract boolean batchWritten(DeliveryScratch scratch);

    /** How many slots of the scratch gather array {@link #writeAvailable} may fill. */
    final int gatherSlots() {
        return Math.min(pending.length + 1, DeliveryScratch.MAX_GATHER);   // + the line feed of a heartbeat
    }

    /**
     * Writes what is available without blocking.
     *
     * @return {@link #DONE}, {@link #BLOCKED} (sink full, bytes pending), {@link #YIELD} (turn budget used,
     *         more to write) or {@link #CUT_OFF} (the log's retained window passed the cursor; nothing written)
     * @throws IOException from the sink: the peer is gone
     */
    final int writeAvailable(DeliveryScratch scratch) throws IOException {
        if ((heartbeatTail || pendingTo > pendingFrom) && !writePending(scratch)) {
            return BLOCKED;
        }
        if (lastStarted) {
            return DONE;                            // the stream's last bytes are under way: see writeLast
        }
        ByteBuffer[] gather = scratch.gather;
        boolean wroteEvents = false;
        long budget = TURN_BYTES;
        while (true) {
            int n = nextBatch(scratch);
            if (n == OVERTAKEN) {
                return CUT_OFF;
            }
            if (n == 0) {
                break;
            }
            long written = write(scratch, n);
            if (gather[n - 1].hasRemaining()) {
                keepPending(gather, n);
                if (written > 0) {
                    wrote();
                }
                return BLOCKED;
            }
            wrote();
            if (counted) {
                scratch.recordLatency(batchAppendNanos);   // once per batch, not per event or per buffer
            }
            wroteEvents = true;
            budget -= written;
            if (!batchWritten(scratch)) {
                break;                              // nothing newer yet: its publish will offer us again
            }
            if (budget <= 0) {
                return YIELD;
            }
        }
        if (!wroteEvents && heartbeatDue) {
            return writeHeartbeat(scratch);
        }
        return DONE;
    }

    /**
     * Writes the stream's last bytes (the shutdown event), after everything {@link #writeAvailable} wrote and
     * through the same sink; called again after a {@link #BLOCKED} it resumes exactly where the sink stopped.
     * Once begun, {@link #writeAvailable} writes nothing more (no event, no heartbeat) except a pending batch.
     *
     * @param last the bytes, positioned on what is left to write; null for none
     * @return {@link #DONE} when all of it is written, {@link #BLOCKED} when the sink is full
     * @throws IOException from the sink: the peer is gone
     */
    final int writeLast(DeliveryScratch scratch, ByteBuffer last) throws IOException {
        if (last == null || !last.hasRemaining()) {
            return DONE;
        }
        lastStarted = true;
        scratch.gather[0] = last;
        if (write(scratch, 1) > 0) {
            wrote();
        }
        return last.hasRemaining() ? BLOCKED : DONE;
    }

    /** Keeps the buffers of a batch that still have bytes, for the next turn. */
    private void keepPending(ByteBuffer[] gather, int n) {
        int first = 0;
        while (!gather[first].hasRemaining()) {
            first++;
        }
        System.arraycopy(gather, first, pending, 0, n - first);
        pendingFrom = 0;
        pendingTo = n - first;
    }

    /** Writes the line feed of a half-written heartbeat and the pending batch; false when bytes are left. */
    private boolean writePending(DeliveryScratch scratch) throws IOException {
        ByteBuffer[] gather = scratch.gather;
        boolean batch = pendingTo > pendingFrom;
        int n = 0;
        if (heartbeatTail) {
            gather[n++] = scratch.newline();
        }
        for (int i = pendingFrom; i < pendingTo; i++) {
            gather[n++] = pending[i];
        }
        write(scratch, n);
        heartbeatTail = heartbeatTail && gather[0].hasRemaining();
        if (gather[n - 1].hasRemaining()) {
            while (pendingFrom < pendingTo && !pending[pendingFrom].hasRemaining()) {
                pendingFrom++;
            }
            return false;
        }
        wrote();
        if (batch) {
            for (int i = pendingFrom; i < pendingTo; i++) {
                pending[i] = null;
            }
            pendingFrom = 0;
            pendingTo = 0;
            if (counted) {
                scratch.recordLatency(batchAppendNanos);
            }
            batchWritten(scratch);
        }
        return true;
    }

    private int writeHeartbeat(DeliveryScratch scratch) throws IOException {
        ByteBuffer heartbeat = scratch.heartbeat();
        scratch.gather[0] = heartbeat;
        if (write(scratch, 1) == 0) {
            return BLOCKED;                         // full sink: nothing is half-written, just wait
        }
        scratch.heartbeats++;
        wrote();
        heartbeatTail = heartbeat.hasRemaining();
        return heartbeatTail ? BLOCKED : DONE;
    }

    private long write(DeliveryScratch scratch, int n) throws IOException {
        long written = sink.write(scratch.gather, 0, n);
        scratch.writes++;
        if (counted) {
            scratch.bytes += written;
        }
        return written;
    }

    /** When this subscriber last wrote, in broker ticks (opaque read, for the heartbeat timer). */
    final long lastWriteTick() {
        return (long) LAST_WRITE_TICK.getOpaque(this);
    }

    /** Marks one write: the heartbeat timer measures idleness from here. */
    private void wrote() {
        LAST_WRITE_TICK.setOpaque(this, broker.tick());   // read only by the heartbeat timer: no fence needed
        if (heartbeatDue) {
            heartbeatDue = false;
        }
    }
}
