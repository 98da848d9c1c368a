package herald.protocol.sse;

import static herald.protocol.sse.Parsing.bytes;
import static herald.protocol.sse.Parsing.event;
import static herald.protocol.sse.Parsing.raw;
import static herald.protocol.sse.Parsing.utf8;
import static herald.protocol.sse.Parsing.whole;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The rules of WHATWG HTML 9.2.6 "Interpreting an event stream", one by one. */
class SseStreamParserTest {

    // ----- dispatch -----

    @Test
    void shouldDispatchEventAtBlankLine() {
        assertEquals(List.of(event("hello")), whole("data: hello\n\n").events());
    }

    @Test
    void shouldDispatchEventsInStreamOrder() {
        assertEquals(List.of(event("1"), event("2"), event("3")),
                whole("data: 1\n\ndata: 2\n\ndata: 3\n\n").events());
    }

    @Test
    void shouldNotDispatchAtEndOfStream() {
        assertEquals(List.of(), whole("data: incomplete\n").events());
        assertEquals(List.of(event("a")), whole("data: a\n\ndata: b\n").events());
    }

    @Test
    void shouldNotProcessFinalLineWithoutLineEnd() {
        assertEquals("2", whole("id: 1\n\nid: 2\n\nid: 3").lastEventId());
        assertEquals(50, whole("retry: 50\nretry: 7").reconnectionTime());
        assertEquals(List.of("a"), whole(": a\n: b").comments());
        assertEquals(List.of(), whole("data: x").events());
    }

    @Test
    void shouldNotDispatchEmptyData() {
        assertEquals(List.of(), whole("event: ping\n\n").events());
        assertEquals(List.of(), whole("id: 1\nretry: 5\n: c\nfoo: bar\n\n\n\n").events());
    }

    @Test
    void shouldResetEventTypeWhenBlockWithoutDataEnds() {
        assertEquals(List.of(event("x")), whole("event: ping\n\ndata: x\n\n").events());
    }

    @Test
    void shouldDispatchEventWithEmptyDataForDataLineWithoutValue() {
        // the data buffer is "\n", not empty: the event is dispatched with data "" (browsers do too)
        assertEquals(List.of(event(""), event(""), event("")), whole("data\n\ndata:\n\ndata: \n\n").events());
    }

    @Test
    void shouldJoinDataLinesWithLineFeed() {
        assertEquals(List.of(event("a\nb\nc")), whole("data: a\ndata: b\ndata: c\n\n").events());
    }

    @Test
    void shouldRemoveOneTrailingLineFeedFromData() {
        assertEquals(List.of(event("a\n")), whole("data: a\ndata:\n\n").events());
        assertEquals(List.of(event("\n\n")), whole("data\ndata\ndata\n\n").events());
    }

    @Test
    void shouldDefaultEventTypeToMessage() {
        assertEquals("message", whole("data: x\n\n").events().get(0).type());
        assertEquals("message", whole("event:\ndata: x\n\n").events().get(0).type());
        assertEquals("message", whole("event\ndata: x\n\n").events().get(0).type());
    }

    @Test
    void shouldUseLastEventFieldAsType() {
        assertEquals(List.of(new SseEvent("b", "x", "")), whole("event: a\nevent: b\ndata: x\n\n").events());
    }

    @Test
    void shouldResetEventTypeAfterDispatch() {
        assertEquals(List.of(new SseEvent("update", "1", ""), event("2")),
                whole("event: update\ndata: 1\n\ndata: 2\n\n").events());
    }

    @Test
    void shouldKeepFieldOrderIrrelevantWithinBlock() {
        assertEquals(List.of(new SseEvent("t", "x", "9")), whole("data: x\nid: 9\nevent: t\n\n").events());
    }

    // ----- lines -----

    @ParameterizedTest
    @ValueSource(strings = {"data: a\n\n", "data: a\r\n\r\n", "data: a\r\r", "data: a\r\n\n", "data: a\n\r\n",
        "data: a\r\r\n", "data: a\n\r"})
    void shouldAcceptCrLfLfAndCrLineEnds(String stream) {
        assertEquals(List.of(event("a")), whole(stream).events());
    }

