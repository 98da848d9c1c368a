package herald.bench.log;

import herald.protocol.sse.SseEncoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The event every log benchmark moves, and the sizes they share.
 *
 * <p>Data: 64 bytes of JSON without line breaks. Encoded as Herald stores it (no event type, no retry, the id line
 * last): {@code "data: " + data + "\nid: mhx3k2a1-" + seq + "\n\n"}, 96 bytes for a 10-digit sequence. Sequences
 * start at {@link #FIRST_SEQ} so that every event of a run has the same length.
 */
public final class LogEvents {
    /** A realistic small payload: one quote update. */
    public static final byte[] DATA =
            "{\"type\":\"quote\",\"sym\":\"ACME\",\"bid\":131.05,\"ask\":131.07,\"n\":4217}"
                    .getBytes(StandardCharsets.US_ASCII);
    /** What Herald writes before the sequence in an id: its epoch and a separator. */
    public static final byte[] ID_PREFIX = "mhx3k2a1-".getBytes(StandardCharsets.US_ASCII);
    /** Sequence of the first event; ten digits, as are all sequences a benchmark reaches. */
    public static final long FIRST_SEQ = 1_000_000_000L;
    /** Slots of every ring: Herald's default retention (4,096 events), the Disruptor's and the queues' capacity. */
    public static final int CAPACITY = 4_096;
    /**
     * How far (in events) producers may run ahead of the consumer in the two rings that gate on the consumer's
     * cursor (EventLog, Disruptor): the capacity less a margin for producers that passed the gate together.
     */
    public static final int WINDOW = CAPACITY - 64;
    /** Upper bound of one run the event log reader takes, as Herald's subscribers use ({@code RUN_BYTES}). */
    public static final int RUN_BYTES = 256 << 10;
    /** Bytes of one encoded event. */
    public static final int ENCODED_LENGTH = encoded(FIRST_SEQ).length;

    private LogEvents() {
    }

    /** The bytes of the event with sequence {@code seq}, exactly as {@code EventLog.append} stores them. */
    public static byte[] encoded(long seq) {
        ByteBuffer out = ByteBuffer.allocate(256);
        int length = SseEncoder.encode(out, null, DATA, 0, DATA.length, ID_PREFIX, seq, -1);
        byte[] bytes = new byte[length];
        out.flip().get(bytes);
        return bytes;
    }
}
