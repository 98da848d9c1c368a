package herald.server.broker;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class EventIdsTest {
    private final EventIds ids = new EventIds(1_700_000_000_000L);

    @Test
    void shouldFormatEpochInBase36AndSequence() {
        assertEquals(Long.toString(1_700_000_000_000L, 36), ids.epoch());
        assertEquals(ids.epoch() + "-42", ids.format(42));
        assertEquals(ids.epoch() + "-1_0_7", ids.format(new long[] {1, 0, 7}));
    }

    @Test
    void shouldParseWhatItFormats() {
        assertArrayEquals(new long[] {42}, ids.parse(ids.format(42), 1));
        assertArrayEquals(new long[] {1, 0, 7}, ids.parse(ids.format(new long[] {1, 0, 7}), 3));
        assertArrayEquals(new long[] {1, 2}, ids.parse(ids.epoch() + "-1_2", 2));
        assertArrayEquals(new long[] {Long.MAX_VALUE - 8}, ids.parse(ids.epoch() + "-" + (Long.MAX_VALUE - 8), 1));
    }

    @Test
    void shouldRefuseIdsOfAnotherRunOrShapeAsUnknown() {
        EventIds later = new EventIds(1_700_000_000_001L);
        assertNull(ids.parse(later.format(5), 1), "another epoch");
        assertNull(ids.parse(ids.format(new long[] {1, 2}), 1), "two positions for one topic");
        assertNull(ids.parse(ids.format(5), 2), "one position for two topics");
        assertNull(ids.parse(ids.epoch() + "-", 1));
        assertNull(ids.parse(ids.epoch() + "-05", 1), "leading zero");
        assertNull(ids.parse(ids.epoch() + "-5x", 1));
        assertNull(ids.parse(ids.epoch() + "-+5", 1));
        assertNull(ids.parse(ids.epoch() + "-99999999999999999999", 1), "overflow");
        assertNull(ids.parse(ids.epoch() + "5", 1));
        assertNull(ids.parse(ids.epoch() + "_5", 1), "position separator after the epoch");
        assertNull(ids.parse(ids.epoch() + "x5", 1), "no separator after the epoch");
        assertNull(ids.parse(ids.epoch() + "-1-2", 2), "epoch separator between positions");
        assertNull(ids.parse(ids.epoch() + "-1x2", 2), "no separator between positions");
        assertNull(ids.parse(ids.epoch() + "-12", 2), "one position for two topics");
        assertNull(ids.parse("", 1));
        assertNull(ids.parse(null, 1));
        assertNull(ids.parse(ids.epoch(), 1), "the epoch alone");
        assertNull(ids.parse(ids.epoch().substring(1), 1), "shorter than the epoch");
    }

    @Test
    void shouldTakeAnyStartTimeFromTheEpochOfTheClockOn() {
        EventIds first = new EventIds(0);
        assertEquals("0", first.epoch());
        assertEquals("0-5", first.format(5));
        assertArrayEquals(new byte[] {'0', '-'}, first.prefix());
        assertArrayEquals(new long[] {5}, first.parse("0-5", 1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new EventIds(-1));
        assertEquals("startMillis=-1", e.getMessage());
    }
}
