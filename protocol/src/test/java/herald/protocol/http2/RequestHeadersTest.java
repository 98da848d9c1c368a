package herald.protocol.http2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Request field validation (RFC 9113 sections 8.1.1, 8.2, 8.3): each rejection named, with its section. */
final class RequestHeadersTest {
    private static final String[] GET = {":method", "GET", ":scheme", "https", ":authority", "example.com",
        ":path", "/a"};

    private static HeaderListCollector collect(int maxListBytes, boolean trailers, String... fields) {
        HeaderListCollector collector = new HeaderListCollector(maxListBytes);
        collector.reset(trailers);
        for (int i = 0; i < fields.length; i += 2) {
            collector.field(fields[i], fields[i + 1]);
        }
        collector.finish();
        return collector;
    }

    private static String malformed(String... fields) {
        return collect(16_384, false, fields).malformed();
    }

    private static String[] get(String... extra) {
        String[] fields = new String[GET.length + extra.length];
        System.arraycopy(GET, 0, fields, 0, GET.length);
        System.arraycopy(extra, 0, fields, GET.length, extra.length);
        return fields;
    }

    private static void assertMalformed(String section, String... fields) {
        String reason = malformed(fields);
        assertTrue(reason != null && reason.contains("section " + section), "reason=" + reason);
    }

    @Test
    void shouldExposePseudoHeadersAndRegularFieldsInOrder() {
        HeaderListCollector c = collect(16_384, false, get("accept", "text/event-stream", "last-event-id", "42",
                "x-empty", ""));
        assertNull(c.malformed());
        RequestHeaders r = c.request();
        assertEquals("GET", r.method());
        assertEquals("https", r.scheme());
        assertEquals("example.com", r.authority());
        assertEquals("/a", r.path());
        assertEquals(3, r.fieldCount());
        assertEquals("accept", r.name(0));
        assertEquals("42", r.value("last-event-id"));
        assertEquals("", r.value(2));
        assertNull(r.value("missing"));
        assertEquals(-1, r.contentLength());
        assertFalse(r.toString().contains("42"), "values stay out of toString: " + r);
    }

