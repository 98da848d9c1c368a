package herald.loadtest.probe;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Reading jcmd's GC.heap_info output, and the real thing on this test JVM. */
class JvmProbeTest {

    @Test
    void shouldSumTheHeapSpacesButNotMetaspace() {
        String g1 = """
                12345:
                 garbage-first heap   total reserved 1048576K, committed 1048576K, used 5460K [0x00000000c0000000, 0x0000000100000000)
                  region size 1024K, 3 young (3072K), 0 survivors (0K)
                 Metaspace       used 1234K, committed 1408K, reserved 1114112K
                  class space    used 99K, committed 192K, reserved 1048576K
                """;
        assertEquals(5460L * 1024, JvmProbe.parseHeapUsed(g1));
        String serial = """
                 def new generation   total 4928K, used 1000K [0x1, 0x2, 0x3)
                  eden space 4416K,  22% used [0x1, 0x2, 0x3)
                 tenured generation   total 10944K, used 2000K [0x1, 0x2, 0x3)
                 Metaspace       used 1234K, committed 1408K, reserved 1114112K
                """;
        assertEquals(3000L * 1024, JvmProbe.parseHeapUsed(serial));
        assertEquals(12L << 20, JvmProbe.parseHeapUsed(" ZHeap           used 12M, capacity 64M, max capacity 1024M"));
        assertEquals(-1, JvmProbe.parseHeapUsed("12345:\ncould not attach"));
    }

    @Test
    void shouldCollectAndReadThisJvmsHeap() {
        List<Long> self = List.of(ProcessHandle.current().pid());
        JvmProbe.fullGc(self);
        assertTrue(JvmProbe.heapUsedBytes(self) > 0);
    }
}
