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
