package herald.server.auth;

/**
 * Finds the token a request carries, in this order (DESIGN.md section 4, "Auth (JWT)"):
 *
 * <ol>
 *   <li>{@code Authorization: Bearer <token>} (RFC 6750 section 2.1; the scheme in any letter case). Another
 *       scheme ({@code Basic}, e.g. for a proxy in front) is not Herald's and is passed over.</li>
 *   <li>the cookie {@code herald_token} (name configurable), what a browser's {@code EventSource} can send;</li>
 *   <li>the query parameter {@code access_token} (name configurable, or off), the weakest: URLs land in logs
 *       and histories (RFC 6750 section 2.3).</li>
 * </ol>
 *
 * <p>The first carrier present wins, even when its value is empty or malformed: a token that is present is
 * never ignored, and a present but invalid one is a {@code 401} also on a public topic. The token itself is
 * not checked here ({@link JwtVerifier} does that).
 *
 * <p>Immutable; any thread.
 */
public final class TokenSource {
    public static final String DEFAULT_COOKIE = "herald_token";
    public static final String DEFAULT_QUERY_PARAM = "access_token";

    /** Where a token was found. */
    public enum Carrier { NONE, AUTHORIZATION, COOKIE, QUERY }

    /** The two things of a request a token may ride in; {@code herald.server.Request} has both. */
    public interface RequestView {
        /** The first value of a header, name case-insensitive, or null. */
        String header(String name);

        /** The first value of a query parameter (percent-decoded), or null. */
        String queryParam(String name);
    }

    /**
     * A token found, or {@link #ABSENT}.
     *
     * @param carrier where it was; {@code NONE} when absent
     * @param token   the raw token (possibly empty or malformed), null when absent; never to be logged
     */
    public record Found(Carrier carrier, String token) {
        public static final Found ABSENT = new Found(Carrier.NONE, null);

        public boolean present() {
            return carrier != Carrier.NONE;
        }

        @Override
        public String toString() {
            return present() ? "token in " + carrier : "no token"; // never the token
        }
    }

    private static final String BEARER = "bearer";

    private final String cookieName;
    private final String queryParam;

    /**
     * @param cookieName the cookie's name
     * @param queryParam the query parameter's name, or null for none ({@code --token-query off})
     */
    public TokenSource(String cookieName, String queryParam) {
        if (cookieName == null || cookieName.isEmpty() || !isToken(cookieName)) {
            throw new IllegalArgumentException("token cookie name is not an RFC 6265 cookie-name: " + cookieName);
        }
        if (queryParam != null && queryParam.isEmpty()) {
            throw new IllegalArgumentException("token query parameter name is empty (use null to turn it off)");
        }
        this.cookieName = cookieName;
        this.queryParam = queryParam;
    }

    /** The defaults: cookie {@code herald_token}, query parameter {@code access_token}. */
    public static TokenSource defaults() {
        return new TokenSource(DEFAULT_COOKIE, DEFAULT_QUERY_PARAM);
    }

    public Found find(RequestView request) {
        String authorization = request.header("Authorization");
        if (authorization != null) {
            String token = bearer(authorization);
            if (token != null) {
                return new Found(Carrier.AUTHORIZATION, token);
            }
        }
        String cookies = request.header("Cookie");
        if (cookies != null) {
            String token = cookie(cookies, cookieName);
            if (token != null) {
                return new Found(Carrier.COOKIE, token);
            }
        }
        if (queryParam != null) {
            String token = request.queryParam(queryParam);
            if (token != null) {
                return new Found(Carrier.QUERY, token);
            }
        }
        return Found.ABSENT;
    }

    /** The credentials after {@code Bearer} (the rest of the field, trimmed), or null for another scheme. */
    static String bearer(String authorization) {
        String field = authorization.strip();
        if (!field.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return null;
        }
        if (field.length() == BEARER.length()) {
            return ""; // "Bearer" alone: present, and invalid
        }
        char separator = field.charAt(BEARER.length());
        if (separator != ' ' && separator != '\t') {
            return null; // "Bearerish ...": another scheme
        }
        return field.substring(BEARER.length() + 1).strip();
    }

    /**
     * The value of cookie {@code name} in a {@code Cookie} field (RFC 6265 section 4.2.1:
     * {@code name=value; name2=value2}), the surrounding double quotes removed; null when absent.
     */
    static String cookie(String field, String name) {
        int i = 0;
        int length = field.length();
        while (i < length) {
            while (i < length && (field.charAt(i) == ' ' || field.charAt(i) == '\t')) {
                i++;
            }
            int end = field.indexOf(';', i);
            if (end < 0) {
                end = length;
            }
            int equals = field.indexOf('=', i);
            if (equals > i && equals < end && equals - i == name.length() && field.startsWith(name, i)) {
                String value = field.substring(equals + 1, end).strip();
                if (value.length() >= 2 && value.charAt(0) == '"' && value.charAt(value.length() - 1) == '"') {
                    value = value.substring(1, value.length() - 1);
                }
                return value;
            }
            i = end + 1;
        }
        return null;
    }

    /** RFC 9110 token characters, which RFC 6265 uses for a cookie-name. */
    private static boolean isToken(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean ok = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
                    || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
            if (!ok) {
                return false;
            }
        }
        return true;
    }
}
