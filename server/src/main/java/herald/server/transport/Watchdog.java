package herald.server.transport;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.channels.SocketChannel;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Enforces the deadlines of blocking reads and writes on connection threads: a connection whose deadline
 * passed is closed, which ends the blocked call with an exception. Slowloris clients, stalled uploads and
 * readers that stopped reading cannot hold a thread forever. One platform thread scans every
 * {@code resolution}; a deadline is checked within one resolution of passing.
 */
public final class Watchdog implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Watchdog.class.getName());

    private final Set<Guarded> guarded = ConcurrentHashMap.newKeySet();
    private final Thread thread;
    private final long resolutionMillis;
    private volatile boolean running = true;

    public Watchdog(long resolutionMillis) {
        this.resolutionMillis = resolutionMillis;
        this.thread = Thread.ofPlatform().daemon().name("herald-watchdog").start(this::loop);
    }

    /** A channel with a deadline that its owning thread moves before each blocking call. */
    public static final class Guarded {
        private final SocketChannel channel;
        private volatile long deadlineNanos;      // 0: none; written by the owner, read by the watchdog
        private volatile boolean expired;

        Guarded(SocketChannel channel) {
            this.channel = channel;
        }

        /** Closes the channel unless the next blocking call finishes within {@code nanos} from now. */
        public void deadlineIn(long nanos) {
            long at = System.nanoTime() + nanos;
            deadlineNanos = at == 0 ? 1 : at;
        }

        public void clearDeadline() {
            deadlineNanos = 0;
        }

        /** Whether the watchdog closed the channel because its deadline passed. */
        public boolean expired() {
            return expired;
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

    private void loop() {
        while (running) {
            try {
                Thread.sleep(resolutionMillis);
            } catch (InterruptedException e) {
                return;
            }
            long now = System.nanoTime();
            for (Guarded g : guarded) {
                long deadline = g.deadlineNanos;
                if (deadline != 0 && now - deadline > 0) {
                    g.expired = true;
                    guarded.remove(g);
                    try {
                        g.channel.close();
                    } catch (IOException e) {
                        LOG.log(Level.DEBUG, "closing expired connection", e);
                    }
                }
            }
        }
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
    }
}
