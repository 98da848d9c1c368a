package herald.protocol.sse;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The SWAR scan finds the same first CR or LF as a byte loop, for every range, buffer kind and byte order. */
class LineBreaksTest {
    // bytes next to LF and CR in value, which trip naive SWAR tests through borrows: 0x0B, 0x0C, 0x0E, 0x09
    private static final byte[] ALPHABET = {'a', 0x09, 0x0B, 0x0C, 0x0E, 0x00, 0x01, (byte) 0x8A, (byte) 0x8D,
        (byte) 0xFF, 0x7F, '\n', '\r'};

    private static int naive(byte[] a, int from, int end) {
        for (int i = from; i < end; i++) {
            if (a[i] == '\n' || a[i] == '\r') {
                return i;
            }
        }
        return end;
    }

    @Test
    void shouldFindFirstLineBreakLikeByteLoop() {
        long seed = TestProperties.seed();
        Random random = new Random(seed);
        for (int n = 0; n < 3_000; n++) {
            byte[] a = new byte[random.nextInt(40)];
            int breakChance = 1 + random.nextInt(30);
            for (int i = 0; i < a.length; i++) {
                a[i] = random.nextInt(breakChance) == 0 ? (random.nextBoolean() ? (byte) '\n' : (byte) '\r')
                        : ALPHABET[random.nextInt(ALPHABET.length - 2)];
            }
            ByteBuffer bigEndian = ByteBuffer.allocateDirect(a.length).put(a).flip();
            ByteBuffer littleEndian = ByteBuffer.allocateDirect(a.length).order(ByteOrder.LITTLE_ENDIAN).put(a).flip();
            ByteBuffer readOnly = ByteBuffer.wrap(a).asReadOnlyBuffer();
            for (int from = 0; from <= a.length; from++) {
                for (int end = from; end <= a.length; end += 1 + random.nextInt(3)) {
                    int expected = naive(a, from, end);
                    String where = "herald.seed=" + seed + " from=" + from + " end=" + end;
                    assertEquals(expected, LineBreaks.indexOf(a, from, end), where);
                    assertEquals(expected, LineBreaks.indexOf(bigEndian, from, end), where);
                    assertEquals(expected, LineBreaks.indexOf(littleEndian, from, end), where);
                    assertEquals(expected, LineBreaks.indexOf(readOnly, from, end), where);
                }
            }
        }
    }

    @Test
    void shouldFindLineBreakInEveryLanePosition() {
        for (int at = 0; at < 24; at++) {
            for (byte lineBreak : new byte[] {'\n', '\r'}) {
                byte[] a = new byte[24];
                java.util.Arrays.fill(a, (byte) 0x0B);
                a[at] = lineBreak;
                if (at + 1 < a.length) {
                    a[at + 1] = lineBreak == '\n' ? (byte) '\r' : (byte) '\n';
                }
                assertEquals(at, LineBreaks.indexOf(a, 0, a.length));
                assertEquals(at, LineBreaks.indexOf(ByteBuffer.allocateDirect(24).put(a).flip(), 0, a.length));
            }
        }
    }
}
