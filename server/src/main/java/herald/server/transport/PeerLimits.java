package herald.server.transport;

import herald.server.metrics.Metrics.Rejection;

import java.net.InetAddress;

/**
 * The limits a new connection's peer address is held to at accept, before any request: the connect rate
 * ({@code --connect-rate-per-ip}) and the connections open at once ({@code --max-connections-per-ip}). A trusted
 * proxy's address is exempt from both: it carries many clients, and which ones is known only per request.
 * Thread-safe (the accept thread admits; whoever ends a connection releases).
 */
public final class PeerLimits {
    private final AddressCounts counts;             // null: no per-address connection limit
    private final RateLimiter<InetAddress> connectRate;   // null: no connect rate
    private final ForwardedClients proxies;

    /** {@code maxPerAddress}, {@code connectRatePerSecond}: 0 is off. */
    public PeerLimits(int maxPerAddress, int connectRatePerSecond, ForwardedClients proxies, long nowNanos) {
        this.counts = maxPerAddress > 0 ? new AddressCounts(maxPerAddress) : null;
        this.connectRate = connectRatePerSecond > 0 ? new RateLimiter<>(connectRatePerSecond, nowNanos) : null;
        this.proxies = proxies;
    }

    /** Whether connections from {@code address} are counted (and must be {@link #release}d when they end). */
    public boolean counts(InetAddress address) {
        return counts != null && !proxies.isTrusted(address);
    }

    /**
     * Admits a new connection from {@code address}, counting it when {@link #counts} says so: null, or why not
     * (then nothing was counted).
     */
    public Rejection admit(InetAddress address, boolean counted, long nowNanos) {
        if (connectRate != null && !proxies.isTrusted(address) && !connectRate.tryTake(address, nowNanos)) {
            return Rejection.CONNECT_RATE;
        }
        if (counted && !counts.tryAcquire(address)) {
            return Rejection.MAX_CONNECTIONS_PER_IP;
        }
        return null;
    }

    /** Gives back a counted connection of {@code address}. */
    public void release(InetAddress address) {
        counts.release(address);
    }

    /** Addresses with connections counted now (0 once every counted connection ended). */
    public int addressesCounted() {
        return counts == null ? 0 : counts.addresses();
    }

    /** Addresses with a connect-rate bucket now (those that connected within about the last second). */
    public int addressesRated() {
        return connectRate == null ? 0 : connectRate.keys();
    }
}
