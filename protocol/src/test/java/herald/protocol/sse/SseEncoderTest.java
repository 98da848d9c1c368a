package herald.protocol.sse;

import static herald.protocol.sse.Parsing.utf8;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;
import java.nio.ReadOnlyBufferException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Byte-exact expectations for {@link SseEncoder}. */
class SseEncoderTest {

    /** Encodes with the byte[] API into a heap buffer, checks length and return value, returns the text. */
    private static String encode(String type, String data, String idPrefix, long idSeq, long retry) {
        byte[] t = type == null ? null : utf8(type);
        byte[] d = utf8(data);
        byte[] p = idPrefix == null ? null : utf8(idPrefix);
        int length = SseEncoder.encodedLength(t, d, 0, d.length, p, idSeq, retry);
        ByteBuffer out = ByteBuffer.allocate(length);
        assertEquals(length, SseEncoder.encode(out, t, d, 0, d.length, p, idSeq, retry));
        assertEquals(length, out.position());
        return new String(out.array(), 0, length, UTF_8);
    }

    private static String data(String data) {
        return encode(null, data, null, -1, -1);
    }

    @Test
    void shouldEncodeSingleLineDataEvent() {
        assertEquals("data: hello\n\n", data("hello"));
    }

    @Test
    void shouldWriteFieldsInOrderRetryEventDataId() {
        assertEquals("retry: 3000\nevent: update\ndata: {\"a\":1}\nid: t1-42\n\n",
                encode("update", "{\"a\":1}", "t1-", 42, 3000));
    }

    @Test
    void shouldOmitOptionalLines() {
        assertEquals("data: x\n\n", encode(null, "x", "p-", -1, -1));
        assertEquals("data: x\n\n", encode("", "x", null, -1, -1));
        assertEquals("data: x\nid: 7\n\n", encode(null, "x", null, 7, -1));
        assertEquals("retry: 0\ndata: x\n\n", encode(null, "x", null, -1, 0));
    }

    @Test
    void shouldSplitDataAtCrLfCrAndLf() {
        assertEquals("data: a\ndata: b\ndata: c\ndata: d\n\n", data("a\nb\r\nc\rd"));
    }

    @Test
    void shouldTreatCrLfAsOneLineBreakAndLfCrAsTwo() {
        assertEquals("data: a\ndata: b\n\n", data("a\r\nb"));
        assertEquals("data: a\ndata: \ndata: b\n\n", data("a\n\rb"));
        assertEquals("data: a\ndata: \ndata: b\n\n", data("a\r\rb"));
    }

    @Test
    void shouldKeepLeadingSpacesOfLines() {
        assertEquals("data:  one\ndata:   two\n\n", data(" one\n  two"));
        assertEquals(List.of(Parsing.event(" one\n  two")), SseEventCollector.parse(utf8(data(" one\n  two"))));
    }

    @Test
    void shouldEncodeEmptyDataAsOneEmptyDataLine() {
        assertEquals("data: \n\n", data(""));
    }

    @Test
    void shouldEncodeTrailingLineBreakAsEmptyLastLine() {
        assertEquals("data: a\ndata: \n\n", data("a\n"));
        assertEquals("data: a\ndata: \n\n", data("a\r\n"));
        assertEquals("data: \ndata: \n\n", data("\r"));
        assertEquals("data: \ndata: \ndata: \n\n", data("\n\n"));
    }

    @Test
    void shouldCopyDataBytesUnchanged() {
        assertEquals("data: é€😀 : x\0\n\n", data("é€😀 : x\0"));
    }

    @Test
    void shouldHonourDataOffsetAndLength() {
        byte[] d = utf8("xxa\nbyy");
        ByteBuffer out = ByteBuffer.allocate(64);
        int n = SseEncoder.encode(out, null, d, 2, 3, null, -1, -1);
        assertEquals("data: a\ndata: b\n\n", new String(out.array(), 0, n, UTF_8));
        assertThrows(IndexOutOfBoundsException.class, () -> SseEncoder.encode(out, null, d, 5, 3, null, -1, -1));
        assertThrows(IndexOutOfBoundsException.class, () -> SseEncoder.encodedLength(null, d, -1, 3, null, -1, -1));
    }

    @Test
    void shouldNotSplitAtCrOrLfOutsideDataRange() {
        byte[] d = utf8("\na\r");
        ByteBuffer out = ByteBuffer.allocate(64);
        int n = SseEncoder.encode(out, null, d, 1, 1, null, -1, -1);
        assertEquals("data: a\n\n", new String(out.array(), 0, n, UTF_8));
    }

