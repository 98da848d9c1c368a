package herald.protocol.internal;

/**
 * Strict UTF-8 validation (RFC 3629 §4): no overlong forms, no surrogates (U+D800-DFFF), nothing above U+10FFFF.
 * The JDK's decoder replaces such input with U+FFFD; a request path or query must be rejected instead, and an SSE
 * publish must be checked before it is encoded. In a package the module does not export: shared by
 * {@code http1} and {@code sse}, not part of the API.
 */
public final class Utf8Validation {
    private Utf8Validation() {
    }

    /** Whether {@code b[from..to)} is well-formed UTF-8. */
    public static boolean isWellFormed(byte[] b, int from, int to) {
        int i = from;
        while (i < to) {
            int b0 = b[i] & 0xFF;
            if (b0 < 0x80) {
                i++;
                continue;
            }
            int lo = 0x80;
            int hi = 0xBF;
            int trailing;
            if (b0 < 0xC2) {                // a continuation byte, or C0/C1 (overlong 2-byte forms)
                return false;
            } else if (b0 < 0xE0) {
                trailing = 1;
            } else if (b0 < 0xF0) {
                trailing = 2;
                if (b0 == 0xE0) {
                    lo = 0xA0;              // overlong 3-byte forms
                } else if (b0 == 0xED) {
                    hi = 0x9F;              // surrogates
                }
            } else if (b0 < 0xF5) {
                trailing = 3;
                if (b0 == 0xF0) {
                    lo = 0x90;              // overlong 4-byte forms
                } else if (b0 == 0xF4) {
                    hi = 0x8F;              // above U+10FFFF
                }
            } else {
                return false;
            }
            if (to - i <= trailing) {
                return false;
            }
            int b1 = b[i + 1] & 0xFF;
            if (b1 < lo || b1 > hi) {
                return false;
            }
            for (int k = 2; k <= trailing; k++) {
                int bk = b[i + k] & 0xFF;
                if (bk < 0x80 || bk > 0xBF) {
                    return false;
                }
            }
            i += trailing + 1;
        }
        return true;
    }
}
