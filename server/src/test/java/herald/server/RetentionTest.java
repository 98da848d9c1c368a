package herald.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Retention's bounds, each tested at its edge from both sides, and the slot count. */
class RetentionTest {
    private static final int SEGMENT = Retention.MIN_SEGMENT_BYTES;

    @Test
    void shouldAcceptEventsFromOneTo2Pow26() {
        assertEquals(1, new Retention(1, SEGMENT, SEGMENT).events());
        assertEquals(1 << 26, new Retention(1 << 26, SEGMENT, SEGMENT).events());
        assertRejected("events=0", () -> new Retention(0, SEGMENT, SEGMENT));
        assertRejected("events=-1", () -> new Retention(-1, SEGMENT, SEGMENT));
        assertRejected("events=67108865", () -> new Retention((1 << 26) + 1, SEGMENT, SEGMENT));
    }

    @Test
    void shouldAcceptSegmentBytesFrom4KiBTo1GiB() {
        assertEquals(4_096, new Retention(1, 1L << 30, 4_096).segmentBytes());
        assertEquals(1 << 30, new Retention(1, 1L << 30, 1 << 30).segmentBytes());
        assertRejected("segmentBytes=4095", () -> new Retention(1, 1L << 30, 4_095));
        assertRejected("segmentBytes=1073741825", () -> new Retention(1, 1L << 31, (1 << 30) + 1));
    }

    @Test
    void shouldRequireBytesOfAtLeastOneSegment() {
        assertEquals(8_192, new Retention(1, 8_192, 8_192).bytes());
        assertRejected("bytes=8191 segmentBytes=8192", () -> new Retention(1, 8_191, 8_192));
    }

    @Test
    void shouldRoundSlotsUpToPowerOfTwo() {
        assertEquals(1, new Retention(1, SEGMENT, SEGMENT).slots());
        assertEquals(2, new Retention(2, SEGMENT, SEGMENT).slots());
        assertEquals(4, new Retention(3, SEGMENT, SEGMENT).slots());
        assertEquals(4, new Retention(4, SEGMENT, SEGMENT).slots());
        assertEquals(8, new Retention(5, SEGMENT, SEGMENT).slots());
        assertEquals(1 << 26, new Retention(1 << 26, SEGMENT, SEGMENT).slots());
        assertEquals(4_096, Retention.DEFAULTS.slots());
    }

    private static void assertRejected(String fragment, Executable create) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, create);
        assertTrue(e.getMessage().contains(fragment), e.getMessage());
    }
}