    @Test
    void shouldTreatCrLfAsOneLineEnd() {
        assertEquals(List.of(), whole("data: a\r\n").events());          // one line end, not a blank line
        assertEquals(List.of(event("a\nb")), whole("data: a\r\ndata: b\r\n\r\n").events());
    }

    @Test
    void shouldTreatLfCrAsTwoLineEnds() {
        assertEquals(List.of(event("a")), whole("data: a\n\r").events());
    }

    @Test
    void shouldTreatCrAtBufferEndFollowedByLfAsOneLineEnd() {
        SseEventCollector events = new SseEventCollector();
        SseStreamParser parser = new SseStreamParser(events);
        parser.parse(ByteBuffer.wrap(utf8("data: a\r")));
        parser.parse(ByteBuffer.wrap(utf8("\ndata: b\r")));
        parser.parse(ByteBuffer.wrap(utf8("\n")));
        assertEquals(List.of(), events.events());
        parser.parse(ByteBuffer.wrap(utf8("\r")));
        parser.parse(ByteBuffer.wrap(utf8("\n")));
        assertEquals(List.of(event("a\nb")), events.events());
    }

    /** The same rule on the paths without an array: a direct and a read-only buffer. */
    @ParameterizedTest
    @ValueSource(strings = {"direct", "read-only"})
    void shouldTreatCrAtBufferEndFollowedByLfAsOneLineEndWithoutArray(String kind) {
        SseEventCollector events = new SseEventCollector();
        SseStreamParser parser = new SseStreamParser(events);
        for (String read : List.of("data: a\r", "\ndata: b\r\n\r\n")) {
            byte[] bytes = utf8(read);
            parser.parse(kind.equals("direct")
                    ? ByteBuffer.allocateDirect(bytes.length).put(bytes).flip()
                    : ByteBuffer.wrap(bytes).asReadOnlyBuffer());
        }
        assertEquals(List.of(event("a\nb")), events.events());
    }

    @Test
    void shouldTreatCrAtBufferEndFollowedByCrAsTwoLineEnds() {
        SseEventCollector events = new SseEventCollector();
        SseStreamParser parser = new SseStreamParser(events);
        parser.parse(ByteBuffer.wrap(utf8("data: a\r")));
        parser.parse(ByteBuffer.wrap(utf8("\r")));
        assertEquals(List.of(event("a")), events.events());
    }

    @Test
    void shouldKeepCrLfDecisionAcrossEmptyBuffers() {
        SseEventCollector events = new SseEventCollector();
        SseStreamParser parser = new SseStreamParser(events);
        parser.parse(ByteBuffer.wrap(utf8("data: a\r")));
        parser.parse(ByteBuffer.allocate(0));
        parser.parse(ByteBuffer.wrap(utf8("\n")));
        assertEquals(List.of(), events.events());
        parser.parse(ByteBuffer.wrap(utf8("\n")));
        assertEquals(List.of(event("a")), events.events());
    }

    // ----- fields -----

    @Test
    void shouldRemoveOnlyOneLeadingSpaceFromValue() {
        assertEquals(List.of(event("  two\n three")), whole("data:   two\ndata:  three\n\n").events());
    }

    @Test
    void shouldKeepValueWithoutLeadingSpaceWhole() {
        assertEquals(List.of(event("x\ty ")), whole("data:x\ty \n\n").events());
    }

    @Test
    void shouldNotRemoveLeadingTab() {
        assertEquals(List.of(event("\tx")), whole("data:\tx\n\n").events());
    }

    @Test
    void shouldSplitFieldAtFirstColonOnly() {
        assertEquals(List.of(event("a: b:c")), whole("data: a: b:c\n\n").events());
    }

    @Test
    void shouldTreatLineWithoutColonAsFieldNameWithEmptyValue() {
        assertEquals(List.of(event("")), whole("data\n\n").events());
        assertEquals(List.of(), whole("data \n\n").events());               // field "data " is unknown
        assertEquals("", whole("id: 1\n\nid\n\n").lastEventId());
    }

