package herald.protocol.hpack;

import static herald.protocol.hpack.Blocks.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** RFC 7541 §5.2 and Appendix B: the code table, the RFC's Huffman strings, and every decoding rejection. */
final class HuffmanTest {

    @Test
    void shouldBeTheCanonicalCodeOfItsLengths() {
        // Appendix B is canonical: ordered by (length, symbol), each code is the previous + 1, shifted to its length.
        Integer[] symbols = IntStream.rangeClosed(0, Huffman.EOS).boxed().toArray(Integer[]::new);
        Arrays.sort(symbols, Comparator.<Integer>comparingInt(Huffman::length).thenComparingInt(s -> s));
        long code = 0;
        int length = Huffman.length(symbols[0]);
        for (int i = 0; i < symbols.length; i++) {
            int sym = symbols[i];
            if (i > 0) {
                code = (code + 1) << (Huffman.length(sym) - length);
                length = Huffman.length(sym);
            }
            assertEquals(code, Huffman.code(sym), "symbol=" + sym);
        }
    }

    @Test
    void shouldBeACompleteCode() {
        BigInteger kraft = BigInteger.ZERO;            // sum of 2^(30 - length) must be 2^30
        for (int sym = 0; sym <= Huffman.EOS; sym++) {
            assertTrue(Huffman.length(sym) >= 5 && Huffman.length(sym) <= 30, "symbol=" + sym);
            kraft = kraft.add(BigInteger.ONE.shiftLeft(30 - Huffman.length(sym)));
        }
        assertEquals(BigInteger.ONE.shiftLeft(30), kraft);
    }

    @Test
    void shouldMatchAppendixBSpotChecks() {
        assertCode(0, 0x1ff8, 13);
        assertCode(' ', 0x14, 6);
        assertCode('0', 0x0, 5);
        assertCode('a', 0x3, 5);
        assertCode('\\', 0x7fff0, 19);
        assertCode(127, 0xffffffc, 28);
        assertCode(255, 0x3ffffee, 26);
        assertCode(Huffman.EOS, 0x3fffffff, 30);
    }

    @Test
    void shouldEncodeAndDecodeTheRfcStrings() {
        // C.4.1, C.4.2, C.4.3, C.6.1, C.6.3
        assertHuffman("www.example.com", "f1e3 c2e5 f23a 6ba0 ab90 f4ff");
        assertHuffman("no-cache", "a8eb 1064 9cbf");
        assertHuffman("custom-key", "25a8 49e9 5ba9 7d7f");
        assertHuffman("custom-value", "25a8 49e9 5bb8 e8b4 bf");
        assertHuffman("302", "6402");
        assertHuffman("private", "aec3 771a 4b");
        assertHuffman("Mon, 21 Oct 2013 20:13:21 GMT", "d07a be94 1054 d444 a820 0595 040b 8166 e082 a62d 1bff");
        assertHuffman("https://www.example.com", "9d29 ad17 1863 c78f 0b97 c8e9 ae82 ae43 d3");
        assertHuffman("gzip", "9bd9 ab");
        assertHuffman("foo=ASDJKHQKBZXOQWEOPIUAXQWEOIU; max-age=3600; version=1",
                "94e7 821d d7f2 e6c7 b335 dfdf cd5b 3960 d5af 2708 7f36 72c1 ab27 0fb5 291f 9587 3160 65c0 03ed"
                        + "4ee5 b106 3d50 07");
    }

    @Test
    void shouldRoundTripEveryOctet() {
        char[] all = new char[256 * 3];
        for (int i = 0; i < all.length; i++) {
            all[i] = (char) ((i * 7) & 0xFF);
        }
        String s = new String(all);
        ByteBuffer out = ByteBuffer.allocate(Huffman.encodedLength(s, false));
        Huffman.encode(out, s, false);
        assertEquals(0, out.remaining());
        assertEquals(s, decode(out.flip()));
    }

    @Test
    void shouldLowercaseWhenAsked() {
        ByteBuffer out = ByteBuffer.allocate(Huffman.encodedLength("Content-Type", true));
        Huffman.encode(out, "Content-Type", true);
        assertEquals("content-type", decode(out.flip()));
    }

    @Test
    void shouldDecodeTheEmptyString() {
        assertEquals("", decode(ByteBuffer.allocate(0)));
    }

    @Test
    void shouldRejectEosInAString() {
        // 'a' (00011) then EOS (30 ones) then 5 ones of padding: 00011111 11111111 11111111 11111111 11111111
        HpackException e = assertThrows(HpackException.class, () -> decode(hex("1fff ffff ff")));
        assertEquals("huffman string holds EOS", e.getMessage());
        assertEquals(HpackException.Kind.COMPRESSION_ERROR, e.kind());
    }

    @Test
    void shouldRejectPaddingLongerThanSevenBits() {
        // 'a' (00011) + 3 ones, then a whole octet of ones: 11 bits of padding
        HpackException e = assertThrows(HpackException.class, () -> decode(hex("1fff")));
        assertEquals("huffman padding longer than 7 bits", e.getMessage());
        // a lone octet of ones: 8 bits of padding and no symbol
        assertEquals("huffman padding longer than 7 bits",
                assertThrows(HpackException.class, () -> decode(hex("ff"))).getMessage());
    }

    @Test
    void shouldRejectPaddingThatIsNotOnes() {
        // 'a' (00011) + padding 000
        HpackException e = assertThrows(HpackException.class, () -> decode(hex("18")));
        assertEquals("huffman padding is not a prefix of EOS", e.getMessage());
        // 'a' + 110: a one bit and a zero
        assertEquals("huffman padding is not a prefix of EOS",
                assertThrows(HpackException.class, () -> decode(hex("1e"))).getMessage());
    }

    @Test
    void shouldAcceptSevenBitsOfPadding() {
        // '0' (00000) then 'a' (00011) = 10 bits; 6 ones of padding: 00000000 11111111
        assertEquals("0a", decode(hex("00ff")));
        // ' ' (010100) + '0' (00000) = 11 bits, 5 ones: 01010000 00011111
        assertEquals(" 0", decode(hex("501f")));
    }

    @Test
    void shouldCountPastTheDestinationLimit() {
        ByteBuffer src = hex("f1e3 c2e5 f23a 6ba0 ab90 f4ff");   // www.example.com
        byte[] dst = new byte[4];
        assertEquals(15, Huffman.decode(src, 0, src.remaining(), dst, 0, 4));
        assertArrayEquals("www.".getBytes(StandardCharsets.US_ASCII), dst);
    }

    private static void assertCode(int symbol, int code, int length) {
        assertEquals(code, Huffman.code(symbol), "symbol=" + symbol);
        assertEquals(length, Huffman.length(symbol), "symbol=" + symbol);
    }

    private static void assertHuffman(String text, String dump) {
        ByteBuffer expected = hex(dump);
        assertEquals(expected.remaining(), Huffman.encodedLength(text, false), text);
        ByteBuffer out = ByteBuffer.allocate(expected.remaining());
        Huffman.encode(out, text, false);
        assertEquals(hex(expected), hex(out.flip()), text);
        assertEquals(text, decode(expected));
    }

    private static String decode(ByteBuffer src) {
        byte[] dst = new byte[src.remaining() * 8 / 5 + 1];
        int n = Huffman.decode(src, src.position(), src.remaining(), dst, 0, dst.length);
        return new String(dst, 0, n, StandardCharsets.ISO_8859_1);
    }
}
