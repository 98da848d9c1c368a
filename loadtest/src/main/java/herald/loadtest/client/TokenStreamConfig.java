package herald.loadtest.client;

import java.net.InetAddress;
import java.util.List;

/**
 * How {@link TokenStreams} runs its streams.
 *
 * @param url                 the handler's URL, POSTed to
 * @param headers             extra request header lines ({@code Name: value}), e.g. an Authorization
 * @param sourceAddresses     local addresses to bind before connecting, slot {@code i} uses {@code [i % size]};
 *                            empty: let the kernel choose
 * @param threads             selector threads; slots are spread round-robin
 * @param tokens              tokens asked for per stream (the body says so; the count is checked at {@code [DONE]})
 * @param intervalMillis      the pause asked for before each token after the first, and before {@code [DONE]}
 * @param connectTimeoutNanos a connect plus response head must finish within this
 * @param streamTimeoutNanos  a whole stream must finish within this
 * @param deadlineNanos       {@link System#nanoTime()} after which the loops stop by themselves
 */
public record TokenStreamConfig(HttpUrl url, List<String> headers, List<InetAddress> sourceAddresses, int threads,
                                int tokens, long intervalMillis, long connectTimeoutNanos, long streamTimeoutNanos,
                                long deadlineNanos) {
    public TokenStreamConfig {
        if (threads < 1 || tokens < 1 || intervalMillis < 0) {
            throw new IllegalArgumentException("threads=" + threads + " tokens=" + tokens + " intervalMillis="
                    + intervalMillis);
        }
        headers = List.copyOf(headers);
        sourceAddresses = List.copyOf(sourceAddresses);
    }

    /** The request body: {@code {"tokens":N,"intervalMs":MS}}. */
    public String body() {
        return "{\"tokens\":" + tokens + ",\"intervalMs\":" + intervalMillis + "}";
    }
}
