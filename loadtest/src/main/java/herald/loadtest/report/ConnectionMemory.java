package herald.loadtest.report;

/** {@code fanout}'s {@code server} section: RSS before connecting and at the end, per connection. */
public record ConnectionMemory(long rssBeforeConnectBytes, long rssAtEndBytes, Long rssPerConnectionBytes) {
}
