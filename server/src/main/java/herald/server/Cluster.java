package herald.server;

import herald.server.cluster.RedisUrl;

import java.nio.file.Path;

/**
 * Cluster mode (README "Cluster"): with a Redis URL, every topic is a Redis stream that publishes on any node append
 * to, and each node follows the streams of the topics it has subscribers for; without one (the default), Herald runs
 * standalone and needs nothing.
 *
 * @param redis   {@code redis://[[user]:password@]host[:port][/db]} or {@code rediss://…} (TLS), or null: standalone.
 *                Checked here; a bad URL is one line that never quotes it (it may hold a password)
 * @param redisCa for {@code rediss://}: PEM certificates (or a PKCS#12 trust store without a password) that Redis's
 *                certificate must chain to; null: the JVM's trust store. Read when the server starts
 */
public record Cluster(String redis, Path redisCa) {
    public static final Cluster STANDALONE = new Cluster(null, null);

    public Cluster {
        if (redis != null) {
            RedisUrl.parse(redis);
        }
    }

    /** Whether a Redis URL turns cluster mode on. */
    public boolean enabled() {
        return redis != null;
    }

    /** The parsed URL; null when standalone. */
    public RedisUrl redisUrl() {
        return redis == null ? null : RedisUrl.parse(redis);
    }

    public Cluster withRedis(String value) {
        return new Cluster(value, redisCa);
    }

    public Cluster withRedisCa(Path value) {
        return new Cluster(redis, value);
    }

    @Override
    public String toString() {
        return redis == null ? "Cluster[standalone]" : "Cluster[" + RedisUrl.parse(redis) + "]";   // password masked
    }
}
