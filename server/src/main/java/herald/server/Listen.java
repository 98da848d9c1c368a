package herald.server;

import java.lang.management.ManagementFactory;
import java.util.Objects;

/**
 * Where Herald listens and how many connections it holds: the listener's and the connection limiter's settings.
 *
 * @param host           address to listen on ({@code 0.0.0.0}: all)
 * @param port           TCP port (8080; 0 picks a free one)
 * @param backlog        accept queue length asked of the kernel (4,096)
 * @param maxConnections connections at once, streams included; more get 503 (the process's open-file limit minus
 *                       64, within [64, 1,000,000])
 */
public record Listen(String host, int port, int backlog, int maxConnections) {

    public Listen {
        Objects.requireNonNull(host, "host");
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port must be in [0, 65535]: port=" + port);
        }
        Checks.positive("backlog", backlog);
        Checks.positive("maxConnections", maxConnections);
    }

    /** All addresses, port 8080, a backlog of 4,096, and connections up to the open-file limit. */
    public static Listen defaults() {
        return new Listen("0.0.0.0", 8080, 4_096, defaultMaxConnections());
    }

    /** The process's open-file limit minus room for files and the listener, within [64, 1,000,000]. */
    static int defaultMaxConnections() {
        long limit = 1_000_064;
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.UnixOperatingSystemMXBean os) {
            limit = os.getMaxFileDescriptorCount();
        }
        return (int) Math.max(64, Math.min(1_000_000, limit - 64));
    }

    public Listen withHost(String value) {
        return new Listen(value, port, backlog, maxConnections);
    }

    public Listen withPort(int value) {
        return new Listen(host, value, backlog, maxConnections);
    }

    public Listen withBacklog(int value) {
        return new Listen(host, port, value, maxConnections);
    }

    public Listen withMaxConnections(int value) {
        return new Listen(host, port, backlog, value);
    }
}
