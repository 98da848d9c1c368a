package herald.server;

import herald.protocol.http2.Http2Limits;

/**
 * HTTP/2 (README "HTTP/2"): h2 by ALPN on a TLS port (always, when TLS is on), and h2c with prior knowledge on a
 * plain port (a connection whose first bytes are the HTTP/2 connection preface). The attack limits are
 * {@link Http2Limits#DEFAULTS}; only the stream limit is configurable.
 *
 * @param maxStreams streams one connection may have open at once ({@code --h2-max-streams}, 100): announced as
 *                   SETTINGS_MAX_CONCURRENT_STREAMS; a stream beyond it is refused (RST_STREAM REFUSED_STREAM),
 *                   counted in {@code herald_h2_limit_hits_total{limit="stream_refused"}}; 1 to 10,000
 * @param h2c        whether the plain port serves h2c with prior knowledge ({@code --h2c}, on). On costs nothing
 *                   to HTTP/1.1 clients (no HTTP/1.1 request starts with the preface); off, the preface's request
 *                   line {@code PRI * HTTP/2.0} gets 505 like any other HTTP/2.0 request line
 */
public record Http2(int maxStreams, boolean h2c) {
    public static final Http2 DEFAULTS = new Http2(100, true);

    public Http2 {
        if (maxStreams < 1 || maxStreams > 10_000) {
            throw new IllegalArgumentException("h2 max streams must be in [1, 10000]: maxStreams=" + maxStreams);
        }
    }

    public Http2 withMaxStreams(int value) {
        return new Http2(value, h2c);
    }

    public Http2 withH2c(boolean value) {
        return new Http2(maxStreams, value);
    }

    /** The state machine's limits: the defaults with {@link #maxStreams}. */
    public Http2Limits limits() {
        return Http2Limits.DEFAULTS.withMaxConcurrentStreams(maxStreams);
    }
}
