package herald.protocol.hpack;

import herald.protocol.sse.AllocationMeter;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Fuzz: mutated valid header blocks (bits flipped, octets inserted, deleted, duplicated, replaced by representation
 * prefixes and integer edges, truncated, spliced) decoded after the valid blocks that preceded them on their
 * connection. Every outcome is a field list or an {@link HpackException} with a kind and a one-line message; never
 * another exception, never a hang, and never more allocation than the block and the limits allow.
 *
 * <p>{@code -Dherald.seed=<long>} replays a run (the seed is printed); {@code -Dherald.fuzz.iterations=<n>} runs
 * longer than the default 20,000 mutations.
 */
final class HpackDecoderFuzzTest {
    private static final byte[] SPECIAL = {0, 0x0f, 0x10, 0x1f, 0x20, 0x3f, 0x40, 0x7f, (byte) 0x80, (byte) 0xbe,
        (byte) 0xff, (byte) 0xfe, '\r', '\n', ' ', 'A', ':'};

    @Test
    void shouldEndInFieldsOrAnHpackExceptionWithBoundedAllocation() {
        long seed = Blocks.seed();
        int iterations = Blocks.iterations(20_000);
        System.out.printf("HpackDecoderFuzzTest: -Dherald.seed=%d -Dherald.fuzz.iterations=%d%n", seed, iterations);
        List<List<ByteBuffer>> corpus = corpus(new SplittableRandom(seed ^ 0x5DEECE66DL));
        assertTimeoutPreemptively(Duration.ofSeconds(60 + iterations / 1_000), () -> {
            SplittableRandom random = new SplittableRandom(seed);
            int[] outcomes = new int[HpackException.Kind.values().length + 1];
            for (int i = 0; i < iterations; i++) {
                List<ByteBuffer> connection = corpus.get(random.nextInt(corpus.size()));
                int target = random.nextInt(connection.size());
                byte[] mutated = mutate(connection.get(target), connection, random);
                try {
                    outcomes[run(connection, target, mutated, random.nextInt(4) == 0, random.nextInt(8) != 0)]++;
                } catch (RuntimeException | AssertionError e) {
                    throw new AssertionError("seed=" + seed + " iteration=" + i + " block="
                            + HexFormat.of().formatHex(mutated), e);
                }
            }
            System.out.printf("HpackDecoderFuzzTest outcomes: decoded=%d %s=%d %s=%d %s=%d%n", outcomes[0],
                    HpackException.Kind.COMPRESSION_ERROR, outcomes[1], HpackException.Kind.HEADER_LIST_TOO_LARGE,
                    outcomes[2], HpackException.Kind.MALFORMED_FIELD, outcomes[3]);
            assertTrue(outcomes[0] > 0 && outcomes[1] > 0, "mutations both pass and fail");
        });
    }

    /** Decodes the connection's blocks before {@code target}, then the mutated one; 0 or 1 + the failure's kind. */
    private static int run(List<ByteBuffer> connection, int target, byte[] mutated, boolean smallLimits,
            boolean checkFields) {
        int maxTable = 4096;                                    // as the corpus' encoders assume (some use less)
        long maxList = smallLimits ? 300 : 16_384;
        HpackDecoder decoder = new HpackDecoder(maxTable, maxList, checkFields);
        FieldSink ignore = (name, value) -> { };
        for (int b = 0; b < target; b++) {
            try {
                decoder.decode(connection.get(b).duplicate(), ignore);
            } catch (HpackException e) {
                assertFalse(e.connectionError(), "valid blocks fail only on the list limit");
            }
        }
        long before = AllocationMeter.allocatedBytes();
        try {
            decoder.decode(ByteBuffer.wrap(mutated), ignore);
            return 0;
        } catch (HpackException e) {
            assertNotNull(e.kind());
            assertNotNull(e.getMessage());
            assertFalse(e.getMessage().contains("\n"), "one line");
            return 1 + e.kind().ordinal();
        } finally {
            long allocated = AllocationMeter.allocatedBytes() - before;
            long bound = 64L * mutated.length + 4 * Math.max(maxTable, maxList) + 262_144;   // strings, scratch, JIT
            assertTrue(allocated <= bound, "allocated=" + allocated + " bound=" + bound);
        }
    }

