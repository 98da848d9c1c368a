package herald.server.health;

import java.lang.System.Logger.Level;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * What Herald's own threads do when something goes wrong that their loops cannot handle, and what
 * {@code /health} reports because of it.
 *
 * <ul>
 *   <li><b>Out of memory</b> ({@link #outOfMemory}): the thread logs (at most once a second), backs off a
 *       little and carries on; the server reports {@link State#DEGRADED} for {@link #DEGRADED_NANOS} after the
 *       last one, so a balancer sends traffic elsewhere while memory is short.</li>
 *   <li><b>Anything else a loop does not expect</b> ({@link #fatal}): an {@link Error}, or a thread ending
 *       early. The server reports {@link State#FAILED} from then on and the fatal action runs once: in the
 *       standalone server it ends the process with status {@link #FATAL_EXIT_STATUS}, so that a supervisor
 *       (systemd {@code Restart=on-failure}) restarts it, instead of a half-working process or an exit with 0.
 *       Embedding code chooses its own action ({@code Herald.Builder.onFatal}).</li>
 * </ul>
 *
 * <p>Thread-safe. {@link #uncaughtHandler()} is installed on every platform thread Herald starts.
 */
public final class Supervisor {
    /** Exit status of a standalone server ended by {@link #fatal} (EX_SOFTWARE). */
    public static final int FATAL_EXIT_STATUS = 70;
    /** How long the server reports DEGRADED after the last out-of-memory error. */
    static final long DEGRADED_NANOS = TimeUnit.SECONDS.toNanos(30);
    private static final System.Logger LOG = System.getLogger(Supervisor.class.getName());
    private static final long BACK_OFF_MILLIS = 100;

    /** What {@code /health} says. */
    public enum State {
        UP, DEGRADED, FAILED
    }

    private final Consumer<Throwable> fatalAction;
    private volatile long lastOutOfMemoryNanos;
    private volatile boolean outOfMemorySeen;
    private volatile Throwable failure;
    private volatile long lastLogMillis;
    private final Thread.UncaughtExceptionHandler uncaught = (thread, e) -> fatal(thread.getName(), e);

    /** @param fatalAction runs once, on the failing thread, after the failure is logged */
    public Supervisor(Consumer<Throwable> fatalAction) {
        this.fatalAction = fatalAction;
    }

    public State state() {
        if (failure != null) {
            return State.FAILED;
        }
        if (outOfMemorySeen && System.nanoTime() - lastOutOfMemoryNanos < DEGRADED_NANOS) {
            return State.DEGRADED;
        }
        return State.UP;
    }

    /** The failure that made the server FAILED, or null. */
    public Throwable failure() {
        return failure;
    }

    /**
     * Records an out-of-memory error caught by {@code thread}'s loop and pauses the calling thread briefly, so
     * that it does not spin while the collector frees memory. The caller then carries on.
     */
    public void outOfMemory(String thread, OutOfMemoryError e) {
        lastOutOfMemoryNanos = System.nanoTime();
        outOfMemorySeen = true;
        long now = System.currentTimeMillis();
        if (now - lastLogMillis >= 1_000) {
            lastLogMillis = now;
            LOG.log(Level.ERROR, "out of memory in " + thread + "; continuing, health is degraded: " + e.getMessage());
        }
        if (!Thread.currentThread().isVirtual()) {
            try {
                Thread.sleep(BACK_OFF_MILLIS);
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Records a failure that {@code thread} cannot survive, logs it and runs the fatal action (once). */
    public void fatal(String thread, Throwable e) {
        boolean first;
        synchronized (this) {
            first = failure == null;
            if (first) {
                failure = e;
            }
        }
        LOG.log(Level.ERROR, "herald thread " + thread + " failed; the server cannot go on", e);
        if (first) {
            fatalAction.accept(e);
        }
    }

    /** Handler for Herald's platform threads: a throwable escaping a loop is fatal. */
    public Thread.UncaughtExceptionHandler uncaughtHandler() {
        return uncaught;
    }
}
