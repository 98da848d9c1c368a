package herald.protocol.sse;

import static herald.protocol.sse.Parsing.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/**
 * Once its buffers have grown, the parser allocates nothing per event or per line, for heap and direct input,
 * lines split across reads, changing ids, comments and retries alike. Not a benchmark: no time is asserted.
 */
class SseStreamParserAllocationTest {
    private static final int WARM_UP = 20_000;
    private static final int MEASURED = 10_000;

    /** Reads what it is given in place, as a zero-allocation client would. */
    private static final class CountingListener implements SseListener {
        long events;
        long chars;
        long comments;
        long retries;

        @Override
        public void onEvent(CharSequence type, CharSequence data, CharSequence lastEventId) {
            events++;
            chars += type.length() + data.length() + lastEventId.length() + data.charAt(0);
        }

        @Override
        public void onRetry(long millis) {
            retries += millis;
        }

        @Override
        public void onComment(CharSequence text) {
            comments++;
        }
    }

    private final byte[] stream = streamOfEvents();

    private static byte[] streamOfEvents() {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            s.append("id: topic-").append(1000 + i).append("\nevent: tick\ndata: {\"n\":").append(i)
                    .append(",\"text\":\"héllo wörld 😀\"}\r\ndata: second line\n\n:\n");
        }
        s.append("retry: 2500\n: heartbeat\n");
        return utf8(s.toString());
    }

    private long parseMany(SseStreamParser parser, ByteBuffer in, int rounds) {
        int half = stream.length / 2 + 3;                    // cuts a line, and a multi-byte char in some rounds
        for (int r = 0; r < rounds; r++) {
            int cut = half + (r & 7);
            in.clear().limit(cut);
            parser.parse(in);
            in.limit(stream.length).position(cut);
            parser.parse(in);
        }
        return rounds;
    }

    private long measure(ByteBuffer in) {
        in.put(stream).flip();
        CountingListener listener = new CountingListener();
        SseStreamParser parser = new SseStreamParser(listener);
        parseMany(parser, in, WARM_UP);
        long before = AllocationMeter.allocatedBytes();
        parseMany(parser, in, MEASURED);
        long allocated = AllocationMeter.allocatedBytes() - before;
        System.out.println("SseStreamParser " + (in.isDirect() ? "direct" : "heap") + ": " + allocated
                + " bytes allocated for " + MEASURED * 8 + " events (" + listener.events + " total, "
                + listener.comments + " comments)");
        assertEquals((WARM_UP + MEASURED) * 8L, listener.events);
        return allocated;
    }

    // Measured 0 bytes. The bound tolerates a one-off JVM allocation, yet one object per event would be >= 16 x.
    @Test
    void shouldNotAllocatePerEventFromHeapBuffer() {
        long allocated = measure(ByteBuffer.allocate(stream.length));
        assertTrue(allocated < MEASURED, "allocated=" + allocated);
    }

    @Test
    void shouldNotAllocatePerEventFromDirectBuffer() {
        long allocated = measure(ByteBuffer.allocateDirect(stream.length));
        assertTrue(allocated < MEASURED, "allocated=" + allocated);
    }

    /** Bytes allocated by one {@code parse} of {@code in} (after a warm-up parse of the same kind of buffer). */
    private static long allocatedBy(SseStreamParser parser, ByteBuffer in) {
        long before = AllocationMeter.allocatedBytes();
        parser.parse(in);
        return AllocationMeter.allocatedBytes() - before;
    }

    private static ByteBuffer copy(byte[] bytes, boolean direct) {
        ByteBuffer b = direct ? ByteBuffer.allocateDirect(bytes.length) : ByteBuffer.allocate(bytes.length);
        return b.put(bytes).flip();
    }

    // A line within one heap buffer is processed where it lies: no line buffer, however long the line.
    @Test
    void shouldNotCopyLinesThatLieWithinOneHeapBuffer() {
        byte[] line = utf8("ignored: " + "x".repeat(100_000) + "\n");
        new SseStreamParser(new CountingListener()).parse(copy(line, false));        // warm-up
        SseStreamParser parser = new SseStreamParser(new CountingListener());
        long allocated = allocatedBy(parser, copy(line, false));
        assertTrue(allocated < 16_384, "allocated=" + allocated);                   // a copy would be 100 KB
    }

    // reset() gives back storage above 64 Ki and keeps the rest: a buffer of exactly 64 Ki is reused.
    @Test
    void shouldKeepBuffersOfUpTo64KiForReuseAfterReset() {
        for (boolean direct : new boolean[] {false, true}) {
            byte[] eventLine = utf8("event: " + "t".repeat(64 * 1024) + "\n");     // event type of exactly 64 Ki
            byte[] line = utf8("event: " + "t".repeat(64 * 1024 - 7) + "\n");     // a line of exactly 64 Ki
            byte[] stream = direct ? line : eventLine;
            SseStreamParser parser = new SseStreamParser(new CountingListener());
            parser.parse(copy(stream, direct));
            parser.reset();
            ByteBuffer again = copy(stream, direct);
            long allocated = allocatedBy(parser, again);
            assertTrue(allocated < 16_384, (direct ? "direct" : "heap") + " allocated=" + allocated);
        }
    }

    // ... and drops what is above, so one huge event does not pin its memory for the life of a pooled parser.
    @Test
    void shouldGiveBackBuffersAbove64KiOnReset() {
        for (boolean direct : new boolean[] {false, true}) {
            byte[] stream = utf8("event: " + "t".repeat(64 * 1024 + 1) + "\n");
            SseStreamParser parser = new SseStreamParser(new CountingListener());
            parser.parse(copy(stream, direct));
            parser.reset();
            long allocated = allocatedBy(parser, copy(stream, direct));
            assertTrue(allocated >= 2 * 64 * 1024, (direct ? "direct" : "heap") + " allocated=" + allocated);
        }
    }

    // Both last event ID buffers (the one id fields write, the one dispatch copies it to) are given back too.
    @Test
    void shouldGiveBackBothLastEventIdBuffersAbove64KiOnReset() {
        int idLength = 100_000;
        byte[] stream = utf8("id: " + "i".repeat(idLength) + "\n\n");
        SseStreamParser parser = new SseStreamParser(new CountingListener());
        parser.parse(copy(stream, false));
        parser.reset();
        long allocated = allocatedBy(parser, copy(stream, false));
        assertTrue(allocated >= 2 * 2L * idLength, "allocated=" + allocated);      // two char[idLength] again
    }
}
