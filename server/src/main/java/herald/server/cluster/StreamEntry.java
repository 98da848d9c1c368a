package herald.server.cluster;

/**
 * One event as a topic's Redis stream holds it. Fields in Redis: {@code t} (publish time, epoch milliseconds, of the
 * publishing node's clock), {@code e} (event type, absent when none), {@code r} (retry milliseconds, absent when
 * none), {@code d} (data). Fields Herald does not know are ignored; a missing {@code d} reads as empty data.
 *
 * @param eventType null when none
 * @param retryMillis -1 when none
 */
public record StreamEntry(StreamId id, long publishedMillis, byte[] eventType, byte[] data, long retryMillis) {
}
