package herald.server.broker;

import herald.server.log.EventLog;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;
import java.util.concurrent.locks.LockSupport;

/**
 * Push-back of one published topic: whether a publish may go ahead without overtaking more than the slowest
 * fraction of the topic's subscribers, and the publisher's wait when it may not (README "Slow consumers and
 * overload").
 *
 * <p><b>Rule.</b> Of the topic's n subscribers that still read (not {@link #STALLED_NANOS stalled}), the k-th
 * slowest is <i>protected</i>, k = max(2, ⌈fraction·n⌉): when a publish would overtake the slowest fraction of them
 * (at least two), it waits, polling about every {@link #RESCAN_NANOS}, and is refused once its wait is over; it may
 * overtake fewer (the k-1 slowest: they are cut off, as a slow subscriber always is). One slow subscriber alone is
 * never waited for (k ≥ 2); with a fraction of 1 a publish waits only when it would overtake all of them.
 *
 * <p><b>Margin.</b> The protected subscriber is kept in the newest half of the window (by count), so the slower
 * ones survive as long as they are less than half a window behind it. Under sustained overload the k-th slowest sets
 * the pace and admission comes in bursts (each rescan that finds it caught up lets the rest of the allowance through
 * at once), and positions move a whole write batch at a time; a quarter-window margin cut off every subscriber a
 * little slower than the protected one, which on the rate ladder was the slowest tenth again and again
 * (loadtest/RESULTS.md, "Cut-offs under overload"). {@link CutoffDiagnostics} tells which rule cut whom.
 *
 * <p><b>Cost.</b> Delivery does nothing for this: the positions are fields the writers keep anyway (written opaque,
 * a plain store). A publish reads one cached number, the <i>floor</i> (a lower bound of the protected subscriber's
 * position), and compares it with the log's window: a few loads and a subtraction. Only when the floor says the
 * window is short does a publisher scan the topic's subscribers to compute the floor anew (O(n), the k-th smallest
 * position by selection; at most one scan per topic at a time and per {@link #RESCAN_NANOS}). While subscribers keep
 * up, the floor allows about half the slots in publishes before the next scan: a topic of 10,000 subscribers and
 * 4,096 slots costs its publishers about five position reads per publish.
 *
 * <p><b>Precision.</b> Racy by design, and erring on one side: a position read late is lower than the true one (a
 * publish waits a little longer than needed); a subscriber joining lowers the floor to its position at once; only a
 * subscriber joining during a scan, or one leaving (which can change k), is seen at the next scan.
 */
final class Pushback {
    /** The floor when no subscriber is protected (fewer than k read): publishes never wait. */
    static final long UNPROTECTED = Long.MAX_VALUE;
    /** The floor when it must be computed before the next publish. */
    static final long UNKNOWN = Long.MIN_VALUE;
    /**
     * A subscriber whose sink has been full this long, with nothing taken, has stopped reading: not protected. Not
     * shorter: a socket is writable again only once the client read about a third of its send buffer (up to 4 MiB
     * on Linux), which takes a slow but live reader seconds.
     */
    static final long STALLED_NANOS = 5_000_000_000L;
    /** The least time between two scans of one topic, and a waiting publisher's poll interval. */
    static final long RESCAN_NANOS = 1_000_000L;

