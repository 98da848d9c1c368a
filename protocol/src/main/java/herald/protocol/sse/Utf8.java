package herald.protocol.sse;

/**
 * UTF-8 decoding with replacement, exactly as the Encoding Standard's UTF-8 decoder
 * (https://encoding.spec.whatwg.org/#utf-8-decoder): each maximal subpart of an ill-formed sequence becomes one
 * U+FFFD, and a byte that cannot continue a sequence ends it and is then decoded on its own.
 *
 * <p>Decoding stops at {@code to} as at the end of the queue: an incomplete sequence there is one U+FFFD. That
 * makes decoding a line of an event stream on its own equal to decoding the whole stream: line ends are ASCII, and
 * an ASCII byte always ends a pending sequence (as an error) before it is decoded itself.
 *
 * <p>Never produces more chars than it consumes bytes (4 bytes give 2 chars, an ill-formed subpart of 1 to 3 bytes
 * gives 1), so {@code to - from} chars of room always suffice.
 */
final class Utf8 {
    static final char REPLACEMENT = '\uFFFD';

    private Utf8() {
    }

    /** Decodes {@code src[from, to)} into {@code dst} from {@code dstIndex}; returns the index after the last char. */
    static int decode(byte[] src, int from, int to, char[] dst, int dstIndex) {
        int i = from;
        int d = dstIndex;
        while (i < to) {
            int b = src[i];
            if (b >= 0) {                                   // ASCII: the common case
                dst[d++] = (char) b;
                i++;
                continue;
            }
            b &= 0xFF;
            int needed;
            int codePoint;
            int lower = 0x80;
            int upper = 0xBF;
            if (b >= 0xC2 && b <= 0xDF) {
                needed = 1;
                codePoint = b & 0x1F;
            } else if (b >= 0xE0 && b <= 0xEF) {
                if (b == 0xE0) {
                    lower = 0xA0;                           // no overlong 3-byte forms
                } else if (b == 0xED) {
                    upper = 0x9F;                           // no surrogates
                }
                needed = 2;
                codePoint = b & 0x0F;
            } else if (b >= 0xF0 && b <= 0xF4) {
                if (b == 0xF0) {
                    lower = 0x90;                           // no overlong 4-byte forms
                } else if (b == 0xF4) {
                    upper = 0x8F;                           // nothing above U+10FFFF
                }
                needed = 3;
                codePoint = b & 0x07;
            } else {                                        // 0x80..0xC1, 0xF5..0xFF never start a sequence
                dst[d++] = REPLACEMENT;
                i++;
                continue;
            }
            i++;
            int seen = 0;
            while (seen < needed && i < to) {
                int c = src[i] & 0xFF;
                if (c < lower || c > upper) {
                    break;                                  // c is not consumed: decoded afresh next round
                }
                lower = 0x80;
                upper = 0xBF;
                codePoint = (codePoint << 6) | (c & 0x3F);
                i++;
                seen++;
            }
            if (seen < needed) {
                dst[d++] = REPLACEMENT;                     // one per maximal subpart
            } else if (codePoint >= Character.MIN_SUPPLEMENTARY_CODE_POINT) {
                dst[d++] = Character.highSurrogate(codePoint);
                dst[d++] = Character.lowSurrogate(codePoint);
            } else {
                dst[d++] = (char) codePoint;
            }
        }
        return d;
    }
}
