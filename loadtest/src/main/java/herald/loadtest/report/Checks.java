package herald.loadtest.report;

/** Pass/fail of a run that publishes ({@code checks}). */
public record Checks(boolean inOrderNoGaps, boolean noDuplicates, boolean noneMissingAtEnd,
                     boolean allPublishesAccepted) {
}
