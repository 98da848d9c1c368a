package herald.server.broker;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * How many topics of each kind the broker knows, against their own limits, so that subscribers can never stop
 * publishers from creating topics:
 * <ul>
 *   <li><b>published</b> (they have a log): at most {@code maxTopics}; a publish that would make one more gets
 *       503;</li>
 *   <li><b>unpublished</b> (made by a subscribe, no log, a few hundred bytes each): at most
 *       {@code maxUnpublishedTopics}; a subscribe to a new name over it gets 503, publishing is not
 *       affected;</li>
 *   <li><b>deleted</b> (a tombstone: the name and its last sequence, to answer 204): at most {@code maxTopics};
 *       over it the broker forgets the oldest tombstones.</li>
 * </ul>
 * Each transition happens once per topic incarnation, under that topic's lock; the limits are checked with a
 * compare-and-set, so they hold under concurrent creation.
 */
final class TopicCounts {
    final AtomicInteger published = new AtomicInteger();
    final AtomicInteger unpublished = new AtomicInteger();
    final AtomicInteger deleted = new AtomicInteger();
    private final int maxTopics;
    private final int maxUnpublishedTopics;

    TopicCounts(int maxTopics, int maxUnpublishedTopics) {
        this.maxTopics = maxTopics;
        this.maxUnpublishedTopics = maxUnpublishedTopics;
    }

    /** A subscribe makes a new topic. @throws BrokerException TOPIC_LIMIT over {@code maxUnpublishedTopics} */
    void addUnpublished() {
        if (!tryIncrement(unpublished, maxUnpublishedTopics)) {
            throw BrokerException.topicLimit("topic limit reached for topics nobody published to: "
                    + "maxUnpublishedTopics=" + maxUnpublishedTopics);
        }
    }

    /** A publish makes a new topic: it is counted as published once its log exists ({@link #publish}). */
    void addForPublish() {
        unpublished.incrementAndGet();
    }

    /** @throws BrokerException TOPIC_LIMIT when {@code maxTopics} topics are published to (checked again by {@link #publish}) */
    void checkRoomForPublished() {
        if (published.get() >= maxTopics) {
            throw BrokerException.topicLimit("topic limit reached: maxTopics=" + maxTopics);
        }
    }

    /** A topic gets its log. @throws BrokerException TOPIC_LIMIT over {@code maxTopics} (the topic stays unpublished) */
    void publish() {
        if (!tryIncrement(published, maxTopics)) {
            throw BrokerException.topicLimit("topic limit reached: maxTopics=" + maxTopics);
        }
        unpublished.decrementAndGet();
    }

    /** Whether a subscribe to {@code extra} more new names would fit (for HEAD, which creates nothing). */
    boolean roomForUnpublished(int extra) {
        return unpublished.get() + extra < maxUnpublishedTopics;
    }

    int maxUnpublishedTopics() {
        return maxUnpublishedTopics;
    }

    /** Known topics that take subscribers and events now (published or not; tombstones not counted). */
    int live() {
        return published.get() + unpublished.get();
    }

    int maxTopics() {
        return maxTopics;
    }

    private static boolean tryIncrement(AtomicInteger count, int max) {
        while (true) {
            int n = count.get();
            if (n >= max) {
                return false;
            }
            if (count.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }
}
