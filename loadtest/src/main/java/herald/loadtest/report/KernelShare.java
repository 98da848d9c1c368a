package herald.loadtest.report;

/** {@code fanout}'s {@code kernel} section: Slab + TCP buffer delta, host-wide, per connection. */
public record KernelShare(String scope, long slabBytesDelta, long tcpBufferBytesDelta,
                          long bothEndsBytesPerConnection, long serverShareBytesPerConnection) {
}
