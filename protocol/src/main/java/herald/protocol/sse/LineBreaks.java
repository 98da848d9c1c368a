package herald.protocol.sse;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Finds the next CR or LF byte, eight bytes per step (SWAR): the scan every line of the parser and every data line
 * of the encoder goes through.
 *
 * <p>For a word {@code w}, {@code x = w ^ 0x0A0A…} has a zero byte where {@code w} has LF. The classic test
 * {@code (x - 0x0101…) & ~x & 0x8080…} flags every zero byte, and may also flag a byte above (more significant
 * than) a real zero through the borrow, never one below it; so with the word read little-endian the lowest flag,
 * found with {@code numberOfTrailingZeros}, is exactly the first LF or CR in memory order.
 */
final class LineBreaks {
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long ONES = 0x0101_0101_0101_0101L;
    private static final long HIGHS = 0x8080_8080_8080_8080L;
    private static final long LFS = ONES * '\n';
    private static final long CRS = ONES * '\r';

    private LineBreaks() {
    }

    /** The index of the first CR or LF in {@code a[from, end)}, or {@code end}. */
    static int indexOf(byte[] a, int from, int end) {
        int i = from;
        for (; i <= end - Long.BYTES; i += Long.BYTES) {
            long flags = flags((long) LONGS.get(a, i));
            if (flags != 0) {
                return i + (Long.numberOfTrailingZeros(flags) >>> 3);
            }
        }
        for (; i < end; i++) {
            byte b = a[i];
            if (b == '\n' || b == '\r') {
                return i;
            }
        }
        return end;
    }

    /** The index of the first CR or LF between the absolute indexes {@code from} and {@code end} of {@code in}. */
    static int indexOf(ByteBuffer in, int from, int end) {
        boolean bigEndian = in.order() == ByteOrder.BIG_ENDIAN;   // the caller's order: read it, never change it
        int i = from;
        for (; i <= end - Long.BYTES; i += Long.BYTES) {
            long word = in.getLong(i);
            long flags = flags(bigEndian ? Long.reverseBytes(word) : word);
            if (flags != 0) {
                return i + (Long.numberOfTrailingZeros(flags) >>> 3);
            }
        }
        for (; i < end; i++) {
            byte b = in.get(i);
            if (b == '\n' || b == '\r') {
                return i;
            }
        }
        return end;
    }

    private static long flags(long littleEndianWord) {
        long lf = littleEndianWord ^ LFS;
        long cr = littleEndianWord ^ CRS;
        return ((lf - ONES) & ~lf | (cr - ONES) & ~cr) & HIGHS;
    }
}
