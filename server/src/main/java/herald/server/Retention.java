package herald.server;

/**
 * How much history one topic's event log keeps: the newest {@code events} events, within {@code bytes} of
 * encoded event memory, whichever bound is reached first.
 *
 * @param events       events kept per topic; rounded up to a power of two (default 4,096). The log's index
 *                     costs 20 bytes per event slot, allocated at the topic's first publish.
 * @param bytes        encoded bytes kept per topic, counted in whole segments (default 16 MiB)
 * @param segmentBytes size of one segment of direct memory once a topic is busy (default 256 KiB); a
 *                     new topic starts with 4 KiB and doubles up to this; an event larger than this gets a
 *                     segment of its own size
 */
public record Retention(int events, long bytes, int segmentBytes) {
    public static final Retention DEFAULTS = new Retention(4_096, 16L << 20, 256 << 10);
    /** The smallest segment, and the first one of a new topic. */
    public static final int MIN_SEGMENT_BYTES = 4_096;

    public Retention {
        if (events < 1 || events > 1 << 26) {
            throw new IllegalArgumentException("retention events must be in [1, 67108864]: events=" + events);
        }
        if (segmentBytes < MIN_SEGMENT_BYTES || segmentBytes > 1 << 30) {
            throw new IllegalArgumentException(
                    "segmentBytes must be in [4096, 1073741824]: segmentBytes=" + segmentBytes);
        }
        if (bytes < segmentBytes) {
            throw new IllegalArgumentException(
                    "retention bytes must be at least segmentBytes: bytes=" + bytes + " segmentBytes=" + segmentBytes);
        }
    }

    public Retention withEvents(int value) {
        return new Retention(value, bytes, segmentBytes);
    }

    public Retention withBytes(long value) {
        return new Retention(events, value, segmentBytes);
    }

    public Retention withSegmentBytes(int value) {
        return new Retention(events, bytes, value);
    }

    /** The event slot count: {@link #events()} rounded up to a power of two. */
    public int slots() {
        return events == 1 ? 1 : Integer.highestOneBit(events - 1) << 1;
    }
}
