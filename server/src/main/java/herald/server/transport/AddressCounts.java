package herald.server.transport;

import java.net.InetAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Open connections per client address, against {@code maxPerAddress} ({@code --max-connections-per-ip}).
 *
 * <p><b>Guarantees.</b> At most {@code maxPerAddress} acquisitions per address are outstanding. Memory is bounded
 * by the addresses with a connection open now: an address's entry is removed when its count returns to 0.
 *
 * <p><b>Assumptions.</b> Each successful {@link #tryAcquire} is followed by exactly one {@link #release} of the
 * same address (the connection's {@code Permit} does it). Any thread may call either.
 *
 * <p>An entry whose count reached 0 is retired by setting it to -1 before it is removed, so an acquirer that
 * still holds it cannot count on an entry that is leaving the map: it removes it too and takes a fresh one.
 */
public final class AddressCounts {
    private static final int RETIRED = -1;

    private final int maxPerAddress;
    private final ConcurrentHashMap<InetAddress, AtomicInteger> open = new ConcurrentHashMap<>();

    public AddressCounts(int maxPerAddress) {
        if (maxPerAddress < 1) {
            throw new IllegalArgumentException("maxPerAddress must be positive: maxPerAddress=" + maxPerAddress);
        }
        this.maxPerAddress = maxPerAddress;
    }

    /** Counts one more connection from {@code address}; false (and nothing counted) at the limit. */
    public boolean tryAcquire(InetAddress address) {
        while (true) {
            AtomicInteger count = open.computeIfAbsent(address, a -> new AtomicInteger());
            int n = count.get();
            if (n == RETIRED) {
                open.remove(address, count);        // help the releaser, then take a fresh entry
                continue;
            }
            if (n >= maxPerAddress) {
                return false;
            }
            if (count.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }

    /** Gives back one connection of {@code address}; the entry goes when none is left. */
    public void release(InetAddress address) {
        AtomicInteger count = open.get(address);
        if (count == null) {
            throw new IllegalStateException("release without an acquire");
        }
        if (count.decrementAndGet() == 0 && count.compareAndSet(0, RETIRED)) {
            open.remove(address, count);
        }
    }

    /** Connections open from {@code address} now. */
    public int open(InetAddress address) {
        AtomicInteger count = open.get(address);
        return count == null ? 0 : Math.max(count.get(), 0);
    }

    /** Addresses with an entry now (for tests: it returns to 0 when every connection ended). */
    public int addresses() {
        return open.size();
    }

    public int maxPerAddress() {
        return maxPerAddress;
    }
}
