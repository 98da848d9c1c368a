package herald.server.exchange;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A slot a connection holds against a limit (the connection limit; per-address limits hang off it too), for
 * one {@link Client}. It travels with the connection: when the connection becomes a broker stream, the stream
 * holds it; whoever ends the connection releases it, exactly once.
 *
 * <p>Thread-safe: {@link #release()} may be called from any thread, any number of times; the first call gives
 * the slot back.
 */
public final class Permit {
    private final Client client;
    private final Runnable onRelease;
    private final AtomicBoolean released = new AtomicBoolean();

    /** @param onRelease gives the slot back; run once */
    public Permit(Client client, Runnable onRelease) {
        this.client = client;
        this.onRelease = onRelease;
    }

    public Client client() {
        return client;
    }

    /** Gives the slot back; later calls do nothing. */
    public void release() {
        if (released.compareAndSet(false, true)) {
            onRelease.run();
        }
    }

    public boolean isReleased() {
        return released.get();
    }
}
