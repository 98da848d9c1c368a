package herald.server.cluster;

import java.nio.file.Path;
import java.time.Duration;

/**
 * How Herald talks to Redis.
 *
 * @param connectTimeout     TCP connect, and separately the TLS handshake and the AUTH/SELECT exchange (2 s)
 * @param commandTimeout     a reply must arrive within this after the command is sent, else the connection is
 *                           closed and the command fails with {@code TIMEOUT} (2 s); a blocking read adds its block time
 * @param reconnectMin       first delay between attempts to reconnect, doubled per failure (50 ms)
 * @param reconnectMax       longest delay between attempts (5 s); each delay is jittered to [d/2, d]
 * @param trustStore         for {@code rediss://}: PEM certificate(s) or a PKCS#12 keystore of trusted certificates
 *                           (none: the JDK's default trust)
 * @param trustStorePassword the PKCS#12 trust store's password (none: empty)
 */
public record RedisOptions(Duration connectTimeout, Duration commandTimeout, Duration reconnectMin,
                           Duration reconnectMax, Path trustStore, String trustStorePassword) {
    public static final RedisOptions DEFAULTS = new RedisOptions(Duration.ofSeconds(2), Duration.ofSeconds(2),
            Duration.ofMillis(50), Duration.ofSeconds(5), null, null);

    public RedisOptions {
        positive(connectTimeout, "connectTimeout");
        positive(commandTimeout, "commandTimeout");
        positive(reconnectMin, "reconnectMin");
        positive(reconnectMax, "reconnectMax");
        if (reconnectMax.compareTo(reconnectMin) < 0) {
            throw new IllegalArgumentException("reconnectMax=" + reconnectMax + " is below reconnectMin=" + reconnectMin);
        }
    }

    private static void positive(Duration value, String name) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + "=" + value + " must be positive");
        }
    }

    public RedisOptions withCommandTimeout(Duration value) {
        return new RedisOptions(connectTimeout, value, reconnectMin, reconnectMax, trustStore, trustStorePassword);
    }

    public RedisOptions withConnectTimeout(Duration value) {
        return new RedisOptions(value, commandTimeout, reconnectMin, reconnectMax, trustStore, trustStorePassword);
    }

    public RedisOptions withReconnect(Duration min, Duration max) {
        return new RedisOptions(connectTimeout, commandTimeout, min, max, trustStore, trustStorePassword);
    }

    public RedisOptions withTrustStore(Path path, String password) {
        return new RedisOptions(connectTimeout, commandTimeout, reconnectMin, reconnectMax, path, password);
    }
}