    @Test
    void shouldWriteDecimalSequenceAndRetry() {
        assertEquals("data: x\nid: 0\n\n", encode(null, "x", null, 0, -1));
        assertEquals("data: x\nid: 9\n\n", encode(null, "x", null, 9, -1));
        assertEquals("data: x\nid: 10\n\n", encode(null, "x", null, 10, -1));
        assertEquals("data: x\nid: p9223372036854775807\n\n", encode(null, "x", "p", Long.MAX_VALUE, -1));
        assertEquals("retry: 9223372036854775807\ndata: x\n\n", encode(null, "x", null, -1, Long.MAX_VALUE));
        for (long v = 1; v > 0 && v <= Long.MAX_VALUE / 10 * 10; v *= 10) {
            assertEquals("data: x\nid: " + (v - 1) + "\n\n", encode(null, "x", null, v - 1, -1));
            assertEquals("data: x\nid: " + v + "\n\n", encode(null, "x", null, v, -1));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"a\nb", "a\rb", "a\0b", "\n", "up\r\ndate"})
    void shouldRejectEventTypeContainingNewlineCarriageReturnOrNull(String type) {
        byte[] d = utf8("x");
        ByteBuffer out = ByteBuffer.allocate(64);
        assertThrows(IllegalArgumentException.class,
                () -> SseEncoder.encode(out, utf8(type), d, 0, 1, null, -1, -1));
        assertThrows(IllegalArgumentException.class,
                () -> SseEncoder.encodedLength(utf8(type), d, 0, 1, null, -1, -1));
        assertThrows(IllegalArgumentException.class, () -> SseEncoder.encode(out, type, "x", null, -1));
        assertEquals(0, out.position());
    }

    @ParameterizedTest
    @ValueSource(strings = {"a\nb", "a\rb", "a\0b"})
    void shouldRejectIdContainingNewlineCarriageReturnOrNull(String id) {
        byte[] d = utf8("x");
        ByteBuffer out = ByteBuffer.allocate(64);
        assertThrows(IllegalArgumentException.class, () -> SseEncoder.encode(out, null, d, 0, 1, utf8(id), 1, -1));
        assertThrows(IllegalArgumentException.class, () -> SseEncoder.idLineLength(utf8(id), 1));
        assertThrows(IllegalArgumentException.class, () -> SseEncoder.encodeId(out, utf8(id), 1));
        assertThrows(IllegalArgumentException.class, () -> SseEncoder.encode(out, null, "x", id, -1));
        assertEquals(0, out.position());
    }

    @Test
    void shouldReportExactEncodedLength() {
        String[] datas = {"", "a", "\n", "\r\n", "\r", "a\r\nb\rc\nd", "é\n😀", "\r\r\n\n\r", "x".repeat(300)};
        for (String d : datas) {
            for (long seq : new long[] {-1, 0, 12345}) {
                for (long retry : new long[] {-1, 0, 99999}) {
                    encode("t", d, "pre-", seq, retry);      // asserts length == written
                    encode(null, d, null, seq, retry);
                }
            }
        }
    }

    @Test
    void shouldComputeIdLineLength() {
        assertEquals("id: p-42\n".length(), SseEncoder.idLineLength(utf8("p-"), 42));
        assertEquals("id: 0\n".length(), SseEncoder.idLineLength(null, 0));
        assertEquals(0, SseEncoder.idLineLength(utf8("p-"), -1));
    }

    @Test
    void shouldLocateIdLineFromEndForMultiTopicRewrite() {
        byte[] d = utf8("payload");
        byte[] prefix = utf8("topicA-");
        ByteBuffer out = ByteBuffer.allocate(128);
        int end = SseEncoder.encode(out, utf8("t"), d, 0, d.length, prefix, 17, -1);
        int idLineStart = end - 1 - SseEncoder.idLineLength(prefix, 17);
        ByteBuffer rewritten = ByteBuffer.allocate(128).put(out.array(), 0, idLineStart);
        SseEncoder.encodeId(rewritten, utf8("mux-"), 3);
        assertEquals("event: t\ndata: payload\nid: mux-3\n\n",
                new String(rewritten.array(), 0, rewritten.position(), UTF_8));
        assertEquals("id: topicA-17\n", new String(out.array(), idLineStart, end - 1 - idLineStart, UTF_8));
    }

    @Test
    void shouldThrowBufferOverflowAndLeavePositionUnchanged() {
        byte[] d = utf8("line one\nline two");
        int length = SseEncoder.encodedLength(utf8("t"), d, 0, d.length, utf8("p"), 123, 1000);
        for (int room = 0; room < length; room++) {
            for (ByteBuffer out : List.of(ByteBuffer.allocate(room + 3), ByteBuffer.allocateDirect(room + 3))) {
                out.position(3);
                assertThrows(BufferOverflowException.class,
                        () -> SseEncoder.encode(out, utf8("t"), d, 0, d.length, utf8("p"), 123, 1000), "room=" + room);
                assertEquals(3, out.position());
            }
        }
        ByteBuffer exact = ByteBuffer.allocate(length);
        assertEquals(length, SseEncoder.encode(exact, utf8("t"), d, 0, d.length, utf8("p"), 123, 1000));
        assertFalse(exact.hasRemaining());
    }