    @ParameterizedTest
    @ValueSource(strings = {"Accept", "x y", "x:y", "x\u0000", "\u00e9t\u00e9", "x\"", "x(", "x/y", ""})
    void shouldRejectFieldNameNotLowercaseTokenSection8_2_1(String name) {
        assertMalformed("8.2.1", get(name, "v"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"a\u0000b", "a\rb", "a\nb", "a\u0001b", "a\u007fb", " a", "a ", "\ta", "a\t", "\u0100"})
    void shouldRejectFieldValueWithControlOrSurroundingWhitespaceSection8_2_1(String value) {
        assertMalformed("8.2.1", get("x", value));
    }

    @Test
    void shouldAcceptTabInsideValueAndObsText() {
        assertNull(malformed(get("x", "a\tb \u00ff")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"connection", "proxy-connection", "keep-alive", "transfer-encoding", "upgrade"})
    void shouldRejectConnectionSpecificFieldSection8_2_2(String name) {
        assertMalformed("8.2.2", get(name, "x"));
    }

    @Test
    void shouldAcceptTeTrailersOnlySection8_2_2() {
        assertNull(malformed(get("te", "trailers")));
        assertMalformed("8.2.2", get("te", "gzip"));
        assertMalformed("8.2.2", get("te", "trailers, deflate"));
    }

    @ParameterizedTest
    @ValueSource(strings = {":status", ":protocol", ":foo", ":"})
    void shouldRejectUnknownPseudoHeaderSection8_3(String name) {
        assertMalformed("8.3", get(name, "x"));
    }

    @ParameterizedTest
    @ValueSource(strings = {":method", ":scheme", ":authority", ":path"})
    void shouldRejectRepeatedPseudoHeaderSection8_3_1(String name) {
        assertMalformed("8.3.1", get(name, "x"));
    }

    @Test
    void shouldRejectPseudoHeaderAfterRegularFieldSection8_3() {
        assertMalformed("8.3", ":method", "GET", ":scheme", "https", "x", "y", ":path", "/");
    }

    @Test
    void shouldRejectPseudoHeaderInTrailersSection8_1() {
        assertTrue(collect(16_384, true, ":path", "/").malformed().contains("section 8.1"));
        assertNull(collect(16_384, true, "checksum", "x").malformed());
    }

    @Test
    void shouldRejectMissingMethodSchemeOrPathSection8_3_1() {
        assertMalformed("8.3.1", ":scheme", "https", ":authority", "h", ":path", "/");
        assertMalformed("8.3.1", ":method", "GET", ":authority", "h", ":path", "/");
        assertMalformed("8.3.1", ":method", "GET", ":scheme", "https", ":authority", "h");
        assertMalformed("8.3.1", ":method", "GET", ":scheme", "https", ":authority", "h", ":path", "");
        assertMalformed("8.3.1", ":method", "GET", ":scheme", "", ":authority", "h", ":path", "/");
    }

    @Test
    void shouldRejectMethodNotTokenSection8_3_1() {
        assertMalformed("8.3.1", ":method", "G T", ":scheme", "https", ":authority", "h", ":path", "/");
    }

    @Test
    void shouldAcceptAsteriskPathForOptionsOnlySection8_3_1() {
        assertNull(malformed(":method", "OPTIONS", ":scheme", "https", ":authority", "h", ":path", "*"));
        assertMalformed("8.3.1", ":method", "GET", ":scheme", "https", ":authority", "h", ":path", "*");
        assertMalformed("8.3.1", ":method", "GET", ":scheme", "https", ":authority", "h", ":path", "a/b");
        assertMalformed("8.3.1", ":method", "GET", ":scheme", "https", ":authority", "h", ":path",
                "http://h/a");
    }

    @Test
    void shouldAcceptConnectWithAuthorityOnlySection8_5() {
        HeaderListCollector c = collect(16_384, false, ":method", "CONNECT", ":authority", "h:443");
        assertNull(c.malformed());
        assertNull(c.request().path());
        assertMalformed("8.5", ":method", "CONNECT", ":authority", "h:443", ":path", "/");
        assertMalformed("8.5", ":method", "CONNECT", ":scheme", "https");
    }

    @Test
    void shouldRequireAuthorityOrHostForHttpSchemesSection8_3_1() {
        assertMalformed("8.3.1", ":method", "GET", ":scheme", "https", ":path", "/");
        HeaderListCollector c = collect(16_384, false, ":method", "GET", ":scheme", "http", ":path", "/", "host",
                "h:80");
        assertNull(c.malformed());
        assertEquals("h:80", c.request().authority());
        assertNull(malformed(":method", "GET", ":scheme", "urn", ":path", "/"));
    }

    @Test
    void shouldRejectHostDifferentFromAuthoritySection8_3_1() {
        assertMalformed("8.3.1", get("host", "other.example"));
        assertNull(malformed(get("host", "example.com")));
    }

    @Test
    void shouldRejectAuthorityWithUserinfoSection8_3_1() {
        assertMalformed("8.3.1", ":method", "GET", ":scheme", "https", ":authority", "user@h", ":path", "/");
    }

    @Test
    void shouldRejectContentLengthNotOneNumberSection8_1_1() {
        assertMalformed("8.1.1", get("content-length", "1a"));
        assertMalformed("8.1.1", get("content-length", ""));
        assertMalformed("8.1.1", get("content-length", "-1"));
        assertMalformed("8.1.1", get("content-length", "1234567890123456789"));
        assertMalformed("8.1.1", get("content-length", "1", "content-length", "2"));
        HeaderListCollector c = collect(16_384, false, get("content-length", "12", "content-length", "12"));
        assertNull(c.malformed());
        assertEquals(12, c.request().contentLength());
    }

    @Test
    void shouldJoinCookieFieldsSection8_2_3() {
        RequestHeaders r = collect(16_384, false, get("cookie", "a=1", "x", "y", "cookie", "herald_token=t")).request();
        assertEquals("a=1; herald_token=t", r.value("cookie"));
        assertEquals(2, r.fieldCount());
    }

    /** RFC 7541 section 4.1 sizes: name + value + 32 per field, pseudo-header fields included. */
    @Test
    void shouldCountListSizeLikeSettingsMaxHeaderListSize() {
        int size = 0;
        for (int i = 0; i < GET.length; i += 2) {
            size += GET[i].length() + GET[i + 1].length() + 32;
        }
        String[] fields = get("x", "0123456789");
        int exact = size + 1 + 10 + 32;
        assertFalse(collect(exact, false, fields).tooLarge());
        HeaderListCollector over = collect(exact - 1, false, fields);
        assertTrue(over.tooLarge());
        assertNull(over.malformed(), "nothing judged past the limit");
    }

    @Test
    void shouldKeepNoFieldsPastTheLimit() {
        HeaderListCollector c = new HeaderListCollector(200);
        c.reset(false);
        for (int i = 0; i < 100_000; i++) {
            c.field("x", "y");
        }
        assertTrue(c.tooLarge());
        c.reset(false);
        for (int i = 0; i < GET.length; i += 2) {
            c.field(GET[i], GET[i + 1]);
        }
        c.finish();
        assertFalse(c.tooLarge(), "reset for the next block");
        assertEquals(0, c.request().fieldCount());
    }

    @Test
    void shouldNeverEchoFieldBytesInReasons() {
        String marker = "Xq7Zmarker";
        String[][] cases = {
            get(marker.toUpperCase(), "v"), get("x", marker + "\r"), get(":" + marker, "v"),
            get("connection", marker), get("te", marker), get("content-length", marker),
            {":method", marker + " ", ":scheme", "https", ":authority", "h", ":path", "/"},
            {":method", "GET", ":scheme", "https", ":authority", marker + "@h", ":path", "/"},
        };
        for (String[] fields : cases) {
            String reason = malformed(fields);
            assertTrue(reason != null && !reason.contains("q7Z"), "reason=" + reason);
        }
    }
}
