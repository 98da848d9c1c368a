package herald.server.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The built-in live dashboard at {@code GET /}: one static page that subscribes to
 * {@value #STATS_TOPIC} with {@code EventSource}, a topic Herald publishes its counters to once a second
 * while anyone watches.
 */
public final class Dashboard {
    public static final String STATS_TOPIC = "_herald/stats";

    private Dashboard() {
    }

    static byte[] html() {
        try (InputStream in = Dashboard.class.getResourceAsStream("dashboard.html")) {
            if (in == null) {
                throw new IllegalStateException("dashboard.html is missing from the jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
