package herald.loadtest.report;

/** The heap used after a full GC before and after the hold, per connection (inlined, {@code --jvm-gc}). */
public record HeapAfterGc(long heapUsedAfterGcBeforeBytes, long heapUsedAfterGcAfterBytes,
                          Long heapPerConnectionBytes) {
}
