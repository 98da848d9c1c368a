package herald.protocol.http2;

import java.util.Arrays;

/**
 * Collects and validates one decoded field block of a request (or its trailers) as {@link HeaderBlockDecoder}
 * delivers it, and counts its size the way SETTINGS_MAX_HEADER_LIST_SIZE does (RFC 7541 section 4.1: name +
 * value + 32 per field). Past the limit it keeps nothing more, so memory stays bounded however long the
 * decoder's output; the first violation stops the checks.
 *
 * <p>Rules (RFC 9113 section 8.1.1 calls a request breaking them malformed, a stream error PROTOCOL_ERROR):
 * <ul>
 *   <li>8.2.1: names are RFC 9110 tokens in lowercase; values hold no NUL, CR, LF or other control character
 *       but HTAB, and neither start nor end with SP or HTAB.</li>
 *   <li>8.2.2: no connection-specific fields ({@code connection}, {@code proxy-connection}, {@code keep-alive},
 *       {@code transfer-encoding}, {@code upgrade}); {@code te} only as {@code trailers}.</li>
 *   <li>8.3: pseudo-header fields only {@code :method}, {@code :scheme}, {@code :authority}, {@code :path}, each
 *       at most once, all before the regular fields, none in trailers; {@code :method}, {@code :scheme} and a
 *       non-empty {@code :path} present, except for CONNECT (then {@code :authority} only); 8.3.1: {@code :path}
 *       starts with {@code /}, or is {@code *} for OPTIONS; http and https need {@code :authority} or
 *       {@code host}, equal if both, without userinfo.</li>
 *   <li>8.1.1: {@code content-length} is digits, the same in every occurrence.</li>
 * </ul>
 * Messages name the rule, never the peer's bytes. Reused per connection; one thread.
 */
final class HeaderListCollector implements HeaderBlockDecoder.HeaderFieldSink {
    /** RFC 9110 section 5.6.2 tchar, lowercase letters only (RFC 9113 section 8.2.1 forbids uppercase). */
    private static final boolean[] NAME_CHAR = new boolean[128];

    static {
        for (char c = 'a'; c <= 'z'; c++) {
            NAME_CHAR[c] = true;
        }
        for (char c = '0'; c <= '9'; c++) {
            NAME_CHAR[c] = true;
        }
        for (char c : "!#$%&'*+-.^_`|~".toCharArray()) {
            NAME_CHAR[c] = true;
        }
    }

    private static final int FIELD_OVERHEAD = 32;

    private final int maxListBytes;
    private boolean trailers;
    private long listBytes;
    private boolean tooLarge;
    private String malformed;
    private boolean regularSeen;
    private String method;
    private String scheme;
    private String authority;
    private String path;
    private String host;
    private long contentLength;
    private int cookieIndex;
    private String[] names = new String[16];
    private String[] values = new String[16];
    private int count;

    HeaderListCollector(int maxListBytes) {
        this.maxListBytes = maxListBytes;
    }

    /** Starts a block: a request's head, or (with {@code trailers}) its trailer section. */
    void reset(boolean trailers) {
        this.trailers = trailers;
        listBytes = 0;
        tooLarge = false;
        malformed = null;
        regularSeen = false;
        method = null;
        scheme = null;
        authority = null;
        path = null;
        host = null;
        contentLength = -1;
        cookieIndex = -1;
        Arrays.fill(names, 0, count, null);
        Arrays.fill(values, 0, count, null);
        count = 0;
    }

    @Override
    public void headerListTooLarge() {
        tooLarge = true;
    }

    @Override
    public void field(String name, String value) {
        listBytes += (long) name.length() + value.length() + FIELD_OVERHEAD;
        if (listBytes > maxListBytes) {
            tooLarge = true;
        }
        if (tooLarge || malformed != null) {
            return;                                     // keep nothing more; the decoder still runs to the end
        }
        if (!validValue(value)) {
            malformed = "field value with a control character or surrounding whitespace (RFC 9113 section 8.2.1)";
        } else if (!name.isEmpty() && name.charAt(0) == ':') {
            pseudo(name, value);
        } else {
            regular(name, value);
        }
    }

    private void pseudo(String name, String value) {
        if (trailers) {
            malformed = "pseudo-header field in trailers (RFC 9113 section 8.1)";
        } else if (regularSeen) {
            malformed = "pseudo-header field after a regular field (RFC 9113 section 8.3)";
        } else {
            switch (name) {
                case ":method" -> method = once(method, value, name);
                case ":scheme" -> scheme = once(scheme, value, name);
                case ":authority" -> authority = once(authority, value, name);
                case ":path" -> path = once(path, value, name);
                default -> malformed = "pseudo-header field other than :method :scheme :authority :path"
                        + " (RFC 9113 section 8.3)";
            }
        }
    }

    private String once(String previous, String value, String name) {
        if (previous != null) {
            malformed = "pseudo-header field " + name + " repeated (RFC 9113 section 8.3.1)";
        }
        return value;
    }

