package herald.protocol.sse;

import static herald.protocol.sse.Parsing.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Encode, then parse at random splits: every event comes back with its type, id (as the last event ID) and data,
 * the data with its line breaks as {@code \n}; comments and retries too.
 *
 * <p>Seed and size from {@code -Dherald.seed=…} and {@code -Dherald.fuzz.iterations=…}; the seed is printed, and
 * a failure names it with the iteration.
 */
class SseRoundTripPropertyTest {
    private static final int DEFAULT_ITERATIONS = 4_000;

    /** One encoded item and what the parser must report for it. */
    private record Expected(SseEvent event, List<String> comments, long retry) {
    }

    @Test
    void shouldRoundTripRandomEventsAtRandomSplits() {
        long seed = TestProperties.seed();
        int iterations = TestProperties.iterations(DEFAULT_ITERATIONS);
        Random random = new Random(seed);
        for (int i = 0; i < iterations; i++) {
            try {
                roundTrip(random);
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError("herald.seed=" + seed + " iteration=" + i + ": " + e.getMessage(), e);
            }
        }
    }

    private static void roundTrip(Random random) {
        List<SseEvent> events = new ArrayList<>();
        List<String> comments = new ArrayList<>();
        List<Long> retries = new ArrayList<>();
        List<byte[]> encoded = new ArrayList<>();
        String lastEventId = "";
        int items = 1 + random.nextInt(5);
        for (int n = 0; n < items; n++) {
            int kind = random.nextInt(10);
            if (kind == 0) {
                String text = text(random, true);
                ByteBuffer out = ByteBuffer.allocate(SseEncoder.commentLength(utf8(text)));
                SseEncoder.encodeComment(out, utf8(text));
                encoded.add(out.array());
                comments.addAll(List.of(normalized(text).split("\n", -1)));
                continue;
            }
            if (kind == 1) {
                long retry = random.nextInt(100_000);
                ByteBuffer out = ByteBuffer.allocate(SseEncoder.retryLength(retry));
                SseEncoder.encodeRetry(out, retry);
                encoded.add(out.array());
                retries.add(retry);
                continue;
            }
            String type = random.nextInt(3) == 0 ? (random.nextBoolean() ? null : "") : text(random, false);
            String data = text(random, true);
            long retry = random.nextInt(4) == 0 ? (random.nextBoolean() ? random.nextInt(10_000) : randomLong(random))
                    : -1;
            if (retry >= 0) {
                retries.add(retry);
            }
            String id = null;
            if (kind == 2) {                                // the String API: a whole id, possibly empty
                id = random.nextInt(3) == 0 ? null : text(random, false);
                encoded.add(SseEncoder.toBytes(type, data, id, retry));
            } else {
                String prefix = random.nextInt(3) == 0 ? null : text(random, false);
                long seq = random.nextInt(3) == 0 ? -1
                        : random.nextBoolean() ? random.nextInt(1000) : randomLong(random);
                if (seq >= 0) {
                    id = (prefix == null ? "" : prefix) + seq;
                }
                encoded.add(encode(random, type, data, prefix, seq, retry));
            }
            if (id != null) {
                lastEventId = id;
            }
            String expectedType = type == null || type.isEmpty() ? "message" : type;
            events.add(new SseEvent(expectedType, normalized(data), lastEventId));
        }
        byte[] stream = concat(encoded);
        Parsing.Result actual = parseInRandomChunks(random, stream);
        Parsing.Result expected = new Parsing.Result(events, comments, retries, lastEventId,
                retries.isEmpty() ? -1 : retries.get(retries.size() - 1));
        assertEquals(expected, actual);
    }

    /** The byte[] API into a heap or direct buffer at a random position, data at a random offset in its array. */
    private static byte[] encode(Random random, String type, String data, String prefix, long seq, long retry) {
        byte[] t = type == null ? null : utf8(type);
        byte[] p = prefix == null ? null : utf8(prefix);
        int pad = random.nextInt(4);
        byte[] d = new byte[pad + utf8(data).length + pad];
        System.arraycopy(utf8(data), 0, d, pad, d.length - 2 * pad);
        java.util.Arrays.fill(d, 0, pad, (byte) '\n');                   // line breaks outside the range: ignored
        java.util.Arrays.fill(d, d.length - pad, d.length, (byte) '\r');
        int length = SseEncoder.encodedLength(t, d, pad, d.length - 2 * pad, p, seq, retry);
        int at = random.nextInt(8);
        ByteBuffer out = random.nextBoolean() ? ByteBuffer.allocate(at + length)
                : ByteBuffer.allocateDirect(at + length);
        out.position(at);
        assertEquals(length, SseEncoder.encode(out, t, d, pad, d.length - 2 * pad, p, seq, retry));
        byte[] bytes = new byte[length];
        out.get(at, bytes);
        return bytes;
    }

    private static Parsing.Result parseInRandomChunks(Random random, byte[] stream) {
        SseEventCollector collector = new SseEventCollector();
        SseStreamParser parser = new SseStreamParser(collector);
        int maxChunk = 1 + random.nextInt(random.nextBoolean() ? 8 : stream.length + 1);
        for (int from = 0; from < stream.length; ) {
            int to = Math.min(stream.length, from + 1 + random.nextInt(maxChunk));
            parser.parse(Parsing.buffer(stream, from, to, random.nextBoolean()));
            from = to;
        }
        parser.endOfStream();
        return Parsing.result(collector, parser);
    }

    /**
     * Random text: ASCII with spaces and colons, CR, LF and CRLF (when {@code lineBreaks}), tabs, NUL (data only),
     * BMP and astral characters, U+FEFF and U+FFFD; occasionally long.
     */
    private static String text(Random random, boolean lineBreaks) {
        StringBuilder s = new StringBuilder();
        int pieces = random.nextInt(50) == 0 ? 500 + random.nextInt(3000) : random.nextInt(12);
        for (int i = 0; i < pieces; i++) {
            switch (random.nextInt(lineBreaks ? 14 : 10)) {
                case 0, 1, 2 -> s.append((char) (0x20 + random.nextInt(0x5F)));
                case 3 -> s.append(' ');
                case 4 -> s.append(':');
                case 5 -> s.append(random.nextBoolean() ? '\t' : '\uFFFD');
                case 6 -> s.append('\uFEFF');
                case 7 -> s.append(bmpNonSurrogate(random));
                case 8 -> s.appendCodePoint(0x10000 + random.nextInt(Character.MAX_CODE_POINT - 0xFFFF));
                case 9 -> s.append("é€😀");
                case 10 -> s.append('\n');
                case 11 -> s.append("\r\n");
                case 12 -> s.append('\r');
                default -> s.append(random.nextBoolean() ? "\0" : "\n\n");
            }
        }
        return s.toString();
    }

    private static char bmpNonSurrogate(Random random) {
        while (true) {
            char c = (char) (0x80 + random.nextInt(0x10000 - 0x80));
            if (!Character.isSurrogate(c)) {
                return c;
            }
        }
    }

    private static long randomLong(Random random) {
        return random.nextLong() & Long.MAX_VALUE;
    }

    private static String normalized(String text) {
        return text.replace("\r\n", "\n").replace('\r', '\n');
    }

    private static byte[] concat(List<byte[]> parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        ByteBuffer all = ByteBuffer.allocate(n);
        parts.forEach(all::put);
        return all.array();
    }
}
