package herald.protocol.sse;

import herald.protocol.internal.Utf8Validation;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The Encoding Standard's UTF-8 decoder and the JDK's agree on everything but encoded surrogates: both replace each
 * maximal subpart of an ill-formed sequence with one U+FFFD (Unicode's recommended practice), so the JDK serves as
 * an independent oracle. The exception: for {@code ED A0..BF} (a surrogate in UTF-8) the JDK emits one U+FFFD for
 * the whole sequence, the Encoding Standard (and so every browser) one per byte; explicit cases in
 * {@link SseStreamParserTest} cover those, and the oracle comparison skips inputs containing them.
 */
class Utf8Test {
    private static final byte[] INTERESTING = {0x00, 0x0A, 0x0D, 0x3A, 0x41, (byte) 0x7F, (byte) 0x80, (byte) 0x8F,
        (byte) 0x90, (byte) 0x9F, (byte) 0xA0, (byte) 0xBF, (byte) 0xC0, (byte) 0xC1, (byte) 0xC2, (byte) 0xDF,
        (byte) 0xE0, (byte) 0xE1, (byte) 0xEC, (byte) 0xED, (byte) 0xEE, (byte) 0xEF, (byte) 0xF0, (byte) 0xF1,
        (byte) 0xF3, (byte) 0xF4, (byte) 0xF5, (byte) 0xF8, (byte) 0xFE, (byte) 0xFF};

    private static String decode(byte[] bytes) {
        char[] chars = new char[bytes.length];
        int n = Utf8.decode(bytes, 0, bytes.length, chars, 0);
        return new String(chars, 0, n);
    }

    private static boolean hasEncodedSurrogate(byte[] bytes) {
        for (int i = 0; i + 1 < bytes.length; i++) {
            if (bytes[i] == (byte) 0xED && (bytes[i + 1] & 0xFF) >= 0xA0 && (bytes[i + 1] & 0xFF) <= 0xBF) {
                return true;
            }
        }
        return false;
    }

    @Test
    void shouldDecodeLikeTheJdkForAllShortSequencesOfInterestingBytes() {
        byte[] four = new byte[4];
        int k = INTERESTING.length;
        for (int i = 0; i < k * k * k * k; i++) {
            four[0] = INTERESTING[i % k];
            four[1] = INTERESTING[i / k % k];
            four[2] = INTERESTING[i / k / k % k];
            four[3] = INTERESTING[i / k / k / k];
            if (!hasEncodedSurrogate(four)) {
                assertEquals(new String(four, UTF_8), decode(four), () -> HexFormat.of().formatHex(four));
            }
            assertEquals(!decode(four).contains("\uFFFD"), Utf8Validation.isWellFormed(four, 0, 4));
        }
    }

    @Test
    void shouldDecodeLikeTheJdkForRandomBytes() {
        long seed = TestProperties.seed();
        Random random = new Random(seed);
        for (int i = 0; i < 20_000; i++) {
            byte[] bytes = new byte[random.nextInt(12)];
            for (int j = 0; j < bytes.length; j++) {
                bytes[j] = random.nextBoolean() ? INTERESTING[random.nextInt(INTERESTING.length)]
                        : (byte) random.nextInt();
            }
            if (!hasEncodedSurrogate(bytes)) {
                assertEquals(new String(bytes, UTF_8), decode(bytes), "herald.seed=" + seed);
            }
        }
    }

    @Test
    void shouldReplaceEachByteOfEncodedSurrogateUnlikeTheJdk() {
        byte[] surrogate = {(byte) 0xED, (byte) 0xA0, (byte) 0x80};
        assertEquals("\uFFFD\uFFFD\uFFFD", decode(surrogate));
        assertEquals("\uFFFD", new String(surrogate, UTF_8));         // documents why the oracle skips these
    }

    @Test
    void shouldDecodeEveryCodePoint() {
        StringBuilder all = new StringBuilder();
        for (int cp = 0; cp <= Character.MAX_CODE_POINT; cp++) {
            if (cp < Character.MIN_SURROGATE || cp > Character.MAX_SURROGATE) {
                all.appendCodePoint(cp);
            }
        }
        String text = all.toString();
        byte[] bytes = text.getBytes(UTF_8);
        assertEquals(text, decode(bytes));
        assertTrue(Utf8Validation.isWellFormed(bytes, 0, bytes.length));
    }
}
