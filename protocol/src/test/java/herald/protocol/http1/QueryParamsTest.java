package herald.protocol.http1;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertThrowsExactly;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** application/x-www-form-urlencoded query decoding. */
final class QueryParamsTest {

    @Test
    void shouldReturnEmptyForNullOrEmptyQuery() {
        assertSame(QueryParams.EMPTY, QueryParams.parse(null));
        assertSame(QueryParams.EMPTY, QueryParams.parse(""));
        assertSame(QueryParams.EMPTY, QueryParams.parse("&&&"));
        assertTrue(QueryParams.EMPTY.isEmpty());
        assertFalse(QueryParams.parse("a").isEmpty());
        assertFalse(QueryParams.parse("&a=1&").isEmpty());
        assertEquals(0, QueryParams.EMPTY.size());
    }

    @Test
    void shouldKeepRepeatedNamesInOrder() {
        QueryParams params = QueryParams.parse("topic=a&x=1&topic=b&topic=c");
        assertEquals("a", params.first("topic"));
        assertEquals(List.of("a", "b", "c"), params.all("topic"));
        assertEquals(List.of("topic", "x"), params.names());
        assertEquals(4, params.size());
        assertEquals("x", params.name(1));
        assertEquals("1", params.value(1));
    }

    @Test
    void shouldReturnNullAndEmptyListForAbsentName() {
        QueryParams params = QueryParams.parse("a=1");
        assertNull(params.first("b"));
        assertEquals(List.of(), params.all("b"));
        assertFalse(params.contains("b"));
        assertTrue(params.contains("a"));
    }

    @Test
    void shouldMatchNamesExactly() {
        QueryParams params = QueryParams.parse("Topic=a");
        assertNull(params.first("topic"));
        assertEquals("a", params.first("Topic"));
    }

    @Test
    void shouldAllowEmptyNamesAndValues() {
        QueryParams params = QueryParams.parse("=x&flag&empty=&&=");
        assertEquals(List.of("", "flag", "empty"), params.names());
        assertEquals(List.of("x", ""), params.all(""));
        assertEquals("", params.first("flag"));
        assertEquals("", params.first("empty"));
    }

    @Test
    void shouldSplitAtFirstEqualsSign() {
        assertEquals("b=c", QueryParams.parse("a=b=c").first("a"));
    }

    @Test
    void shouldDecodePlusAsSpaceAndEscapesAsUtf8() {
        QueryParams params = QueryParams.parse("q=caf%C3%A9+au+lait&na%20me=%2B%26%3D&e=%F0%9F%98%80");
        assertEquals("café au lait", params.first("q"));
        assertEquals("+&=", params.first("na me"));
        assertEquals("\uD83D\uDE00", params.first("e"));
    }

    @Test
    void shouldDecodeLastEventIdForClientsThatCannotSetHeaders() {
        assertEquals("1700000000000-42", QueryParams.parse("lastEventId=1700000000000-42").first("lastEventId"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"a=%zz", "a=%4", "a=%", "%=1", "a=%C3", "a=%C3%28", "a=%80", "a=%C0%AF", "a=%ED%A0%80",
        "a=%FF", "a=\u0100", "a=%\u0131\u0131"})
    void shouldRejectBadEncodingWith400(String raw) {
        HttpException e = assertThrows(HttpException.class, () -> QueryParams.parse(raw));
        assertEquals(400, e.status());
    }

    @Test
    void shouldTreatLatin1CharactersAsBytes() {
        assertEquals("é", QueryParams.parse("a=\u00c3\u00a9").first("a"));
    }

    @Test
    void shouldBeEqualByContent() {
        assertEquals(QueryParams.parse("a=1&b=2"), QueryParams.parse("a=1&&b=%32"));
        assertEquals(QueryParams.parse("a=1&b=2").hashCode(), QueryParams.parse("a=1&&b=%32").hashCode());
        assertFalse(QueryParams.parse("a=1&b=2").equals(QueryParams.parse("b=2&a=1")));
        assertNotEquals(QueryParams.parse("a=1&b=2").hashCode(), QueryParams.parse("b=2&a=1").hashCode());
        assertNotEquals(QueryParams.parse("a=1").hashCode(), QueryParams.parse("a=2").hashCode());
        assertNotEquals(QueryParams.parse("a=1").hashCode(), QueryParams.parse("b=1").hashCode());
        assertNotEquals(QueryParams.EMPTY.hashCode(), QueryParams.parse("a=1").hashCode());
    }

    @Test
    void shouldNotPrintValues() {
        assertFalse(QueryParams.parse("token=secret").toString().contains("secret"));
        assertEquals("QueryParams[token, a]", QueryParams.parse("token=secret&a=1&token=x").toString());
    }

    @Test
    void shouldDecodeValueThatIsOnlyPlusOrEscapes() {
        assertEquals(" ", QueryParams.parse("a=+").first("a"));
        assertEquals("  ", QueryParams.parse("a=++").first("a"));
        assertEquals("b", QueryParams.parse("+=b").first(" "));
        assertEquals("A", QueryParams.parse("a=%41").first("a"));
    }

    @Test
    void shouldDecodeEscapeAtStartOfQuery() {
        QueryParams params = QueryParams.parse("%41=1&%42%43=2");
        assertEquals("1", params.first("A"));
        assertEquals("2", params.first("BC"));
    }

    @Test
    void shouldDecodeEscapesWithZeroDigits() {
        assertEquals("0\n\u0000", QueryParams.parse("a=%30%0A%00").first("a"));
    }

    @Test
    void shouldRejectLatin1ByteThatIsNotUtf8AsInvalidUtf8() {
        HttpException e = assertThrows(HttpException.class, () -> QueryParams.parse("a=\u00ff"));
        assertEquals(400, e.status());
        assertEquals("query is not valid UTF-8 after percent-decoding", e.getMessage());
        HttpException above = assertThrows(HttpException.class, () -> QueryParams.parse("a=%41\u0100"));
        assertEquals("query contains a character above U+00FF", above.getMessage());
    }

    @Test
    void shouldRejectIndexBeyondSizeEvenWhenEmptyPiecesWereSkipped() {
        QueryParams params = QueryParams.parse("a=1&&&");
        assertEquals(1, params.size());
        assertThrowsExactly(IndexOutOfBoundsException.class, () -> params.name(1));
        assertThrowsExactly(IndexOutOfBoundsException.class, () -> params.value(1));
        assertThrowsExactly(IndexOutOfBoundsException.class, () -> params.name(-1));
    }

    @Test
    void shouldSpreadHashCodesOverEarlierParameters() {
        Set<Integer> hashes = new HashSet<>();
        for (int i = 0; i < 100; i++) {
            hashes.add(QueryParams.parse("n" + i + "=1&b=2").hashCode());
        }
        assertEquals(100, hashes.size());
    }

    @Test
    void shouldHandleManyPiecesInLinearTime() {
        String raw = "a&".repeat(4_000);
        assertEquals(4_000, QueryParams.parse(raw).size());
    }
}
