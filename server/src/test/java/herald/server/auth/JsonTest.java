package herald.server.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class JsonTest {
    private static Object parse(String text) throws Json.JsonException {
        return Json.parse(text, 100_000);
    }

    @Test
    void shouldReadEveryKindOfValue() throws Exception {
        Object value = parse(" {\"s\":\"x\",\"i\":-12,\"big\":12345678901234567890,\"f\":1.5e2,\"t\":true,"
                + "\"n\":null,\"a\":[1,[],{}],\"o\":{\"k\":false}} ");
        Map<?, ?> map = (Map<?, ?>) value;
        assertEquals("x", map.get("s"));
        assertEquals(-12L, map.get("i"));
        assertEquals(1.2345678901234567e19, map.get("big"));
        assertEquals(150.0, map.get("f"));
        assertEquals(Boolean.TRUE, map.get("t"));
        assertTrue(map.containsKey("n"));
        assertNull(map.get("n"));
        assertEquals(List.of(1L, List.of(), Map.of()), map.get("a"));
        assertEquals(Map.of("k", false), map.get("o"));
        assertEquals(List.of("s", "i", "big", "f", "t", "n", "a", "o"), List.copyOf(map.keySet()));
    }

    @Test
    void shouldDecodeEscapesIncludingSurrogatePairs() throws Exception {
        assertEquals("\"\\/\b\f\n\r\t", parse("\"\\\"\\\\\\/\\b\\f\\n\\r\\t\""));
        assertEquals("é€", parse("\"\\u00e9\\u20AC\""));
        assertEquals("😀", parse("\"\\ud83d\\ude00\""));
        assertEquals("a😀b", parse("\"a😀b\""));
        assertEquals("", parse("\"\""));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "", " ", "{", "}", "[1,]", "{\"a\":1,}", "{\"a\" 1}", "{a:1}", "'a'", "01", "-", "1.", ".5", "1e", "+1",
        "tru", "nul", "NaN", "Infinity", "1e400", "\"\\x\"", "\"\\u12\"", "\"\\u12g4\"", "\"unterminated",
        "\"tab\tinside\"", "\"\\ud83d\"", "\"\\ude00\"", "\"\\ud83d\\u0041\"", "1 2", "{} x", "[1 2]",
        "/* c */ 1", "\"\\u０٠00\""
    })
    void shouldRejectMalformedJson(String text) {
        assertThrows(Json.JsonException.class, () -> parse(text));
    }

    @Test
    void shouldRejectLoneSurrogateCharacter() {
        assertThrows(Json.JsonException.class, () -> parse("\"\uD83D\""));
        assertThrows(Json.JsonException.class, () -> parse("\"\uDE00x\""));
    }

    @Test
    void shouldRejectDuplicateMemberNames() {
        Json.JsonException e = assertThrows(Json.JsonException.class,
                () -> parse("{\"sub\":\"alice\",\"sub\":\"admin\"}"));
        assertTrue(e.getMessage().contains("duplicate"), e.getMessage());
        assertThrows(Json.JsonException.class, () -> parse("{\"a\":{\"x\":1,\"x\":1}}"));
    }

    @Test
    void shouldAcceptNestingUpToMaxDepthAndRejectBeyond() throws Exception {
        String ok = "[".repeat(Json.MAX_DEPTH) + "]".repeat(Json.MAX_DEPTH);
        parse(ok);
        String deep = "[".repeat(Json.MAX_DEPTH + 1) + "]".repeat(Json.MAX_DEPTH + 1);
        Json.JsonException e = assertThrows(Json.JsonException.class, () -> parse(deep));
        assertTrue(e.getMessage().contains("maxDepth=16"), e.getMessage());
        String objects = "{\"a\":".repeat(Json.MAX_DEPTH + 1) + "1" + "}".repeat(Json.MAX_DEPTH + 1);
        assertThrows(Json.JsonException.class, () -> parse(objects));
    }

    @Test
    void shouldRejectDeepNestingWithoutStackOverflow() {
        String hostile = "[".repeat(100_000);
        assertThrows(Json.JsonException.class, () -> Json.parse(hostile, 200_000));
    }

    @Test
    void shouldRejectInputOverSizeBoundBeforeReading() {
        Json.JsonException e = assertThrows(Json.JsonException.class, () -> Json.parse("[" + "1,".repeat(50) + "1]", 64));
        assertTrue(e.getMessage().contains("maxChars=64"), e.getMessage());
    }

    @Test
    void shouldRejectNonObjectWhereObjectExpected() {
        assertThrows(Json.JsonException.class, () -> Json.parseObject("[]", 100));
        assertThrows(Json.JsonException.class, () -> Json.parseObject("\"x\"", 100));
    }

    @Test
    void shouldNeverEchoInputInErrors() {
        String secret = "s3cr3t-token-bytes";
        for (String text : List.of("{\"" + secret + "\":" + secret + "}", "[\"" + secret + "\\q\"]",
                "{\"" + secret + "\":1,\"" + secret + "\":2}")) {
            Json.JsonException e = assertThrows(Json.JsonException.class, () -> parse(text));
            assertFalse(e.getMessage().contains(secret), e.getMessage());
            assertTrue(e.getMessage().contains("offset="), e.getMessage());
        }
    }

    @Test
    void shouldReturnUnmodifiableValues() throws Exception {
        Map<?, ?> map = (Map<?, ?>) parse("{\"a\":[1]}");
        assertThrows(UnsupportedOperationException.class, () -> map.remove("a"));
        assertThrows(UnsupportedOperationException.class, () -> ((List<?>) map.get("a")).remove(0));
    }
}
