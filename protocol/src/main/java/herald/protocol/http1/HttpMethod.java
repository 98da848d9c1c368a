package herald.protocol.http1;

/**
 * The request methods of RFC 9110 §9 (and PATCH, RFC 5789) as shared constants.
 *
 * <p>{@link RequestHead#method()} returns these very instances for the known methods, so matching one costs no
 * allocation during parsing; compare with {@code equals} anyway (it checks identity first). Methods are
 * case-sensitive: {@code get} is an unknown method, not {@code GET}.
 */
public final class HttpMethod {
    public static final String GET = "GET";
    public static final String HEAD = "HEAD";
    public static final String POST = "POST";
    public static final String PUT = "PUT";
    public static final String DELETE = "DELETE";
    public static final String OPTIONS = "OPTIONS";
    public static final String PATCH = "PATCH";
    public static final String TRACE = "TRACE";
    /** Never returned by the parser: a CONNECT request is answered with 501. */
    public static final String CONNECT = "CONNECT";

    private HttpMethod() {
    }

    /** The constant for the method in {@code b[from..from+length)}, or null when it is not a known method. */
    static String known(byte[] b, int from, int length) {
        byte c0 = b[from];
        switch (length) {
            case 3:
                if (c0 == 'G' && b[from + 1] == 'E' && b[from + 2] == 'T') {
                    return GET;
                }
                if (c0 == 'P' && b[from + 1] == 'U' && b[from + 2] == 'T') {
                    return PUT;
                }
                return null;
            case 4:
                if (c0 == 'P' && b[from + 1] == 'O' && b[from + 2] == 'S' && b[from + 3] == 'T') {
                    return POST;
                }
                if (c0 == 'H' && b[from + 1] == 'E' && b[from + 2] == 'A' && b[from + 3] == 'D') {
                    return HEAD;
                }
                return null;
            case 5:
                return matches(b, from, PATCH) ? PATCH : matches(b, from, TRACE) ? TRACE : null;
            case 6:
                return matches(b, from, DELETE) ? DELETE : null;
            case 7:
                return matches(b, from, OPTIONS) ? OPTIONS : matches(b, from, CONNECT) ? CONNECT : null;
            default:
                return null;
        }
    }

    private static boolean matches(byte[] b, int from, String method) {
        for (int i = 0; i < method.length(); i++) {
            if (b[from + i] != method.charAt(i)) {
                return false;
            }
        }
        return true;
    }
}
