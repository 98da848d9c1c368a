package herald.loadtest.report;

/** {@code slow}'s {@code serverMemory} section (with {@code --server-pid}). */
public record SlowServerMemory(long rssAtStalledJoinBytes, long rssMaxBytes, long rssEndBytes,
                               double rssGrowthBytesPerSecondSecondHalf, double stalledOfferedBytesPerSecond,
                               boolean bounded, long kernelTcpBufferGrowthBytes, String note) {
}
