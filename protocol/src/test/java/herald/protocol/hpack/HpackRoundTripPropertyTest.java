package herald.protocol.hpack;

import static herald.protocol.hpack.Blocks.entries;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Property: whatever fields an {@link HpackEncoder} writes, with whatever representations, table sizes and peer
 * setting changes between blocks, an {@link HpackDecoder} reads back the same list (names lowercased), and after every
 * block both dynamic tables hold the same entries with the same size and capacity.
 *
 * <p>{@code -Dherald.seed=<long>} replays a run (the seed is printed); {@code -Dherald.fuzz.iterations=<n>} sets the
 * number of connections (default 200, each up to 20 blocks).
 */
final class HpackRoundTripPropertyTest {
    private static final int[] ADVERTISED = {0, 64, 256, 1000, 4096, 65_536};
    private static final int[] ENCODER_MAX = {0, 100, 256, 4096, 65_536};

    @Test
    void shouldDecodeWhatTheEncoderWroteWithTablesInStep() {
        long seed = Blocks.seed();
        int connections = Blocks.iterations(200);
        System.out.printf("HpackRoundTripPropertyTest: -Dherald.seed=%d -Dherald.fuzz.iterations=%d%n", seed,
                connections);
        assertTimeoutPreemptively(Duration.ofSeconds(60 + connections / 100), () -> {
            SplittableRandom random = new SplittableRandom(seed);
            for (int c = 0; c < connections; c++) {
                try {
                    connection(random);
                } catch (RuntimeException | AssertionError e) {
                    throw new AssertionError("seed=" + seed + " connection=" + c, e);
                }
            }
        });
    }

    private static void connection(SplittableRandom random) {
        RandomFields fields = new RandomFields(random);
        int advertised = ADVERTISED[random.nextInt(ADVERTISED.length)];
        HpackEncoder encoder = new HpackEncoder(ENCODER_MAX[random.nextInt(ENCODER_MAX.length)]);
        HpackDecoder decoder = new HpackDecoder(advertised, Long.MAX_VALUE);
        encoder.peerMaxTableSize(advertised);                  // the peer's SETTINGS, before the first block
        ByteBuffer out = ByteBuffer.allocate(1 << 20);
        for (int b = 0, blocks = 1 + random.nextInt(20); b < blocks; b++) {
            for (int k = random.nextInt(4) == 0 ? random.nextInt(3) + 1 : 0; k > 0; k--) {
                encoder.peerMaxTableSize(random.nextInt(advertised + 1));
            }
            out.clear();
            encoder.startBlock(out);
            List<String> expected = new ArrayList<>();
            for (int f = 0, n = random.nextInt(30); f < n; f++) {
                write(encoder, out, fields, random, expected);
            }
            List<String> decoded = Blocks.decode(decoder, out.flip());
            assertEquals(expected, decoded, "block=" + b);
            assertEquals(entries(encoder.table()), entries(decoder.table()), "block=" + b);
            assertEquals(encoder.table().size(), decoder.table().size());
            assertEquals(encoder.table().capacity(), decoder.table().capacity());
        }
    }

    private static void write(HpackEncoder encoder, ByteBuffer out, RandomFields fields, SplittableRandom random,
            List<String> expected) {
        String name = fields.name();
        String value = fields.value();
        switch (random.nextInt(10)) {
            case 0 -> encoder.fieldWithoutIndexing(out, name, value);
            case 1 -> encoder.fieldNeverIndexed(out, name, value);
            case 2 -> {
                int status = 100 + random.nextInt(500);
                encoder.status(out, status);
                name = ":status";
                value = Integer.toString(status);
            }
            case 3 -> {
                long number = random.nextLong(Long.MAX_VALUE);
                encoder.field(out, name, number);
                value = Long.toString(number);
            }
            case 4 -> encoder.fields(out, PrecomputedFields.of(name, value));
            default -> encoder.field(out, name, value);
        }
        expected.add(name.toLowerCase(Locale.ROOT) + ": " + value);
    }

    @Test
    void shouldRoundTripRandomIntegersAtEveryPrefixSize() {
        long seed = Blocks.seed();
        System.out.printf("HpackRoundTripPropertyTest integers: -Dherald.seed=%d%n", seed);
        SplittableRandom random = new SplittableRandom(seed);
        ByteBuffer out = ByteBuffer.allocate(8);
        for (int i = 0; i < 100_000; i++) {
            int prefix = 1 + random.nextInt(8);
            int value = random.nextInt(4) == 0 ? random.nextInt(Integer.MAX_VALUE) : random.nextInt(1 << 16);
            out.clear();
            PrefixedInt.encode(out, 0, prefix, value);
            out.flip();
            long r = PrefixedInt.decode(out, 0, out.limit(), prefix);
            assertEquals(value, (int) (r >>> 32), "seed=" + seed + " prefix=" + prefix);
            assertEquals(out.limit(), (int) r);
        }
    }

    @Test
    void shouldRoundTripRandomHuffmanStrings() {
        long seed = Blocks.seed();
        System.out.printf("HpackRoundTripPropertyTest huffman: -Dherald.seed=%d%n", seed);
        SplittableRandom random = new SplittableRandom(seed);
        ByteBuffer out = ByteBuffer.allocate(1 << 14);
        byte[] dst = new byte[1 << 14];
        for (int i = 0; i < 20_000; i++) {
            char[] chars = new char[random.nextInt(300)];
            for (int c = 0; c < chars.length; c++) {
                chars[c] = (char) (random.nextBoolean() ? random.nextInt(256) : 'a' + random.nextInt(26));
            }
            String s = new String(chars);
            out.clear();
            Huffman.encode(out, s, false);
            assertEquals(Huffman.encodedLength(s, false), out.position());
            int n = Huffman.decode(out.flip(), 0, out.limit(), dst, 0, dst.length);
            assertEquals(s, new String(dst, 0, n, java.nio.charset.StandardCharsets.ISO_8859_1), "seed=" + seed);
        }
    }
}
