package herald.loadtest.probe;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The /proc readers on this test JVM's own PID and a child it starts. */
class ProcessTreeTest {

    @Test
    void shouldReadRssAndCpuOfThisProcess() {
        long pid = ProcessHandle.current().pid();
        long spin = 0;
        for (int i = 0; i < 50_000_000; i++) {
            spin += i ^ spin;                   // burn some CPU so utime moves past a tick
        }
        assertTrue(spin != 1);
        ProcessTree.Sample s = new ProcessTree(List.of(pid)).sample();
        assertTrue(s.processes() >= 1);
        assertTrue(s.rssBytes() > 10L * 1024 * 1024, "a JVM's RSS: " + s.rssBytes());
        assertTrue(s.cpuNanos() > 0, "CPU: " + s.cpuNanos());
        assertTrue(ProcessTree.selfCpuNanos() > 0);
        assertEquals(s.rssBytes() > 0, ProcessTree.rssBytes(pid) > 0);
    }

    @Test
    void shouldSumTheProcessTreeAndReportGoneProcesses() throws Exception {
        Process child = new ProcessBuilder("sleep", "30").start();
        try {
            long self = ProcessHandle.current().pid();
            ProcessTree.Sample alone = new ProcessTree(List.of(child.pid())).sample();
            ProcessTree.Sample tree = new ProcessTree(List.of(self)).sample();
            assertEquals(1, alone.processes());
            assertTrue(alone.rssBytes() > 0);
            assertTrue(tree.processes() >= 2, "this JVM and its sleep child: " + tree.processes());
        } finally {
            child.destroy();                    // ours, by its handle
            child.waitFor(5, TimeUnit.SECONDS);
        }
        assertEquals(-1, ProcessTree.rssBytes(child.pid()));
        assertEquals(0, new ProcessTree(List.of(child.pid())).sample().processes());
        assertThrows(IllegalArgumentException.class, () -> ProcessTree.of(Long.toString(child.pid())));
        assertThrows(IllegalArgumentException.class, () -> ProcessTree.of("abc"));
    }

    @Test
    void shouldReadTheKernelsSocketMemory() {
        KernelMemory k = KernelMemory.sample();
        assertTrue(k.slabBytes() > 0);
        assertTrue(k.tcpBufferBytes() >= 0);
    }
}