    @Test
    void shouldMatchFieldNamesCaseSensitively() {
        assertEquals(List.of(), whole("Data: x\nDATA: y\n\n").events());
        assertEquals(List.of(event("x")), whole("Event: e\nID: 1\nRetry: 1\ndata: x\n\n").events());
    }

    @Test
    void shouldNotTrimSpacesAroundFieldName() {
        assertEquals(List.of(), whole("data : x\n data: y\n\n").events());
    }

    @Test
    void shouldIgnoreUnknownFields() {
        assertEquals(List.of(event("x")), whole("foo: bar\ndat: 1\ndatas: 2\nd: 3\ndata: x\nidd: 4\n\n").events());
    }

    @Test
    void shouldIgnoreCommentLines() {
        assertEquals(List.of(event("a\nb")), whole(": hello\ndata: a\n:\n:data: no\ndata: b\n\n").events());
    }

    @Test
    void shouldReportCommentTextWithOneLeadingSpaceRemoved() {
        assertEquals(List.of("hello", "", " two", "x: y", "ü"), whole(": hello\n:\n:  two\n:x: y\n: ü\n").comments());
    }

    @Test
    void shouldNotDispatchOnCommentOnlyStream() {
        Parsing.Result result = whole(":\n:\n:\n");
        assertEquals(List.of(), result.events());
        assertEquals(3, result.comments().size());
    }

    // ----- id -----

    @Test
    void shouldSetLastEventIdAtDispatchNotAtIdLine() {
        SseEventCollector events = new SseEventCollector();
        SseStreamParser parser = new SseStreamParser(events);
        parser.parse(ByteBuffer.wrap(utf8("id: 7\ndata: x\n")));
        assertEquals("", parser.lastEventId());
        parser.parse(ByteBuffer.wrap(utf8("\n")));
        assertEquals("7", parser.lastEventId());
        assertEquals(List.of(new SseEvent("message", "x", "7")), events.events());
    }

    @Test
    void shouldKeepLastEventIdStringWhileTheIdDoesNotChange() {
        SseStreamParser parser = new SseStreamParser(new SseEventCollector());
        parser.parse(ByteBuffer.wrap(utf8("id: topic-7\ndata: a\n\n")));
        String first = parser.lastEventId();
        assertEquals("topic-7", first);
        parser.parse(ByteBuffer.wrap(utf8("id: topic-7\ndata: b\n\nid: topic-7\n\n")));
        assertSame(first, parser.lastEventId());                 // cached: the same id allocates no new String
        parser.parse(ByteBuffer.wrap(utf8("id: topic-8\ndata: c\n\n")));
        assertEquals("topic-8", parser.lastEventId());
    }

    @Test
    void shouldKeepLastEventIdForLaterEventsWithoutId() {
        assertEquals(List.of(new SseEvent("message", "a", "1"), new SseEvent("message", "b", "1")),
                whole("id: 1\ndata: a\n\ndata: b\n\n").events());
    }

    @Test
    void shouldResetLastEventIdOnEmptyId() {
        assertEquals(List.of(new SseEvent("message", "a", "1"), event("b")),
                whole("id: 1\ndata: a\n\nid:\ndata: b\n\n").events());
        assertEquals("", whole("id: 1\n\nid: \n\n").lastEventId());
    }

    @Test
    void shouldIgnoreIdContainingNull() {
        Parsing.Result result = whole(bytes("id: 1\n\nid: 2", raw(0), "3\ndata: x\n\nid: ", raw(0), "\n\n"));
        assertEquals(List.of(new SseEvent("message", "x", "1")), result.events());
        assertEquals("1", result.lastEventId());
    }

    @Test
    void shouldUpdateLastEventIdWithoutDispatchOnIdOnlyBlock() {
        Parsing.Result result = whole("id: 41\n\nid: 42\n\n");
        assertEquals(List.of(), result.events());
        assertEquals("42", result.lastEventId());
    }

