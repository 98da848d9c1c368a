package herald.server.broker;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;

/**
 * One SSE stream after its response head was sent: a {@link SubscriberSink}, cursors into topic logs, and a
 * small state machine. An idle subscriber holds no thread, no read buffer and no queue; it is written to by
 * {@link Dispatcher} threads (through {@link SinkWriter}, the write path all kinds share) and told by its sink
 * when the peer left or the sink can take bytes again ({@link SubscriberSink.Events}).
 *
 * <p><b>Assumptions.</b> {@link #offer} runs on dispatcher threads, {@link #close} on any thread, the sink's
 * events on the transport's threads. <b>Guarantees.</b> At most one thread runs {@link #writeAvailable} at a time
 * (the one that moved the state from IDLE or WAITING to RUNNING); an offer during a run is not lost (RUNNING
 * becomes AGAIN and the runner goes round once more); a WAITING subscriber asked its sink for one
 * {@link #writable()} and writes nothing until then; a closed subscriber is never written to again, has left its
 * topics and has closed its sink, once; after {@link #endAfterDrain} it writes everything up to the log's head,
 * then its last bytes (the shutdown event), then closes.
 *
 * <pre>
 *   IDLE --offer--> RUNNING --done--> IDLE        RUNNING --offer--> AGAIN --done--> RUNNING (once more)
 *   RUNNING --sink full--> WAITING --writable--> RUNNING        any --close--> CLOSED
 * </pre>
 */
abstract class Subscriber extends SinkWriter implements Runnable, SubscriberSink.Events {
    static final int IDLE = 0;
    static final int RUNNING = 1;
    static final int AGAIN = 2;
    static final int WAITING = 3;
    static final int CLOSED = 4;

