package herald.protocol.hpack;

import java.nio.ByteBuffer;

/**
 * The static Huffman code of HPACK (RFC 7541 §5.2, Appendix B): encoding from the code table, decoding four bits at a
 * time through a state machine derived from the same table when the class loads.
 *
 * <p>Decoding rules (RFC 7541 §5.2): the EOS symbol inside a string is an error; the padding that completes the last
 * octet must be the most significant bits of EOS (all ones) and at most 7 bits long.
 */
final class Huffman {
    /** Symbol 256, the end-of-string code: 30 one bits. Never encoded. */
    static final int EOS = 256;

    /**
     * Appendix B as {@code code, length} pairs for symbols 0 to 256; codes are right-aligned (the "code as hex aligned
     * to LSB" column). The test suite checks the table is the canonical code of its lengths and complete (Kraft sum 1).
     */
    // @formatter:off
    private static final int[] TABLE = {
        /*   0 */ 0x1ff8, 13,      0x7fffd8, 23,    0xfffffe2, 28,   0xfffffe3, 28,
        /*   4 */ 0xfffffe4, 28,   0xfffffe5, 28,   0xfffffe6, 28,   0xfffffe7, 28,
        /*   8 */ 0xfffffe8, 28,   0xffffea, 24,    0x3ffffffc, 30,  0xfffffe9, 28,
        /*  12 */ 0xfffffea, 28,   0x3ffffffd, 30,  0xfffffeb, 28,   0xfffffec, 28,
        /*  16 */ 0xfffffed, 28,   0xfffffee, 28,   0xfffffef, 28,   0xffffff0, 28,
        /*  20 */ 0xffffff1, 28,   0xffffff2, 28,   0x3ffffffe, 30,  0xffffff3, 28,
        /*  24 */ 0xffffff4, 28,   0xffffff5, 28,   0xffffff6, 28,   0xffffff7, 28,
        /*  28 */ 0xffffff8, 28,   0xffffff9, 28,   0xffffffa, 28,   0xffffffb, 28,
        /* ' ' */ 0x14, 6,         0x3f8, 10,       0x3f9, 10,       0xffa, 12,
        /* '$' */ 0x1ff9, 13,      0x15, 6,         0xf8, 8,         0x7fa, 11,
        /* '(' */ 0x3fa, 10,       0x3fb, 10,       0xf9, 8,         0x7fb, 11,
        /* ',' */ 0xfa, 8,         0x16, 6,         0x17, 6,         0x18, 6,
        /* '0' */ 0x0, 5,          0x1, 5,          0x2, 5,          0x19, 6,
        /* '4' */ 0x1a, 6,         0x1b, 6,         0x1c, 6,         0x1d, 6,
        /* '8' */ 0x1e, 6,         0x1f, 6,         0x5c, 7,         0xfb, 8,
        /* '<' */ 0x7ffc, 15,      0x20, 6,         0xffb, 12,       0x3fc, 10,
        /* '@' */ 0x1ffa, 13,      0x21, 6,         0x5d, 7,         0x5e, 7,
        /* 'D' */ 0x5f, 7,         0x60, 7,         0x61, 7,         0x62, 7,
        /* 'H' */ 0x63, 7,         0x64, 7,         0x65, 7,         0x66, 7,
        /* 'L' */ 0x67, 7,         0x68, 7,         0x69, 7,         0x6a, 7,
        /* 'P' */ 0x6b, 7,         0x6c, 7,         0x6d, 7,         0x6e, 7,
        /* 'T' */ 0x6f, 7,         0x70, 7,         0x71, 7,         0x72, 7,
        /* 'X' */ 0xfc, 8,         0x73, 7,         0xfd, 8,         0x1ffb, 13,
        /* '\' */ 0x7fff0, 19,     0x1ffc, 13,      0x3ffc, 14,      0x22, 6,
        /* '`' */ 0x7ffd, 15,      0x3, 5,          0x23, 6,         0x4, 5,
        /* 'd' */ 0x24, 6,         0x5, 5,          0x25, 6,         0x26, 6,
        /* 'h' */ 0x27, 6,         0x6, 5,          0x74, 7,         0x75, 7,
        /* 'l' */ 0x28, 6,         0x29, 6,         0x2a, 6,         0x7, 5,
        /* 'p' */ 0x2b, 6,         0x76, 7,         0x2c, 6,         0x8, 5,
        /* 't' */ 0x9, 5,          0x2d, 6,         0x77, 7,         0x78, 7,
        /* 'x' */ 0x79, 7,         0x7a, 7,         0x7b, 7,         0x7ffe, 15,
        /* '|' */ 0x7fc, 11,       0x3ffd, 14,      0x1ffd, 13,      0xffffffc, 28,
        /* 128 */ 0xfffe6, 20,     0x3fffd2, 22,    0xfffe7, 20,     0xfffe8, 20,
        /* 132 */ 0x3fffd3, 22,    0x3fffd4, 22,    0x3fffd5, 22,    0x7fffd9, 23,
        /* 136 */ 0x3fffd6, 22,    0x7fffda, 23,    0x7fffdb, 23,    0x7fffdc, 23,
        /* 140 */ 0x7fffdd, 23,    0x7fffde, 23,    0xffffeb, 24,    0x7fffdf, 23,
        /* 144 */ 0xffffec, 24,    0xffffed, 24,    0x3fffd7, 22,    0x7fffe0, 23,
        /* 148 */ 0xffffee, 24,    0x7fffe1, 23,    0x7fffe2, 23,    0x7fffe3, 23,
        /* 152 */ 0x7fffe4, 23,    0x1fffdc, 21,    0x3fffd8, 22,    0x7fffe5, 23,
        /* 156 */ 0x3fffd9, 22,    0x7fffe6, 23,    0x7fffe7, 23,    0xffffef, 24,
        /* 160 */ 0x3fffda, 22,    0x1fffdd, 21,    0xfffe9, 20,     0x3fffdb, 22,
        /* 164 */ 0x3fffdc, 22,    0x7fffe8, 23,    0x7fffe9, 23,    0x1fffde, 21,
        /* 168 */ 0x7fffea, 23,    0x3fffdd, 22,    0x3fffde, 22,    0xfffff0, 24,
        /* 172 */ 0x1fffdf, 21,    0x3fffdf, 22,    0x7fffeb, 23,    0x7fffec, 23,
        /* 176 */ 0x1fffe0, 21,    0x1fffe1, 21,    0x3fffe0, 22,    0x1fffe2, 21,
        /* 180 */ 0x7fffed, 23,    0x3fffe1, 22,    0x7fffee, 23,    0x7fffef, 23,
        /* 184 */ 0xfffea, 20,     0x3fffe2, 22,    0x3fffe3, 22,    0x3fffe4, 22,
        /* 188 */ 0x7ffff0, 23,    0x3fffe5, 22,    0x3fffe6, 22,    0x7ffff1, 23,
        /* 192 */ 0x3ffffe0, 26,   0x3ffffe1, 26,   0xfffeb, 20,     0x7fff1, 19,
        /* 196 */ 0x3fffe7, 22,    0x7ffff2, 23,    0x3fffe8, 22,    0x1ffffec, 25,
        /* 200 */ 0x3ffffe2, 26,   0x3ffffe3, 26,   0x3ffffe4, 26,   0x7ffffde, 27,
        /* 204 */ 0x7ffffdf, 27,   0x3ffffe5, 26,   0xfffff1, 24,    0x1ffffed, 25,
        /* 208 */ 0x7fff2, 19,     0x1fffe3, 21,    0x3ffffe6, 26,   0x7ffffe0, 27,
        /* 212 */ 0x7ffffe1, 27,   0x3ffffe7, 26,   0x7ffffe2, 27,   0xfffff2, 24,
        /* 216 */ 0x1fffe4, 21,    0x1fffe5, 21,    0x3ffffe8, 26,   0x3ffffe9, 26,
        /* 220 */ 0xffffffd, 28,   0x7ffffe3, 27,   0x7ffffe4, 27,   0x7ffffe5, 27,
        /* 224 */ 0xfffec, 20,     0xfffff3, 24,    0xfffed, 20,     0x1fffe6, 21,
        /* 228 */ 0x3fffe9, 22,    0x1fffe7, 21,    0x1fffe8, 21,    0x7ffff3, 23,
        /* 232 */ 0x3fffea, 22,    0x3fffeb, 22,    0x1ffffee, 25,   0x1ffffef, 25,
        /* 236 */ 0xfffff4, 24,    0xfffff5, 24,    0x3ffffea, 26,   0x7ffff4, 23,
        /* 240 */ 0x3ffffeb, 26,   0x7ffffe6, 27,   0x3ffffec, 26,   0x3ffffed, 26,
        /* 244 */ 0x7ffffe7, 27,   0x7ffffe8, 27,   0x7ffffe9, 27,   0x7ffffea, 27,
        /* 248 */ 0x7ffffeb, 27,   0xffffffe, 28,   0x7ffffec, 27,   0x7ffffed, 27,
        /* 252 */ 0x7ffffee, 27,   0x7ffffef, 27,   0x7fffff0, 27,   0x3ffffee, 26,
        /* EOS */ 0x3fffffff, 30,
    };
    // @formatter:on

