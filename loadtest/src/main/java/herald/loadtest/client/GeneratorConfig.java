package herald.loadtest.client;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * How a {@link Generator} connects: one per process (the coordinator's or a worker's share).
 *
 * @param subscribeUrls         stream URLs; connection {@code i} uses {@code subscribeUrls[i % size]}
 * @param sourceAddresses       local addresses to bind before connecting, connection {@code i} uses
 *                              {@code [i % size]}; empty: let the kernel choose (127.0.0.1 for loopback)
 * @param threads               selector threads; connections are spread round-robin
 * @param connectsPerSecond     pace of connects over all threads; 0 for no limit
 * @param connectTimeoutNanos   a connect plus response head must finish within this, else retried
 * @param reconnectDelayNanos   wait before reconnecting a stream that ended or failed
 * @param lanes                 publisher connections per publish URL: sequence numbers are checked per lane
 * @param resume                send {@code Last-Event-ID} on reconnects
 * @param stalledReceiveBytes   {@code SO_RCVBUF} of stalled connections
 * @param deadlineNanos         {@link System#nanoTime()} after which the generator stops by itself
 * @param resumeUrls            where connections go once {@link SubscriberFleet#moveToResumeUrls()} was called:
 *                              a connection of subscribe URL {@code i} to {@code resumeUrls[i]}, or all to the
 *                              only one; empty: they stay on their subscribe URL
 */
public record GeneratorConfig(List<HttpUrl> subscribeUrls, List<InetAddress> sourceAddresses, int threads,
                       double connectsPerSecond, long connectTimeoutNanos, long reconnectDelayNanos, int lanes,
                       boolean resume, int stalledReceiveBytes, long deadlineNanos, List<HttpUrl> resumeUrls) {

    public GeneratorConfig {
        if (subscribeUrls.isEmpty()) {
            throw new IllegalArgumentException("no subscribe URL");
        }
        if (resumeUrls.size() > 1 && resumeUrls.size() != subscribeUrls.size()) {
            throw new IllegalArgumentException("--resume-url: give one, or one per --subscribe-url ("
                    + subscribeUrls.size() + "), got " + resumeUrls.size());
        }
        if (threads < 1) {
            throw new IllegalArgumentException("threads=" + threads);
        }
        if (lanes < 1) {
            throw new IllegalArgumentException("lanes=" + lanes);
        }
        if (connectsPerSecond < 0) {
            throw new IllegalArgumentException("connectsPerSecond=" + connectsPerSecond);
        }
        subscribeUrls = List.copyOf(subscribeUrls);
        sourceAddresses = List.copyOf(sourceAddresses);
        resumeUrls = List.copyOf(resumeUrls);
    }

    /** A config without resume URLs. */
    public GeneratorConfig(List<HttpUrl> subscribeUrls, List<InetAddress> sourceAddresses, int threads,
                           double connectsPerSecond, long connectTimeoutNanos, long reconnectDelayNanos, int lanes,
                           boolean resume, int stalledReceiveBytes, long deadlineNanos) {
        this(subscribeUrls, sourceAddresses, threads, connectsPerSecond, connectTimeoutNanos, reconnectDelayNanos,
                lanes, resume, stalledReceiveBytes, deadlineNanos, List.of());
    }

    /** The URL subscription {@code urlIndex} (its subscribe URL's index) resumes at; its own if there is none. */
    public HttpUrl resumeUrl(int urlIndex) {
        return resumeUrls.isEmpty() ? subscribeUrls.get(urlIndex)
                : resumeUrls.get(resumeUrls.size() == 1 ? 0 : urlIndex);
    }

    /** The options that recreate this config in a worker process (the deadline travels as seconds left). */
    public List<String> toArgs() {
        List<String> args = new ArrayList<>();
        args.add("--subscribe-url");
        args.add(String.join(",", subscribeUrls.stream().map(HttpUrl::text).toList()));
        args.add("--source-addresses");
        args.add(sourceAddresses.isEmpty() ? "none"
                : String.join(",", sourceAddresses.stream().map(InetAddress::getHostAddress).toList()));
        args.add("--threads");
        args.add(Integer.toString(threads));
        args.add("--connect-rate");
        args.add(Double.toString(connectsPerSecond));
        args.add("--connect-timeout");
        args.add(connectTimeoutNanos / 1_000_000 + "ms");
        args.add("--reconnect-delay");
        args.add(reconnectDelayNanos / 1_000_000 + "ms");
        args.add("--publish-connections");
        args.add(Integer.toString(lanes));
        args.add("--resume");
        args.add(Boolean.toString(resume));
        args.add("--stalled-rcvbuf");
        args.add(Integer.toString(stalledReceiveBytes));
        if (!resumeUrls.isEmpty()) {
            args.add("--resume-url");
            args.add(String.join(",", resumeUrls.stream().map(HttpUrl::text).toList()));
        }
        args.add("--deadline");
        args.add(Math.max(1, (deadlineNanos - System.nanoTime()) / 1_000_000) + "ms");
        return args;
    }

    GeneratorConfig withShare(List<InetAddress> addresses, double connectsPerSecond) {
        return new GeneratorConfig(subscribeUrls, addresses, threads, connectsPerSecond, connectTimeoutNanos,
                reconnectDelayNanos, lanes, resume, stalledReceiveBytes, deadlineNanos, resumeUrls);
    }
}
