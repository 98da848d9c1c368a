package herald.loadtest.client;

/**
 * Subscriptions held by this process ({@link Generator}) or by worker processes ({@link WorkerFleet}); scenarios
 * drive either the same way. Called from one controller thread.
 */
public interface SubscriberFleet extends AutoCloseable {

    /** Opens {@code count} more subscriptions, paced; {@code stalled} ones stop reading once their head is in. */
    void open(int count, boolean stalled);

    /** Cumulative counters and the latencies recorded since the previous call. */
    FleetStatus status();

    /** Every healthy streaming subscription closes and reconnects at once (paced at {@code connectsPerSecond}). */
    long dropAll(double connectsPerSecond);

    /**
     * From now on every subscription (re)connects to its resume URL ({@link GeneratorConfig#resumeUrls()}), with
     * {@code Last-Event-ID}; open streams stay until they end or are dropped. Returns the subscriptions moved.
     */
    long moveToResumeUrls();

    /** Healthy subscriptions streaming and past {@code seq} in every lane. */
    long caughtUp(long seq);

    /**
     * The tail check at the end of a run: {@code [missing events, connections behind, connections that received
     * nothing]} given the highest sequence number the server accepted per subscribe URL and lane.
     */
    long[] missingAtEnd(long[][] lastSeqPerUrlPerLane);

    /**
     * Events delivered per opened subscription on average, for the publisher's gate in max-rate mode. Any thread.
     * In this process it is live; over workers it is as of the last {@link #status()}.
     */
    long deliveredPerSubscriber();

    /** Subscriptions opened so far (the target count, not how many are connected). */
    long opened();

    /** Closes every subscription and ends the threads or processes; bounded in time. */
    @Override
    void close();
}
