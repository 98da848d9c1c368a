package herald.server.cluster;

/**
 * A Redis stream entry id as Herald writes it: {@code <epoch>-<seq>}. The epoch (milliseconds, chosen when the
 * stream is created) is the same for every entry of a stream; {@code seq} counts from 1 without gaps within it.
 * Herald's event id is this pair, so an id names the same event on every node.
 */
public record StreamId(long epoch, long seq) implements Comparable<StreamId> {
    /** Before every entry: tailing or reading history "after ZERO" starts at the stream's oldest entry. */
    public static final StreamId ZERO = new StreamId(0, 0);

    public StreamId {
        if (epoch < 0 || seq < 0) {
            throw new IllegalArgumentException("epoch=" + epoch + " seq=" + seq);
        }
    }

    /**
     * Parses Redis's {@code <ms>-<seq>}.
     *
     * @throws RedisException {@code PROTOCOL} when it is not one
     */
    static StreamId parse(String id) {
        int dash = id.indexOf('-');
        if (dash <= 0 || dash == id.length() - 1 || dash > 20 || id.length() - dash > 21) {
            throw RedisException.protocol("redis stream id is malformed");
        }
        try {
            return new StreamId(Long.parseLong(id, 0, dash, 10), Long.parseLong(id, dash + 1, id.length(), 10));
        } catch (IllegalArgumentException e) {            // NumberFormatException, or negative
            throw RedisException.protocol("redis stream id is malformed");
        }
    }

    static StreamId parse(byte[] id) {
        return parse(new String(id, java.nio.charset.StandardCharsets.US_ASCII));
    }

    @Override
    public int compareTo(StreamId other) {
        int byEpoch = Long.compareUnsigned(epoch, other.epoch);
        return byEpoch != 0 ? byEpoch : Long.compareUnsigned(seq, other.seq);
    }

    @Override
    public String toString() {
        return epoch + "-" + seq;
    }
}
