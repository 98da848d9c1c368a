package herald.protocol.http1;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The eight-bytes-at-a-time scans agree with a plain loop for every byte value at every offset. */
final class ByteScanTest {

    private static int referenceLf(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] == '\n') {
                return i;
            }
        }
        return -1;
    }

    private static int referenceControl(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            int c = b[i] & 0xFF;
            if (c < 0x20 || c == 0x7F) {
                return i;
            }
        }
        return to;
    }

    private static int referenceNonNameChar(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            int c = b[i] & 0xFF;
            boolean nameChar = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-';
            if (!nameChar) {
                return i;
            }
        }
        return to;
    }

    @Test
    void shouldAgreeWithPlainLoopForEveryByteAtEveryOffset() {
        for (int length = 0; length <= 17; length++) {             // two words and a tail
            for (int position = 0; position < length; position++) {
                for (int value = 0; value < 256; value++) {
                    byte[] plain = new byte[length + 8];
                    Arrays.fill(plain, (byte) 'a');
                    plain[position] = (byte) value;
                    check(plain, 0, length);
                    check(plain, position, length);
                }
            }
        }
    }

    @Test
    void shouldNotLookBeyondTheEnd() {
        byte[] b = "abcdefgh\n\r\0-".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        for (int to = 0; to <= 8; to++) {
            assertEquals(-1, ByteScan.indexOfLf(b, 0, to));
            assertEquals(to, ByteScan.indexOfControl(b, 0, to));
            assertEquals(to, ByteScan.indexOfNonNameChar(b, 0, to));
        }
        assertEquals(8, ByteScan.indexOfLf(b, 0, b.length));
        assertEquals(8, ByteScan.indexOfControl(b, 0, b.length));
        assertEquals(8, ByteScan.indexOfNonNameChar(b, 0, b.length));
    }

    @Test
    void shouldFindFirstMatchAmongManyInRandomBytes() {
        SplittableRandom random = new SplittableRandom(42);
        byte[] pool = {'\n', '\r', '\t', 0, 0x1F, 0x20, 0x7F, (byte) 0x80, (byte) 0xFF, 'a', 'Z', '0', '9', '-', ':',
            '@', '[', '`', '{', '/', '_', (byte) 0xC1, (byte) 0xAD, (byte) 0x8A, (byte) 0x9F};
        for (int round = 0; round < 20_000; round++) {
            byte[] b = new byte[random.nextInt(40)];
            for (int i = 0; i < b.length; i++) {
                b[i] = random.nextInt(3) == 0 ? (byte) random.nextInt(256) : pool[random.nextInt(pool.length)];
            }
            int from = b.length == 0 ? 0 : random.nextInt(b.length + 1);
            check(b, from, b.length);
        }
    }

    @Test
    void shouldReadEightBytesBigEndian() {
        byte[] b = "xHTTP/1.1".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        assertEquals(ByteScan.asLong("HTTP/1.1"), ByteScan.longAt(b, 1));
        assertEquals(0x4854_5450_2F31_2E31L, ByteScan.asLong("HTTP/1.1"));
    }

    private static void check(byte[] b, int from, int to) {
        String where = "bytes=" + Arrays.toString(Arrays.copyOfRange(b, from, to)) + " from=" + from;
        assertEquals(referenceLf(b, from, to), ByteScan.indexOfLf(b, from, to), where);
        assertEquals(referenceControl(b, from, to), ByteScan.indexOfControl(b, from, to), where);
        assertEquals(referenceNonNameChar(b, from, to), ByteScan.indexOfNonNameChar(b, from, to), where);
    }
}