    @Test
    void shouldKeepLastEventIdBufferAcrossDispatch() {
        // "The buffer does not get reset": an id set in an empty block applies to the next event
        assertEquals(List.of(new SseEvent("message", "x", "5")), whole("id: 5\n\ndata: x\n\n").events());
    }

    @Test
    void shouldKeepSpacesAndColonsInId() {
        assertEquals(" a:b ", whole("id:  a:b \n\n").lastEventId());
    }

    // ----- retry -----

    @Test
    void shouldSetReconnectionTimeFromRetry() {
        Parsing.Result result = whole("retry: 2500\n");
        assertEquals(2500, result.reconnectionTime());
        assertEquals(List.of(2500L), result.retries());
    }

    @Test
    void shouldHaveNoReconnectionTimeUntilRetryArrives() {
        assertEquals(-1, whole("data: x\n\n").reconnectionTime());
    }

    @ParameterizedTest
    @ValueSource(strings = {"retry: 1000ms\n", "retry:  1000\n", "retry: -1\n", "retry: +1\n", "retry: 1.5\n",
        "retry: 1e3\n", "retry: 10 \n", "retry: \n", "retry\n", "retry: ١٢\n", "retry: 0x10\n"})
    void shouldIgnoreRetryWithNonDigits(String line) {
        Parsing.Result result = whole("retry: 300\n" + line + "\n");
        assertEquals(300, result.reconnectionTime());
        assertEquals(List.of(300L), result.retries());
    }

    @Test
    void shouldAcceptRetryOfZeroAndLeadingZeros() {
        assertEquals(0, whole("retry: 0\n").reconnectionTime());
        assertEquals(42, whole("retry: 00042\n").reconnectionTime());
    }

    @Test
    void shouldAcceptRetryUpToLongMaxValueAndIgnoreLarger() {
        assertEquals(Long.MAX_VALUE, whole("retry: 9223372036854775807\n").reconnectionTime());
        assertEquals(5, whole("retry: 5\nretry: 9223372036854775808\n").reconnectionTime());
        assertEquals(5, whole("retry: 5\nretry: 99999999999999999999999\n").reconnectionTime());
    }

    @Test
    void shouldApplyRetryWithoutBlankLine() {
        assertEquals(10, whole("retry: 10\ndata: partial").reconnectionTime());
    }

    // ----- BOM and UTF-8 -----

    @Test
    void shouldStripBomOnlyAtStreamStart() {
        assertEquals(List.of(event("x")), whole("\uFEFFdata: x\n\n").events());
        assertEquals(List.of(event("\uFEFFx\n\uFEFF")), whole("\uFEFFdata: \uFEFFx\ndata: \uFEFF\n\n").events());
        assertEquals(List.of(event("y")), whole("\uFEFF\uFEFFdata: x\n\ndata: y\n\n").events());  // "\uFEFFdata"
        assertEquals(List.of(event("y")), whole("\n\uFEFFdata: x\n\ndata: y\n\n").events());
        assertEquals(List.of(event("a")), whole("data: a\n\uFEFFdata: b\n\n").events());
    }

    @Test
    void shouldStripBomSplitAcrossBuffers() {
        SseEventCollector events = new SseEventCollector();
        SseStreamParser parser = new SseStreamParser(events);
        parser.parse(ByteBuffer.wrap(new byte[] {(byte) 0xEF}));
        parser.parse(ByteBuffer.wrap(new byte[] {(byte) 0xBB}));
        parser.parse(ByteBuffer.wrap(bytes(raw(0xBF), "data: x\n\n")));
        assertEquals(List.of(event("x")), events.events());
    }

    @Test
    void shouldStripBomBeforeCommentAndBlankLine() {
        assertEquals(List.of("c"), whole("\uFEFF: c\n").comments());
        assertEquals(List.of(event("x")), whole("\uFEFF\ndata: x\n\n").events());
    }

