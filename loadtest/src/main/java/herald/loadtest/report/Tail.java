package herald.loadtest.report;

/** The end-of-run check ({@code tail}): what healthy subscriptions still lacked after the drain. */
public record Tail(long missingEvents, long connectionsBehind, long connectionsWithoutEvents) {
}
