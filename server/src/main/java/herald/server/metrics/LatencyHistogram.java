package herald.server.metrics;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A latency histogram over Prometheus-style buckets, recorded wait-free and read by swapping in a recycled one
 * (HdrHistogram's {@code Recorder} shape, with its {@link WriterReaderPhaser}).
 *
 * <p>Writers ({@link #add}) are the dispatcher threads: each sums its own deliveries in a plain {@code long[]}
 * ({@link #newLocalCounts()}, {@link #bucket}) and adds them here once per task, so the shared cells are touched
 * once per task and not per write. The reader ({@link #snapshot}) swaps the active interval histogram for the
 * recycled one, waits for writers of the old one to leave, adds it to the cumulative totals and clears it for
 * the next swap. Nothing allocates on either side but {@link Snapshot}s the reader asks for.
 */
public final class LatencyHistogram {
    /** Upper bounds of the buckets in seconds (Prometheus {@code le}); a last bucket, +Inf, takes the rest. */
    static final double[] BOUNDS_SECONDS = {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
            0.25, 0.5, 1, 2.5, 5, 10};
    private static final long[] BOUNDS_NANOS = new long[BOUNDS_SECONDS.length];
    private static final String[] LE = new String[BOUNDS_SECONDS.length + 1];
    /** Bucket count, +Inf included; index {@code BUCKETS} of a local array holds the sum in nanoseconds. */
    public static final int BUCKETS = BOUNDS_SECONDS.length + 1;

    static {
        for (int i = 0; i < BOUNDS_SECONDS.length; i++) {
            BOUNDS_NANOS[i] = Math.round(BOUNDS_SECONDS[i] * 1e9);
            LE[i] = java.math.BigDecimal.valueOf(BOUNDS_SECONDS[i]).stripTrailingZeros().toPlainString();
        }
        LE[BOUNDS_SECONDS.length] = "+Inf";
    }

    /** One interval's counts (and, in the last cell, the sum of nanoseconds). */
    private static final class Interval {
        final AtomicLongArray cells = new AtomicLongArray(BUCKETS + 1);
    }

    private final WriterReaderPhaser phaser = new WriterReaderPhaser();
    private volatile Interval active = new Interval();
    private Interval inactive = new Interval();           // reader only, under the phaser's reader lock
    private final long[] totals = new long[BUCKETS + 1];  // cumulative; reader only, under the reader lock

    /** A writer's local counts: {@link #BUCKETS} buckets and the sum of nanoseconds at index {@link #BUCKETS}. */
    public static long[] newLocalCounts() {
        return new long[BUCKETS + 1];
    }

    /** The bucket of a latency: the first whose bound it does not exceed (a negative one counts as 0). */
    public static int bucket(long nanos) {
        int i = 0;
        while (i < BOUNDS_NANOS.length && nanos > BOUNDS_NANOS[i]) {
            i++;
        }
        return i;
    }

    /** Records one latency into a local array (the writer's own; plain stores). */
    public static void recordLocal(long[] local, long nanos) {
        long n = Math.max(0, nanos);
        local[bucket(n)]++;
        local[BUCKETS] += n;
    }

    /** Adds a writer's local counts and clears them. Wait-free; any thread. */
    public void add(long[] local) {
        long epoch = phaser.writerCriticalSectionEnter();
        try {
            AtomicLongArray cells = active.cells;
            for (int i = 0; i <= BUCKETS; i++) {
                long n = local[i];
                if (n != 0) {
                    cells.getAndAdd(i, n);
                    local[i] = 0;
                }
            }
        } finally {
            phaser.writerCriticalSectionExit(epoch);
        }
    }

    /** Records one latency directly. Wait-free; any thread. */
    public void record(long nanos) {
        long n = Math.max(0, nanos);
        long epoch = phaser.writerCriticalSectionEnter();
        try {
            AtomicLongArray cells = active.cells;
            cells.getAndIncrement(bucket(n));
            cells.getAndAdd(BUCKETS, n);
        } finally {
            phaser.writerCriticalSectionExit(epoch);
        }
    }

    /** The cumulative counts since start, into {@code into} (reused). Any thread; readers take turns. */
    public Snapshot snapshot(Snapshot into) {
        phaser.readerLock();
        try {
            Interval old = active;
            active = inactive;
            phaser.flipPhase();                        // no writer touches old from here
            for (int i = 0; i <= BUCKETS; i++) {
                totals[i] += old.cells.get(i);
                old.cells.set(i, 0);                   // recycled for the next swap
            }
            inactive = old;
            System.arraycopy(totals, 0, into.cells, 0, totals.length);
            return into;
        } finally {
            phaser.readerUnlock();
        }
    }

    public Snapshot snapshot() {
        return snapshot(new Snapshot());
    }

    /** Cumulative counts per bucket (not per {@code le}: each bucket holds only its own range) and their sum. */
    public static final class Snapshot {
        final long[] cells = new long[BUCKETS + 1];

        public long count() {
            long total = 0;
            for (int i = 0; i < BUCKETS; i++) {
                total += cells[i];
            }
            return total;
        }

        public double sumSeconds() {
            return cells[BUCKETS] / 1e9;
        }

        /**
         * The {@code q} quantile (0..1) in seconds of what was recorded between {@code earlier} (null: the start)
         * and this snapshot, interpolated linearly within its bucket as Prometheus' {@code histogram_quantile}
         * does; NaN when nothing was recorded. Above the last finite bound it answers that bound.
         */
        public double quantile(double q, Snapshot earlier) {
            long total = 0;
            for (int i = 0; i < BUCKETS; i++) {
                total += delta(i, earlier);
            }
            if (total == 0) {
                return Double.NaN;
            }
            double rank = q * total;
            long seen = 0;
            for (int i = 0; i < BUCKETS; i++) {
                long n = delta(i, earlier);
                if (n > 0 && seen + n >= rank) {
                    if (i == BOUNDS_SECONDS.length) {
                        return BOUNDS_SECONDS[i - 1];
                    }
                    double lower = i == 0 ? 0 : BOUNDS_SECONDS[i - 1];
                    return lower + (BOUNDS_SECONDS[i] - lower) * Math.max(0, rank - seen) / n;
                }
                seen += n;
            }
            return BOUNDS_SECONDS[BOUNDS_SECONDS.length - 1];
        }

        private long delta(int i, Snapshot earlier) {
            return cells[i] - (earlier == null ? 0 : earlier.cells[i]);
        }

        public void copyTo(Snapshot other) {
            System.arraycopy(cells, 0, other.cells, 0, cells.length);
        }

        /** Appends the histogram in the Prometheus text format. */
        public void writePrometheus(StringBuilder out, String name, String help) {
            out.append("# HELP ").append(name).append(' ').append(help).append('\n');
            out.append("# TYPE ").append(name).append(" histogram\n");
            long cumulative = 0;
            for (int i = 0; i < BUCKETS; i++) {
                cumulative += cells[i];
                out.append(name).append("_bucket{le=\"")
                        .append(LE[i])
                        .append("\"} ").append(cumulative).append('\n');
            }
            out.append(name).append("_sum ").append(sumSeconds()).append('\n');
            out.append(name).append("_count ").append(cumulative).append('\n');
        }
    }
}
