package herald.protocol.hpack;

import java.nio.ByteBuffer;

/**
 * The prefixed integer of RFC 7541 §5.1: an N-bit prefix in the first octet (1 ≤ N ≤ 8), then, if the prefix is all
 * ones, 7 bits per continuation octet, least significant first.
 *
 * <p>Decoding accepts values up to {@link #MAX_VALUE} in at most {@link #MAX_CONTINUATION_OCTETS} continuation octets
 * ("integer encodings that exceed implementation limits ... MUST be treated as decoding errors"): enough for any
 * index, string length or table size a block can carry, and no overflow.
 */
final class PrefixedInt {
    /** The largest value decoded: 2^31 - 1. */
    static final int MAX_VALUE = Integer.MAX_VALUE;
    /** 7 × 5 = 35 bits after an all-ones prefix covers {@link #MAX_VALUE}; longer encodings are refused. */
    static final int MAX_CONTINUATION_OCTETS = 5;

    private PrefixedInt() {
    }

    /**
     * Decodes the integer starting at absolute index {@code at} (whose first octet also holds the representation's
     * flag bits above the prefix) and ending before {@code limit}.
     *
     * @return the value in the high 32 bits and the index after the integer in the low 32 bits
     * @throws HpackException when the block ends inside the integer or the value exceeds {@link #MAX_VALUE}
     */
    static long decode(ByteBuffer block, int at, int limit, int prefixBits) {
        int mask = (1 << prefixBits) - 1;
        int value = block.get(at) & mask;
        int i = at + 1;
        if (value < mask) {
            return (long) value << 32 | i;
        }
        long v = value;
        for (int shift = 0; ; shift += 7) {
            if (i == limit) {
                throw HpackException.compression("block ends inside an integer");
            }
            if (shift == 7 * MAX_CONTINUATION_OCTETS) {
                throw HpackException.compression("integer exceeds maxOctets=" + (MAX_CONTINUATION_OCTETS + 1));
            }
            int b = block.get(i++);
            v += (long) (b & 0x7F) << shift;
            if (v > MAX_VALUE) {
                throw HpackException.compression("integer exceeds max=" + MAX_VALUE);
            }
            if (b >= 0) {            // high bit clear: last octet
                return v << 32 | i;
            }
        }
    }

    /** Octets {@link #encode} writes for {@code value}. */
    static int length(int prefixBits, int value) {
        int mask = (1 << prefixBits) - 1;
        if (value < mask) {
            return 1;
        }
        int n = 2;
        for (int rest = value - mask; rest >= 0x80; rest >>>= 7) {
            n++;
        }
        return n;
    }

    /** Writes {@code value} with an N-bit prefix; {@code flags} are the representation bits above the prefix. */
    static void encode(ByteBuffer out, int flags, int prefixBits, int value) {
        if (value < 0) {
            throw new IllegalArgumentException("negative integer: value=" + value);
        }
        int mask = (1 << prefixBits) - 1;
        if (value < mask) {
            out.put((byte) (flags | value));
            return;
        }
        out.put((byte) (flags | mask));
        int rest = value - mask;
        while (rest >= 0x80) {
            out.put((byte) (rest & 0x7F | 0x80));
            rest >>>= 7;
        }
        out.put((byte) rest);
    }
}
