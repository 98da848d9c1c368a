package herald.bench.memory;

import java.io.IOException;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/** Heap used after full GC, direct buffer pool used, and resident set size, at one moment. */
record Footprint(long heap, long direct, long directBuffers, long rssKib) {
    static Footprint measure() {
        long heap = heapAfterFullGc();
        BufferPoolMXBean pool = directPool();
        return new Footprint(heap, pool.getMemoryUsed(), pool.getCount(), readRssKib());
    }

    /** Calls System.gc() until used heap stops falling (at least 3, at most 10 times); the lowest value. */
    private static long heapAfterFullGc() {
        long lowest = Long.MAX_VALUE;
        for (int round = 0; round < 10; round++) {
            System.gc();
            try {
                Thread.sleep(50);                       // the cleaner frees dead direct buffers meanwhile
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while measuring", e);
            }
            long used = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
            if (used >= lowest && round >= 2) {
                break;
            }
            lowest = Math.min(lowest, used);
        }
        return lowest;
    }

    private static BufferPoolMXBean directPool() {
        for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
            if (pool.getName().equals("direct")) {
                return pool;
            }
        }
        throw new IllegalStateException("no direct buffer pool MXBean");
    }

    private static long readRssKib() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.substring(6).replace("kB", "").trim());
                }
            }
        } catch (IOException e) {
            return -1;                                  // not Linux: RSS not reported
        }
        return -1;
    }
}
