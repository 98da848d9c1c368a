package herald.loadtest.report;

/** {@code idle}'s {@code kernel} section (host-wide, both ends of each loopback connection). */
public record IdleKernel(String scope, long tcpBufferBytesDelta, long slabBytesDelta, Long slabBytesPerConnection,
                         Long tcpBufferBytesPerConnection, Long bothEndsBytesPerConnection,
                         Long serverShareBytesPerConnection, long tcpSocketsDelta) {
}
