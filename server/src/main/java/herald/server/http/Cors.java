package herald.server.http;

import herald.server.exchange.Response;

/**
 * CORS in the default open mode: any origin may read streams, so a well-formed {@code Origin} is echoed in
 * {@code Access-Control-Allow-Origin} (with {@code Vary: Origin}). Credentials are not allowed in this mode
 * ({@code EventSource} with {@code withCredentials} is refused by the browser), because any page could then
 * read with its visitor's cookies. Preflights allow the headers streaming clients send.
 *
 * <p>Writes are another matter: a page may {@code POST} a {@code text/plain} body without a preflight, so an
 * open page in a browser on the Herald host could publish through loopback. A publish or delete whose
 * {@code Origin} is not the server's own ({@link #isSameOrigin}) is refused, and a preflight from such an
 * origin does not advertise {@code POST} or {@code DELETE} on topics (README.md, "HTTP API", **Access**).
 */
final class Cors {
    static final String ALLOW_HEADERS = "Authorization, Last-Event-ID, Content-Type, Cache-Control";
    static final int MAX_AGE_SECONDS = 600;
    private static final int MAX_ORIGIN_LENGTH = 256;

    private Cors() {
    }

    /** The origin to echo, or null when there is none or it is not a serialized origin. */
    static String allowedOrigin(String origin) {
        if (origin == null || origin.length() > MAX_ORIGIN_LENGTH) {
            return null;
        }
        if (origin.equals("null")) {
            return origin;
        }
        int scheme = origin.indexOf("://");
        if (scheme <= 0) {
            return null;
        }
        for (int i = 0; i < scheme; i++) {
            char c = origin.charAt(i);
            boolean ok = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
                    || i > 0 && (c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.');
            if (!ok) {
                return null;
            }
        }
        if (scheme + 3 == origin.length()) {
            return null;
        }
        for (int i = scheme + 3; i < origin.length(); i++) {
            char c = origin.charAt(i);
            boolean ok = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
                    || c == '-' || c == '.' || c == ':' || c == '[' || c == ']' || c == '_' || c == '~';
            if (!ok) {
                return null;
            }
        }
        return origin;
    }

    /**
     * Whether {@code origin} is the server's own: its host and port are those of the request's {@code Host} field
     * (RFC 6454 section 4, RFC 9110 section 7.2). Hosts compare case-insensitively; a missing port is the default
     * of the origin's scheme (80 for {@code http}, 443 for {@code https}), in the origin and in {@code Host}. Only
     * {@code http} and {@code https} origins qualify: {@code null} (an opaque origin), other schemes, a malformed
     * origin or {@code Host}, or no {@code Host} never do. The scheme itself is not compared with the server's:
     * Herald cannot tell whether a TLS proxy stands in front of it, and a page served from the same host and port
     * is the server's own either way.
     */
    static boolean isSameOrigin(String origin, String host) {
        if (host == null || allowedOrigin(origin) == null) {
            return false;
        }
        int start;
        int defaultPort;
        if (origin.regionMatches(true, 0, "http://", 0, 7)) {
            start = 7;
            defaultPort = 80;
        } else if (origin.regionMatches(true, 0, "https://", 0, 8)) {
            start = 8;
            defaultPort = 443;
        } else {
            return false;
        }
        int originHostEnd = hostEnd(origin, start);
        int hostEnd = hostEnd(host, 0);
        if (originHostEnd < 0 || hostEnd < 0 || originHostEnd - start != hostEnd
                || !origin.regionMatches(true, start, host, 0, hostEnd)) {
            return false;
        }
        int port = port(origin, originHostEnd, defaultPort);
        return port >= 0 && port == port(host, hostEnd, defaultPort);
    }

    /**
     * Where the host of the authority starting at {@code start} ends (at its port's {@code ':'} or the end), or
     * -1 when it is empty or malformed: an IPv6 literal must be bracketed, {@code [::1]:8080}.
     */
    private static int hostEnd(String authority, int start) {
        int end;
        if (authority.startsWith("[", start)) {
            int close = authority.indexOf(']', start);
            if (close < 0) {
                return -1;
            }
            end = close + 1;
            if (end < authority.length() && authority.charAt(end) != ':') {
                return -1;
            }
        } else {
            int colon = authority.indexOf(':', start);
            end = colon < 0 ? authority.length() : colon;
            if (colon >= 0 && authority.indexOf(':', colon + 1) >= 0) {
                return -1;
            }
        }
        return end > start ? end : -1;
    }

    /** The port after {@code hostEnd}, {@code defaultPort} when there is none, or -1 when it is malformed. */
    private static int port(String authority, int hostEnd, int defaultPort) {
        if (hostEnd == authority.length()) {
            return defaultPort;
        }
        int digits = authority.length() - hostEnd - 1;
        if (digits < 1 || digits > 5) {
            return -1;
        }
        int port = 0;
        for (int i = hostEnd + 1; i < authority.length(); i++) {
            char c = authority.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            port = port * 10 + (c - '0');
        }
        return port <= 65_535 ? port : -1;
    }

    static void preflight(Response response, String allowMethods) {
        response.header("Access-Control-Allow-Methods", allowMethods)
                .header("Access-Control-Allow-Headers", ALLOW_HEADERS)
                .header("Access-Control-Max-Age", MAX_AGE_SECONDS);
    }
}
