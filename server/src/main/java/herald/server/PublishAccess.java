package herald.server;

import java.net.InetAddress;

/** Who may publish and delete topics when no auth is configured. */
public enum PublishAccess {
    /** Only clients connecting from a loopback address (the default). */
    LOOPBACK,
    /** Anyone: publishing is explicitly open. */
    ANY;

    /** Whether a client connecting from {@code address} may publish and delete. */
    public boolean permits(InetAddress address) {
        return this == ANY || address.isLoopbackAddress();
    }
}
