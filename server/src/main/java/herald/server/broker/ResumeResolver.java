package herald.server.broker;

import herald.server.log.EventLog;
import herald.server.metrics.Metrics;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Where a stream starts in each of its topics: after the client's {@code Last-Event-ID} when it is one of this
 * run's ids and still retained; before the newest quarter of the retained events, after a gap signal, when it is
 * not (reason {@code evicted}: older than the retained window; {@code unknown}: another run, malformed, or ahead of
 * the log); at the head (live) when the client sent none.
 *
 * <p>Cluster mode: "retained" is what the topic's shared log keeps. An id within the node's copy resumes locally;
 * an older one still in the shared log replays from it ({@link Subscription#nextHistory}) up to where the copy
 * starts; one the node has not read yet but the shared log has waits for it. Only an id the shared log no longer
 * keeps is {@code evicted}, and one of another epoch or past the shared log's head {@code unknown}.
 */
final class ResumeResolver {
    private final Metrics metrics;
    private final long retryMillis;
    private final Upstream upstream;                // cluster mode; null standalone

    ResumeResolver(Metrics metrics, long retryMillis, Upstream upstream) {
        this.metrics = metrics;
        this.retryMillis = retryMillis;
        this.upstream = upstream;
    }

    Subscription resolve(Topic[] topics, String lastEventId, EventIds ids) {
        int count = topics.length;
        long[] cursors = new long[count];
        long[] historyUpTo = null;                  // cluster mode: replay (cursor, historyUpTo] from the shared log
        List<Subscription.Gap> gaps = new ArrayList<>(0);
        boolean resuming = lastEventId != null && !lastEventId.isEmpty();
        long[] asked = resuming ? ids.parse(lastEventId, count) : null;
        if (resuming) {
            metrics.resumes.increment();
        }
        for (int i = 0; i < count; i++) {
            Topic topic = topics[i];
            long head = topic.headSeq();
            Subscription.Reason lost = null;
            if (asked == null) {
                cursors[i] = head;
                lost = resuming ? Subscription.Reason.UNKNOWN : null;
            } else {
                long after = asked[i];
                EventLog log = topic.log();
                cursors[i] = after;
                if (topic.followsUpstream() && topic.ids() == ids) {
                    long localFrom = log == null ? topic.baseSeq - 1 : Math.max(topic.baseSeq, log.tailSeq()) - 1;
                    if (after < localFrom || after > head) {
                        Upstream.Window window = upstream.window(topic.name, ids);    // one round trip
                        if (after > window.head()) {
                            lost = Subscription.Reason.UNKNOWN;
                        } else if (after < window.oldest() - 1) {
                            lost = Subscription.Reason.EVICTED;
                        } else if (after < localFrom) {
                            if (historyUpTo == null) {
                                historyUpTo = new long[count];
                                Arrays.fill(historyUpTo, -1);
                            }
                            historyUpTo[i] = localFrom;   // then on from the copy, where the replay ends
                        }
                    }
                } else if (after > head) {
                    lost = Subscription.Reason.UNKNOWN;
                } else if (after < head && (after < topic.baseSeq - 1 || log == null || log.isOvertaken(after))) {
                    lost = Subscription.Reason.EVICTED;
                }
            }
            if (lost != null) {
                cursors[i] = afterGap(topic);
                gaps.add(new Subscription.Gap(topic.name, lost, ids.format(cursors[i])));
            }
        }
        if (!gaps.isEmpty()) {
            metrics.gaps.add(gaps.size());
        }
        Subscription subscription = new Subscription(topics, cursors, gaps, ids.format(cursors), retryMillis, ids);
        if (historyUpTo != null) {
            subscription.replayFrom(upstream, historyUpTo);
        }
        return subscription;
    }

    /**
     * Where a stream continues after a gap: before the newest quarter of the retained events (rounded up). Not at
     * the oldest retained event: a client cut off because it fell behind would start again as far behind as
     * possible, and be cut off again at once while publishing goes on; from here it has three quarters of the window
     * to catch up. In cluster mode "retained" is the node's copy (a new incarnation's holds nothing yet: live).
     * What it skips is exactly what its gap event says (it continues after {@code resumeAfter}).
     */
    static long afterGap(Topic topic) {
        EventLog log = topic.log();
        if (log == null) {
            return topic.baseSeq - 1;
        }
        long head = log.headSeq();
        long retained = head - log.tailSeq() + 1;
        return head - (retained + 3) / 4;           // rounded up: one retained event is still sent
    }
}
