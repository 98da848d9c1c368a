package herald.server;

import java.util.EnumSet;
import java.util.Set;

/**
 * Herald's own routes, which an embedding application may choose not to serve (one that embeds Herald only for
 * its stream handlers serves none of them). A route that is not served answers 404 like any unknown path;
 * {@link Herald#publish} works whatever is served.
 */
public enum BuiltIn {
    /** The broker's HTTP API: {@code GET|HEAD|POST|DELETE /topics/{topic}}, {@code GET|HEAD /events}. */
    BROKER,
    /** The live dashboard at {@code /} (it subscribes to {@code /topics/_herald/stats}, so it needs BROKER). */
    DASHBOARD,
    /** {@code GET /metrics}, Prometheus text. */
    METRICS,
    /** {@code GET /health}. */
    HEALTH,
    /** The browser client, {@code GET /herald.js}. */
    CLIENT;

    /** Every built-in route: what the standalone server serves. */
    public static Set<BuiltIn> all() {
        return EnumSet.allOf(BuiltIn.class);
    }
}
