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
}
