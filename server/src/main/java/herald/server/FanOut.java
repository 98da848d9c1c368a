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
 */
public record FanOut(int dispatchThreads, int watchers, Duration heartbeat, Duration retry, Duration maxStreamAge) {

    public FanOut {
        Checks.positive("dispatchThreads", dispatchThreads);
        Checks.positive("watchers", watchers);
        Checks.atLeast("heartbeat", heartbeat, 10);
        Checks.atLeast("retry", retry, HeraldConfig.MIN_RETRY_MILLIS);
        if (maxStreamAge.isNegative()) {
            throw new IllegalArgumentException("maxStreamAge must not be negative: maxStreamAge=" + maxStreamAge);
        }
    }

    /** A fan-out thread per CPU, a watcher per two, a 15 s heartbeat, a 3 s retry, streams that never age out. */
    public static FanOut defaults() {
        int cpus = Runtime.getRuntime().availableProcessors();
        return new FanOut(cpus, Math.max(1, cpus / 2), Duration.ofSeconds(15), Duration.ofSeconds(3), Duration.ZERO);
    }

    public FanOut withDispatchThreads(int value) {
        return new FanOut(value, watchers, heartbeat, retry, maxStreamAge);
    }

    public FanOut withWatchers(int value) {
        return new FanOut(dispatchThreads, value, heartbeat, retry, maxStreamAge);
    }

    public FanOut withHeartbeat(Duration value) {
        return new FanOut(dispatchThreads, watchers, value, retry, maxStreamAge);
    }

    public FanOut withRetry(Duration value) {
        return new FanOut(dispatchThreads, watchers, heartbeat, value, maxStreamAge);
    }

    public FanOut withMaxStreamAge(Duration value) {
        return new FanOut(dispatchThreads, watchers, heartbeat, retry, value);
    }
}
