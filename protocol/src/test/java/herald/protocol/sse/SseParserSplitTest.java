package herald.protocol.sse;

import static herald.protocol.sse.Parsing.bytes;
import static herald.protocol.sse.Parsing.raw;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** An incremental parser gives the same events, last event ID and retry however the reads split the stream. */
class SseParserSplitTest {

    static Stream<Arguments> streams() {
        return Stream.of(
                Arguments.of("simple", bytes("data: hello\n\n")),
                Arguments.of("BOM and CRLF", bytes("\uFEFFdata: x\r\n\r\ndata: y\r\n\r\n")),
                Arguments.of("CR only", bytes("\uFEFFevent: e\rdata: a\rdata: b\r\rid: 7\r\r")),
                Arguments.of("CRLF inside events", bytes("data: a\r\ndata: b\r\nid: 3\r\n\r\nevent: e\r\ndata: c\r\n\r\n")),
                Arguments.of("mixed line ends", bytes("data: a\r\n\r\ndata: b\r\r\ndata: c\n\r\ndata: d\n\r\r\n")),
                Arguments.of("all fields", bytes(": comment\nretry: 1500\nid: 42\nevent: update\ndata: é€😀\n",
                        "data:  two spaces\n\ndata: second\r\n\r\nid\n\n:\n")),
                Arguments.of("multi-byte", bytes("id: ü\nevent: 日本\ndata: 日本語テキスト 😀😁 ü\ndata: 𝄞\n\n")),
                Arguments.of("invalid UTF-8", bytes("data: ", raw(0xE2, 0x82), "\ndata: ", raw(0xF0, 0x9F, 0x98),
                        "A\ndata: ", raw(0xC0, 0x80, 0xED, 0xA0, 0x80, 0xFF, 0x80), "\n\n")),
                Arguments.of("invalid UTF-8 at line end before CR", bytes("data: ", raw(0xF0, 0x9F), "\r\r")),
                Arguments.of("id rules", bytes("id: 1\n\nid: 2", raw(0), "\ndata: x\n\nid:\ndata: y\n\nid: 9\n\n")),
                Arguments.of("retry rules", bytes("retry: 10\nretry: x\nretry: 99999999999999999999\nretry:\n",
                        "retry: 20\ndata: x\n\n")),
                Arguments.of("no colon and unknown fields", bytes("data\ndata\n\nfoo\nevent\ndata:x\n\n")),
                Arguments.of("two BOMs", bytes("\uFEFF\uFEFFdata: x\n\ndata: y\n\n")),
                Arguments.of("BOM prefix only", bytes(raw(0xEF, 0xBB), "data: x\n\ndata: y\n\n")),
                Arguments.of("BOM later", bytes("\n\uFEFFdata: x\n\ndata: \uFEFF\n\n")),
                Arguments.of("BOM on second line", bytes("data: a\n\uFEFFdata: b\n\n\uFEFF\n")),
                Arguments.of("empty data blocks", bytes("event: a\n\n\n\ndata\n\n")),
                Arguments.of("comments only", bytes(":\n: a\r:b\r\n")),
                Arguments.of("unfinished tail", bytes("data: done\n\nid: 5\nevent: t\ndata: tail")),
                Arguments.of("unfinished tail with CR", bytes("data: done\n\ndata: tail\r")),
                Arguments.of("empty", bytes()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("streams")
    void shouldParseSameAtEverySplitPoint(String name, byte[] stream) {
        Parsing.Result expected = Parsing.whole(stream);
        for (int cut = 0; cut <= stream.length; cut++) {
            assertEquals(expected, Parsing.inChunks(stream, false, cut), "heap cut=" + cut);
            assertEquals(expected, Parsing.inChunks(stream, true, cut), "direct cut=" + cut);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("streams")
    void shouldParseSameInThreeChunks(String name, byte[] stream) {
        Parsing.Result expected = Parsing.whole(stream);
        for (int first = 0; first <= stream.length; first++) {
            for (int second = first; second <= stream.length; second++) {
                boolean direct = ((first + second) & 1) == 0;
                assertEquals(expected, Parsing.inChunks(stream, direct, first, second),
                        "cuts=" + first + "," + second + " direct=" + direct);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("streams")
    void shouldParseSameOneByteAtATime(String name, byte[] stream) {
        Parsing.Result expected = Parsing.whole(stream);
        assertEquals(expected, Parsing.byteAtATime(stream, false));
        assertEquals(expected, Parsing.byteAtATime(stream, true));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("streams")
    void shouldParseSameFromDirectBuffer(String name, byte[] stream) {
        assertEquals(Parsing.whole(stream), Parsing.inChunks(stream, true));
    }
}
