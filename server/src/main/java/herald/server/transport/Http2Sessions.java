package herald.server.transport;

import herald.protocol.http2.Http2Limits;
import herald.server.metrics.Metrics;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The HTTP/2 side of a server: its limits, whether the plain port also speaks h2c (prior knowledge), and the open
 * connections, so that a stop can send each its GOAWAY. Thread-safe.
 */
public final class Http2Sessions {
    private final Http2Limits limits;
    private final boolean h2c;
    private final Metrics metrics;
    private final Set<Http2Session> open = ConcurrentHashMap.newKeySet();
    private volatile boolean stopping;

    /**
     * @param h2c whether a plain connection that starts with the HTTP/2 connection preface is served as h2c; h2 over
     *            TLS (ALPN) is always on when TLS is
     */
    public Http2Sessions(Http2Limits limits, boolean h2c, Metrics metrics) {
        this.limits = limits;
        this.h2c = h2c;
        this.metrics = metrics;
    }

    public Http2Limits limits() {
        return limits;
    }

    public boolean h2c() {
        return h2c;
    }

    /** Whether a TLS connection whose client chose {@code h2} by ALPN is served as HTTP/2 (always). */
    boolean tlsH2() {
        return true;
    }

    Metrics metrics() {
        return metrics;
    }

    void opened(Http2Session session) {
        open.add(session);
        metrics.h2Connections.increment();
        if (stopping) {
            session.goAway();                   // came in while the stop went round
        }
    }

    void closed(Http2Session session) {
        open.remove(session);
    }

    /** A stop: every connection gets GOAWAY (NO_ERROR) and closes once its streams ended. Idempotent. */
    public void goAwayAll() {
        stopping = true;
        for (Http2Session session : open) {
            session.goAway();
        }
    }

    /** HTTP/2 connections open now. */
    public int openCount() {
        return open.size();
    }
}