    @Test
    void shouldReplaceIncompleteBomWithReplacementCharacter() {
        // EF BB then 'd' is an ill-formed sequence: the first field name is "\uFFFDdata", ignored
        assertEquals(List.of(event("y")), whole(bytes(raw(0xEF, 0xBB), "data: x\n\ndata: y\n\n")).events());
    }

    @Test
    void shouldDecodeTwoThreeAndFourByteCharacters() {
        assertEquals(List.of(new SseEvent("é€", "ü日本😀\n𝄞", "😀"),
                new SseEvent("message", "x", "😀")),
                whole("event: é€\nid: 😀\ndata: ü日本😀\ndata: 𝄞\n\ndata: x\n\n").events());
    }

    static Stream<Arguments> invalidUtf8() {
        return Stream.of(
                Arguments.of("overlong 2-byte NUL", raw(0xC0, 0x80), "\uFFFD\uFFFD"),
                Arguments.of("overlong 2-byte", raw(0xC1, 0xBF), "\uFFFD\uFFFD"),
                Arguments.of("overlong 3-byte", raw(0xE0, 0x80, 0x80), "\uFFFD\uFFFD\uFFFD"),
                Arguments.of("overlong 3-byte high", raw(0xE0, 0x9F, 0xBF), "\uFFFD\uFFFD\uFFFD"),
                Arguments.of("overlong 4-byte", raw(0xF0, 0x80, 0x80, 0x80), "\uFFFD\uFFFD\uFFFD\uFFFD"),
                Arguments.of("surrogate U+D800", raw(0xED, 0xA0, 0x80), "\uFFFD\uFFFD\uFFFD"),
                Arguments.of("surrogate U+DFFF", raw(0xED, 0xBF, 0xBF), "\uFFFD\uFFFD\uFFFD"),
                Arguments.of("surrogate pair as CESU-8", raw(0xED, 0xA0, 0xBD, 0xED, 0xB8, 0x80),
                        "\uFFFD\uFFFD\uFFFD\uFFFD\uFFFD\uFFFD"),
                Arguments.of("above U+10FFFF", raw(0xF4, 0x90, 0x80, 0x80), "\uFFFD\uFFFD\uFFFD\uFFFD"),
                Arguments.of("F5 lead", raw(0xF5, 0x80, 0x80, 0x80), "\uFFFD\uFFFD\uFFFD\uFFFD"),
                Arguments.of("0xFF", raw(0xFF), "\uFFFD"),
                Arguments.of("0xFE", raw(0xFE), "\uFFFD"),
                Arguments.of("lone continuation", raw(0x80), "\uFFFD"),
                Arguments.of("truncated 3-byte then ASCII", raw(0xE2, 0x82, 'A'), "\uFFFDA"),
                Arguments.of("truncated 4-byte then ASCII", raw(0xF0, 0x9F, 0x98, 'A'), "\uFFFDA"),
                Arguments.of("truncated 3-byte at line end", raw(0xE2, 0x82), "\uFFFD"),
                Arguments.of("truncated 4-byte at line end", raw(0xF0, 0x9F, 0x98), "\uFFFD"),
                Arguments.of("lead then ASCII", raw(0xC3, '('), "\uFFFD("),
                Arguments.of("bad second byte", raw(0xE2, '(', 0xA1), "\uFFFD(\uFFFD"),
                Arguments.of("lead then lead", raw(0xC3, 0xC3, 0xA9), "\uFFFDé"),
                Arguments.of("maximal subparts", raw('a', 0xF1, 0x80, 0x80, 0xE1, 0x80, 0xC2, 'b', 0x80, 'c', 0x80,
                        0xBF, 'd'), "a\uFFFD\uFFFD\uFFFDb\uFFFDc\uFFFD\uFFFDd"),
                Arguments.of("valid astral around invalid", raw(0xF0, 0x9F, 0x98, 0x80, 0xFF, 0xF0, 0x9F, 0x98, 0x81),
                        "😀\uFFFD😁"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidUtf8")
    void shouldReplaceInvalidUtf8WithReplacementCharacter(String name, int[] value, String expected) {
        byte[] stream = bytes("data: ", value, "\n\n");
        assertEquals(List.of(event(expected)), whole(stream).events());
        assertEquals(List.of(event(expected)), Parsing.byteAtATime(stream, false).events());
        assertEquals(List.of(event(expected)), Parsing.byteAtATime(stream, true).events());
    }

    @Test
    void shouldReplaceInvalidUtf8SplitAcrossBuffers() {
        SseEventCollector events = new SseEventCollector();
        SseStreamParser parser = new SseStreamParser(events);
        parser.parse(ByteBuffer.wrap(bytes("data: ", raw(0xE2))));
        parser.parse(ByteBuffer.wrap(bytes(raw(0x82))));
        parser.parse(ByteBuffer.wrap(bytes(raw(0xAC, 0xE2, 0x82), "\n")));   // "€", then a truncated one
        parser.parse(ByteBuffer.wrap(bytes("\n")));
        assertEquals(List.of(event("€\uFFFD")), events.events());
    }

    @Test
    void shouldNotDispatchIncompleteSequenceAtEndOfStream() {
        SseEventCollector events = new SseEventCollector();
        SseStreamParser parser = new SseStreamParser(events);
        parser.parse(ByteBuffer.wrap(bytes("data: x\n\ndata: ", raw(0xF0, 0x9F))));
        parser.endOfStream();
        assertEquals(List.of(event("x")), events.events());
    }

    @Test
    void shouldKeepNullCharactersInData() {
        assertEquals(List.of(event("a\0b")), whole(bytes("data: a", raw(0), "b\n\n")).events());
    }

    // ----- buffers -----

    @Test
    void shouldConsumeAllRemainingBytes() {
        SseStreamParser parser = new SseStreamParser(new SseEventCollector());
        ByteBuffer heap = ByteBuffer.wrap(utf8("data: a\n\ndata: partial"));
        ByteBuffer direct = ByteBuffer.allocateDirect(20).put(utf8("data: b\n")).flip();
        parser.parse(heap);
        parser.parse(direct);
        assertEquals(heap.limit(), heap.position());
        assertEquals(direct.limit(), direct.position());
    }

    @Test
    void shouldParseReadOnlyAndDirectBuffers() {
        byte[] stream = utf8("id: 1\nevent: e\ndata: é\r\n\r\n");
        SseEvent expected = new SseEvent("e", "é", "1");
        SseEventCollector events = new SseEventCollector();
        SseStreamParser parser = new SseStreamParser(events);
        parser.parse(ByteBuffer.wrap(stream).asReadOnlyBuffer());
        parser.parse(ByteBuffer.allocateDirect(stream.length).put(stream).flip());
        parser.parse(stream, 0, stream.length);
        assertEquals(List.of(expected, expected, expected), events.events());
    }

    @Test
    void shouldParseArrayRange() {
        byte[] stream = utf8("xxdata: a\n\nyy");
        SseEventCollector events = new SseEventCollector();
        new SseStreamParser(events).parse(stream, 2, stream.length - 4);
        assertEquals(List.of(event("a")), events.events());
        assertThrows(IndexOutOfBoundsException.class, () -> new SseStreamParser(events).parse(stream, 2, 99));
    }

    @Test
    void shouldHandLiveViewsToListener() {
        List<String> seen = new ArrayList<>();
        SseStreamParser parser = new SseStreamParser((type, data, id) -> {
            seen.add(type + "|" + data + "|" + id + "|" + data.length() + "|" + data.subSequence(1, 2) + "|"
                    + data.charAt(0) + type.charAt(0) + id.charAt(0));
            assertThrows(IndexOutOfBoundsException.class, () -> data.charAt(data.length()));
        });
        parser.parse(ByteBuffer.wrap(utf8("event: t\nid: 3\ndata: ab\n\ndata: cd\n\n")));
        assertEquals(List.of("t|ab|3|2|b|at3", "message|cd|3|2|d|cm3"), seen);
    }

    // ----- end of stream, reset -----

    @Test
    void shouldKeepLastEventIdAndReconnectionTimeAcrossEndOfStream() {
        SseEventCollector events = new SseEventCollector();
        SseStreamParser parser = new SseStreamParser(events);
        parser.parse(ByteBuffer.wrap(utf8("retry: 100\nid: 1\ndata: a\n\nid: 2\nevent: t\ndata: lost\n")));
        parser.endOfStream();
        assertEquals("1", parser.lastEventId());
        assertEquals(100, parser.reconnectionTime());
        parser.parse(ByteBuffer.wrap(utf8("\uFEFFdata: b\n\n")));    // a reconnection's stream: BOM stripped again
        assertEquals(List.of(new SseEvent("message", "a", "1"), new SseEvent("message", "b", "1")), events.events());
    }

    @Test
    void shouldDiscardCarriedLineAndCrAtEndOfStream() {
        SseEventCollector events = new SseEventCollector();
        SseStreamParser parser = new SseStreamParser(events);
        parser.parse(ByteBuffer.wrap(utf8("data: a\r")));
        parser.endOfStream();
        // the LF is the new stream's first line (blank), so the BOM after it is not at the stream start
        parser.parse(ByteBuffer.wrap(utf8("\n\uFEFFdata: b\n\ndata: c\n\n")));
        assertEquals(List.of(event("c")), events.events());
    }

    @Test
    void shouldForgetEverythingOnReset() {
        SseEventCollector events = new SseEventCollector();
        SseStreamParser parser = new SseStreamParser(events);
        parser.parse(ByteBuffer.wrap(utf8("\uFEFFretry: 100\nid: 1\ndata: a\n\nevent: t\ndata: b\ndat")));
        parser.reset();
        assertEquals("", parser.lastEventId());
        assertEquals(-1, parser.reconnectionTime());
        parser.parse(ByteBuffer.wrap(utf8("\uFEFFa: c\ndata: d\n\n")));
        assertEquals(List.of(new SseEvent("message", "a", "1"), event("d")), events.events());
    }

    @Test
    void shouldResumeWithGivenLastEventIdOnReset() {
        SseEventCollector events = new SseEventCollector();
        SseStreamParser parser = new SseStreamParser(events);
        parser.parse(ByteBuffer.wrap(utf8("retry: 100\nid: 1\n\n")));
        parser.reset("topic-41");
        assertEquals("topic-41", parser.lastEventId());
        assertEquals(100, parser.reconnectionTime());
        parser.parse(ByteBuffer.wrap(utf8("data: a\n\nid: topic-42\ndata: b\n\n")));
        assertEquals(List.of(new SseEvent("message", "a", "topic-41"), new SseEvent("message", "b", "topic-42")),
                events.events());
        assertThrows(IllegalArgumentException.class, () -> parser.reset("a\nb"));
        assertThrows(IllegalArgumentException.class, () -> parser.reset(null));
    }

    @Test
    void shouldResumeWithLongLastEventIdOnFreshParser() {
        String id = "topic-" + "7".repeat(100);
        SseEventCollector events = new SseEventCollector();
        SseStreamParser parser = new SseStreamParser(events);
        parser.reset(id);
        assertEquals(id, parser.lastEventId());
        parser.parse(ByteBuffer.wrap(utf8("data: a\n\n")));
        assertEquals(List.of(new SseEvent("message", "a", id)), events.events());
    }

    @Test
    void shouldForgetWhatTheCollectorHeardOnClear() {
        SseEventCollector events = new SseEventCollector();
        SseStreamParser parser = new SseStreamParser(events);
        parser.parse(ByteBuffer.wrap(utf8("retry: 5\n: c\ndata: a\n\n")));
        assertEquals(1, events.events().size());
        events.clear();
        assertEquals(List.of(), events.events());
        assertEquals(List.of(), events.comments());
        assertEquals(List.of(), events.retries());
        parser.parse(ByteBuffer.wrap(utf8("retry: 6\n: d\ndata: b\n\n")));
        assertEquals(List.of(event("b")), events.events());
        assertEquals(List.of("d"), events.comments());
        assertEquals(List.of(6L), events.retries());
    }

    // ----- limit -----

    @Test
    void shouldRejectLineLongerThanLimit() {
        SseStreamParser parser = new SseStreamParser(new SseEventCollector(), 16);
        parser.parse(ByteBuffer.wrap(utf8("data: 0123456789\n")));          // 16 bytes: at the limit
        SseLimitException e = assertThrows(SseLimitException.class,
                () -> parser.parse(ByteBuffer.wrap(utf8(": 0123456789abcde\n"))));
        assertEquals(16, e.limit());
        assertEquals("line exceeds maxEventChars=16", e.getMessage());
    }

    @Test
    void shouldAcceptLineAtLimitSplitAcrossBuffers() {
        SseEventCollector events = new SseEventCollector();
        SseStreamParser parser = new SseStreamParser(events, 16);
        parser.parse(ByteBuffer.wrap(utf8("data: 0123")));
        parser.parse(ByteBuffer.wrap(utf8("456789\n\n")));                // 16 bytes before the LF: at the limit
        assertEquals(List.of(event("0123456789")), events.events());
        parser.parse(ByteBuffer.wrap(utf8("data: 0123")));
        assertThrows(SseLimitException.class, () -> parser.parse(ByteBuffer.wrap(utf8("4567890\n"))));
    }

    @Test
    void shouldRejectUnfinishedLineLongerThanLimitAsSoonAsItArrives() {
        SseStreamParser heap = new SseStreamParser(new SseEventCollector(), 8);
        heap.parse(ByteBuffer.wrap(utf8(":1234")));
        assertThrows(SseLimitException.class, () -> heap.parse(ByteBuffer.wrap(utf8("5678"))));
        SseStreamParser direct = new SseStreamParser(new SseEventCollector(), 8);
        assertThrows(SseLimitException.class,
                () -> direct.parse(ByteBuffer.allocateDirect(9).put(utf8(":12345678")).flip()));
    }

    @Test
    void shouldRejectEventDataLongerThanLimit() {
        SseEventCollector events = new SseEventCollector();
        SseStreamParser parser = new SseStreamParser(events, 16);
        parser.parse(ByteBuffer.wrap(utf8("data: 1234567\ndata: 1234567\n\n")));   // 8 + 8 chars with LFs
        assertEquals(List.of(event("1234567\n1234567")), events.events());
        byte[] tooMuch = utf8("data: 1\ndata: 2\n".repeat(5));
        assertThrows(SseLimitException.class, () -> parser.parse(ByteBuffer.wrap(tooMuch)));
    }

    @Test
    void shouldParseAgainAfterLimitAndReset() {
        SseEventCollector events = new SseEventCollector();
        SseStreamParser parser = new SseStreamParser(events, 8);
        assertThrows(SseLimitException.class, () -> parser.parse(ByteBuffer.wrap(utf8("data: 123456789\n"))));
        parser.reset();
        parser.parse(ByteBuffer.wrap(utf8("data: 1\n\n")));
        assertEquals(List.of(event("1")), events.events());
    }

    @Test
    void shouldRejectInvalidConstruction() {
        assertThrows(IllegalArgumentException.class, () -> new SseStreamParser(null));
        assertThrows(IllegalArgumentException.class, () -> new SseStreamParser(new SseEventCollector(), 0));
        assertEquals(SseStreamParser.DEFAULT_MAX_EVENT_CHARS, new SseStreamParser(new SseEventCollector())
                .maxEventChars());
    }

    @Test
    void shouldParseLongLinesAcrossManyBuffers() {
        String big = "x".repeat(100_000) + "é".repeat(1000);
        byte[] stream = utf8("data: " + big + "\ndata: " + big + "\n\n");
        SseEventCollector events = new SseEventCollector();
        SseStreamParser parser = new SseStreamParser(events);
        for (int i = 0; i < stream.length; i += 1000) {
            parser.parse(ByteBuffer.wrap(stream, i, Math.min(1000, stream.length - i)));
        }
        assertEquals(List.of(event(big + "\n" + big)), events.events());
        assertTrue(events.comments().isEmpty());
    }
}
