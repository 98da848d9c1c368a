package herald.protocol.http1;

import static herald.protocol.http1.Requests.assertStatus;
import static herald.protocol.http1.Requests.parse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertThrowsExactly;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Field line syntax (RFC 9112 §5, RFC 9110 §5.5) and lookup. */
final class HeaderFieldTest {

    private static RequestHead withFields(String fields) {
        return parse("GET / HTTP/1.1\r\nHost: h\r\n" + fields + "\r\n");
    }

    private static void assertFieldsStatus(int status, String reason, String fields) {
        assertStatus(status, reason, "GET / HTTP/1.1\r\nHost: h\r\n" + fields + "\r\n");
    }

    @Test
    void shouldLookUpNamesCaseInsensitively() {
        RequestHead head = withFields("Last-Event-ID: 42\r\n");
        assertEquals("42", head.header("Last-Event-ID"));
        assertEquals("42", head.header("last-event-id"));
        assertEquals("42", head.header("LAST-EVENT-ID"));
        assertTrue(head.containsHeader("lAsT-eVeNt-Id"));
        assertFalse(head.containsHeader("Last-Event"));
        assertFalse(head.containsHeader("Last-Event-IDs"));
        assertNull(head.header("Last-Event"));
        assertNull(head.header("Last-Event-IDs"));
        assertNull(head.header("Last_Event-ID"));
        assertNull(head.header("Last-Event-\u0130D"));
    }

    @Test
    void shouldFoldOnlyLettersWhenLookingUpNames() {
        RequestHead head = withFields("Zone-A: 1\r\n^: caret\r\n`: grave\r\n");
        assertEquals("1", head.header("zone-a"));
        assertEquals("1", head.header("ZONE-A"));
        assertEquals("1", head.header("zONE-a"));
        assertEquals("caret", head.header("^"));
        assertNull(head.header("~"));           // '^' | 0x20 is '~', but neither is a letter
        assertEquals("grave", head.header("`"));
        assertNull(head.header("@"));           // '@' | 0x20 is '`'
    }

    @Test
    void shouldReturnAllValuesOfRepeatedFieldInOrder() {
        RequestHead head = withFields("Accept: a\r\nX: 1\r\naccept: b\r\nACCEPT: c\r\n");
        assertEquals("a", head.header("Accept"));
        assertEquals(List.of("a", "b", "c"), head.headers("accept"));
        assertEquals(List.of(), head.headers("Missing"));
        assertThrows(UnsupportedOperationException.class, () -> head.headers("accept").add("d"));
    }

    @Test
    void shouldExposeFieldsByIndexAsSent() {
        RequestHead head = withFields("X-Custom: v\r\n");
        assertEquals(2, head.headerCount());
        assertEquals("Host", head.headerName(0));
        assertEquals("h", head.headerValue(0));
        assertEquals("X-Custom", head.headerName(1));
        assertEquals("v", head.headerValue(1));
        assertThrowsExactly(IndexOutOfBoundsException.class, () -> head.headerName(2));
        assertThrowsExactly(IndexOutOfBoundsException.class, () -> head.headerName(-1));
        assertThrowsExactly(IndexOutOfBoundsException.class, () -> head.headerValue(2));
        assertThrowsExactly(IndexOutOfBoundsException.class, () -> head.headerValue(-1));
    }

    @Test
    void shouldTrimLeadingAndTrailingWhitespaceFromValues() {
        RequestHead head = withFields("A:  \t v \t \r\nB:v\r\nC: in  side \r\n");
        assertEquals("v", head.header("A"));
        assertEquals("v", head.header("B"));
        assertEquals("in  side", head.header("C"));
    }

    @Test
    void shouldAcceptEmptyValue() {
        RequestHead head = withFields("A:\r\nB:   \r\n");
        assertEquals("", head.header("A"));
        assertEquals("", head.header("B"));
    }

    @Test
    void shouldAcceptObsTextAndHtabInValueAsIso88591() {
        byte[] utf8 = "café \u2603".getBytes(StandardCharsets.UTF_8);
        String raw = new String(utf8, StandardCharsets.ISO_8859_1);
        RequestHead head = withFields("X: " + raw + "\tend\r\n");
        String value = head.header("X");
        assertEquals(raw + "\tend", value);
        assertEquals("café \u2603\tend",
                new String(value.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8));
    }

    @Test
    void shouldAcceptEveryVisibleCharacterInValue() {
        StringBuilder visible = new StringBuilder();
        for (char c = 0x21; c <= 0x7E; c++) {
            visible.append(c);
        }
        assertEquals(visible.toString(), withFields("X: " + visible + "\r\n").header("X"));
    }

    @Test
    void shouldAcceptEveryTcharInName() {
        String name = "!#$%&'*+-.^_`|~0123456789abcXYZ";
        assertEquals("v", withFields(name + ": v\r\n").header(name));
    }

    @Test
    void shouldRejectObsFoldWith400() {
        HttpException e = Requests.reject("GET / HTTP/1.1\r\nHost: h\r\nX: a\r\n b\r\n\r\n");
        assertEquals(400, e.status());
        assertTrue(e.getMessage().contains("obs-fold"), e.getMessage());
        assertFieldsStatus(400, "obsolete line folding (obs-fold) is not allowed", "X: a\r\n\tb\r\n");
    }

