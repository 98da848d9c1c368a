package herald.loadtest.report;

/** {@code idle}'s {@code connections}. */
public record Connections(int requested, long connected, long heldAtEnd) {
}
