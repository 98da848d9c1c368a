package herald.bench.sse;

import static org.junit.jupiter.api.Assertions.assertEquals;

import herald.protocol.sse.SseEvent;
import herald.protocol.sse.SseEventCollector;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The SSE benchmarks encode and parse what they claim to, for every parameter value. */
class SseBenchmarksTest {

    @ParameterizedTest
    @ValueSource(ints = {16, 256, 4096})
    void shouldEncodeEventsThatParseBackToTheirData(int dataBytes) {
        SseEncoderBenchmark b = new SseEncoderBenchmark();
        b.dataBytes = dataBytes;
        b.setUp();

        int written = b.encodeSingleLine();
        assertEquals(List.of(new SseEvent("update", ascii(b.singleLine), "1f3a9c-1000000000")), decode(b.out, written));
        assertEquals(0, count(b.singleLine, '\n'));

        written = b.encodeMultiLine();
        assertEquals(List.of(new SseEvent("update", ascii(b.multiLine), "1f3a9c-1000000001")), decode(b.out, written));
        int lines = count(b.multiLine, '\n') + 1;
        assertEquals(dataBytes == 16 ? 2 : dataBytes / 61 + 1, lines);
        assertEquals(lines, count(bytes(b.out, written), "data: "));

        assertEquals(dataBytes, b.copyBaseline());
        assertEquals(dataBytes, b.singleLine.length);
        assertEquals(dataBytes, b.multiLine.length);
    }

    @ParameterizedTest
    @CsvSource({"64, heap", "64, direct", "1024, heap", "1024, direct"})
    void shouldParseEveryEventOfTheStreamOnEachInvocation(int dataBytes, String buffer) {
        SseStreamParserBenchmark b = new SseStreamParserBenchmark();
        b.dataBytes = dataBytes;
        b.buffer = buffer;
        b.setUp();
        assertEquals(buffer.equals("direct"), b.in.isDirect());

        List<SseEvent> expected = SseEventCollector.parse(SseStreamParserBenchmark.stream(dataBytes));
        assertEquals(SseStreamParserBenchmark.EVENTS, expected.size());
        long sum = 0;
        for (SseEvent e : expected) {
            assertEquals(dataBytes, e.data().length());
            sum += e.type().length() + e.data().length() + e.lastEventId().length()
                    + e.data().charAt(e.data().length() - 1) + e.lastEventId().charAt(e.lastEventId().length() - 1);
        }
        assertEquals(sum, b.parse());
        assertEquals(2 * sum, b.parse());
        assertEquals(2 * SseStreamParserBenchmark.EVENTS, b.listener.events);
        assertEquals("1f3a9c-" + (SseEncoderBenchmark.FIRST_SEQ + SseStreamParserBenchmark.EVENTS - 1),
                b.parser.lastEventId());
    }

    private static List<SseEvent> decode(ByteBuffer out, int written) {
        assertEquals(written, out.position());
        return SseEventCollector.parse(bytes(out, written));
    }

    private static byte[] bytes(ByteBuffer out, int written) {
        byte[] bytes = new byte[written];
        out.get(0, bytes);
        return bytes;
    }

    private static String ascii(byte[] bytes) {
        return new String(bytes, StandardCharsets.US_ASCII);
    }

    private static int count(byte[] bytes, char c) {
        int n = 0;
        for (byte b : bytes) {
            n += b == c ? 1 : 0;
        }
        return n;
    }

    private static int count(byte[] bytes, String s) {
        return ascii(bytes).split(s, -1).length - 1;
    }
}
