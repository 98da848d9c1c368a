package herald.protocol.http1;

import herald.protocol.internal.Utf8Validation;

import java.nio.charset.StandardCharsets;

/**
 * Turns a raw request path into {@link RequestHead#path()}: percent-decoded as UTF-8, then dot-segments removed
 * (RFC 3986 §5.2.4). Used only when the raw path holds a {@code %} or a dot-segment; other paths are their own
 * decoded form.
 *
 * <p>Decisions:
 * <ul>
 *   <li>{@code %2F} decodes to {@code /} before normalization, so it separates segments like a literal slash:
 *       {@code /topics/users%2F42} is {@code /topics/users/42}, and {@code /a/..%2F..} is rejected as escaping the
 *       root. A route that must tell the two apart reads {@link RequestHead#rawPath()}.</li>
 *   <li>Encoded dots count: {@code %2e%2E} is a {@code ..} segment.</li>
 *   <li>400 for a malformed escape ({@code %zz}, {@code %4}, a {@code %} at the end), a decoded control character
 *       (%x00-1F, %x7F), bytes that are not well-formed UTF-8, and a {@code ..} that would climb above the root
 *       ({@code /..}, {@code /a/../..}) instead of clamping it as RFC 3986 does: such a path is an attack, not a
 *       typo.</li>
 * </ul>
 */
final class PathDecoder {
    private PathDecoder() {
    }

    /** Whether {@code b[from..to)} (starting with {@code /}) has a {@code .} or {@code ..} segment. */
    static boolean hasDotSegment(byte[] b, int from, int to) {
        for (int i = from; i < to - 1; i++) {
            if (b[i] == '/' && b[i + 1] == '.') {
                int next = i + 2;
                if (next == to || b[next] == '/') {
                    return true;
                }
                if (b[next] == '.' && (next + 1 == to || b[next + 1] == '/')) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * The decoded, normalized form of the path {@code b[from..to)}, which starts with {@code /} and holds only
     * origin-form characters.
     *
     * @throws HttpException 400 as described in the class comment
     */
    static String decode(byte[] b, int from, int to) {
        byte[] path = new byte[to - from];
        int length = 0;
        for (int i = from; i < to; ) {
            byte c = b[i];
            if (c != '%') {
                path[length++] = c;
                i++;
                continue;
            }
            int value = escapedByte(b, i, to);
            if (value < 0x20 || value == 0x7F) {
                throw HttpException.badRequest("request path encodes a control character");
            }
            path[length++] = (byte) value;
            i += 3;
        }
        if (!Utf8Validation.isWellFormed(path, 0, length)) {
            throw HttpException.badRequest("request path is not valid UTF-8 after percent-decoding");
        }
        length = removeDotSegments(path, length);
        return new String(path, 0, length, StandardCharsets.UTF_8);
    }

    /**
     * The byte encoded by the escape at {@code b[i]} ({@code %}), checking that two hex digits follow before
     * {@code to}.
     */
    static int escapedByte(byte[] b, int i, int to) {
        if (i + 2 >= to) {
            throw HttpException.badRequest("truncated percent-encoding in request-target");
        }
        int hi = AsciiTable.hexValue(b[i + 1]);
        int lo = AsciiTable.hexValue(b[i + 2]);
        if (hi < 0 || lo < 0) {
            throw HttpException.badRequest("malformed percent-encoding in request-target");
        }
        return hi << 4 | lo;
    }

    /** Checks that every {@code %} in {@code b[from..to)} starts a well-formed escape (pct-encoded, RFC 3986 §2.1). */
    static void checkEscapes(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] == '%') {
                escapedByte(b, i, to);
                i += 2;
            }
        }
    }

    /**
     * Removes {@code .} and {@code ..} segments from {@code path[0..length)} in place and returns the new length.
     * The output {@code "/s1/s2/.../sk"} never overtakes the input (it stays at or before the {@code /} that
     * precedes the segment being read), so one array serves both.
     */
    private static int removeDotSegments(byte[] path, int length) {
        int depth = 0;
        int out = 0;
        boolean endsInDirectory = false;
        int i = 1;                                      // path[0] is '/'
        while (i <= length) {
            int end = i;
            while (end < length && path[end] != '/') {
                end++;
            }
            int segment = end - i;
            if (segment == 1 && path[i] == '.') {
                endsInDirectory = true;
            } else if (segment == 2 && path[i] == '.' && path[i + 1] == '.') {
                if (depth == 0) {
                    throw HttpException.badRequest("request path escapes the root with a dot-dot segment");
                }
                depth--;
                do {
                    out--;
                } while (path[out] != '/');                 // drop the last output segment and its '/'
                endsInDirectory = true;
            } else {
                depth++;
                path[out++] = '/';
                System.arraycopy(path, i, path, out, segment);
                out += segment;
                endsInDirectory = false;
            }
            i = end + 1;
        }
        if (endsInDirectory || out == 0) {
            path[out++] = '/';
        }
        return out;
    }
}
