package herald.server.broker;

import herald.server.log.EventLog;

import java.util.Arrays;
import java.util.concurrent.atomic.LongAdder;

/**
 * A debugging aid, off unless the JVM runs with {@code -Dherald.debug.cutoffs=true}: why subscribers are cut off
 * under overload. Each cut-off is classified by the push-back rule that let it happen, and once a second one line
 * per busy topic goes to standard error: how far behind the head its subscribers are, how many wait for their
 * socket, and the cut-offs so far by rule. Off, it costs nothing: {@link #ENABLED} is a constant the JIT folds, and
 * the calls sit on cut-off paths only, never on the delivery path.
 *
 * <p>The rules ({@link Pushback}): a cut-off subscriber was
 * <ul>
 *   <li>{@code stalled}: waiting for its socket for at least the stall time, so not protected (by design);</li>
 *   <li>{@code rank}: behind the floor of the last scan, i.e. slower than the protected k-th slowest (by design);</li>
 *   <li>{@code unprotected}: in a topic where fewer than k subscribers read (no floor);</li>
 *   <li>{@code aboveFloor}: at or ahead of the floor (or no floor computed yet): the floor was stale, or a publish
 *   raced past it.</li>
 * </ul>
 * Counted across those: cut-offs of streams attached within the last three ticks of the broker's timer ({@code young}:
 * about 3 s with the default heartbeat), e.g. just resumed after a gap. Nothing is added to a subscriber for this.
 */
final class CutoffDiagnostics {
    static final boolean ENABLED = Boolean.getBoolean("herald.debug.cutoffs");
    private static final long YOUNG_TICKS = 3;

    private static final LongAdder STALLED = new LongAdder();
    private static final LongAdder RANK = new LongAdder();
    private static final LongAdder UNPROTECTED = new LongAdder();
    private static final LongAdder ABOVE_FLOOR = new LongAdder();
    private static final LongAdder YOUNG = new LongAdder();
    private static final LongAdder OTHER = new LongAdder();
    private static final LongAdder[] WHERE = {new LongAdder(), new LongAdder(), new LongAdder()};
    private static final String[] WHERE_NAMES = {"offerWaiting", "drainOvertaken", "blockedOvertaken"};
    /** Cut-offs by how long they had waited for their socket: never, < 1 s, 1-5 s, >= 5 s. */
    private static final LongAdder[] BLOCKED = {new LongAdder(), new LongAdder(), new LongAdder(), new LongAdder()};

    static final int OFFER_WAITING = 0;
    static final int DRAIN_OVERTAKEN = 1;
    static final int BLOCKED_OVERTAKEN = 2;

    private CutoffDiagnostics() {
    }

    /** Starts the once-a-second report of {@code broker}: a daemon thread that ends with the broker. */
    static void start(Broker broker, TopicRegistry topics) {
        Thread t = new Thread(() -> report(broker, topics), "herald-cutoff-diagnostics");
        t.setDaemon(true);
        t.start();
    }

    /** {@code subscriber} is about to be cut off at {@code where}; called before it closes. */
    static void cutOff(Subscriber subscriber, int where, Broker broker) {
        WHERE[where].increment();
        long now = System.nanoTime();
        long blocked = subscriber.blockedForNanos(now);
        BLOCKED[blocked < 0 ? 0 : blocked < 1_000_000_000L ? 1 : blocked < broker.stalledNanos ? 2 : 3].increment();
        if (!(subscriber instanceof TopicSubscriber ts)) {
            OTHER.increment();
            return;
        }
        Topic topic = ts.topic();
        Pushback pushback = topic.pushback();
        long position = ts.positionIn(topic);
        if (broker.tick() - subscriber.attachedTick <= YOUNG_TICKS) {
            YOUNG.increment();
        }
        long floor = pushback == null ? Pushback.UNKNOWN : pushback.floor();
        if (blocked >= broker.stalledNanos) {
            STALLED.increment();
        } else if (floor == Pushback.UNPROTECTED) {
            UNPROTECTED.increment();
        } else if (floor != Pushback.UNKNOWN && position < floor) {
            RANK.increment();
        } else {
            ABOVE_FLOOR.increment();
        }
    }

    private static void report(Broker broker, TopicRegistry topics) {
        long[] lags = new long[16];
        while (!broker.isClosed()) {
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                return;
            }
            StringBuilder line = new StringBuilder(512);
            for (Topic topic : topics.all()) {
                EventLog log = topic.log();
                if (log == null || TopicNames.isSystem(topic.name)) {
                    continue;
                }
                long head = log.headSeq();
                long now = System.nanoTime();
                int n = 0;
                int waiting = 0;
                int stalled = 0;
                for (Shard shard : topic.shards()) {
                    for (Subscriber s : shard.members) {
                        if (n == lags.length) {
                            lags = Arrays.copyOf(lags, n * 2);
                        }
                        lags[n++] = head - s.positionIn(topic);
                        long blocked = s.blockedForNanos(now);
                        if (blocked >= 0) {
                            waiting++;
                            if (blocked >= broker.stalledNanos) {
                                stalled++;
                            }
                        }
                    }
                }
                if (n < 10) {
                    continue;
                }
                Arrays.sort(lags, 0, n);
                Pushback pushback = topic.pushback();
                long floor = pushback == null ? Pushback.UNKNOWN : pushback.floor();
                line.append(String.format("cutoff-diag topic=%s subs=%d head=%d slots=%d tailLag=%d floorLag=%s"
                                + " lag[min=%d p50=%d p90=%d p95=%d p99=%d p99.9=%d max=%d] waiting=%d stalled=%d%n",
                        topic.name, n, head, log.slots(), head - log.tailSeq(),
                        floor == Pushback.UNPROTECTED || floor == Pushback.UNKNOWN ? String.valueOf(floor)
                                : String.valueOf(head - floor),
                        lags[0], lags[n / 2], lags[n - 1 - n / 10], lags[n - 1 - n / 20], lags[n - 1 - n / 100],
                        lags[n - 1 - n / 1000], lags[n - 1], waiting, stalled));
            }
            line.append(String.format("cutoff-diag cutoffs stalled=%d rank=%d unprotected=%d aboveFloor=%d other=%d"
                            + " | young=%d | %s=%d %s=%d %s=%d | blocked never=%d <1s=%d 1-5s=%d >=5s=%d%n",
                    STALLED.sum(), RANK.sum(), UNPROTECTED.sum(), ABOVE_FLOOR.sum(), OTHER.sum(), YOUNG.sum(),
                    WHERE_NAMES[0], WHERE[0].sum(), WHERE_NAMES[1], WHERE[1].sum(), WHERE_NAMES[2],
                    WHERE[2].sum(), BLOCKED[0].sum(), BLOCKED[1].sum(), BLOCKED[2].sum(), BLOCKED[3].sum()));
            System.err.print(line);
        }
    }
}
