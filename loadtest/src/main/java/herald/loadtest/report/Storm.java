package herald.loadtest.report;

/** {@code reconnect}'s {@code storm} section. */
public record Storm(long dropped, long seqAtDrop, Double reconnectSeconds, boolean recovered, Double recoverSeconds,
                    long caughtUp, long resumes, long typedEvents) {
}