    /** Connections of valid blocks: the RFC's, and random ones from the encoder. */
    private static List<List<ByteBuffer>> corpus(SplittableRandom random) {
        List<List<ByteBuffer>> corpus = new ArrayList<>();
        corpus.add(List.of(Blocks.hex("8286 8441 0f77 7777 2e65 7861 6d70 6c65 2e63 6f6d"),
                Blocks.hex("8286 84be 5808 6e6f 2d63 6163 6865"),
                Blocks.hex("8287 85bf 400a 6375 7374 6f6d 2d6b 6579 0c63 7573 746f 6d2d 7661 6c75 65")));
        corpus.add(List.of(Blocks.hex("8286 8441 8cf1 e3c2 e5f2 3a6b a0ab 90f4 ff"),
                Blocks.hex("8286 84be 5886 a8eb 1064 9cbf"),
                Blocks.hex("8287 85bf 4088 25a8 49e9 5ba9 7d7f 8925 a849 e95b b8e8 b4bf")));
        RandomFields fields = new RandomFields(random);
        for (int c = 0; c < 40; c++) {
            HpackEncoder encoder = new HpackEncoder(c % 3 == 0 ? 256 : 4096);
            List<ByteBuffer> blocks = new ArrayList<>();
            for (int b = 0, n = 1 + random.nextInt(5); b < n; b++) {
                ByteBuffer out = ByteBuffer.allocate(1 << 16);
                encoder.startBlock(out);
                for (int f = 0, m = 1 + random.nextInt(12); f < m; f++) {
                    String value = fields.value();
                    encoder.field(out, fields.name(), value.length() > 300 ? value.substring(0, 300).trim() : value);
                }
                blocks.add(ByteBuffer.wrap(Arrays.copyOf(out.array(), out.position())));
            }
            corpus.add(blocks);
        }
        return corpus;
    }

    private static byte[] mutate(ByteBuffer block, List<ByteBuffer> connection, SplittableRandom random) {
        byte[] b = new byte[block.remaining()];
        block.duplicate().get(b);
        for (int m = 0, n = 1 + random.nextInt(3); m < n; m++) {
            int at = b.length == 0 ? 0 : random.nextInt(b.length);
            switch (random.nextInt(8)) {
                case 0 -> {
                    if (b.length > 0) {
                        b[at] ^= (byte) (1 << random.nextInt(8));
                    }
                }
                case 1 -> {
                    if (b.length > 0) {
                        b[at] = SPECIAL[random.nextInt(SPECIAL.length)];
                    }
                }
                case 2 -> b = insert(b, at, new byte[] {(byte) random.nextInt(256)});
                case 3 -> b = b.length == 0 ? b : delete(b, at, 1 + random.nextInt(Math.min(4, b.length - at)));
                case 4 -> b = Arrays.copyOf(b, at);                                    // truncated
                case 5 -> {                                                              // a range duplicated
                    int length = Math.min(b.length - at, 1 + random.nextInt(16));
                    b = insert(b, at, Arrays.copyOfRange(b, at, at + length));
                }
                case 6 -> {                                                              // an integer edge
                    byte[] edge = random.nextBoolean()
                            ? new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0x7f}
                            : new byte[] {0x7f, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x01};
                    b = insert(b, at, edge);
                }
                default -> {                                                             // another block spliced in
                    ByteBuffer other = connection.get(random.nextInt(connection.size()));
                    byte[] o = new byte[other.remaining()];
                    other.duplicate().get(o);
                    b = insert(b, at, o);
                }
            }
        }
        return b;
    }

    private static byte[] insert(byte[] b, int at, byte[] inserted) {
        byte[] r = new byte[b.length + inserted.length];
        System.arraycopy(b, 0, r, 0, at);
        System.arraycopy(inserted, 0, r, at, inserted.length);
        System.arraycopy(b, at, r, at + inserted.length, b.length - at);
        return r;
    }

    private static byte[] delete(byte[] b, int at, int length) {
        byte[] r = new byte[b.length - length];
        System.arraycopy(b, 0, r, 0, at);
        System.arraycopy(b, at + length, r, at, b.length - at - length);
        return r;
    }
}
