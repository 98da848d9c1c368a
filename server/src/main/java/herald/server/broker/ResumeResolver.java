package herald.server.broker;

import herald.server.log.EventLog;
import herald.server.metrics.Metrics;

import java.util.ArrayList;
import java.util.List;

/**
 * Where a stream starts in each of its topics: after the client's {@code Last-Event-ID} when it is one of this
 * run's ids and still retained; before the newest quarter of the retained events, after a gap signal, when it is
 * not (reason {@code evicted}: older than the retained window; {@code unknown}: another run, malformed, or ahead of
 * the log); at the head (live) when the client sent none.
 */
final class ResumeResolver {
    private final EventIds ids;
    private final Metrics metrics;
    private final long retryMillis;

    ResumeResolver(EventIds ids, Metrics metrics, long retryMillis) {
        this.ids = ids;
        this.metrics = metrics;
        this.retryMillis = retryMillis;
    }

    Subscription resolve(Topic[] topics, String lastEventId) {
        int count = topics.length;
        long[] cursors = new long[count];
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
                if (after > head) {
                    lost = Subscription.Reason.UNKNOWN;
                } else if (after < head && (after < topic.baseSeq - 1 || log == null || log.isOvertaken(after))) {
                    lost = Subscription.Reason.EVICTED;
                }
                cursors[i] = after;
            }
            if (lost != null) {
                cursors[i] = afterGap(topic);
                gaps.add(new Subscription.Gap(topic.name, lost, ids.format(cursors[i])));
            }
        }
        if (!gaps.isEmpty()) {
            metrics.gaps.add(gaps.size());
        }
        return new Subscription(topics, cursors, gaps, ids.format(cursors), retryMillis);
    }

    /**
     * Where a stream continues after a gap: before the newest quarter of the retained events (rounded up). Not at
     * the oldest retained event: a client cut off because it fell behind would start again as far behind as
     * possible, and be cut off again at once while publishing goes on; from here it has three quarters of the window
     * to catch up.
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
