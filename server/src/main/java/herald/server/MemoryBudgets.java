package herald.server;

import java.lang.management.ManagementFactory;

/**
 * The memory budgets over which requests get 503 instead of an out-of-memory error.
 *
 * @param maxRetainedBytes     history of all topics together (log segments and index); over it the history of the
 *                             topics idle longest is dropped, then publishes answer 503 (half of the smaller of
 *                             the heap and direct-memory limits, at least 1 MiB)
 * @param maxInflightBodyBytes request bodies being read at once, all connections together; over it a request
 *                             answers 503 (a quarter of the heap limit; at least {@code maxBodyBytes}, checked by
 *                             {@link HeraldConfig})
 */
public record MemoryBudgets(long maxRetainedBytes, long maxInflightBodyBytes) {

    public MemoryBudgets {
        Checks.positive("maxRetainedBytes", maxRetainedBytes);
        Checks.positive("maxInflightBodyBytes", maxInflightBodyBytes);
    }

    /** Budgets derived from this JVM's memory limits. */
    public static MemoryBudgets defaults() {
        return new MemoryBudgets(defaultMaxRetainedBytes(), Runtime.getRuntime().maxMemory() / 4);
    }

    public MemoryBudgets withMaxRetainedBytes(long value) {
        return new MemoryBudgets(value, maxInflightBodyBytes);
    }

    public MemoryBudgets withMaxInflightBodyBytes(long value) {
        return new MemoryBudgets(maxRetainedBytes, value);
    }

    /** Half of the smaller of the heap limit and the direct-memory limit (which defaults to the heap limit). */
    static long defaultMaxRetainedBytes() {
        long heap = Runtime.getRuntime().maxMemory();
        long direct = heap;
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (arg.startsWith("-XX:MaxDirectMemorySize=")) {
                direct = parseJvmSize(arg.substring("-XX:MaxDirectMemorySize=".length()), heap);
            }
        }
        return Math.max(1L << 20, Math.min(heap, direct) / 2);
    }

    private static long parseJvmSize(String value, long otherwise) {
        if (value.isEmpty()) {
            return otherwise;
        }
        long unit = switch (Character.toLowerCase(value.charAt(value.length() - 1))) {
            case 'k' -> 1L << 10;
            case 'm' -> 1L << 20;
            case 'g' -> 1L << 30;
            case 't' -> 1L << 40;
            default -> 1;
        };
        try {
            long n = Long.parseLong(unit == 1 ? value : value.substring(0, value.length() - 1));
            return n == 0 ? otherwise : n * unit;            // 0: the JVM's own default, the heap limit
        } catch (NumberFormatException e) {
            return otherwise;
        }
    }
}
