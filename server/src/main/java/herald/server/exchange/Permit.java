package herald.server.exchange;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.InetAddress;
import java.util.function.Consumer;

/**
 * A slot a connection holds against a limit (the connection limit; per-address limits hang off it too), for
 * one {@link Client}. It travels with the connection: when the connection becomes a broker stream, the stream
 * holds it; whoever ends the connection releases it, exactly once. It is also the {@link Runnable} that
 * releases it, so handing it on allocates nothing (one is kept per idle stream).
 *
 * <p>Thread-safe: {@link #release()} may be called from any thread, any number of times; the first call gives
 * the slot back.
 */
public final class Permit implements Runnable {
    private static final VarHandle RELEASED;

    static {
        try {
            RELEASED = MethodHandles.lookup().findVarHandle(Permit.class, "released", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Client client;
    private final Runnable onRelease;
    private final Consumer<InetAddress> thenRelease;      // null, or another limit's count of the client's address
    @SuppressWarnings("unused")                  // through RELEASED
    private volatile boolean released;

    /** @param onRelease gives the slot back; run once */
    public Permit(Client client, Runnable onRelease) {
        this(client, onRelease, null);
    }

    /**
     * @param onRelease   gives the slot back; run once
     * @param thenRelease when not null, then gives back another limit's count of the client's address; run once
     *                    (shared by all permits, so that an idle stream's permit is one object)
     */
    public Permit(Client client, Runnable onRelease, Consumer<InetAddress> thenRelease) {
        this.client = client;
        this.onRelease = onRelease;
        this.thenRelease = thenRelease;
    }

    public Client client() {
        return client;
    }

    /** Gives the slot back; later calls do nothing. */
    public void release() {
        if (RELEASED.compareAndSet(this, false, true)) {
            try {
                onRelease.run();
            } finally {
                if (thenRelease != null) {
                    thenRelease.accept(client.address());
                }
            }
        }
    }

    /** {@link #release()}. */
    @Override
    public void run() {
        release();
    }

    public boolean isReleased() {
        return released;
    }
}
