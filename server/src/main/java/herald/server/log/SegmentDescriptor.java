package herald.server.log;

/**
 * Layouts of the event log: the claim word of a {@link Segment} and the bytes of one record.
 *
 * <pre>
 * Claim word (one long, CAS by producers):
 *   63  62                                31 30                               0
 *  +---+------------------------------------+----------------------------------+
 *  | S |        record count (32 bits)       |   byte offset of the next record  |
 *  +---+------------------------------------+----------------------------------+
 *  S: sealed. A sealed segment takes no more records; producers move to its successor.
 *
 * Record (the encoded SSE event, exactly the bytes every subscriber receives):
 *  +-------------+-------------+----------------+-------------------+----+
 *  | retry: n \n | event: t \n | data: line \n… | id: EPOCH-SEQ \n  | \n |
 *  +-------------+-------------+----------------+-------------------+----+
 *  (retry and event only when set). The id line comes last so that a subscriber of several topics can
 *  write the record up to the id line and then its own composite id line and the blank line.
 * </pre>
 */
final class SegmentDescriptor {
    static final long SEALED = 1L << 63;
    static final int OFFSET_BITS = 31;
    static final long OFFSET_MASK = (1L << OFFSET_BITS) - 1;
    static final long COUNT_ONE = 1L << OFFSET_BITS;
    static final long COUNT_MASK = 0xFFFF_FFFFL;

    private SegmentDescriptor() {
    }

    static boolean isSealed(long claim) {
        return claim < 0;
    }

    static long count(long claim) {
        return (claim >>> OFFSET_BITS) & COUNT_MASK;
    }

    static int offset(long claim) {
        return (int) (claim & OFFSET_MASK);
    }

    /** The claim word after one more record of {@code length} bytes. */
    static long next(long claim, int length) {
        return claim + COUNT_ONE + length;
    }
}
