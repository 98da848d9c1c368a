package herald.server.log;

import herald.server.Retention;
import herald.server.health.MemoryBudget;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EventLogTest {
    private static final byte[] PREFIX = "ep-".getBytes(StandardCharsets.US_ASCII);

    private static EventLog log(int events, long bytes, int segmentBytes) {
        return new EventLog(new Retention(events, bytes, segmentBytes), PREFIX, 1);
    }

    private static long append(EventLog log, String data) {
        byte[] bytes = data.getBytes(StandardCharsets.UTF_8);
        return log.append(null, bytes, 0, bytes.length, -1);
    }

    /** Everything after {@code afterSeq}, as the bytes a subscriber would write. */
    private static String readAll(EventLog log, long afterSeq) {
        StringBuilder out = new StringBuilder();
        Run run = new Run();
        long cursor = afterSeq;
        while (log.read(cursor, run, Integer.MAX_VALUE, Integer.MAX_VALUE) == EventLog.RUN) {
            ByteBuffer view = run.positionView(run.newView());
            byte[] bytes = new byte[view.remaining()];
            view.get(bytes);
            out.append(new String(bytes, StandardCharsets.UTF_8));
            cursor = run.lastSeq();
        }
        return out.toString();
    }

    @Test
    void shouldAssignDenseIncreasingSequencesFromBase() {
        EventLog log = new EventLog(Retention.DEFAULTS, PREFIX, 41);
        assertEquals(40, log.headSeq());
        assertEquals(41, append(log, "a"));
        assertEquals(42, append(log, "b"));
        assertEquals(42, log.headSeq());
    }

    @Test
    void shouldHoldEachEventEncodedWithItsIdLineLast() {
        EventLog log = log(16, 1 << 20, 4_096);
        byte[] type = "update".getBytes(StandardCharsets.US_ASCII);
        byte[] data = "x\ny".getBytes(StandardCharsets.US_ASCII);
        log.append(type, data, 0, data.length, 2_500);
        assertEquals("retry: 2500\nevent: update\ndata: x\ndata: y\nid: ep-1\n\n", readAll(log, 0));
    }

    @Test
    void shouldReadConsecutiveEventsAsOneContiguousRun() {
        EventLog log = log(16, 1 << 20, 4_096);
        append(log, "one");
        append(log, "two");
        append(log, "three");
        Run run = new Run();
        assertEquals(EventLog.RUN, log.read(0, run, Integer.MAX_VALUE, Integer.MAX_VALUE));
        assertEquals(1, run.firstSeq());
        assertEquals(3, run.lastSeq());
        assertEquals(3, run.eventCount());
        assertEquals("data: one\nid: ep-1\n\ndata: two\nid: ep-2\n\ndata: three\nid: ep-3\n\n", readAll(log, 0));
    }

    @Test
    void shouldStopRunAtMaxEventsAndMaxBytesButAlwaysTakeOneEvent() {
        EventLog log = log(16, 1 << 20, 4_096);
        for (int i = 0; i < 5; i++) {
            append(log, "event-" + i);
        }
        Run run = new Run();
        assertEquals(EventLog.RUN, log.read(0, run, Integer.MAX_VALUE, 2));
        assertEquals(2, run.lastSeq());
        assertEquals(EventLog.RUN, log.read(2, run, 1, Integer.MAX_VALUE));
        assertEquals(3, run.firstSeq());
        assertEquals(3, run.lastSeq());
    }

    @Test
    void shouldAnswerNoneWhenNothingIsNew() {
        EventLog log = log(16, 1 << 20, 4_096);
        Run run = new Run();
        assertEquals(EventLog.NONE, log.read(0, run, Integer.MAX_VALUE, Integer.MAX_VALUE));
        append(log, "a");
        assertEquals(EventLog.NONE, log.read(1, run, Integer.MAX_VALUE, Integer.MAX_VALUE));
        assertFalse(log.isOvertaken(1));
    }

    @Test
    void shouldRotateSegmentsAndContinueAcrossThem() {
        EventLog log = log(1_024, 1 << 20, 4_096);
        StringBuilder expected = new StringBuilder();
        for (int i = 1; i <= 500; i++) {
            String data = "payload-" + i + "-" + "x".repeat(i % 37);
            append(log, data);
            expected.append("data: ").append(data).append("\nid: ep-").append(i).append("\n\n");
        }
        assertEquals(expected.toString(), readAll(log, 0));
    }

    @Test
    void shouldOvertakeReaderWhenEventCountRetentionPassesIt() {
        EventLog log = log(8, 1 << 20, 4_096);
        for (int i = 0; i < 20; i++) {
            append(log, "e" + i);
        }
        Run run = new Run();
        assertEquals(EventLog.OVERTAKEN, log.read(0, run, Integer.MAX_VALUE, Integer.MAX_VALUE));
        assertTrue(log.isOvertaken(11));
        assertEquals(13, log.tailSeq());
        assertFalse(log.isOvertaken(12));
        assertEquals(EventLog.RUN, log.read(12, run, Integer.MAX_VALUE, Integer.MAX_VALUE));
        assertEquals(13, run.firstSeq());
        assertEquals(20, run.lastSeq());
    }

    @Test
    void shouldOvertakeReaderWhenByteRetentionEvictsItsSegment() {
        EventLog log = log(1 << 16, 16_384, 4_096);
        String data = "y".repeat(200);
        for (int i = 0; i < 400; i++) {
            append(log, data);
        }
        assertTrue(log.retainedBytes() <= 16_384, "retained " + log.retainedBytes());
        long tail = log.tailSeq();
        assertTrue(tail > 300, "tail " + tail);
        assertTrue(log.isOvertaken(tail - 2));
        assertFalse(log.isOvertaken(tail - 1));
        Run run = new Run();
        assertEquals(EventLog.OVERTAKEN, log.read(0, run, Integer.MAX_VALUE, Integer.MAX_VALUE));
        String rest = readAll(log, tail - 1);
        assertTrue(rest.startsWith("data: " + data + "\nid: ep-" + tail + "\n\n"));
        assertTrue(rest.endsWith("id: ep-400\n\n"));
    }

    @Test
    void shouldGiveAnEventLargerThanASegmentASegmentOfItsOwn() {
        EventLog log = log(64, 1 << 22, 4_096);
        append(log, "small");
        String big = "z".repeat(100_000);
        append(log, big);
        append(log, "after");
        assertEquals("data: small\nid: ep-1\n\ndata: " + big + "\nid: ep-2\n\ndata: after\nid: ep-3\n\n",
                readAll(log, 0));
    }

    @Test
    void shouldKeepBytesOfAnEvictedRunReadableByTheReaderHoldingIt() {
        EventLog log = log(4, 1 << 20, 4_096);
        append(log, "keep me");
        Run run = new Run();
        assertEquals(EventLog.RUN, log.read(0, run, Integer.MAX_VALUE, Integer.MAX_VALUE));
        ByteBuffer view = run.positionView(run.newView());
        for (int i = 0; i < 50; i++) {
            append(log, "overwrite-" + i);
        }
        byte[] bytes = new byte[view.remaining()];
        view.get(bytes);
        assertEquals("data: keep me\nid: ep-1\n\n", new String(bytes, StandardCharsets.US_ASCII));
    }

    @Test
    void shouldGiveIdLineLengthOfAnEvent() {
        EventLog log = log(16, 1 << 20, 4_096);
        assertEquals("id: ep-123\n".length(), log.idLineLength(123));
    }

    @Test
    void shouldRejectBaseSequenceBelowOne() {
        assertThrows(IllegalArgumentException.class, () -> new EventLog(Retention.DEFAULTS, PREFIX, 0));
    }

    @Test
    void shouldRoundRetentionEventsUpToPowerOfTwo() {
        assertEquals(1_024, new Retention(1_000, 1 << 20, 4_096).slots());
        assertEquals(1, new Retention(1, 1 << 20, 4_096).slots());
        assertThrows(IllegalArgumentException.class, () -> new Retention(0, 1 << 20, 4_096));
        assertThrows(IllegalArgumentException.class, () -> new Retention(16, 1_000, 4_096));
    }

    @Test
    void shouldListEachEventOnceInOrderAcrossManyReads() {
        EventLog log = log(256, 1 << 20, 4_096);
        List<Long> seen = new ArrayList<>();
        Run run = new Run();
        long cursor = 0;
        for (int i = 0; i < 1_000; i++) {
            append(log, Integer.toString(i));
            if (i % 7 == 0) {
                while (log.read(cursor, run, 64, Integer.MAX_VALUE) == EventLog.RUN) {
                    for (long s = run.firstSeq(); s <= run.lastSeq(); s++) {
                        seen.add(s);
                    }
                    cursor = run.lastSeq();
                }
            }
        }
        for (int i = 0; i < seen.size(); i++) {
            assertEquals(i + 1, seen.get(i));
        }
    }

    @Test
    void shouldHoldMemoryInProportionToItsEventsNotItsSlots() {
        MemoryBudget budget = MemoryBudget.unbounded();
        EventLog log = new EventLog(Retention.DEFAULTS, PREFIX, 1, budget);
        assertEquals(0, budget.used(), "a log allocates nothing before its first event");
        append(log, "hello");
        long oneEvent = budget.used();
        assertTrue(oneEvent <= 4_096 + 2_048, "one segment and one index page: " + oneEvent);
        for (int i = 0; i < 200; i++) {
            append(log, "e" + i);
        }
        assertTrue(budget.used() < 4 * oneEvent, "grows by pages: " + budget.used());
        assertEquals(budget.used(), log.budgetedBytes());
    }

    @Test
    void shouldAppendNothingAndTakeNoSequenceWhenTheBudgetHasNoRoom() {
        MemoryBudget budget = new MemoryBudget("maxRetainedBytes", 6_000);
        EventLog log = new EventLog(new Retention(1_024, 1L << 20, 4_096), PREFIX, 1, budget);
        String big = "z".repeat(1_000);
        long seq = 0;
        int appended = 0;
        while (seq != EventLog.FULL) {
            seq = append(log, big);
            appended += seq > 0 ? 1 : 0;
        }
        assertEquals(appended, log.headSeq(), "a refused append takes no sequence");
        assertTrue(budget.used() <= 6_000 + 2_048, "within the budget but for one page: " + budget.used());
        assertEquals(EventLog.FULL, append(log, big), "still full: nothing was freed");
        MemoryBudget roomy = new MemoryBudget("other", 1L << 20);
        assertTrue(append(new EventLog(new Retention(1_024, 1L << 20, 4_096), PREFIX, 1, roomy), big) > 0);
    }

    @Test
    void shouldGiveItsMemoryBackAndRefuseAppendsOnceClosed() {
        MemoryBudget budget = MemoryBudget.unbounded();
        EventLog log = new EventLog(new Retention(64, 64 << 10, 4_096), PREFIX, 1, budget);
        for (int i = 0; i < 100; i++) {
            append(log, "event " + i);
        }
        assertTrue(budget.used() > 0);
        assertEquals(100, log.close());
        assertEquals(0, budget.used(), "segments and pages released");
        assertEquals(EventLog.CLOSED, append(log, "late"));
        assertEquals(100, log.headSeq(), "no sequence after the close");
        assertEquals(EventLog.OVERTAKEN, log.read(99, new Run(), Integer.MAX_VALUE, Integer.MAX_VALUE));
    }

    @Test
    void shouldAskTheReclaimerOnceAndAppendWhenItFreedRoom() {
        MemoryBudget budget = new MemoryBudget("maxRetainedBytes", 4_096 + 2_048);
        EventLog other = new EventLog(Retention.DEFAULTS, PREFIX, 1, budget);
        append(other, "holds a segment and a page");
        int[] asked = {0};
        budget.reclaimWith(bytes -> {
            asked[0]++;
            other.close();
            return true;
        });
        EventLog log = new EventLog(Retention.DEFAULTS, PREFIX, 1, budget);
        assertEquals(1, append(log, "needs room"));
        assertEquals(1, asked[0]);
    }

    @Test
    void shouldTakeExactlyOneSegmentAndOneIndexPageForItsFirstEvent() {
        MemoryBudget budget = MemoryBudget.unbounded();
        EventLog log = new EventLog(Retention.DEFAULTS, PREFIX, 1, budget);
        append(log, "first");
        long page = 5 * 16 + 24 + 28L * EventLog.PAGE_SLOTS;       // five arrays, the page, 28 bytes a slot
        assertEquals(4_096 + page, budget.used());
        assertEquals(budget.used(), log.budgetedBytes());
    }

    @Test
    void shouldGiveItsMemoryBackOnceWhenClosedTwice() {
        MemoryBudget budget = MemoryBudget.unbounded();
        EventLog log = new EventLog(Retention.DEFAULTS, PREFIX, 1, budget);
        append(log, "one");
        append(log, "two");
        assertEquals(2, log.close());
        assertEquals(2, log.close(), "idempotent: the same last sequence");
        assertEquals(0, budget.used(), "released once, not twice");
    }

    @Test
    void shouldLeaveItsLockFreeForOtherThreadsAfterCloseAndRetainedBytes() throws Exception {
        EventLog log = log(64, 64 << 10, 4_096);
        append(log, "x");
        log.retainedBytes();
        log.close();
        Thread other = Thread.ofPlatform().start(() -> {
            log.retainedBytes();                                    // blocks forever if a lock was left held
            log.close();
        });
        other.join(5_000);
        assertFalse(other.isAlive(), "the rotation lock was released");
    }

    @Test
    void shouldKeepEverySegmentTheByteRetentionAllowsBeforeTheSegmentRingWraps() {
        // 64 segments of 4 KiB fit the 256 KiB retention: the ring of segments must hold them all
        EventLog log = log(1 << 16, 256 << 10, 4_096);
        String data = "d".repeat(1_000);
        long last = 0;
        for (int i = 0; i < 200; i++) {
            last = append(log, data);
        }
        long tail = log.tailSeq();
        assertTrue(log.headSeq() - tail + 1 >= 200 - 4, "retained since " + tail + " of " + last);
        assertEquals(EventLog.RUN, log.read(tail - 1, new Run(), Integer.MAX_VALUE, Integer.MAX_VALUE));
    }

    @Test
    void shouldStampEachRunWithTheAppendTimeOfItsFirstEvent() {
        EventLog log = log(64, 64 << 10, 4_096);
        long before = System.nanoTime();
        append(log, "timed");
        Run run = new Run();
        assertEquals(EventLog.RUN, log.read(0, run, Integer.MAX_VALUE, Integer.MAX_VALUE));
        assertTrue(run.firstAppendNanos() - before >= 0 && System.nanoTime() - run.firstAppendNanos() >= 0,
                "firstAppendNanos=" + run.firstAppendNanos());
    }
    @Test
    void shouldRetainJustTheNewestEventWithOneSlot() {
        EventLog log = log(1, 64 << 10, 4_096);
        for (int i = 0; i < 3; i++) {
            append(log, "e" + i);
        }
        assertEquals(3, log.headSeq());
        assertEquals(3, log.tailSeq(), "the oldest retained is the newest");
        assertTrue(log.isOvertaken(1));
        assertFalse(log.isOvertaken(2));
        assertEquals("data: e2\nid: ep-3\n\n", readAll(log, 2));
        assertFalse(log.isClosed());
        assertEquals(3, log.close());
        assertTrue(log.isClosed());
        assertEquals(EventLog.CLOSED, append(log, "late"), "refused though its segment has room");
    }

    @Test
    void shouldKeepTheOldestSegmentWhileTheRetainedBytesAreExactlyAtTheBound() {
        MemoryBudget budget = new MemoryBudget("maxRetainedBytes", 1L << 30);
        EventLog log = new EventLog(new Retention(1_024, 4_096 + 8_192, 8_192), PREFIX, 1, budget);
        String data = "d".repeat(1_000);
        long seq = append(log, data);
        assertEquals(4_096, log.retainedBytes(), "the first segment");
        while (log.retainedBytes() == 4_096) {
            seq = append(log, data);                    // until the second (8 KiB) segment is taken
        }
        assertEquals(4_096 + 8_192, log.retainedBytes(), "at the bound, not over it: both kept");
        assertFalse(log.isOvertaken(0), "the first event is still retained");
        assertEquals(1, log.tailSeq());
        while (log.retainedBytes() == 4_096 + 8_192) {
            seq = append(log, data);                    // a third segment: over the bound, the first goes
        }
        assertTrue(log.isOvertaken(0));
        assertEquals(8_192, log.retainedBytes(), "over the bound until only the new one is left");
        assertEquals(log.budgetedBytes(), budget.used(), "the evicted segment went back to the budget");
        assertTrue(seq > 10);
    }

    @Test
    void shouldLeaveItsLockFreeForOtherThreadsAfterBudgetedBytes() throws Exception {
        EventLog log = log(64, 64 << 10, 4_096);
        append(log, "x");
        assertTrue(log.budgetedBytes() > 4_096, "a segment and an index page");
        Thread other = Thread.ofPlatform().daemon().start(log::budgetedBytes);   // blocks if the lock was left held
        other.join(5_000);
        assertFalse(other.isAlive(), "the rotation lock was released");
    }
}
