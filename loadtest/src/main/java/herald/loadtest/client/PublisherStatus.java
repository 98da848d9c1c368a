package herald.loadtest.client;

import org.HdrHistogram.Histogram;

/**
 * A snapshot of the {@link Publisher}.
 *
 * @param scheduled      events the schedule holds (its rate times its duration); -1 in max-rate mode
 * @param sent           requests written (fewer than scheduled if the server could not take them in time)
 * @param accepted       2xx answers
 * @param rejected       other answers (counted by class in {@code statusClasses}: index 1 to 5)
 * @param lost           requests without an answer: the connection broke, or the drain time ran out
 * @param connectFailures failed connects or broken connections (each reconnected after 100 ms)
 * @param lastSent       the highest sequence number written so far
 * @param latency        publish latency (intended send → answer, ns) since the previous snapshot
 * @param done           the publisher has finished: everything answered or given up
 * @param due            requests the schedule has made due so far (the offered load, sent or not: a request
 *                       waiting for a free pipeline slot is offered and not yet sent); at the max rate, {@code sent}
 * @param rejected503    answers 503 (a server pushing back), also in {@code rejected} and in class 5
 * @param rejected429    answers 429 (rate-limited), also in {@code rejected} and in class 4
 * @param inFlight       requests written and not yet answered, now
 */
public record PublisherStatus(long scheduled, long sent, long accepted, long rejected, long lost, long connectFailures,
                       long lastSent, long[] statusClasses, Histogram latency, boolean done, long due,
                       long rejected503, long rejected429, long inFlight) {
}
