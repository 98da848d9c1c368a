package herald.protocol.sse;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Test fixture: feeds a stream to a fresh parser in the ways a network might split it, and captures the outcome. */
final class Parsing {

    /** Everything a parse can observably produce. */
    record Result(List<SseEvent> events, List<String> comments, List<Long> retries, String lastEventId,
                  long reconnectionTime) {
    }

    private Parsing() {
    }

    static Result whole(String stream) {
        return whole(utf8(stream));
    }

    static Result whole(byte[] stream) {
        return inChunks(stream, false);
    }

    /** Parses {@code stream} cut before each of the ascending {@code cuts}, one buffer per piece, then ends it. */
    static Result inChunks(byte[] stream, boolean direct, int... cuts) {
        SseEventCollector collector = new SseEventCollector();
        SseStreamParser parser = new SseStreamParser(collector);
        int from = 0;
        for (int cut : cuts) {
            parser.parse(buffer(stream, from, cut, direct));
            from = cut;
        }
        parser.parse(buffer(stream, from, stream.length, direct));
        parser.endOfStream();
        return result(collector, parser);
    }

    static Result byteAtATime(byte[] stream, boolean direct) {
        SseEventCollector collector = new SseEventCollector();
        SseStreamParser parser = new SseStreamParser(collector);
        for (int i = 0; i < stream.length; i++) {
            parser.parse(buffer(stream, i, i + 1, direct));
        }
        parser.endOfStream();
        return result(collector, parser);
    }

    static Result result(SseEventCollector collector, SseStreamParser parser) {
        return new Result(List.copyOf(collector.events()), List.copyOf(collector.comments()),
                List.copyOf(collector.retries()), parser.lastEventId(), parser.reconnectionTime());
    }

    /**
     * {@code stream[from, to)} as a buffer whose content is not at index 0 of its memory: heap buffers are slices
     * with an array offset and garbage around them, so offset arithmetic is exercised too.
     */
    static ByteBuffer buffer(byte[] stream, int from, int to, boolean direct) {
        int n = to - from;
        if (direct) {
            ByteBuffer b = ByteBuffer.allocateDirect(n + 6);
            b.put(new byte[] {'\n', '\n', '\n'}).put(stream, from, n).put(new byte[] {'\n', '\n', '\n'});
            return b.position(3).limit(3 + n);
        }
        byte[] padded = new byte[n + 6];
        padded[0] = '\r';
        padded[padded.length - 1] = '\n';
        System.arraycopy(stream, from, padded, 3, n);
        return ByteBuffer.wrap(padded, 2, n + 2).slice().position(1).limit(1 + n);
    }

    static SseEvent event(String data) {
        return new SseEvent("message", data, "");
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Concatenates parts: a {@code String} as UTF-8, a {@code byte[]} or {@code int[]} as raw bytes. */
    static byte[] bytes(Object... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Object part : parts) {
            if (part instanceof String s) {
                out.writeBytes(utf8(s));
            } else if (part instanceof byte[] b) {
                out.writeBytes(b);
            } else if (part instanceof int[] ints) {
                for (int i : ints) {
                    out.write(i);
                }
            } else {
                throw new IllegalArgumentException(String.valueOf(part));
            }
        }
        return out.toByteArray();
    }

    static int[] raw(int... bytes) {
        return bytes;
    }
}
