package herald.protocol.http1;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/**
 * Parsing a typical browser GET allocates only what the head keeps: its bytes, its field offsets, the head object
 * and the path string. Measured with the thread's allocation counter after a warm-up, minimum over several runs.
 *
 * <p>{@code com.sun.management.ThreadMXBean} is reached reflectively: the tests are patched into the
 * {@code herald.protocol} module, which reads neither {@code java.management} nor {@code jdk.management}, and core
 * reflection does not need the read edge. The test is skipped where that bean is not available.
 */
final class RequestHeadAllocationTest {
    private static final int WARM_UP_PARSES = 20_000;
    private static final int MEASURED_RUNS = 20;

    private RequestHead sink;           // keeps heads reachable so escape analysis cannot remove them

    @Test
    void shouldAllocateOnlyWhatTheHeadNeedsForTypicalGet() throws Throwable {
        MethodHandle allocatedBytes = currentThreadAllocatedBytes();
        byte[] raw = Requests.bytes(Requests.CHROME_GET);
        ByteBuffer in = ByteBuffer.wrap(raw);
        RequestParser parser = new RequestParser();
        for (int i = 0; i < WARM_UP_PARSES; i++) {
            in.clear();
            sink = parser.parse(in);
        }
        long overhead = Long.MAX_VALUE;
        long allocated = Long.MAX_VALUE;
        for (int run = 0; run < MEASURED_RUNS; run++) {
            long start = (long) allocatedBytes.invokeExact();
            long end = (long) allocatedBytes.invokeExact();
            overhead = Math.min(overhead, end - start);
            in.clear();
            start = (long) allocatedBytes.invokeExact();
            sink = parser.parse(in);
            end = (long) allocatedBytes.invokeExact();
            allocated = Math.min(allocated, end - start);
        }
        long parse = allocated - overhead;
        long budget = raw.length + 512;
        System.out.printf("RequestHeadAllocationTest: typical GET headBytes=%d allocatedBytes=%d budget=%d%n",
                raw.length, parse, budget);
        assertEquals("/topics/news", sink.path());
        assertTrue(parse <= budget, "allocatedBytes=" + parse + " budget=" + budget);
    }

    /** {@code ((com.sun.management.ThreadMXBean) getThreadMXBean())::getCurrentThreadAllocatedBytes}. */
    private static MethodHandle currentThreadAllocatedBytes() throws Throwable {
        Object bean = Class.forName("java.lang.management.ManagementFactory").getMethod("getThreadMXBean")
                .invoke(null);
        Class<?> hotSpotBean;
        try {
            hotSpotBean = Class.forName("com.sun.management.ThreadMXBean");
        } catch (ClassNotFoundException e) {
            hotSpotBean = null;
        }
        assumeTrue(hotSpotBean != null && hotSpotBean.isInstance(bean), "com.sun.management.ThreadMXBean");
        MethodHandle handle = MethodHandles.publicLookup()
                .findVirtual(hotSpotBean, "getCurrentThreadAllocatedBytes", MethodType.methodType(long.class))
                .bindTo(bean);
        long probe = (long) handle.invokeExact();
        assumeTrue(probe >= 0, "thread allocation measurement is disabled");
        return handle;
    }
}