    private static final int[] CODES = new int[EOS + 1];
    private static final byte[] LENGTHS = new byte[EOS + 1];

    // Decoding state machine: one state per internal node of the code tree (256 of them, root = 0); for each state
    // and each 4-bit input, one int: next state | symbol << 8 | flags. A nibble completes at most one symbol, since
    // the shortest code is 5 bits.
    private static final int EMIT = 1 << 16;        // the nibble completed a symbol
    private static final int ACCEPT = 1 << 17;      // the bits pending after it are a valid padding (≤ 7 ones)
    private static final int FAIL = 1 << 18;        // the nibble completed EOS
    private static final int[] TRANSITIONS = new int[256 * 16];
    /** Per state: how many one bits lead to it from the root, or -1 if a zero bit does. */
    private static final byte[] ONES = new byte[256];

    static {
        for (int sym = 0; sym <= EOS; sym++) {
            CODES[sym] = TABLE[2 * sym];
            LENGTHS[sym] = (byte) TABLE[2 * sym + 1];
        }
        buildDecoder();
    }

    private Huffman() {
    }

    static int code(int symbol) {
        return CODES[symbol];
    }

    static int length(int symbol) {
        return LENGTHS[symbol];
    }

    /** Octets {@code s} takes Huffman-coded, padding included; chars are taken as octets (ISO-8859-1). */
    static int encodedLength(CharSequence s, boolean lowercase) {
        long bits = 0;
        for (int i = 0, n = s.length(); i < n; i++) {
            bits += LENGTHS[octet(s.charAt(i), lowercase)];
        }
        return (int) ((bits + 7) >>> 3);
    }

