package herald.loadtest.report;

import java.util.Optional;

/**
 * The measured window of a {@code streams} run ({@code measured}).
 *
 * @param concurrentAverage  streams in progress, averaged over the window's polls
 * @param streamingAverage   streams between their first token and their end, averaged over the window's polls:
 *                           the streams the server kept going; the rest of the concurrent ones waited for it to
 *                           accept or answer them (closed loop: a server that answers later streams fewer at once)
 * @param started            streams started in the window
 * @param completed          streams that delivered every token and {@code [DONE]} in the window
 * @param completedPerSecond the same per second
 * @param tokensPerSecond    tokens received per second over all streams
 * @param failures           streams that failed in the window (connect, timeout, status, ended early, wrong count)
 * @param timeToFirstToken   from when a stream was meant to start (its slot's previous stream ended) to the read
 *                           that carried its first token: connect, request, head and first token, all included
 * @param interTokenGap      the gap before each event from token 6 to {@code [DONE]} (event N + 1)
 * @param server             the server's CPU and RSS in the window, with {@code --server-pid}
 */
public record StreamsWindow(double seconds, double concurrentAverage, double streamingAverage, long started, long completed,
                            double completedPerSecond, double tokensPerSecond, long failures,
                            LatencySummary timeToFirstToken, LatencySummary interTokenGap,
                            double loadGeneratorCpuSeconds, @Json.Inline Optional<ServerWindow> server) {
}
