package herald.server;

import java.time.Duration;

/**
 * How events reach subscribers: the fan-out threads and what every stream is sent besides events.
 *
 * @param dispatchThreads fan-out threads (the number of CPUs)
 * @param watchers        selector threads watching subscriber sockets (half the CPUs, at least 1)
 * @param heartbeat       an idle stream gets a comment line after this (15 s; at least 10 ms)
 * @param retry           the {@code retry:} sent on connect (3 s; at least {@link HeraldConfig#MIN_RETRY_MILLIS})
 * @param maxStreamAge    a topic stream is ended after this, and its client reconnects and resumes (spreads
 *                        clients over servers behind a balancer); zero: never (the default)
 * @param shutdownSpread  when the server stops, each stream's last event ({@code herald-shutdown}) tells its client
 *                        to reconnect after a time drawn uniformly from [100 ms, this], so that reconnects do not
 *                        all arrive at once (5 s; at least {@link HeraldConfig#MIN_RETRY_MILLIS})
 */
public record FanOut(int dispatchThreads, int watchers, Duration heartbeat, Duration retry, Duration maxStreamAge,
                     Duration shutdownSpread) {

    /** The default shutdown spread, 5 s. */
    public static final Duration SHUTDOWN_SPREAD = Duration.ofSeconds(5);

    public FanOut {
        Checks.positive("dispatchThreads", dispatchThreads);
        Checks.positive("watchers", watchers);
        Checks.atLeast("heartbeat", heartbeat, 10);
        Checks.atLeast("retry", retry, HeraldConfig.MIN_RETRY_MILLIS);
        if (maxStreamAge.isNegative()) {
            throw new IllegalArgumentException("maxStreamAge must not be negative: maxStreamAge=" + maxStreamAge);
        }
        Checks.atLeast("shutdownSpread", shutdownSpread, HeraldConfig.MIN_RETRY_MILLIS);
    }

    /** Without a shutdown spread: the default one. */
    public FanOut(int dispatchThreads, int watchers, Duration heartbeat, Duration retry, Duration maxStreamAge) {
        this(dispatchThreads, watchers, heartbeat, retry, maxStreamAge, SHUTDOWN_SPREAD);
    }

    /** A fan-out thread per CPU, a watcher per two, a 15 s heartbeat, a 3 s retry, streams that never age out. */
    public static FanOut defaults() {
        int cpus = Runtime.getRuntime().availableProcessors();
        return new FanOut(cpus, Math.max(1, cpus / 2), Duration.ofSeconds(15), Duration.ofSeconds(3), Duration.ZERO,
                SHUTDOWN_SPREAD);
    }

    public FanOut withDispatchThreads(int value) {
        return new FanOut(value, watchers, heartbeat, retry, maxStreamAge, shutdownSpread);
    }

    public FanOut withWatchers(int value) {
        return new FanOut(dispatchThreads, value, heartbeat, retry, maxStreamAge, shutdownSpread);
    }

    public FanOut withHeartbeat(Duration value) {
        return new FanOut(dispatchThreads, watchers, value, retry, maxStreamAge, shutdownSpread);
    }

    public FanOut withRetry(Duration value) {
        return new FanOut(dispatchThreads, watchers, heartbeat, value, maxStreamAge, shutdownSpread);
    }

    public FanOut withMaxStreamAge(Duration value) {
        return new FanOut(dispatchThreads, watchers, heartbeat, retry, value, shutdownSpread);
    }

    public FanOut withShutdownSpread(Duration value) {
        return new FanOut(dispatchThreads, watchers, heartbeat, retry, maxStreamAge, value);
    }
}
