package herald.protocol.http1;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Scans over byte arrays eight bytes at a time (SWAR: SIMD within a register).
 *
 * <p>The classic zero-byte test {@code (x - 0x01..01) & ~x & 0x80..80} flags every byte of {@code x} that is zero,
 * plus possibly bytes <em>above</em> a flagged byte (the borrow ripples upwards). Read little-endian, the lowest
 * flag is therefore always exact, and {@code numberOfTrailingZeros / 8} is the index of the first match.
 */
final class ByteScan {
    private static final VarHandle LONG_LE =
            MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle LONG_BE =
            MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    private static final long ONES = 0x0101_0101_0101_0101L;
    private static final long HIGHS = 0x8080_8080_8080_8080L;
    private static final long LFS = 0x0A0A_0A0A_0A0A_0A0AL;
    private static final long SPACES = 0x2020_2020_2020_2020L;
    private static final long LOWS = 0x7F7F_7F7F_7F7F_7F7FL;

    private ByteScan() {
    }

    /** Index of the first LF in {@code b[from..to)}, or -1. */
    static int indexOfLf(byte[] b, int from, int to) {
        int i = from;
        for (; i <= to - 8; i += 8) {
            long x = (long) LONG_LE.get(b, i) ^ LFS;
            long found = (x - ONES) & ~x & HIGHS;
            if (found != 0) {
                return i + (Long.numberOfTrailingZeros(found) >>> 3);
            }
        }
        for (; i < to; i++) {
            if (b[i] == AsciiTable.LF) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Index of the first control character (%x00-1F, HTAB included) or DEL in {@code b[from..to)}, or {@code to}.
     * Bytes %x80-FF (obs-text) are not controls.
     */
    static int indexOfControl(byte[] b, int from, int to) {
        int i = from;
        for (; i <= to - 8; i += 8) {
            long found = controls((long) LONG_LE.get(b, i));
            if (found != 0) {
                return i + (Long.numberOfTrailingZeros(found) >>> 3);
            }
        }
        for (; i < to; i++) {
            int c = b[i] & 0xFF;
            if (c < 0x20 || c == 0x7F) {
                return i;
            }
        }
        return to;
    }

    /**
     * Bit 7 of each byte of {@code w} that is below 0x20 or is 0x7F. Works on the low seven bits of each byte, so
     * no addition carries into the next byte and every flag is exact: {@code (b & 0x7F) + 0x60} reaches bit 7 from
     * 0x20 up, {@code (b & 0x7F) + 1} only for 0x7F; the original bit 7 marks obs-text, which is allowed.
     */
    private static long controls(long w) {
        long low7 = w & LOWS;
        long printableOrHigh = (low7 + 0x6060_6060_6060_6060L) | w;
        long del = (low7 + ONES) & ~w;
        return (~printableOrHigh | del) & HIGHS;
    }

    /**
     * Index of the first byte in {@code b[from..to)} that is not an ASCII letter, digit or {@code -} — the usual
     * alphabet of field names, a subset of tchar — or {@code to}. Per byte, on the low seven bits (no carries):
     * {@code x + (0x80 - lo)} reaches bit 7 from {@code lo} up, {@code x + (0x7F - hi)} from {@code hi + 1} up.
     */
    static int indexOfNonNameChar(byte[] b, int from, int to) {
        int i = from;
        for (; i <= to - 8; i += 8) {
            long w = (long) LONG_LE.get(b, i);
            long x = w & LOWS;
            long letters = x | SPACES;                                      // fold upper case into lower case
            long letter = (letters + 0x1F1F_1F1F_1F1F_1F1FL) & ~(letters + 0x0505_0505_0505_0505L);   // 0x61-0x7A
            long digit = (x + 0x5050_5050_5050_5050L) & ~(x + 0x4646_4646_4646_4646L);       // 0x30-0x39
            long dash = ~((x ^ 0x2D2D_2D2D_2D2D_2D2DL) + LOWS);                             // 0x2D
            long other = ~((letter | digit | dash) & ~w) & HIGHS;
            if (other != 0) {
                return i + (Long.numberOfTrailingZeros(other) >>> 3);
            }
        }
        for (; i < to; i++) {
            byte c = b[i];
            int folded = c | 0x20;
            if (!(folded >= 'a' && folded <= 'z' || c >= '0' && c <= '9' || c == '-')) {
                return i;
            }
        }
        return to;
    }

    /** Eight bytes at {@code b[i..i+8)} as a big-endian long, so {@code "HTTP/1.1"} reads as one constant. */
    static long longAt(byte[] b, int i) {
        return (long) LONG_BE.get(b, i);
    }

    /** The first eight characters of {@code ascii} as a big-endian long, for comparison with {@link #longAt}. */
    static long asLong(String ascii) {
        long value = 0;
        for (int i = 0; i < 8; i++) {
            value = value << 8 | (ascii.charAt(i) & 0xFF);
        }
        return value;
    }
}
