package herald.protocol.hpack;

import static herald.protocol.hpack.Blocks.hex;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** RFC 7541 §5.1 and C.1: prefixed integers at every prefix size, their boundaries, and the limits. */
final class PrefixedIntTest {

    @Test
    void shouldEncodeC11TenWithFiveBitPrefix() {
        assertEncoded("0a", 5, 10);
    }

    @Test
    void shouldEncodeC12ThirteenThirtySevenWithFiveBitPrefix() {
        assertEncoded("1f9a0a", 5, 1337);
    }

    @Test
    void shouldEncodeC13FortyTwoAtAnOctetBoundary() {
        assertEncoded("2a", 8, 42);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 4, 5, 6, 7, 8})
    void shouldRoundTripBoundariesAtEveryPrefixSize(int prefix) {
        int max = (1 << prefix) - 1;
        int[] values = {0, 1, max - 1, max, max + 1, max + 127, max + 128, max + 16_383, max + 16_384, 1 << 20,
            (1 << 28) - 1, 1 << 28, Integer.MAX_VALUE - 1, Integer.MAX_VALUE};
        for (int value : values) {
            if (value < 0) {
                continue;
            }
            ByteBuffer out = ByteBuffer.allocate(8);
            int flags = prefix == 8 ? 0 : 0xFF << prefix & 0xFF;     // flag bits above the prefix must survive
            PrefixedInt.encode(out, flags, prefix, value);
            assertEquals(PrefixedInt.length(prefix, value), out.position(), "prefix=" + prefix + " value=" + value);
            out.flip();
            assertEquals(flags, out.get(0) & flags, "flags kept");
            long r = PrefixedInt.decode(out, 0, out.limit(), prefix);
            assertEquals(value, (int) (r >>> 32), "prefix=" + prefix + " value=" + value);
            assertEquals(out.limit(), (int) r, "end index");
        }
    }

    @Test
    void shouldTakeOneOctetBelowTheMaskAndTwoAtIt() {
        assertEncoded("1e", 5, 30);
        assertEncoded("1f00", 5, 31);
        assertEncoded("1f7f", 5, 31 + 127);
        assertEncoded("1f8001", 5, 31 + 128);
        assertEncoded("fe", 8, 254);
        assertEncoded("ff00", 8, 255);
        assertEncoded("00", 1, 0);
        assertEncoded("0100", 1, 1);
    }

    @Test
    void shouldDecodeMaxValueInSixOctets() {
        // 5-bit prefix: 31 + (2^31 - 32) = 2^31 - 1; 2^31 - 32 = 0x7FFFFFE0 → e0 ff ff ff 07
        assertEquals(Integer.MAX_VALUE, value(hex("1f e0ff ffff 07"), 5));
    }

    @Test
    void shouldRejectAValueOverTwoToTheThirtyOne() {
        HpackException e = assertThrows(HpackException.class, () -> value(hex("1f e1ff ffff 07"), 5));
        assertEquals("integer exceeds max=2147483647", e.getMessage());
        assertEquals(HpackException.Kind.COMPRESSION_ERROR, e.kind());
        assertThrows(HpackException.class, () -> value(hex("7f ffff ffff ffff ffff 7f"), 7));
    }

    @Test
    void shouldRejectOverlongEncodingsOfSmallValues() {
        // 31 with five zero continuation octets that still say "more": the sixth continuation octet is refused
        HpackException e = assertThrows(HpackException.class, () -> value(hex("1f 8080 8080 8000"), 5));
        assertEquals("integer exceeds maxOctets=6", e.getMessage());
        assertEquals(31, value(hex("1f 8080 8080 00"), 5), "four zero continuation octets and a last one are fine");
    }

    @Test
    void shouldRejectAnIntegerCutByTheBlockEnd() {
        HpackException e = assertThrows(HpackException.class, () -> value(hex("1f"), 5));
        assertEquals("block ends inside an integer", e.getMessage());
        assertThrows(HpackException.class, () -> value(hex("1f 9a"), 5));
    }

    @Test
    void shouldRefuseToEncodeNegativeValues() {
        assertThrows(IllegalArgumentException.class, () -> PrefixedInt.encode(ByteBuffer.allocate(8), 0, 5, -1));
    }

    private static void assertEncoded(String dump, int prefix, int value) {
        ByteBuffer out = ByteBuffer.allocate(8);
        PrefixedInt.encode(out, 0, prefix, value);
        assertEquals(dump, Blocks.hex(out.flip()));
        assertEquals(dump.length() / 2, PrefixedInt.length(prefix, value));
        assertEquals(value, value(hex(dump), prefix));
    }

    private static int value(ByteBuffer block, int prefix) {
        long r = PrefixedInt.decode(block, 0, block.limit(), prefix);
        assertEquals(block.limit(), (int) r, "the integer ends the buffer");
        return (int) (r >>> 32);
    }
}
