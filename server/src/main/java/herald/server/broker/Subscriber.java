package herald.server.broker;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;

/**
 * One SSE stream after its response head was sent: a non-blocking channel, cursors into topic logs, and a
 * small state machine. An idle subscriber holds no thread, no read buffer and no queue; it is written to by
 * {@link Dispatcher} threads and watched for FIN/RST by a {@link Watcher}.
 *
 * <p><b>Assumptions.</b> {@link #offer} runs on dispatcher threads, {@link #close} on any thread.
 * <b>Guarantees.</b> At most one thread runs {@link #writeAvailable} at a time (the one that moved the state
 * from IDLE or WAITING to RUNNING); an offer during a run is not lost (RUNNING becomes AGAIN and the runner
 * goes round once more); a closed subscriber is never written to again.
 *
 * <pre>
 *   IDLE --offer--> RUNNING --done--> IDLE        RUNNING --offer--> AGAIN --done--> RUNNING (once more)
 *   RUNNING --socket full--> WAITING --writable--> RUNNING        any --close--> CLOSED
 * </pre>
 */
abstract class Subscriber implements Runnable {
    static final int IDLE = 0;
    static final int RUNNING = 1;
    static final int AGAIN = 2;
    static final int WAITING = 3;
    static final int CLOSED = 4;

    /** {@link #writeAvailable} results. */
    static final int DONE = 0;
    static final int BLOCKED = 1;
    static final int YIELD = 2;
    static final int GONE = 3;

    /** Bytes one subscriber may write in one turn before it yields the dispatcher thread to others. */
    static final int TURN_BYTES = 1 << 20;
    /** Upper bound of one contiguous run handed to write. */
    static final int RUN_BYTES = 256 << 10;

    private static final VarHandle STATE;
    private static final VarHandle LAST_WRITE_TICK;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(Subscriber.class, "state", int.class);
            LAST_WRITE_TICK = MethodHandles.lookup().findVarHandle(Subscriber.class, "lastWriteTick", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final SocketChannel channel;
    final Broker broker;
    private volatile int state;
    private SelectionKey key;               // set once by attach, before the first offer
    volatile boolean heartbeatDue;          // set by the heartbeat timer, cleared by the writer
    private volatile boolean ending;        // set once by a stopping broker: end when all is written
    private long lastWriteTick;             // written by the writer (opaque), read by the heartbeat timer
    final long attachedTick;                // when the stream was handed to the broker
    int junkBytes;                          // bytes the client sent after its request; watcher thread only

    Subscriber(SocketChannel channel, Broker broker) {
        this.channel = channel;
        this.broker = broker;
        this.lastWriteTick = broker.tick();
        this.attachedTick = lastWriteTick;
    }

    void attached(SelectionKey key) {
        this.key = key;
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
                    close(CloseReason.CUT_OFF);   // it cannot catch up: free its socket and memory now
                }
                return;                            // AGAIN, WAITING (the watcher resumes it) or CLOSED
            }
        }
    }

    /** Queued as a dispatcher task: resumes a subscriber whose socket became writable, or offers. */
    @Override
    public final void run() {
        DeliveryScratch scratch = Dispatcher.scratch();
        if (state == WAITING && STATE.compareAndSet(this, WAITING, RUNNING)) {
            drain(scratch);
        } else {
            offer(scratch);
        }
    }

    private void drain(DeliveryScratch scratch) {
        while (true) {
            int result;
            try {
                result = writeAvailable(scratch);
            } catch (IOException e) {
                close(CloseReason.CLIENT_GONE);
                return;
            } finally {
                scratch.clearGather(gatherSlots());
            }
            if (result == GONE) {
                return;
            }
            if (result == BLOCKED) {
                if (moveFromRunning(WAITING)) {
                    broker.watcherOf(this).wantWritable(key);
                }
                return;
            }
            if (result == YIELD) {
                if (moveFromRunning(IDLE)) {
                    broker.dispatcher().execute(this);
                }
                return;
            }
            if (ending) {
                close(CloseReason.SHUTDOWN);        // everything published before the stop is written
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
     * Writes what is available without blocking.
     *
     * @return {@link #DONE}, {@link #BLOCKED} (socket full, bytes pending), {@link #YIELD} (turn budget used,
     *         more to write) or {@link #GONE} (closed, e.g. cut off)
     */
    abstract int writeAvailable(DeliveryScratch scratch) throws IOException;

    /** How many slots of the scratch gather array {@link #writeAvailable} may fill. */
    abstract int gatherSlots();

    /** While WAITING: whether the next event it needs has left the log, so it can never catch up. */
    abstract boolean overtaken();

    /** Removes this subscriber from its topics. */
    abstract void detach();

    /** Records the shard of {@code topic} this subscriber was added to (under the topic's lock). */
    abstract void joined(Topic topic, Shard shard);

    /** The shard of {@code topic} this subscriber was added to, or null (read under the topic's lock). */
    abstract Shard shardIn(Topic topic);

    /**
     * The broker is stopping and accepts no more events: write everything up to the log's head, then end the
     * stream. Any thread.
     */
    final void endAfterDrain() {
        if (!ending) {                              // a stream of several topics is met once per topic
            ending = true;
            broker.dispatcher().execute(this);
        }
    }

    final boolean isClosed() {
        return state == CLOSED;
    }

    /** Ends the stream: closes the socket, leaves the topics. Idempotent; any thread. */
    final void close(CloseReason reason) {
        if ((int) STATE.getAndSet(this, CLOSED) == CLOSED) {
            return;
        }
        detach();
        broker.subscriberClosed(this, key, reason);
    }

    /** When this subscriber last wrote, in broker ticks (opaque read, for the heartbeat timer). */
    final long lastWriteTick() {
        return (long) LAST_WRITE_TICK.getOpaque(this);
    }

    /** Marks one write: the heartbeat timer measures idleness from here. */
    final void wrote() {
        LAST_WRITE_TICK.setOpaque(this, broker.tick());   // read only by the heartbeat timer: no fence needed
        if (heartbeatDue) {
            heartbeatDue = false;
        }
    }

    enum CloseReason {
        CLIENT_GONE, CUT_OFF, TOPIC_DELETED, SHUTDOWN, PROTOCOL, MAX_AGE
    }
}
