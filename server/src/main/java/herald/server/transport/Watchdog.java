package herald.server.transport;

import herald.server.health.Supervisor;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.channels.SocketChannel;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Enforces the deadlines of blocking reads and writes on connection threads. Slowloris clients, stalled
 * uploads and readers that stopped reading cannot hold a thread forever. One platform thread scans every
 * {@code resolution}; a deadline is checked within one resolution of passing.
 *
 * <p>A connection has two deadlines at once, each owned by what sets it, so that no call clears another's:
 * the deadline of its <em>phase</em> (reading a head, reading a body, waiting idle for the next request,
 * lingering before close), and the deadline of the <em>write</em> in progress. Flushing answers while a head
 * is being read moves only the write deadline; the head's deadline still holds.
 *
 * <p>When a phase deadline passes in the middle of a request head, the watchdog shuts the connection's input
 * down instead of closing it: the blocked read ends, and the connection thread answers {@code 408} (under a
 * write deadline) before closing. Every other expiry closes the channel, which ends the blocked call with an
 * exception.
 */
public final class Watchdog implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Watchdog.class.getName());

    /** What a connection is waiting for; decides what its phase deadline's expiry does. */
    public enum Phase {
        /** No phase deadline (a handler runs, or the connection is being handed over). */
        NONE,
        /** Waiting for the first byte of a request. Expiry closes. */
        IDLE,
        /** Reading a request head of which some bytes arrived. Expiry answers 408, then closes. */
        HEAD,
        /** Reading a request body. Expiry closes. */
        BODY,
        /** Reading what a client sends after the server's last answer. Expiry closes. */
        LINGER
    }

    private final Set<Guarded> guarded = ConcurrentHashMap.newKeySet();
    private final Thread thread;
    private final long resolutionMillis;
    private final Supervisor supervisor;
    private volatile boolean running = true;

    public Watchdog(long resolutionMillis, Supervisor supervisor) {
        this.resolutionMillis = resolutionMillis;
        this.supervisor = supervisor;
        this.thread = Thread.ofPlatform().daemon().name("herald-watchdog")
                .uncaughtExceptionHandler(supervisor.uncaughtHandler()).start(this::loop);
    }

    /**
     * A channel with a phase deadline and a write deadline, both set by its owning thread before each blocking
     * call (volatile fields: written by the owner, read by the watchdog).
     */
    public static final class Guarded {
        private static final Phase[] PHASES = Phase.values();
        private static final long PHASE_BITS = 7;     // the phase in the low bits of the phase word

        private final SocketChannel channel;
        /**
         * The phase and its deadline in one word, so that the watchdog reads both in one load: the deadline in
         * nanoseconds with its three low bits replaced by the phase's ordinal; 0: no phase deadline.
         */
        private volatile long phaseWord;
        private volatile long writeDeadlineNanos;     // 0: none
        private volatile boolean expired;
        private volatile boolean headTimedOut;

        Guarded(SocketChannel channel) {
            this.channel = channel;
        }

        /** Enters {@code phase}: the reads of this phase must be done within {@code nanos} from now. */
        public void phase(Phase phase, long nanos) {
            long word = deadline(nanos) & ~PHASE_BITS | phase.ordinal();   // 8 ns earlier at most
            phaseWord = word == 0 ? 1 : word;
        }

        /** Leaves the current phase: no phase deadline until the next {@link #phase}. */
        public void endPhase() {
            phaseWord = 0;
        }

        public Phase currentPhase() {
            long word = phaseWord;
            return word == 0 ? Phase.NONE : PHASES[(int) (word & PHASE_BITS)];
        }

        /** The write about to start must finish within {@code nanos}; the phase deadline is untouched. */
        public void writeDeadlineIn(long nanos) {
            writeDeadlineNanos = deadline(nanos);
        }

        public void writeDone() {
            writeDeadlineNanos = 0;
        }

        /** Whether the watchdog ended the connection (closed it, or shut its input for a 408). */
        public boolean expired() {
            return expired;
        }

        /**
         * Whether the head deadline passed after a request had started: the input was shut down and the
         * connection should answer 408 before it closes.
         */
        public boolean headTimedOut() {
            return headTimedOut;
        }

        private static long deadline(long nanos) {
            long at = System.nanoTime() + nanos;
            return at == 0 ? 1 : at;
        }

        /** Called by the watchdog: acts on a passed deadline; returns whether to stop watching. */
        boolean expire(long now) {
            long write = writeDeadlineNanos;
            long word = phaseWord;                    // phase and deadline read together
            boolean writeLate = write != 0 && now - write > 0;
            boolean phaseLate = word != 0 && now - (word & ~PHASE_BITS) > 0;
            if (!writeLate && !phaseLate) {
                return false;
            }
            expired = true;
            if (!writeLate && PHASES[(int) (word & PHASE_BITS)] == Phase.HEAD && !headTimedOut) {
                headTimedOut = true;
                phaseWord = 0;                // the 408 goes out under a write deadline, still watched
                try {
                    channel.shutdownInput();  // the blocked read returns -1
                    return false;
                } catch (IOException e) {
                    // fall through: close
                }
            }
            try {
                channel.close();
            } catch (IOException e) {
                LOG.log(Level.DEBUG, "closing expired connection", e);
            }
            return true;
        }
    }

    public Guarded guard(SocketChannel channel) {
        Guarded g = new Guarded(channel);
        guarded.add(g);
        return g;
    }

    public void release(Guarded g) {
        guarded.remove(g);
    }

    /** Closes every watched connection now (a stop's deadline passed): their blocked calls end with an exception. */
    public void closeAll() {
        for (Guarded g : guarded) {
            guarded.remove(g);
            g.expired = true;
            try {
                g.channel.close();
            } catch (IOException e) {
                LOG.log(Level.DEBUG, "closing a connection at the stop deadline", e);
            }
        }
    }

    private void loop() {
        while (running) {
            try {
                Thread.sleep(resolutionMillis);
            } catch (InterruptedException e) {
                return;
            }
            try {
                long now = System.nanoTime();
                for (Guarded g : guarded) {
                    if (g.expire(now)) {
                        guarded.remove(g);
                    }
                }
            } catch (OutOfMemoryError e) {
                supervisor.outOfMemory("herald-watchdog", e);
            } catch (RuntimeException e) {
                LOG.log(Level.ERROR, "watchdog round failed; continuing", e);
            }
        }
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
    }
}
