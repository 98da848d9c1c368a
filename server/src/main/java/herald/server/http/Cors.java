package herald.server.http;

import herald.server.transport.ResponseWriter;

/**
 * CORS in the default open mode: any origin may read streams, so a well-formed {@code Origin} is echoed in
 * {@code Access-Control-Allow-Origin} (with {@code Vary: Origin}). Credentials are not allowed in this mode
 * ({@code EventSource} with {@code withCredentials} is refused by the browser), because any page could then
 * read with its visitor's cookies. Preflights allow the headers streaming clients send.
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

    static void preflight(ResponseWriter response, String allowMethods) {
        response.header("Access-Control-Allow-Methods", allowMethods)
                .header("Access-Control-Allow-Headers", ALLOW_HEADERS)
                .header("Access-Control-Max-Age", MAX_AGE_SECONDS);
    }
}