    private void regular(String name, String value) {
        regularSeen = true;
        if (!validName(name)) {
            malformed = "field name not a lowercase token (RFC 9113 section 8.2.1)";
            return;
        }
        switch (name) {
            case "connection", "proxy-connection", "keep-alive", "transfer-encoding", "upgrade" -> {
                malformed = "connection-specific field " + name + " (RFC 9113 section 8.2.2)";
                return;
            }
            case "te" -> {
                if (!value.equals("trailers")) {
                    malformed = "te other than trailers (RFC 9113 section 8.2.2)";
                    return;
                }
            }
            case "content-length" -> {
                long length = parseLength(value);
                if (length < 0 || (contentLength >= 0 && contentLength != length)) {
                    malformed = "content-length not one number (RFC 9113 section 8.1.1)";
                    return;
                }
                contentLength = length;
            }
            case "host" -> host = value;
            case "cookie" -> {
                if (cookieIndex >= 0) {                 // RFC 9113 section 8.2.3: join with "; "
                    values[cookieIndex] = values[cookieIndex] + "; " + value;
                    return;
                }
                cookieIndex = count;
            }
            default -> {
            }
        }
        add(name, value);
    }

    private void add(String name, String value) {
        if (count == names.length) {
            names = Arrays.copyOf(names, count * 2);
            values = Arrays.copyOf(values, count * 2);
        }
        names[count] = name;
        values[count] = value;
        count++;
    }

    /** Checks what only the whole block shows (required pseudo-header fields); call after decoding. */
    void finish() {
        if (tooLarge || malformed != null || trailers) {
            return;
        }
        if (method == null) {
            malformed = "missing :method (RFC 9113 section 8.3.1)";
        } else if (!validToken(method)) {
            malformed = ":method not a token (RFC 9113 section 8.3.1)";
        } else if (method.equals("CONNECT")) {
            if (scheme != null || path != null || authority == null) {
                malformed = "CONNECT needs :authority only (RFC 9113 section 8.5)";
            }
        } else if (scheme == null || scheme.isEmpty()) {
            malformed = "missing :scheme (RFC 9113 section 8.3.1)";
        } else if (path == null || path.isEmpty()) {
            malformed = "missing or empty :path (RFC 9113 section 8.3.1)";
        } else if (path.charAt(0) != '/' && !(path.equals("*") && method.equals("OPTIONS"))) {
            malformed = ":path neither origin-form nor * for OPTIONS (RFC 9113 section 8.3.1)";
        } else if (authority != null && authority.indexOf('@') >= 0) {
            malformed = ":authority with userinfo (RFC 9113 section 8.3.1)";
        } else if (authority != null && host != null && !authority.equals(host)) {
            malformed = "host differs from :authority (RFC 9113 section 8.3.1)";
        } else if (authority == null && host == null && (scheme.equals("http") || scheme.equals("https"))) {
            malformed = "neither :authority nor host (RFC 9113 section 8.3.1)";
        }
    }

    /** The reason the block is malformed, or null. */
    String malformed() {
        return malformed;
    }

    /** True when the block's fields exceed the list limit (then the fields were not all kept). */
    boolean tooLarge() {
        return tooLarge;
    }

    /** The validated request; only when neither {@link #malformed()} nor {@link #tooLarge()}. */
    RequestHeaders request() {
        return new RequestHeaders(method, scheme, authority != null ? authority : host, path,
                Arrays.copyOf(names, count), Arrays.copyOf(values, count), contentLength);
    }

    /** The content-length of the block, -1 when absent. */
    long contentLength() {
        return contentLength;
    }

    private static boolean validName(String name) {
        if (name.isEmpty()) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c >= 128 || !NAME_CHAR[c]) {
                return false;
            }
        }
        return true;
    }

    private static boolean validToken(String token) {
        if (token.isEmpty()) {
            return false;
        }
        for (int i = 0; i < token.length(); i++) {
            char c = token.charAt(i);
            if (c >= 128 || !(NAME_CHAR[c] || (c >= 'A' && c <= 'Z'))) {
                return false;
            }
        }
        return true;
    }

    private static boolean validValue(String value) {
        int n = value.length();
        if (n > 0 && (isWhitespace(value.charAt(0)) || isWhitespace(value.charAt(n - 1)))) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            char c = value.charAt(i);
            if ((c < 0x20 && c != '\t') || c == 0x7f || c > 0xff) {
                return false;
            }
        }
        return true;
    }

    private static boolean isWhitespace(char c) {
        return c == ' ' || c == '\t';
    }

    /** A non-negative decimal of at most 18 digits, else -1. */
    private static long parseLength(String value) {
        int n = value.length();
        if (n == 0 || n > 18) {
            return -1;
        }
        long v = 0;
        for (int i = 0; i < n; i++) {
            char c = value.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }
}