    private static final VarHandle STATE;
    private static final VarHandle END_CLAIMED;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(Subscriber.class, "state", int.class);
            END_CLAIMED = MethodHandles.lookup().findVarHandle(Subscriber.class, "endClaimed", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private volatile int state;
    private volatile boolean ending;        // set once by a stopping broker: end when all is written
    private volatile boolean endClaimed;    // the first endAfterDrain call took it
    private ByteBuffer last;                // written by that call before ending, read by the writer after ending
    private long blockedSinceNanos;         // when the sink last filled up; written before the move to WAITING
    final long attachedTick;                // when the stream was handed to the broker
    long expiresAtMillis;                   // 0: never; written before the topics publish it (Broker.attach)

    /**
     * @param batchBuffers the most buffers one batch of this kind holds
     * @param counted      false for a stream of Herald's own topics only: it counts in no delivery figure
     */
    Subscriber(SubscriberSink sink, Broker broker, int batchBuffers, boolean counted) {
        super(sink, broker, batchBuffers, counted);
        this.attachedTick = lastWriteTick();
    }

    /** Something may be new to write (a publish, a heartbeat): write it now unless another thread is. */
    final void offer(DeliveryScratch scratch) {
        while (true) {
            int s = state;
            if (s == IDLE) {
                if (STATE.compareAndSet(this, IDLE, RUNNING)) {
                    drain(scratch);
                    return;
                }
            } else if (s == RUNNING) {
                if (STATE.compareAndSet(this, RUNNING, AGAIN)) {
                    return;
                }
            } else {
                if (s == WAITING && overtaken()) {
                    cutOff(CutoffDiagnostics.OFFER_WAITING);   // it cannot catch up: free its sink and memory now
                }
                return;                            // AGAIN, WAITING (the sink resumes it) or CLOSED
            }
        }
    }

    /** Queued as a dispatcher task: resumes a subscriber whose sink became writable, or offers. */
    @Override
    public final void run() {
        run(Dispatcher.scratch());
    }

    /** {@link #run()} with a given scratch: tests drive a subscriber from their own thread. */
    final void run(DeliveryScratch scratch) {
        if (state == WAITING && STATE.compareAndSet(this, WAITING, RUNNING)) {
            drain(scratch);
        } else {
            offer(scratch);
        }
    }

    /** The sink can take bytes again (transport thread): resume on a dispatcher thread. */
    @Override
    public final void writable() {
        broker.dispatcher().execute(this);
    }

    /** The peer left, reset or misbehaved (transport thread). */
    @Override
    public final void gone() {
        close(CloseReason.CLIENT_GONE);
    }

    private void drain(DeliveryScratch scratch) {
        while (true) {
            boolean end = ending;                   // read before the pass: every event accepted before the stop
            int result;                             // is in the log by then, so this pass writes all of them
            try {
                result = writeAvailable(scratch);
            } catch (IOException e) {
                close(CloseReason.CLIENT_GONE);
                return;
            } finally {
                scratch.clearGather(gatherSlots());
            }
            if (result == CUT_OFF) {
                cutOff(CutoffDiagnostics.DRAIN_OVERTAKEN);
                return;
            }
            if (result == BLOCKED) {
                blockedSinceNanos = System.nanoTime();     // once per full sink, not per event
                if (moveFromRunning(WAITING)) {
                    sink.requestWritable();
                    if (overtaken()) {                     // the log passed it while it wrote: no offer may come
                        cutOff(CutoffDiagnostics.BLOCKED_OVERTAKEN);   // again to notice (offer checks only when a publish does)
                    }
                }
                return;
            }
            if (result == YIELD) {
                if (moveFromRunning(IDLE)) {
                    broker.dispatcher().execute(this);
                }
                return;
            }
            if (ending && !end) {
                continue;                           // the stop came during the pass: once more, to be sure
            }
            if (end) {                              // everything published before the stop is written
                int lastResult;
                try {
                    lastResult = writeLast(scratch, last);   // the shutdown event, resumed exactly if cut short
                } catch (IOException e) {
                    close(CloseReason.CLIENT_GONE);
                    return;
                } finally {
                    scratch.gather[0] = null;
                }
                if (lastResult == BLOCKED) {
                    blockedSinceNanos = System.nanoTime();
                    if (moveFromRunning(WAITING)) {
                        sink.requestWritable();
                    }
                    return;
                }
                close(CloseReason.SHUTDOWN);
                return;
            }
            if (STATE.compareAndSet(this, RUNNING, IDLE)) {
                return;
            }
            if (!STATE.compareAndSet(this, AGAIN, RUNNING)) {
                return;                             // closed meanwhile
            }
        }
    }

    /** RUNNING or AGAIN to {@code next}; false when the subscriber was closed meanwhile. */
    private boolean moveFromRunning(int next) {
        while (true) {
            int s = state;
            if (s == CLOSED) {
                return false;
            }
            if (STATE.compareAndSet(this, s, next)) {
                return true;
            }
        }
    }

    /**
     * The last sequence of {@code topic} this subscriber has taken (written, or in the batch being written): it
     * needs the events after it. Read by publishers deciding on push-back, racily by design: a stale value is
     * lower than the true one, which only makes push-back more careful.
     */
    abstract long positionIn(Topic topic);

    /**
     * Whether its sink has been full, with nothing taken, since before {@code stalledBefore} (a {@link System#nanoTime}
     * value): such a subscriber has stopped reading, and push-back does not wait for it (it is cut off instead).
     */
    final boolean stalledSince(long stalledBefore) {
        return state == WAITING && blockedSinceNanos - stalledBefore < 0;
    }

    /** Ends a stream the log has passed; {@code rule} says where, for {@link CutoffDiagnostics} when it is on. */
    private void cutOff(int rule) {
        if (CutoffDiagnostics.ENABLED) {
            CutoffDiagnostics.cutOff(this, rule, broker);
        }
        close(CloseReason.CUT_OFF);
    }

    /** How long its sink has been full with nothing taken ({@link CutoffDiagnostics}), or -1 when not WAITING. */
    final long blockedForNanos(long now) {
        return state == WAITING ? now - blockedSinceNanos : -1;
    }

    /** While WAITING: whether the next event it needs has left the log, so it can never catch up. */
    abstract boolean overtaken();

    /** Removes this subscriber from its topics. */
    abstract void detach();

    /** Records the shard of {@code topic} this subscriber was added to (under the topic's lock). */
    abstract void joined(Topic topic, Shard shard);

    /** The shard of {@code topic} this subscriber was added to, or null (read under the topic's lock). */
    abstract Shard shardIn(Topic topic);

    /**
     * The broker is stopping and accepts no more events: write everything up to the log's head, then
     * {@code lastBytes} (the shutdown event; null for none), then end the stream. Any thread; the first call wins
     * (a stream of several topics is met once per topic).
     */
    final void endAfterDrain(ByteBuffer lastBytes) {
        if (endClaimed || !END_CLAIMED.compareAndSet(this, false, true)) {
            return;
        }
        last = lastBytes;
        ending = true;                              // publishes last to the writer, which reads ending first
        broker.dispatcher().execute(this);
    }

    final boolean isClosed() {
        return state == CLOSED;
    }

    /** Ends the stream: leaves the topics, closes the sink. Idempotent; any thread. */
    final void close(CloseReason reason) {
        if ((int) STATE.getAndSet(this, CLOSED) == CLOSED) {
            return;
        }
        detach();
        broker.subscriberClosed(this, reason);
    }

    enum CloseReason {
        CLIENT_GONE, CUT_OFF, TOPIC_DELETED, SHUTDOWN, MAX_AGE, EXPIRED, RESYNC
    }
}
