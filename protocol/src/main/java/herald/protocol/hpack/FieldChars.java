package herald.protocol.hpack;

/**
 * What RFC 9113 §8.2.1 (and RFC 9110 §5) allow in HTTP/2 field names and values, as one 256-entry table.
 *
 * <pre>
 * RFC 9110 §5.6.2  tchar       = "!" / "#" / "$" / "%" / "&amp;" / "'" / "*" / "+" / "-" / "." / "^" / "_" / "`"
 *                                / "|" / "~" / DIGIT / ALPHA
 * RFC 9113 §8.2.1  a name MUST NOT hold 0x00-0x20, 0x41-0x5a (uppercase) or 0x7f-0xff; ":" only to start a
 *                  pseudo-header field name (§8.3). Herald is stricter: a name is 1*tchar, lowercase.
 * RFC 9110 §5.5    field-value = *field-content ; field-vchar = VCHAR / obs-text, SP and HTAB between them
 * RFC 9113 §8.2.1  a value MUST NOT hold NUL, LF or CR, nor start or end with SP or HTAB. Herald also refuses the
 *                  other controls (0x01-0x08, 0x0a-0x1f, 0x7f), as its HTTP/1.1 parser does.
 * </pre>
 */
final class FieldChars {
    private static final byte NAME = 1;         // lowercase tchar
    private static final byte UPPER = 2;        // A-Z
    private static final byte VALUE = 4;        // field-vchar / SP / HTAB
    private static final byte WS = 8;           // SP / HTAB

    private static final byte[] CLASSES = new byte[256];

    static {
        for (int c = 0x21; c <= 0xFF; c++) {
            if (c != 0x7F) {
                CLASSES[c] |= VALUE;
            }
        }
        CLASSES[' '] |= VALUE | WS;
        CLASSES['\t'] |= VALUE | WS;
        for (int c = 'a'; c <= 'z'; c++) {
            CLASSES[c] |= NAME;
        }
        for (int c = '0'; c <= '9'; c++) {
            CLASSES[c] |= NAME;
        }
        for (char c : "!#$%&'*+-.^_`|~".toCharArray()) {
            CLASSES[c] |= NAME;
        }
        for (int c = 'A'; c <= 'Z'; c++) {
            CLASSES[c] |= UPPER;
        }
    }

    private FieldChars() {
    }

    /** Problem codes: a name's in bits 0-1, a value's in bits 2-3; 0 means valid. Fit in a {@code byte}. */
    static final int EMPTY_NAME = 1;
    static final int UPPERCASE_NAME = 2;
    static final int INVALID_NAME = 3;
    static final int NAME_PROBLEMS = 3;
    static final int CONTROL_IN_VALUE = 4;
    static final int WHITESPACE_AROUND_VALUE = 8;

    /** The problem of the name {@code b[from, from + length)}: 0 or a name code. */
    static int checkName(byte[] b, int from, int length) {
        int i = from;
        int end = from + length;
        if (i < end && b[i] == ':') {
            i++;                                    // a pseudo-header field name
        }
        if (i == end) {
            return EMPTY_NAME;
        }
        int seen = 0xFF;
        for (; i < end; i++) {
            seen &= CLASSES[b[i] & 0xFF];
        }
        if ((seen & NAME) != 0) {
            return 0;
        }
        for (i = from; i < end; i++) {
            if ((CLASSES[b[i] & 0xFF] & UPPER) != 0) {
                return UPPERCASE_NAME;
            }
        }
        return INVALID_NAME;
    }

    /** The problem of the value {@code b[from, from + length)}: 0 or a value code. */
    static int checkValue(byte[] b, int from, int length) {
        if (length == 0) {
            return 0;
        }
        int end = from + length;
        int seen = VALUE;
        for (int i = from; i < end; i++) {
            seen &= CLASSES[b[i] & 0xFF];
        }
        if (seen == 0) {
            return CONTROL_IN_VALUE;
        }
        if (((CLASSES[b[from] & 0xFF] | CLASSES[b[end - 1] & 0xFF]) & WS) != 0) {
            return WHITESPACE_AROUND_VALUE;
        }
        return 0;
    }

    /** The one-line reason for non-zero {@code problems}, the name's first. */
    static String reason(int problems) {
        return switch (problems & NAME_PROBLEMS) {
            case EMPTY_NAME -> "empty field name";
            case UPPERCASE_NAME -> "uppercase character in field name";
            case INVALID_NAME -> "field name is not a lowercase token";
            default -> (problems & CONTROL_IN_VALUE) != 0
                    ? "control character in field value"
                    : "field value starts or ends with whitespace";
        };
    }

    /** Why a name an application gave the encoder is invalid, or null; uppercase letters are allowed (lowercased). */
    static String nameProblem(String name) {
        int i = name.startsWith(":") ? 1 : 0;
        if (i == name.length()) {
            return "empty field name";
        }
        for (; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c > 0xFF || (CLASSES[c] & (NAME | UPPER)) == 0) {
                return "field name is not a token: index=" + i;
            }
        }
        return null;
    }

    /** Why a value an application gave the encoder is invalid, or null; chars above U+00FF are refused. */
    static String valueProblem(String value) {
        int n = value.length();
        for (int i = 0; i < n; i++) {
            char c = value.charAt(i);
            if (c > 0xFF || (CLASSES[c] & VALUE) == 0) {
                return "field value holds a control or a char above U+00FF: index=" + i;
            }
        }
        if (n > 0 && ((CLASSES[value.charAt(0)] | CLASSES[value.charAt(n - 1)]) & WS) != 0) {
            return "field value starts or ends with whitespace";
        }
        return null;
    }
}