    /**
     * Writes {@code s} Huffman-coded, padded with the high bits of EOS; the caller has checked the room
     * ({@link #encodedLength}). With {@code lowercase}, ASCII uppercase letters are coded as lowercase.
     */
    static void encode(ByteBuffer out, CharSequence s, boolean lowercase) {
        long bits = 0;       // pending bits, right-aligned
        int count = 0;       // how many (< 8 between symbols; a code adds at most 30)
        for (int i = 0, n = s.length(); i < n; i++) {
            int sym = octet(s.charAt(i), lowercase);
            bits = (bits << LENGTHS[sym]) | CODES[sym];
            count += LENGTHS[sym];
            while (count >= 8) {
                count -= 8;
                out.put((byte) (bits >>> count));
            }
        }
        if (count > 0) {
            out.put((byte) ((bits << (8 - count)) | (0xFF >>> count)));     // EOS prefix as padding
        }
    }

    private static int octet(char c, boolean lowercase) {
        return lowercase && c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c & 0xFF;
    }

    /**
     * Decodes {@code length} octets of {@code src} from absolute index {@code from}. Decoded octets go to {@code dst}
     * from {@code offset} while they fit below {@code dstLimit}; the rest are only counted.
     *
     * @return the decoded length, which may exceed what was stored
     * @throws HpackException on EOS or an invalid padding
     */
    static int decode(ByteBuffer src, int from, int length, byte[] dst, int offset, int dstLimit) {
        int state = 0;
        int accept = ACCEPT;       // the empty string is valid
        int out = offset;
        for (int i = from, end = from + length; i < end; i++) {
            int b = src.get(i) & 0xFF;
            int t = TRANSITIONS[(state << 4) | (b >>> 4)];
            if ((t & (EMIT | FAIL)) != 0) {
                out = emit(t, dst, out, dstLimit);
            }
            t = TRANSITIONS[((t & 0xFF) << 4) | (b & 0x0F)];
            if ((t & (EMIT | FAIL)) != 0) {
                out = emit(t, dst, out, dstLimit);
            }
            state = t & 0xFF;
            accept = t & ACCEPT;
        }
        if (accept == 0) {
            throw HpackException.compression(ONES[state] > 7
                    ? "huffman padding longer than 7 bits"
                    : "huffman padding is not a prefix of EOS");
        }
        return out - offset;
    }

    private static int emit(int t, byte[] dst, int out, int dstLimit) {
        if ((t & FAIL) != 0) {
            throw HpackException.compression("huffman string holds EOS");
        }
        if (out < dstLimit) {
            dst[out] = (byte) (t >>> 8);
        }
        return out + 1;
    }

    // ---- building the state machine from the code table ----

    private static void buildDecoder() {
        // Tree of 257 leaves and 256 internal nodes; children[2n + bit] >= 0 is an internal node, < 0 is ~symbol.
        int[] children = new int[2 * 256];
        java.util.Arrays.fill(children, Integer.MIN_VALUE);
        int nodes = 1;
        for (int sym = 0; sym <= EOS; sym++) {
            int node = 0;
            for (int bit = LENGTHS[sym] - 1; bit >= 0; bit--) {
                int slot = 2 * node + ((CODES[sym] >>> bit) & 1);
                if (bit == 0) {
                    children[slot] = ~sym;
                } else {
                    if (children[slot] == Integer.MIN_VALUE) {
                        children[slot] = nodes++;
                    }
                    node = children[slot];
                }
            }
        }
        java.util.Arrays.fill(ONES, (byte) -1);
        ONES[0] = 0;
        for (int node = 0, ones = 0; children[2 * node + 1] >= 0; ones++) {  // the all-ones path towards EOS
            node = children[2 * node + 1];
            ONES[node] = (byte) (ones + 1);
        }
        for (int state = 0; state < 256; state++) {
            for (int nibble = 0; nibble < 16; nibble++) {
                int node = state;
                int t = 0;
                for (int bit = 3; bit >= 0; bit--) {
                    int child = children[2 * node + ((nibble >>> bit) & 1)];
                    if (child >= 0) {
                        node = child;
                    } else {
                        int sym = ~child;
                        t = sym == EOS ? FAIL : EMIT | sym << 8;
                        node = 0;
                    }
                }
                if (ONES[node] >= 0 && ONES[node] <= 7) {
                    t |= ACCEPT;
                }
                TRANSITIONS[(state << 4) | nibble] = t | node;
            }
        }
    }
}
