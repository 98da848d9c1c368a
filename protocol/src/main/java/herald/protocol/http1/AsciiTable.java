package herald.protocol.http1;

/**
 * Byte classes of HTTP/1.1 and URI syntax as one 256-entry table of bit flags, indexed by {@code b & 0xFF}.
 *
 * <pre>
 * RFC 9110 §5.6.2   tchar      = "!" / "#" / "$" / "%" / "&amp;" / "'" / "*" / "+" / "-" / "." / "^" / "_" / "`"
 *                                / "|" / "~" / DIGIT / ALPHA
 * RFC 9110 §5.5     field-vchar = VCHAR / obs-text ; obs-text = %x80-FF
 * RFC 9110 §5.6.3   OWS        = *( SP / HTAB )
 * RFC 9110 §5.6.4   qdtext     = HTAB / SP / %x21 / %x23-5B / %x5D-7E / obs-text
 * RFC 3986 §2.3     unreserved = ALPHA / DIGIT / "-" / "." / "_" / "~"
 * RFC 3986 §2.2     sub-delims = "!" / "$" / "&amp;" / "'" / "(" / ")" / "*" / "+" / "," / ";" / "="
 * RFC 3986 §3.3     pchar      = unreserved / pct-encoded / sub-delims / ":" / "@"
 * RFC 9112 §3.2.1   origin-form = absolute-path [ "?" query ] ; query = *( pchar / "/" / "?" )
 * RFC 3986 §3.2.2   reg-name   = *( unreserved / pct-encoded / sub-delims )
 * RFC 3986 §3.1     scheme     = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )
 * </pre>
 *
 * <p>Flags are combined in one {@code int} per byte so a scanning loop needs one load per byte, and a loop can OR the
 * classes it saw (e.g. whether a target contained {@code %}, {@code ?} or {@code .}) without extra branches.
 */
final class AsciiTable {
    static final byte CR = '\r';
    static final byte LF = '\n';
    static final byte SP = ' ';
    static final byte HTAB = '\t';

    /** tchar: the characters of a token (method, field name, transfer coding). */
    static final int TCHAR = 1;
    /** HEXDIG: 0-9, A-F, a-f. */
    static final int HEXDIG = 1 << 1;
    /** DIGIT: 0-9. */
    static final int DIGIT = 1 << 2;
    /** SP or HTAB: the characters of OWS. */
    static final int WS = 1 << 3;
    /** pchar / "/" / "?": every character an origin-form target may hold ({@code %} included). */
    static final int TARGET = 1 << 4;
    /** {@code %}: marks a target that needs percent-decoding. */
    static final int PERCENT = 1 << 5;
    /** {@code ?}: marks a target with a query. */
    static final int QUESTION = 1 << 6;
    /** {@code .}: marks a path that may hold a dot-segment. */
    static final int DOT = 1 << 7;
    /** qdtext: the characters of a quoted-string other than the escape. */
    static final int QDTEXT = 1 << 8;
    /** unreserved / sub-delims / "%": the characters of a reg-name (pct-encoding checked separately). */
    static final int REG_NAME = 1 << 9;
    /** ALPHA. */
    static final int ALPHA = 1 << 10;
    /** The characters of a URI scheme after its first letter. */
    static final int SCHEME = 1 << 11;
    /** reg-name / ":" / "@" / "[" / "]": what an absolute-form authority may hold before it is validated. */
    static final int AUTHORITY = 1 << 12;
    /** field-vchar / SP / HTAB: the characters of a field value (and of quoted-pair's second character). */
    static final int FIELD_CHAR = 1 << 13;

    private static final int[] CLASSES = new int[256];
    private static final byte[] HEX_VALUES = new byte[256];

    static {
        for (int c = 0; c < 256; c++) {
            HEX_VALUES[c] = -1;
        }
        for (int c = 'A'; c <= 'Z'; c++) {
            add(c, TCHAR | ALPHA | SCHEME | TARGET | REG_NAME | AUTHORITY);
            add(c + ('a' - 'A'), TCHAR | ALPHA | SCHEME | TARGET | REG_NAME | AUTHORITY);
        }
        for (int c = '0'; c <= '9'; c++) {
            add(c, TCHAR | DIGIT | HEXDIG | SCHEME | TARGET | REG_NAME | AUTHORITY);
            HEX_VALUES[c] = (byte) (c - '0');
        }
        for (int c = 0; c < 6; c++) {
            add('A' + c, HEXDIG);
            add('a' + c, HEXDIG);
            HEX_VALUES['A' + c] = (byte) (10 + c);
            HEX_VALUES['a' + c] = (byte) (10 + c);
        }
        addAll("!#$%&'*+-.^_`|~", TCHAR);
        addAll("-._~", TARGET | REG_NAME | AUTHORITY);                  // unreserved
        addAll("!$&'()*+,;=", TARGET | REG_NAME | AUTHORITY);           // sub-delims
        addAll(":@/?%", TARGET);                                        // pchar / "/" / "?"
        addAll("%", PERCENT | REG_NAME | AUTHORITY);
        addAll("?", QUESTION);
        addAll(".", DOT);
        addAll(":@[]", AUTHORITY);
        addAll("+-.", SCHEME);
        addAll(" \t", WS | QDTEXT | FIELD_CHAR);
        for (int c = 0x21; c <= 0x7E; c++) {                            // VCHAR
            add(c, FIELD_CHAR);
            if (c != '"' && c != '\\') {
                add(c, QDTEXT);
            }
        }
        for (int c = 0x80; c <= 0xFF; c++) {                            // obs-text
            add(c, FIELD_CHAR | QDTEXT);
        }
    }

    private AsciiTable() {
    }

    private static void add(int c, int flags) {
        CLASSES[c] |= flags;
    }

    private static void addAll(String chars, int flags) {
        for (int i = 0; i < chars.length(); i++) {
            add(chars.charAt(i), flags);
        }
    }

    /** The flags of byte {@code b}. */
    static int classOf(byte b) {
        return CLASSES[b & 0xFF];
    }

    static boolean is(byte b, int flags) {
        return (CLASSES[b & 0xFF] & flags) != 0;
    }

    /** 0-15 for a HEXDIG, -1 for anything else. */
    static int hexValue(int c) {
        return HEX_VALUES[c & 0xFF];
    }

    /**
     * Whether {@code b[offset..offset+lower.length)} equals {@code lower} ignoring ASCII case. Exact for inputs made of
     * tchars and constants made of lower-case letters, digits and {@code -}: no tchar other than an upper-case letter
     * becomes a lower-case letter or {@code -} when bit 0x20 is set.
     */
    static boolean equalsLowerCase(byte[] b, int offset, byte[] lower) {
        for (int i = 0; i < lower.length; i++) {
            if ((b[offset + i] | 0x20) != lower[i]) {
                return false;
            }
        }
        return true;
    }
}
