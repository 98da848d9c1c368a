package herald.loadtest.report;

/** The host's TCP buffer memory at a {@link WindowSummary}'s ends (inlined). */
public record KernelWindow(long kernelTcpBufferBytesStart, long kernelTcpBufferBytesEnd) {
}