    private static final VarHandle FLOOR;
    private static final VarHandle SCANNING;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            FLOOR = lookup.findVarHandle(Pushback.class, "floor", long.class);
            SCANNING = lookup.findVarHandle(Pushback.class, "scanning", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private volatile long floor = UNKNOWN;
    private volatile long scannedAtNanos;
    @SuppressWarnings("unused")              // accessed through SCANNING
    private volatile boolean scanning;
    private long[] positions;                // the scanning thread's, reused

    /**
     * Whether a publish to {@code log} may go ahead now; if not, waits up to {@code waitNanos} for the protected
     * subscriber to make room. False when it did not (the caller refuses the publish) or the broker began stopping
     * while it waited (the caller refuses it as stopping).
     */
    boolean admit(Topic topic, EventLog log, long waitNanos, Broker broker) {
        if (fits(log, floor)) {
            return true;
        }
        long start = System.nanoTime();
        while (true) {
            long now = System.nanoTime();
            if (fits(log, floorAt(topic, broker.overloadFraction(), broker.stalledNanos, now))) {
                return true;
            }
            long waited = now - start;
            if (waited >= waitNanos || broker.isClosed()) {
                return false;
            }
            LockSupport.parkNanos(Math.min(RESCAN_NANOS, waitNanos - waited));
        }
    }

    /**
     * Whether the next append keeps the event after {@code floor} in the newest half of the window by count (the
     * window holds {@code slots} events), and in the window by bytes (the next segment may evict the oldest). The
     * older half is the margin for publishes running at the same time and for the subscribers slower than the
     * protected one (positions move a whole write batch at a time): they are not overtaken either.
     */
    static boolean fits(EventLog log, long floor) {
        if (floor == UNPROTECTED) {
            return true;
        }
        int slots = log.slots();
        if (floor < log.headSeq() + 1 - Math.max(1, slots >>> 1)) {   // one slot: the protected one takes all
            return false;
        }
        return floor + 1 >= log.tailAfterNextSegment();
    }

    /** The floor as last computed (for {@link CutoffDiagnostics}). */
    long floor() {
        return floor;
    }

    /** A subscriber joined at {@code position}: the floor is at most that now (and is computed anew when unknown). */
    void joined(long position) {
        while (true) {
            long current = floor;
            long lowered = current == UNPROTECTED ? UNKNOWN : Math.min(current, position);
            if (lowered == current || FLOOR.compareAndSet(this, current, lowered)) {
                return;
            }
        }
    }

    /** The floor, scanned anew when the last scan is older than {@link #RESCAN_NANOS} and no one else scans. */
    private long floorAt(Topic topic, double fraction, long stalledNanos, long now) {
        long current = floor;
        if ((current != UNKNOWN && now - scannedAtNanos < RESCAN_NANOS) || !SCANNING.compareAndSet(this, false, true)) {
            return current;
        }
        try {
            long scanned = scan(topic, fraction, now - stalledNanos);
            floor = scanned;
            scannedAtNanos = now;
            return scanned;
        } finally {
            scanning = false;
        }
    }

    /** The protected subscriber's position now, or {@link #UNPROTECTED}. */
    private long scan(Topic topic, double fraction, long stalledBefore) {
        Shard[] shards = topic.shards();
        int n = 0;
        for (Shard shard : shards) {
            for (Subscriber subscriber : shard.members) {
                if (reads(subscriber, stalledBefore)) {
                    n++;
                }
            }
        }
        int k = protectedRank(n, fraction);
        if (k > n) {
            return UNPROTECTED;
        }
        long[] p = positions;
        if (p == null || p.length < n) {
            p = positions = new long[Math.max(16, n + (n >>> 1))];
        }
        int m = 0;
        for (Shard shard : shards) {
            for (Subscriber subscriber : shard.members) {
                if (m < n && reads(subscriber, stalledBefore)) {
                    p[m++] = subscriber.positionIn(topic);
                }
            }
        }
        return m < k ? UNPROTECTED : select(p, m, k - 1);
    }

    private static boolean reads(Subscriber subscriber, long stalledBefore) {
        return !subscriber.isClosed() && !subscriber.stalledSince(stalledBefore);
    }

    /** k, the rank (1 = slowest) of the protected subscriber among {@code n}: max(2, ⌈fraction·n⌉). */
    static int protectedRank(int n, double fraction) {
        return (int) Math.max(2, (long) Math.ceil(fraction * n - 1e-9));   // 0.1 * 30 is 3.0000000000000004
    }

    /** The {@code index}-th smallest of {@code values[0..n)} (reorders them): Hoare selection, no allocation. */
    static long select(long[] values, int n, int index) {
        int lo = 0;
        int hi = n - 1;
        while (lo < hi) {
            long pivot = values[(lo + hi) >>> 1];
            int i = lo;
            int j = hi;
            while (i <= j) {
                while (values[i] < pivot) {
                    i++;
                }
                while (values[j] > pivot) {
                    j--;
                }
                if (i <= j) {
                    long t = values[i];
                    values[i] = values[j];
                    values[j] = t;
                    i++;
                    j--;
                }
            }
            if (index <= j) {
                hi = j;
            } else if (index >= i) {
                lo = i;
            } else {
                return values[index];
            }
        }
        return values[lo];
    }
}
