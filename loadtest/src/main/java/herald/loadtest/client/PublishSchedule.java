package herald.loadtest.client;

/**
 * When each event is meant to be sent: the open-loop schedule. Event {@code seq} (1, 2, 3, ...) is due at
 * {@code start + (seq - 1) / rate} whatever happened to the ones before it, so a stall in the server or the
 * publisher shows up as latency of every event it delayed (measured from this intended time), not as fewer
 * samples: no coordinated omission (Gil Tene's term; HdrHistogram's {@code recordValueWithExpectedInterval}
 * corrects for it after the fact, we avoid it by construction).
 *
 * <p>{@code rate == 0} means as fast as the connections allow: no schedule, each event's intended time is when
 * a pipeline slot let it go (closed loop; its latency then says how long the server took, not how long a
 * client who wanted to send earlier waited).
 *
 * <p>Immutable; any thread.
 *
 * @param startNanos  {@link System#nanoTime()} at which event 1 is due
 * @param rate        events per second, 0 for as fast as possible
 * @param maxEvents   no event after this many
 * @param endNanos    no event due at or after this time
 */
record PublishSchedule(long startNanos, double rate, long maxEvents, long endNanos) {

    PublishSchedule {
        if (rate < 0 || Double.isNaN(rate) || Double.isInfinite(rate)) {
            throw new IllegalArgumentException("rate=" + rate);
        }
        if (maxEvents < 0) {
            throw new IllegalArgumentException("maxEvents=" + maxEvents);
        }
    }

    boolean maxRate() {
        return rate == 0;
    }

    double periodNanos() {
        return 1e9 / rate;
    }

    /** The intended send time of {@code seq} (scheduled mode). */
    long intendedNanos(long seq) {
        return startNanos + (long) ((seq - 1) * periodNanos());
    }

    /** The highest sequence number due at {@code now}: every event up to it should have been sent. */
    long lastDue(long now) {
        if (now - startNanos < 0) {
            return 0;
        }
        long due = maxRate() ? maxEvents : (long) Math.floor((now - startNanos) / periodNanos()) + 1;
        return Math.min(Math.min(due, maxEvents), total());
    }

    /** How many events the schedule holds: bounded by {@code maxEvents} and by the end time. */
    long total() {
        if (maxRate()) {
            return maxEvents;
        }
        long span = endNanos - startNanos;
        if (span <= 0) {
            return 0;
        }
        // seq is in the schedule when intendedNanos(seq) < endNanos, i.e. (seq - 1) * period < span
        long byTime = (long) Math.ceil(span / periodNanos());
        return Math.min(byTime, maxEvents);
    }

    /** Whether nothing more will become due after {@code now}. */
    boolean over(long now, long sentUpTo) {
        return sentUpTo >= total() || now - endNanos >= 0;
    }

    /** The lane (publishing connection) of {@code seq} among {@code lanes}. */
    static int lane(long seq, int lanes) {
        return (int) ((seq - 1) % lanes);
    }
}
