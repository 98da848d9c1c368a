package herald.protocol.sse;

import static herald.protocol.sse.Parsing.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/**
 * The encoder's byte[] paths allocate nothing: measured with the thread's allocation counter around thousands of
 * encodes after warm-up (the JIT has compiled them by then). Not a benchmark: no time is asserted.
 */
class SseEncoderAllocationTest {
    private static final int WARM_UP = 20_000;
    private static final int MEASURED = 10_000;

    private final byte[] type = utf8("update");
    private final byte[] prefix = utf8("t7-");
    private final byte[] singleLine = utf8("{\"user\":42,\"unread\":3,\"text\":\"héllo\"}");
    private final byte[] multiLine = utf8("line one\r\nline two\nline three\r" + "x".repeat(200));

    private long encodeMany(ByteBuffer out, int count) {
        long sum = 0;
        for (int i = 0; i < count; i++) {
            out.clear();
            sum += SseEncoder.encode(out, type, singleLine, 0, singleLine.length, prefix, 1_000_000L + i, -1);
            sum += SseEncoder.encodedLength(type, singleLine, 0, singleLine.length, prefix, i, -1);
            sum += SseEncoder.encode(out, null, multiLine, 0, multiLine.length, null, i, 3000);
            sum += SseEncoder.idLineLength(prefix, i);
            sum += SseEncoder.encodeId(out, prefix, i);
            sum += SseEncoder.encodeRetry(out, 3000);
            sum += SseEncoder.encodeHeartbeat(out);
            sum += SseEncoder.encodeComment(out, prefix);
        }
        return sum;
    }

    private long measure(ByteBuffer out) {
        encodeMany(out, WARM_UP);
        long before = AllocationMeter.allocatedBytes();
        long sum = encodeMany(out, MEASURED);
        long allocated = AllocationMeter.allocatedBytes() - before;
        System.out.println("SseEncoder " + (out.isDirect() ? "direct" : "heap") + ": " + allocated
                + " bytes allocated in " + MEASURED + " rounds (checksum " + sum + ")");
        return allocated;
    }

    @Test
    void shouldMeterZeroAroundNothing() {
        AllocationMeter.allocatedBytes();
        long before = AllocationMeter.allocatedBytes();
        assertEquals(0, AllocationMeter.allocatedBytes() - before);
    }

    // Measured 0 bytes. The bound tolerates a one-off JVM allocation, yet one object per round would be >= 16 x.
    @Test
    void shouldNotAllocateWhenEncodingIntoDirectBuffer() {
        long allocated = measure(ByteBuffer.allocateDirect(4096));
        assertTrue(allocated < MEASURED, "allocated=" + allocated);
    }

    @Test
    void shouldNotAllocateWhenEncodingIntoHeapBuffer() {
        long allocated = measure(ByteBuffer.allocate(4096));
        assertTrue(allocated < MEASURED, "allocated=" + allocated);
    }
}
