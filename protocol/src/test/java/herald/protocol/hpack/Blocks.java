package herald.protocol.hpack;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;

/** Test helpers: blocks from RFC-style hex dumps, a collecting sink, table dumps, seeds. */
final class Blocks {
    private Blocks() {
    }

    /** {@code "8286 8441"} → a heap buffer of those octets (spaces ignored). */
    static ByteBuffer hex(String dump) {
        return ByteBuffer.wrap(HexFormat.of().parseHex(dump.replaceAll("\\s", "")));
    }

    static String hex(ByteBuffer buffer) {
        ByteBuffer b = buffer.duplicate();
        byte[] bytes = new byte[b.remaining()];
        b.get(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    /** Collects fields as {@code "name: value"}. */
    static final class Collector implements FieldSink {
        final List<String> fields = new ArrayList<>();

        @Override
        public void field(String name, String value) {
            fields.add(name + ": " + value);
        }
    }

    static List<String> decode(HpackDecoder decoder, ByteBuffer block) {
        Collector sink = new Collector();
        decoder.decode(block, sink);
        return sink.fields;
    }

    /** The dynamic table, newest first, as {@code "name: value"}. */
    static List<String> entries(DynamicTable table) {
        List<String> entries = new ArrayList<>();
        for (int i = 0; i < table.length(); i++) {
            entries.add(table.name(i) + ": " + table.value(i));
        }
        return entries;
    }

    /** Builds blocks representation by representation; strings are written raw (no Huffman). */
    static final class Builder {
        private final ByteBuffer out = ByteBuffer.allocate(1 << 22);

        Builder indexed(int index) {
            PrefixedInt.encode(out, 0x80, 7, index);
            return this;
        }

        /** Literal with incremental indexing (§6.2.1); {@code nameIndex} 0 writes {@code name}. */
        Builder withIndexing(int nameIndex, String name, String value) {
            return literal(0x40, 6, nameIndex, name, value);
        }

        /** Literal without indexing (§6.2.2). */
        Builder withoutIndexing(int nameIndex, String name, String value) {
            return literal(0x00, 4, nameIndex, name, value);
        }

        /** Literal never indexed (§6.2.3). */
        Builder neverIndexed(int nameIndex, String name, String value) {
            return literal(0x10, 4, nameIndex, name, value);
        }

        Builder sizeUpdate(int size) {
            PrefixedInt.encode(out, 0x20, 5, size);
            return this;
        }

        Builder raw(String dump) {
            out.put(hex(dump));
            return this;
        }

        ByteBuffer build() {
            return ByteBuffer.wrap(java.util.Arrays.copyOf(out.array(), out.position()));
        }

        private Builder literal(int flags, int prefix, int nameIndex, String name, String value) {
            PrefixedInt.encode(out, flags, prefix, nameIndex);
            if (nameIndex == 0) {
                string(name);
            }
            return string(value);
        }

        Builder string(String s) {
            PrefixedInt.encode(out, 0, 7, s.length());
            out.put(s.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
            return this;
        }
    }

    static Builder block() {
        return new Builder();
    }

    /** {@code -Dherald.seed=…} to replay a run, else a random seed; printed by the caller. */
    static long seed() {
        Long value = parse(System.getProperty("herald.seed"));
        return value != null ? value : new SplittableRandom().nextLong();
    }

    /** {@code -Dherald.fuzz.iterations=…} for a long run, else {@code defaultIterations}. */
    static int iterations(int defaultIterations) {
        Long value = parse(System.getProperty("herald.fuzz.iterations"));
        return value == null ? defaultIterations : Math.toIntExact(value);
    }

    private static Long parse(String value) {
        if (value == null || value.isBlank() || value.startsWith("${")) {
            return null;
        }
        return Long.parseLong(value.trim());
    }
}