    @Test
    void shouldThrowBufferOverflowFromHelpersAndLeavePositionUnchanged() {
        ByteBuffer out = ByteBuffer.allocate(6);
        out.position(1);
        assertThrows(BufferOverflowException.class, () -> SseEncoder.encodeId(out, utf8("p"), 12));
        assertThrows(BufferOverflowException.class, () -> SseEncoder.encodeRetry(out, 12));
        assertThrows(BufferOverflowException.class, () -> SseEncoder.encodeComment(out, utf8("abcd")));
        assertThrows(BufferOverflowException.class, () -> SseEncoder.encode(out, "t", "x", "1", -1));
        assertEquals(1, out.position());
        assertThrows(ReadOnlyBufferException.class,
                () -> SseEncoder.encode(ByteBuffer.allocate(64).asReadOnlyBuffer(), null, "x", null, -1));
    }

    @Test
    void shouldEncodeSameBytesIntoDirectBufferAtAnyPosition() {
        byte[] d = utf8("é\r\nb");
        ByteBuffer heap = ByteBuffer.allocate(100);
        int n = SseEncoder.encode(heap, utf8("e"), d, 0, d.length, utf8("x"), 5, 7);
        ByteBuffer direct = ByteBuffer.allocateDirect(100).position(11);
        assertEquals(n, SseEncoder.encode(direct, utf8("e"), d, 0, d.length, utf8("x"), 5, 7));
        byte[] copy = new byte[n];
        direct.get(11, copy);
        assertArrayEquals(java.util.Arrays.copyOf(heap.array(), n), copy);
        assertEquals(11 + n, direct.position());
    }

    @Test
    void shouldEncodeIdRetryCommentAndHeartbeat() {
        ByteBuffer out = ByteBuffer.allocate(128);
        assertEquals(SseEncoder.idLineLength(utf8("a-"), 5) + 1, SseEncoder.encodeId(out, utf8("a-"), 5));
        assertEquals(SseEncoder.retryLength(250), SseEncoder.encodeRetry(out, 250));
        assertEquals(SseEncoder.commentLength(utf8("hi")), SseEncoder.encodeComment(out, utf8("hi")));
        assertEquals(SseEncoder.HEARTBEAT_LENGTH, SseEncoder.encodeHeartbeat(out));
        assertEquals("id: a-5\n\nretry: 250\n: hi\n:\n", new String(out.array(), 0, out.position(), UTF_8));
        assertThrows(IllegalArgumentException.class, () -> SseEncoder.encodeId(out, null, -1));
        assertThrows(IllegalArgumentException.class, () -> SseEncoder.encodeRetry(out, -1));
        assertThrows(IllegalArgumentException.class, () -> SseEncoder.retryLength(-1));
    }

    @Test
    void shouldSplitCommentTextIntoCommentLines() {
        ByteBuffer out = ByteBuffer.allocate(64);
        int n = SseEncoder.encodeComment(out, utf8("one\r\ntwo\rthree\n"));
        assertEquals(n, SseEncoder.commentLength(utf8("one\r\ntwo\rthree\n")));
        String text = new String(out.array(), 0, n, UTF_8);
        assertEquals(": one\n: two\n: three\n: \n", text);
        Parsing.Result parsed = Parsing.whole(text);
        assertEquals(List.of("one", "two", "three", ""), parsed.comments());
        assertEquals(List.of(), parsed.events());
    }

    @Test
    void shouldEncodeFromStrings() {
        ByteBuffer out = ByteBuffer.allocate(128);
        int n = SseEncoder.encode(out, "greeting", "héllo\nworld", "id-1", 500);
        String expected = "retry: 500\nevent: greeting\ndata: héllo\ndata: world\nid: id-1\n\n";
        assertEquals(expected, new String(out.array(), 0, n, UTF_8));
        assertArrayEquals(utf8(expected), SseEncoder.toBytes("greeting", "héllo\nworld", "id-1", 500));
        assertEquals("data: x\nid: \n\n", new String(SseEncoder.toBytes(null, "x", "", -1), UTF_8));
        assertEquals("data: x\n\n", new String(SseEncoder.toBytes("", "x", null, -1), UTF_8));
        assertThrows(IllegalArgumentException.class, () -> SseEncoder.toBytes(null, null, null, -1));
    }

