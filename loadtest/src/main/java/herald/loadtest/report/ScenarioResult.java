package herald.loadtest.report;

/**
 * One run's result, as a scenario returns it and {@link ResultStore} writes it: a record whose components are the
 * JSON keys, in order ({@link Json#fields}), so a misspelled key is a compile error. The schema is
 * {@code herald-loadtest/1}; {@code compare/goals.sh} and the reports read these files.
 */
public sealed interface ScenarioResult permits FanOutResult, IdleResult, LadderResult, ReconnectResult, SlowResult,
        StreamsResult {

    Header header();

    String headline();

    /** The run's pass/fail checks, or null if it has none ({@code idle}). */
    default Record checks() {
        return null;
    }
}
