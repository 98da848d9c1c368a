package herald.loadtest.report;

/**
 * One step of the rate ladder ({@code step}): what was offered at one publish rate, what the server took, what
 * reached the subscribers. Rates per second and latencies are over the measured window; the delivery ratio and the
 * cut-offs are over the whole step (warmup, measured window and the tail after publishing stopped), because
 * deliveries lag the publishes they belong to.
 *
 * @param rate              the step's name: the rate asked for ({@code "400"}) or {@code "max"}
 * @param offeredRate       events per second the publisher's schedule offered (max: {@code --max-rate})
 * @param offeredPerSecond  publishes made due per second by the schedule in the window, sent or not
 * @param sentPerSecond     publishes written per second (below offered when the server held every pipeline slot)
 * @param acceptedPerSecond 2xx answers per second
 * @param status503         503 answers in the window (pushed back: nothing was published)
 * @param status429         429 answers in the window
 * @param otherErrors       other non-2xx answers in the window
 * @param lost              requests never answered in the window (a connection broke)
 * @param inFlightAverage   publishes in flight on average over the window's polls
 * @param inFlightCapacity  publish connections times pipeline depth: the most that can be in flight
 * @param deliveredPerSecond events received per second over all subscribers in the window
 * @param deliveredEvents   events received over the step, duplicates excluded
 * @param expectedDeliveries accepted publishes over the step times subscribers
 * @param deliveryRatio     {@code deliveredEvents / expectedDeliveries}; null when nothing was accepted
 * @param p50Micros         publish→receive latency, from the intended send time
 * @param p99Micros         same, 99th percentile
 * @param serverCloses      streams the server ended during the step (cut-offs)
 * @param gapSignals        events of another type than {@code message} seen during the step (Herald's
 *                          {@code herald-gap})
 * @param sustained         {@link #isSustained}: the server took the offered rate and delivered it
 */
public record LadderStep(String rate, double offeredRate, double offeredPerSecond, double sentPerSecond,
                         double acceptedPerSecond, long status503, long status429, long otherErrors, long lost,
                         double inFlightAverage, long inFlightCapacity, double deliveredPerSecond,
                         long deliveredEvents, long expectedDeliveries, Double deliveryRatio, Double p50Micros,
                         Double p99Micros, long serverCloses, long gapSignals, boolean sustained) {

    /** "Sustained fan-out": at least this share of the expected deliveries made. */
    public static final double MIN_RATIO = 0.999;
    /** ... with a p99 publish→receive latency at most this (µs) ... */
    public static final double MAX_P99_MICROS = 1_000_000;
    /** ... of an offered rate the server accepted at least this share of. */
    public static final double MIN_ACCEPTED_SHARE = 0.99;

    /**
     * Whether a step sustained its rate: delivery ratio at least {@link #MIN_RATIO}, p99 at most 1 s, and at least
     * {@link #MIN_ACCEPTED_SHARE} of the offered publishes accepted (a server that refuses most of them and
     * delivers the rest has not sustained the rate).
     */
    public static boolean isSustained(Double ratio, Double p99Micros, double acceptedPerSecond,
                                      double offeredPerSecond) {
        return ratio != null && ratio >= MIN_RATIO && p99Micros != null && p99Micros <= MAX_P99_MICROS
                && offeredPerSecond > 0 && acceptedPerSecond >= MIN_ACCEPTED_SHARE * offeredPerSecond;
    }

    /** {@code delivered / (accepted × subscribers)}, or null when nothing was accepted. */
    public static Double ratio(long delivered, long accepted, long subscribers) {
        long expected = accepted * subscribers;
        return expected <= 0 ? null : Latency.round((double) delivered / expected, 6);
    }
}
