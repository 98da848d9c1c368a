package herald.server.broker;

import java.nio.charset.StandardCharsets;

/**
 * Event ids: {@code <epoch>-<seq>} for a one-topic stream, {@code <epoch>-<seq1>_<seq2>_…} for a stream of
 * several topics (one position per topic, in the order the request named them).
 *
 * <p>The epoch is the server's start time in milliseconds, base 36 (8 characters until 2059); in cluster mode it is
 * the cluster's epoch in decimal ({@link #cluster}). Either way an id from an earlier run or epoch never matches
 * this one: a client resuming with it gets the gap signal instead of a wrong position. Sequences are per topic,
 * start at 1 and never repeat within a run, even when a topic is deleted and created again (its next incarnation
 * continues above every sequence handed out before; in cluster mode the sequences are the Redis stream's).
 */
public final class EventIds {
    static final char SEPARATOR = '-';
    static final char POSITION_SEPARATOR = '_';

    private final String epoch;
    private final byte[] prefix;

    public EventIds(long startMillis) {
        this(Long.toString(check(startMillis), 36));
    }

    private EventIds(String epoch) {
        this.epoch = epoch;
        this.prefix = (epoch + SEPARATOR).getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * The ids of a cluster's epoch: the epoch in decimal, as Redis writes a stream entry's id ({@code <ms>-<seq>}),
     * so that a one-topic event id is its stream entry's id.
     */
    public static EventIds cluster(long epochMillis) {
        return new EventIds(Long.toString(check(epochMillis)));
    }

    private static long check(long millis) {
        if (millis < 0) {
            throw new IllegalArgumentException("startMillis=" + millis);
        }
        return millis;
    }

    public String epoch() {
        return epoch;
    }

    /** The bytes before the sequence number in a one-topic id; shared, do not modify. */
    byte[] prefix() {
        return prefix;
    }

    public String format(long seq) {
        return epoch + SEPARATOR + seq;
    }

    /** A stream position: one sequence per topic of the stream. */
    public String format(long[] positions) {
        StringBuilder id = new StringBuilder(epoch.length() + 1 + positions.length * 8);
        id.append(epoch).append(SEPARATOR);
        for (int i = 0; i < positions.length; i++) {
            if (i > 0) {
                id.append(POSITION_SEPARATOR);
            }
            id.append(positions[i]);
        }
        return id.toString();
    }

    /**
     * The positions named by a {@code Last-Event-ID} of a stream of {@code topics} topics, or null when the
     * id is not one of this run's ids for such a stream (another epoch, malformed, wrong count).
     */
    public long[] parse(String id, int topics) {
        if (id == null || id.length() <= epoch.length() + 1 || !id.startsWith(epoch)
                || id.charAt(epoch.length()) != SEPARATOR) {
            return null;
        }
        long[] positions = new long[topics];
        int at = epoch.length() + 1;
        for (int t = 0; t < topics; t++) {
            if (t > 0) {
                if (at >= id.length() || id.charAt(at) != POSITION_SEPARATOR) {
                    return null;
                }
                at++;
            }
            int start = at;
            long value = 0;
            while (at < id.length() && id.charAt(at) >= '0' && id.charAt(at) <= '9') {
                if (value > (Long.MAX_VALUE - 9) / 10) {
                    return null;
                }
                value = value * 10 + (id.charAt(at) - '0');
                at++;
            }
            if (at == start || at - start > 1 && id.charAt(start) == '0') {
                return null;                  // empty or with leading zeros: not an id we wrote
            }
            positions[t] = value;
        }
        return at == id.length() ? positions : null;
    }
}
