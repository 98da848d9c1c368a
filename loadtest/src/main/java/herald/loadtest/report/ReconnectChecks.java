package herald.loadtest.report;

/** {@link Checks} of a reconnect storm, and its own. */
public record ReconnectChecks(@Json.Inline Checks delivery, boolean zeroLoss, boolean zeroDuplicates,
                              boolean recovered) {
}