    @Test
    void shouldRejectWhitespaceBetweenNameAndColonWith400() {
        assertFieldsStatus(400, "whitespace between field name and colon", "X : v\r\n");
        assertFieldsStatus(400, "whitespace between field name and colon", "X\t: v\r\n");
        assertFieldsStatus(400, "whitespace between field name and colon", "Content-Length : 0\r\n");
        assertFieldsStatus(400, "whitespace between field name and colon", "Transfer-Encoding\t: chunked\r\n");
    }

    @Test
    void shouldRejectEmptyNameWith400() {
        assertFieldsStatus(400, "field name is empty", ": v\r\n");
    }

    @Test
    void shouldRejectLineWithoutColonWith400() {
        assertFieldsStatus(400, "field line has no colon", "NoColon\r\n");
        assertFieldsStatus(400, "whitespace between field name and colon", "No Colon\r\n");
    }

    @ParameterizedTest
    @ValueSource(strings = {"X(: v", "X@: v", "X/Y: v", "X\"Y: v", "X[: v", "X{: v", "X\u00e9: v", "X\u0000: v",
        "X\u007f: v", "X\u0001: v", "\u0000: v"})
    void shouldRejectNonTokenNameWith400(String line) {
        assertFieldsStatus(400, "field name contains a character outside tchar", line + "\r\n");
    }

    @ParameterizedTest
    @ValueSource(ints = {0x00, 0x01, 0x08, 0x0B, 0x0C, 0x0E, 0x1F, 0x7F})
    void shouldRejectControlCharacterInValueWith400(int control) {
        assertFieldsStatus(400, "field value contains a control character", "X: a" + (char) control + "b\r\n");
        assertFieldsStatus(400, "field value contains a control character", "X: " + (char) control + "\r\n");
        assertFieldsStatus(400, "field value contains a control character", "X: abcdefghijklmnop" + (char) control + "qrstuvwxyz\r\n");   // in the SWAR loop
    }

    @Test
    void shouldRejectNulInValueWith400() {
        assertFieldsStatus(400, "field value contains a control character", "Last-Event-ID: 4\u00002\r\n");
    }

    @Test
    void shouldRejectBareCrInValueWith400() {
        HttpException e = Requests.reject("GET / HTTP/1.1\r\nHost: h\r\nX: a\rb\r\n\r\n");
        assertEquals(400, e.status());
        assertTrue(e.getMessage().contains("bare CR"), e.getMessage());
    }

    @Test
    void shouldFindControlCharacterAtEveryOffsetOfLongValue() {
        for (int offset = 0; offset < 40; offset++) {
            String value = "v".repeat(offset) + "\u0000" + "w".repeat(40 - offset);
            assertFieldsStatus(400, "field value contains a control character", "X: " + value + "\r\n");
        }
    }

    @Test
    void shouldAcceptHtabAtEveryOffsetOfLongValue() {
        for (int offset = 1; offset < 40; offset++) {
            String value = "v".repeat(offset) + "\t" + "w".repeat(40 - offset);
            assertEquals(value, withFields("X: " + value + "\r\n").header("X"));
        }
    }

    @Test
    void shouldNotIncludeFieldValuesInToString() {
        RequestHead head = parse("GET /a?token=secret HTTP/1.1\r\nHost: h\r\nAuthorization: Bearer secret\r\n\r\n");
        assertFalse(head.toString().contains("secret"), head.toString());
        assertTrue(head.toString().contains("GET /a"), head.toString());
    }

    @Test
    void shouldMarkOnlyPresentQueryInToString() {
        assertTrue(parse("GET /a?x=1 HTTP/1.1\r\nHost: h\r\n\r\n").toString().startsWith("RequestHead[GET /a?\u2026 HTTP/1.1,"));
        assertTrue(parse("GET /a HTTP/1.1\r\nHost: h\r\n\r\n").toString().startsWith("RequestHead[GET /a HTTP/1.1,"));
    }

    @Test
    void shouldFindFirstFieldLine() {
        RequestHead head = parse("GET / HTTP/1.1\r\nHost: h\r\nX: 1\r\n\r\n");
        assertTrue(head.containsHeader("host"));
        assertTrue(head.containsHeader("X"));
    }

    @Test
    void shouldKeepEveryFieldWhenLinesArriveOneByteAtATime() {
        StringBuilder raw = new StringBuilder("GET / HTTP/1.1\r\nHost: h\r\n");
        for (int i = 0; i < 40; i++) {
            raw.append("X-F").append(i).append(": v").append(i).append("\r\n");
        }
        byte[] bytes = Requests.bytes(raw + "\r\n");
        RequestParser parser = new RequestParser();
        RequestHead head = null;
        for (int i = 0; i < bytes.length; i++) {
            head = parser.parse(java.nio.ByteBuffer.wrap(bytes, i, 1));
        }
        assertEquals(parse(raw + "\r\n"), head);
        assertEquals(41, head.headerCount());
        for (int i = 0; i < 40; i++) {
            assertEquals("v" + i, head.header("x-f" + i));
        }
    }
}
