package herald.loadtest.client;

import org.HdrHistogram.Histogram;

import java.nio.ByteBuffer;
import java.util.Base64;

/**
 * A snapshot of a {@link SubscriberFleet}: cumulative counters, the latencies recorded since the previous
 * snapshot, and the generator's own CPU time. Snapshots of workers {@link #plus add up}; a worker sends one per
 * line ({@link #encode}, {@link #decode}).
 *
 * @param counters    cumulative, indexed by {@link Counter#ordinal()}
 * @param latency     publish→receive latencies (ns) recorded since the previous snapshot
 * @param cpuNanos    CPU time (user + system) of the generator processes so far
 * @param processes   processes that hold the subscriptions
 */
public record FleetStatus(long[] counters, Histogram latency, long cpuNanos, int processes) {

    public static FleetStatus empty() {
        return new FleetStatus(new long[Counter.ALL.length], newHistogram(), 0, 0);
    }

    public static Histogram newHistogram() {
        return new Histogram(SubscriberLoop.HIGHEST_LATENCY_NANOS, SubscriberLoop.LATENCY_DIGITS);
    }

    public long get(Counter counter) {
        return counters[counter.ordinal()];
    }

    /** The sum of two snapshots (of different processes), as new objects. */
    FleetStatus plus(FleetStatus other) {
        long[] sum = counters.clone();
        for (int i = 0; i < sum.length; i++) {
            sum[i] += other.counters[i];
        }
        Histogram h = latency.copy();
        h.add(other.latency);
        return new FleetStatus(sum, h, cpuNanos + other.cpuNanos, processes + other.processes);
    }

    /** One line: {@code cpuNanos processes c0,c1,... base64(compressed histogram)}. */
    public String encode() {
        StringBuilder s = new StringBuilder(256).append(cpuNanos).append(' ').append(processes).append(' ');
        for (int i = 0; i < counters.length; i++) {
            if (i > 0) {
                s.append(',');
            }
            s.append(counters[i]);
        }
        return s.append(' ').append(encodeHistogram(latency)).toString();
    }

    static FleetStatus decode(String line) {
        String[] parts = line.trim().split(" ");
        if (parts.length != 4) {
            throw new IllegalArgumentException("bad status line from a worker: " + abbreviate(line));
        }
        String[] values = parts[2].split(",");
        long[] counters = new long[Counter.ALL.length];
        for (int i = 0; i < Math.min(values.length, counters.length); i++) {
            counters[i] = Long.parseLong(values[i]);
        }
        return new FleetStatus(counters, decodeHistogram(parts[3]), Long.parseLong(parts[0]),
                Integer.parseInt(parts[1]));
    }

    /** An HdrHistogram compressed encoding in base64: the form histograms travel in (and are kept in results). */
    public static String encodeHistogram(Histogram h) {
        ByteBuffer buffer = ByteBuffer.allocate(h.getNeededByteBufferCapacity());
        int n = h.encodeIntoCompressedByteBuffer(buffer);
        return Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(buffer.array(), n));
    }

    public static Histogram decodeHistogram(String base64) {
        try {
            ByteBuffer buffer = ByteBuffer.wrap(Base64.getDecoder().decode(base64));
            Histogram decoded = Histogram.decodeFromCompressedByteBuffer(buffer, SubscriberLoop.HIGHEST_LATENCY_NANOS);
            Histogram h = newHistogram();
            h.add(decoded);
            return h;
        } catch (java.util.zip.DataFormatException | RuntimeException e) {
            throw new IllegalArgumentException("bad histogram encoding: " + e.getMessage());
        }
    }

    private static String abbreviate(String s) {
        return s.length() > 80 ? s.substring(0, 80) + "…" : s;
    }
}