    @Test
    void shouldValidateFieldValues() {
        assertTrue(SseEncoder.isValidFieldValue("update"));
        assertTrue(SseEncoder.isValidFieldValue(""));
        assertTrue(SseEncoder.isValidFieldValue(" é: 😀\t"));
        assertFalse(SseEncoder.isValidFieldValue("a\nb"));
        assertFalse(SseEncoder.isValidFieldValue("a\rb"));
        assertFalse(SseEncoder.isValidFieldValue("a\0b"));
        assertTrue(SseEncoder.isValidFieldValue(utf8("x\ny"), 2, 1));
        assertFalse(SseEncoder.isValidFieldValue(utf8("x\ny"), 0, 3));
        assertFalse(SseEncoder.isValidFieldValue(new byte[] {'a', 0}, 0, 2));
    }

    @Test
    void shouldValidateUtf8() {
        assertTrue(SseEncoder.isValidUtf8(utf8("é€😀 plain"), 0, utf8("é€😀 plain").length));
        assertFalse(SseEncoder.isValidUtf8(new byte[] {(byte) 0xC0, (byte) 0x80}, 0, 2));
        assertFalse(SseEncoder.isValidUtf8(new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, 0, 3));
        assertFalse(SseEncoder.isValidUtf8(new byte[] {(byte) 0xE2, (byte) 0x82}, 0, 2));
        assertTrue(SseEncoder.isValidUtf8(new byte[] {'a', (byte) 0xE2, (byte) 0x82}, 0, 1));
        assertFalse(SseEncoder.isValidUtf8(new byte[] {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, 0, 4));
        assertTrue(SseEncoder.isValidUtf8(new byte[] {(byte) 0xF4, (byte) 0x8F, (byte) 0xBF, (byte) 0xBF}, 0, 4));
    }

    @Test
    void shouldEncodeAtAnAbsoluteIndexWithoutMovingPositionOrLimit() {
        byte[] type = utf8("tick");
        byte[] data = utf8("a\r\nb");
        byte[] prefix = utf8("ep-");
        ByteBuffer relative = ByteBuffer.allocate(128);
        int length = SseEncoder.encode(relative, type, data, 0, data.length, prefix, 42, 100);
        for (ByteBuffer shared : List.of(ByteBuffer.allocate(128), ByteBuffer.allocateDirect(128))) {
            shared.position(3).limit(120);
            int end = SseEncoder.encode(shared, 10, type, data, 0, data.length, prefix, 42, 100);
            assertEquals(10 + length, end);
            assertEquals(3, shared.position());
            assertEquals(120, shared.limit());
            byte[] written = new byte[length];
            shared.get(10, written);
            assertArrayEquals(java.util.Arrays.copyOf(relative.array(), length), written);
        }
    }

    @Test
    void shouldWriteSequenceZeroAndRetryZero() {
        byte[] data = utf8("x");
        ByteBuffer out = ByteBuffer.allocate(64);
        int end = SseEncoder.encode(out, 0, null, data, 0, data.length, utf8("p-"), 0, 0);
        assertEquals("retry: 0\ndata: x\nid: p-0\n\n", new String(out.array(), 0, end, UTF_8));
        assertEquals("retry: 0\n".length(), SseEncoder.retryLength(0));
        ByteBuffer retry = ByteBuffer.allocate(16);
        assertEquals(9, SseEncoder.encodeRetry(retry, 0));
        assertEquals("retry: 0\n", new String(retry.array(), 0, retry.position(), UTF_8));
    }

    @Test
    void shouldThrowIndexOutOfBoundsWhenAbsoluteEncodeDoesNotFit() {
        byte[] data = utf8("0123456789");
        ByteBuffer out = ByteBuffer.allocate(32);
        assertThrows(IndexOutOfBoundsException.class,
                () -> SseEncoder.encode(out, 20, null, data, 0, data.length, null, -1, -1));
        assertEquals(0, out.position());
    }

    @Test
    void shouldWriteDecimalIdsAndRetriesOfEveryLengthInEitherByteOrder() {
        byte[] data = utf8("x");
        byte[] prefix = utf8("p-");
        long[] values = {0, 7, 10, 99, 100, 12_345, 1_000_000, 987_654_321, Long.MAX_VALUE};
        for (java.nio.ByteOrder order : List.of(java.nio.ByteOrder.BIG_ENDIAN, java.nio.ByteOrder.LITTLE_ENDIAN)) {
            for (ByteBuffer out : List.of(ByteBuffer.allocate(128), ByteBuffer.allocateDirect(128))) {
                for (long value : values) {
                    out.clear().order(order);
                    int n = SseEncoder.encode(out, null, data, 0, 1, prefix, value, value);
                    byte[] bytes = new byte[n];
                    out.flip().get(bytes);
                    assertEquals("retry: " + value + "\ndata: x\nid: p-" + value + "\n\n", new String(bytes, UTF_8),
                            order + " " + value);
                }
            }
        }
    }
}
