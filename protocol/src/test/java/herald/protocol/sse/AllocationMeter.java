package herald.protocol.sse;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * Bytes allocated by the current thread, from {@code com.sun.management.ThreadMXBean}; shared by the allocation
 * tests of every package.
 *
 * <p>Reached reflectively: the tests run inside the {@code herald.protocol} module, which (rightly) does not read
 * {@code java.management}, and core reflection and {@link MethodHandles#publicLookup()} need no readability edge.
 * {@code invokeExact} on a {@code ()long} handle neither boxes nor allocates, so the meter reads 0 around nothing.
 */
public final class AllocationMeter {
    private static final MethodHandle ALLOCATED_BYTES = allocatedBytesHandle();

    private AllocationMeter() {
    }

    public static long allocatedBytes() {
        try {
            return (long) ALLOCATED_BYTES.invokeExact();
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    private static MethodHandle allocatedBytesHandle() {
        try {
            Object bean = Class.forName("java.lang.management.ManagementFactory")
                    .getMethod("getThreadMXBean").invoke(null);
            Class<?> beanType = Class.forName("com.sun.management.ThreadMXBean");
            return MethodHandles.publicLookup()
                    .findVirtual(beanType, "getCurrentThreadAllocatedBytes", MethodType.methodType(long.class))
                    .bindTo(bean);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError("com.sun.management.ThreadMXBean is not available", e);
        }
    }
}
