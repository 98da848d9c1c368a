package herald.loadtest.client;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The open-loop schedule's arithmetic: intended times, what is due when, how many, which lane. */
class PublishScheduleTest {
    private static final long START = 1_000_000_000_000L;
    private static final long SECOND = 1_000_000_000L;

    @Test
    void shouldPlaceEventNAtStartPlusNMinusOnePeriods() {
        PublishSchedule s = new PublishSchedule(START, 1000, Long.MAX_VALUE, START + 10 * SECOND);
        assertEquals(START, s.intendedNanos(1));
        assertEquals(START + 1_000_000, s.intendedNanos(2));
        assertEquals(START + SECOND, s.intendedNanos(1001));
    }

    @Test
    void shouldNotDriftWhenThePeriodIsNotAWholeNanosecond() {
        PublishSchedule s = new PublishSchedule(START, 3, Long.MAX_VALUE, START + 10_000 * SECOND);
        assertEquals(START + SECOND, s.intendedNanos(4), 1);
        assertEquals(START + 1000 * SECOND, s.intendedNanos(3001), 1, "computed from seq, not accumulated");
    }

    @Test
    void shouldMakeEventsDueAtTheirIntendedTimeWhateverHappenedBefore() {
        PublishSchedule s = new PublishSchedule(START, 1000, Long.MAX_VALUE, START + 10 * SECOND);
        assertEquals(0, s.lastDue(START - 1));
        assertEquals(1, s.lastDue(START));
        assertEquals(1, s.lastDue(START + 999_999));
        assertEquals(2, s.lastDue(START + 1_000_000));
        assertEquals(501, s.lastDue(START + SECOND / 2), "a publisher stalled for 0.5 s owes 501 events at once");
    }

    @Test
    void shouldBoundTheScheduleByEndTimeAndCount() {
        PublishSchedule byTime = new PublishSchedule(START, 1000, Long.MAX_VALUE, START + 10_000_000);
        assertEquals(10, byTime.total(), "10 ms at 1000/s: events 1..10, the 11th is due at the end: excluded");
        assertEquals(10, byTime.lastDue(START + SECOND));
        PublishSchedule byCount = new PublishSchedule(START, 1000, 7, START + SECOND);
        assertEquals(7, byCount.total());
        assertEquals(7, byCount.lastDue(START + SECOND));
        PublishSchedule fractional = new PublishSchedule(START, 3, Long.MAX_VALUE, START + SECOND);
        assertEquals(3, fractional.total(), "0, 1/3 and 2/3 s");
        assertTrue(fractional.over(START + SECOND, 0));
        assertFalse(fractional.over(START, 2));
        assertTrue(fractional.over(START, 3));
    }

    @Test
    void shouldLeaveMaxRateUnscheduled() {
        PublishSchedule s = new PublishSchedule(START, 0, 500, START + SECOND);
        assertTrue(s.maxRate());
        assertEquals(500, s.total());
        assertEquals(500, s.lastDue(START));
    }

    @Test
    void shouldAssignSequenceNumbersToLanesRoundRobin() {
        assertEquals(0, PublishSchedule.lane(1, 3));
        assertEquals(1, PublishSchedule.lane(2, 3));
        assertEquals(2, PublishSchedule.lane(3, 3));
        assertEquals(0, PublishSchedule.lane(4, 3));
        assertEquals(0, PublishSchedule.lane(99, 1));
    }

    @Test
    void shouldRejectANegativeRate() {
        assertThrows(IllegalArgumentException.class, () -> new PublishSchedule(START, -1, 1, START));
    }
}
