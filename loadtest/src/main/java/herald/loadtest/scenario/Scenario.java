package herald.loadtest.scenario;

import herald.loadtest.report.ScenarioResult;

import java.util.List;

/**
 * A bounded load scenario. Runs against whatever target the context names, prints progress about every second,
 * and returns one result per run (a scenario may run several, e.g. one per event size).
 */
public interface Scenario {

    /** The CLI name: {@code idle}, {@code fanout}, ... */
    String name();

    /** The topology, named like the Disruptor's perf tests: {@code OneTopicManySubscribers}, ... */
    String topology();

    /** A bound on the run's length from its options, for the watchdog. */
    long boundNanos(RunContext ctx);

    List<ScenarioResult> run(RunContext ctx);

    static List<Scenario> all() {
        return List.of(new IdleConnections(), new OneTopicManySubscribers(), SingleStream.create(),
                new ReconnectStorm(), new SlowConsumers(), new RateLadder(), new PerRequestStreams());
    }
}
