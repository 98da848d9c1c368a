package herald.loadtest.probe;

import java.nio.file.Path;

/**
 * The kernel's memory for sockets, host-wide, from {@code /proc/net/sockstat} ({@code TCP: ... mem N}: pages
 * of socket buffers) and {@code /proc/meminfo} ({@code Slab}: socket structures, dentries, ... in KiB).
 * On loopback both ends of every connection are on this host, so a delta counts the client's sockets too
 * (roughly half of it is the server's share). Not per process: other activity on the host shows up as noise.
 */
public record KernelMemory(long tcpBufferBytes, long slabBytes, long tcpSockets) {
    private static final long PAGE_BYTES = 4096;     // sockstat counts pages; 4 KiB on x86-64 and most arm64

    public static KernelMemory sample() {
        long tcpMem = 0;
        long tcpInUse = 0;
        String sockstat = ProcessTree.read(Path.of("/proc/net/sockstat"));
        if (sockstat != null) {
            for (String line : sockstat.split("\n")) {
                if (line.startsWith("TCP:")) {
                    String[] f = line.substring(4).trim().split(" +");
                    for (int i = 0; i + 1 < f.length; i += 2) {
                        if (f[i].equals("mem")) {
                            tcpMem = Long.parseLong(f[i + 1]);
                        } else if (f[i].equals("inuse")) {
                            tcpInUse = Long.parseLong(f[i + 1]);
                        }
                    }
                }
            }
        }
        long slab = 0;
        String meminfo = ProcessTree.read(Path.of("/proc/meminfo"));
        if (meminfo != null) {
            for (String line : meminfo.split("\n")) {
                if (line.startsWith("Slab:")) {
                    slab = ProcessTree.kibibytes(line) * 1024;
                }
            }
        }
        return new KernelMemory(tcpMem * PAGE_BYTES, slab, tcpInUse);
    }
}
