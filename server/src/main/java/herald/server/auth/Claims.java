package herald.server.auth;

import java.time.Instant;
import java.util.List;

/**
 * What a verified token allows.
 *
 * @param subject   the {@code sub} claim, or null when the token has none
 * @param expiry    the {@code exp} claim (a stream opened with this token ends then)
 * @param subscribe the {@code <claim>.subscribe} patterns, empty when absent
 * @param publish   the {@code <claim>.publish} patterns (also allow delete), empty when absent
 */
public record Claims(String subject, Instant expiry, List<TopicPattern> subscribe, List<TopicPattern> publish) {
    public Claims {
        subscribe = List.copyOf(subscribe);
        publish = List.copyOf(publish);
    }

    public boolean maySubscribe(String topic) {
        return anyMatches(subscribe, topic);
    }

    public boolean mayPublish(String topic) {
        return anyMatches(publish, topic);
    }

    private static boolean anyMatches(List<TopicPattern> patterns, String topic) {
        for (int i = 0; i < patterns.size(); i++) {
            if (patterns.get(i).matches(topic)) {
                return true;
            }
        }
        return false;
    }
}
