package herald.server.metrics;

import java.io.IOException;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryUsage;
import java.lang.management.OperatingSystemMXBean;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The JVM's and the process's figures, with the names the Prometheus Java client uses ({@code jvm_*},
 * {@code process_*}), read when scraped: heap and non-heap memory, direct and mapped buffers (Herald's event
 * history is direct memory), garbage collections, threads, CPU time, resident and virtual memory (from
 * {@code /proc/self/status} where there is one), open and allowed file descriptors, start time.
 */
final class RuntimeMetrics {
    private static final Path STATUS = Path.of("/proc/self/status");

    private RuntimeMetrics() {
    }

    static void writePrometheus(StringBuilder out) {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        MemoryUsage heap = memory.getHeapMemoryUsage();
        MemoryUsage nonHeap = memory.getNonHeapMemoryUsage();
        header(out, "jvm_memory_bytes_used", "Used bytes of a memory area", "gauge");
        sample(out, "jvm_memory_bytes_used{area=\"heap\"}", heap.getUsed());
        sample(out, "jvm_memory_bytes_used{area=\"nonheap\"}", nonHeap.getUsed());
        header(out, "jvm_memory_bytes_committed", "Committed bytes of a memory area", "gauge");
        sample(out, "jvm_memory_bytes_committed{area=\"heap\"}", heap.getCommitted());
        sample(out, "jvm_memory_bytes_committed{area=\"nonheap\"}", nonHeap.getCommitted());
        header(out, "jvm_memory_bytes_max", "Max bytes of a memory area (-1: undefined)", "gauge");
        sample(out, "jvm_memory_bytes_max{area=\"heap\"}", heap.getMax());
        sample(out, "jvm_memory_bytes_max{area=\"nonheap\"}", nonHeap.getMax());

        header(out, "jvm_buffer_pool_used_bytes", "Bytes used by a buffer pool (direct: event history and I/O buffers)",
                "gauge");
        for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
            sample(out, "jvm_buffer_pool_used_bytes{pool=\"" + label(pool.getName()) + "\"}", pool.getMemoryUsed());
        }
        header(out, "jvm_buffer_pool_capacity_bytes", "Bytes of capacity of a buffer pool", "gauge");
        for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
            sample(out, "jvm_buffer_pool_capacity_bytes{pool=\"" + label(pool.getName()) + "\"}",
                    pool.getTotalCapacity());
        }

        header(out, "jvm_gc_collection_seconds", "Time spent in a garbage collector's collections", "summary");
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            String labels = "{gc=\"" + label(gc.getName()) + "\"}";
            sample(out, "jvm_gc_collection_seconds_count" + labels, Math.max(0, gc.getCollectionCount()));
            out.append("jvm_gc_collection_seconds_sum").append(labels).append(' ')
                    .append(Math.max(0, gc.getCollectionTime()) / 1e3).append('\n');
        }

        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        header(out, "jvm_threads_current", "Live platform threads (virtual threads not included)", "gauge");
        sample(out, "jvm_threads_current", threads.getThreadCount());
        header(out, "jvm_threads_daemon", "Live daemon platform threads", "gauge");
        sample(out, "jvm_threads_daemon", threads.getDaemonThreadCount());
        header(out, "jvm_threads_peak", "Most live platform threads since start", "gauge");
        sample(out, "jvm_threads_peak", threads.getPeakThreadCount());

        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
            long cpu = sun.getProcessCpuTime();
            if (cpu >= 0) {
                header(out, "process_cpu_seconds_total", "User and system CPU time of the process", "counter");
                out.append("process_cpu_seconds_total ").append(cpu / 1e9).append('\n');
            }
        }
        if (os instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
            header(out, "process_open_fds", "Open file descriptors (connections included)", "gauge");
            sample(out, "process_open_fds", unix.getOpenFileDescriptorCount());
            header(out, "process_max_fds", "The open-file limit", "gauge");
            sample(out, "process_max_fds", unix.getMaxFileDescriptorCount());
        }
        long[] status = procStatus();
        if (status != null) {
            header(out, "process_resident_memory_bytes", "Resident memory of the process (VmRSS)", "gauge");
            sample(out, "process_resident_memory_bytes", status[0]);
            header(out, "process_virtual_memory_bytes", "Virtual memory of the process (VmSize)", "gauge");
            sample(out, "process_virtual_memory_bytes", status[1]);
        }
        header(out, "process_start_time_seconds", "When the process started, in seconds since the Unix epoch",
                "gauge");
        out.append("process_start_time_seconds ")
                .append(ManagementFactory.getRuntimeMXBean().getStartTime() / 1e3).append('\n');
    }

    /** VmRSS and VmSize in bytes from {@code /proc/self/status}, or null where there is none. */
    private static long[] procStatus() {
        if (!Files.isReadable(STATUS)) {
            return null;
        }
        try {
            long rss = -1;
            long size = -1;
            for (String line : Files.readAllLines(STATUS, StandardCharsets.US_ASCII)) {
                if (line.startsWith("VmRSS:")) {
                    rss = kib(line);
                } else if (line.startsWith("VmSize:")) {
                    size = kib(line);
                }
            }
            return rss < 0 || size < 0 ? null : new long[] {rss, size};
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** {@code VmRSS:	  123456 kB} in bytes. */
    private static long kib(String line) {
        String value = line.substring(line.indexOf(':') + 1).trim();
        int space = value.indexOf(' ');
        return Long.parseLong(space < 0 ? value : value.substring(0, space)) * 1024;
    }

    private static String label(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }

    private static void header(StringBuilder out, String name, String help, String type) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    private static void sample(StringBuilder out, String series, long value) {
        out.append(series).append(' ').append(value).append('\n');
    }
}
