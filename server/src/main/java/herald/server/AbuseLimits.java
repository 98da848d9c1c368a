package herald.server;

import herald.server.transport.Networks;

import java.util.List;

/**
 * Limits per client, against floods and slow attacks (DESIGN.md section 4, "Abuse limits"). Each refusal is
 * counted in {@code herald_rejected_requests_total{reason}}. A limit of 0 is off.
 *
 * <p>The connection limits are taken at accept, before a request head exists, so they see the peer's address:
 * a peer in {@code trustedProxies} is exempt from them (it carries many clients; limit them at the proxy). The
 * publish rate is per request and sees the forwarded client.
 *
 * @param maxConnectionsPerIp connections open at once from one address (256); more get {@code 429} with
 *                            {@code Retry-After} at accept
 * @param connectRatePerIp    new connections per second from one address, with a burst of as many (50); more
 *                            get {@code 429} with {@code Retry-After: 1} at accept
 * @param publishRate         publishes and deletes per second per token subject, or per client address without a
 *                            token, with a burst of as many (0: off); more get {@code 429} with
 *                            {@code Retry-After: 1}
 * @param trustedProxies      networks (CIDR) whose {@code X-Forwarded-For} or {@code Forwarded: for=} names the
 *                            client (none); from any other peer both are ignored
 */
public record AbuseLimits(int maxConnectionsPerIp, int connectRatePerIp, int publishRate, List<String> trustedProxies) {
    public static final AbuseLimits DEFAULTS = new AbuseLimits(256, 50, 0, List.of());

    public AbuseLimits {
        notNegative("maxConnectionsPerIp", maxConnectionsPerIp);
        notNegative("connectRatePerIp", connectRatePerIp);
        notNegative("publishRate", publishRate);
        trustedProxies = Networks.of(List.copyOf(trustedProxies)).texts();   // each one checked
    }

    private static void notNegative(String name, int value) {
        if (value < 0) {
            throw new IllegalArgumentException(name + " must be 0 (off) or positive: " + name + "=" + value);
        }
    }

    /** No per-client limit at all: for tests and for a server that only a trusted front end reaches. */
    public static AbuseLimits off() {
        return new AbuseLimits(0, 0, 0, List.of());
    }

    public AbuseLimits withMaxConnectionsPerIp(int value) {
        return new AbuseLimits(value, connectRatePerIp, publishRate, trustedProxies);
    }

    public AbuseLimits withConnectRatePerIp(int value) {
        return new AbuseLimits(maxConnectionsPerIp, value, publishRate, trustedProxies);
    }

    public AbuseLimits withPublishRate(int value) {
        return new AbuseLimits(maxConnectionsPerIp, connectRatePerIp, value, trustedProxies);
    }

    public AbuseLimits withTrustedProxies(List<String> value) {
        return new AbuseLimits(maxConnectionsPerIp, connectRatePerIp, publishRate, value);
    }
}
