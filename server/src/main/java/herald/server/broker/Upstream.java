package herald.server.broker;

import java.util.List;

/**
 * The broker's append seam in cluster mode: a log shared by every node (a Redis stream per topic,
 * {@code herald.server.cluster.ClusterBridge}) that publishes append to and that each node follows for the topics it
 * has subscribers for, feeding what it reads into its local logs with {@link Broker#replicate}. The shared log names
 * each event by the broker's epoch and a sequence that counts from 1 without gaps within the epoch, so an id names
 * the same event on every node.
 *
 * <p>Threads: any, concurrently. {@link #append} and the reads make one round trip each and throw
 * {@link BrokerException} {@code UNAVAILABLE} (503) when the shared log is unreachable or too slow; {@link #follow}
 * and {@link #unfollow} never block (they are called under a topic's lock).
 */
public interface Upstream {

    /**
     * Appends one event to the topic's shared log and returns its id, after the shared log acknowledged it. Nothing
     * is appended locally: the event comes back through {@link Broker#replicate} on every node that follows the topic.
     *
     * @throws BrokerException {@code UNAVAILABLE}: not acknowledged (it may or may not have been appended when the
     *                         connection broke after sending)
     */
    String append(String topic, byte[] eventType, byte[] data, int offset, int length, long retryMillis);

    /**
     * What the topic's shared log keeps in {@code ids}' epoch: {@code oldest} the first sequence kept, {@code head}
     * the newest (0 when none, {@code oldest} then 1).
     *
     * @throws BrokerException {@code UNAVAILABLE}, also when the shared log is in a newer epoch than {@code ids}' (the
     *                         node learns it and starts again in the new epoch)
     */
    Window window(String topic, EventIds ids);

    /** Up to {@code max} events of {@code ids}' epoch with {@code after < seq <= upTo}, oldest first. */
    List<Event> history(String topic, EventIds ids, long after, long upTo, int max);

    /** Starts following the topic after {@code afterSeq} of {@code ids}' epoch. Non-blocking. */
    void follow(String topic, EventIds ids, long afterSeq);

    /** Stops following the topic. Non-blocking. */
    void unfollow(String topic);

    /**
     * A client named an id of epoch {@code epoch}, which is not the broker's: when it is a later one, the node learns
     * the shared log's epoch now (one round trip; {@link Broker#changeEpoch} when it changed), so that ids handed out
     * by other nodes in it resume here. Quietly does nothing when it is not later or the shared log does not answer.
     */
    void catchUpWithEpoch(String epoch);

    /** The sequences a topic's shared log keeps in one epoch. */
    record Window(long oldest, long head) {
    }

    /** One event read back from the shared log. {@code eventType} null and {@code retryMillis} -1 when none. */
    record Event(long seq, byte[] eventType, byte[] data, long retryMillis) {
    }
}
