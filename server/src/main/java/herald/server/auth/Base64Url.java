package herald.server.auth;

/**
 * Strict base64url without padding (RFC 7515 section 2 and appendix C), as JWS compact serialization uses it.
 *
 * <p>Strict means canonical: only {@code A-Z a-z 0-9 - _}, no {@code =}, no whitespace, a length that is not
 * 1 mod 4, and the unused low bits of the last character zero. The last rule matters for signatures: the JDK's
 * decoder ignores those bits, so {@code ...Q} and {@code ...R} could decode to the same signature and a changed
 * token would still verify.
 */
final class Base64Url {
    private static final char[] ALPHABET =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".toCharArray();

    /** The 6-bit value of each ASCII character, -1 where it is not in the base64url alphabet. */
    private static final byte[] VALUES = new byte[128];

    static {
        java.util.Arrays.fill(VALUES, (byte) -1);
        for (int i = 0; i < ALPHABET.length; i++) {
            VALUES[ALPHABET[i]] = (byte) i;
        }
    }

    private Base64Url() {
    }

    /** Decodes {@code s[from, to)}, or returns null if it is not canonical base64url. */
    static byte[] decode(CharSequence s, int from, int to) {
        int length = to - from;
        if (length % 4 == 1) {
            return null;
        }
        byte[] out = new byte[length * 3 / 4];
        int acc = 0;
        int bits = 0;
        int o = 0;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            int v = c < 128 ? VALUES[c] : -1;
            if (v < 0) {
                return null;
            }
            acc = acc << 6 | v;
            bits += 6;
            if (bits >= 8) {
                bits -= 8;
                out[o++] = (byte) (acc >> bits);
                acc &= (1 << bits) - 1;
            }
        }
        if (acc != 0) {
            return null; // non-zero unused bits: not the canonical encoding
        }
        return out;
    }

    static byte[] decode(CharSequence s) {
        return decode(s, 0, s.length());
    }

    static String encode(byte[] bytes) {
        StringBuilder out = new StringBuilder((bytes.length * 4 + 2) / 3);
        int i = 0;
        for (; i + 3 <= bytes.length; i += 3) {
            int v = (bytes[i] & 0xff) << 16 | (bytes[i + 1] & 0xff) << 8 | bytes[i + 2] & 0xff;
            out.append(ALPHABET[v >> 18]).append(ALPHABET[v >> 12 & 63]).append(ALPHABET[v >> 6 & 63])
                    .append(ALPHABET[v & 63]);
        }
        int rest = bytes.length - i;
        if (rest == 1) {
            int v = (bytes[i] & 0xff) << 16;
            out.append(ALPHABET[v >> 18]).append(ALPHABET[v >> 12 & 63]);
        } else if (rest == 2) {
            int v = (bytes[i] & 0xff) << 16 | (bytes[i + 1] & 0xff) << 8;
            out.append(ALPHABET[v >> 18]).append(ALPHABET[v >> 12 & 63]).append(ALPHABET[v >> 6 & 63]);
        }
        return out.toString();
    }
}
