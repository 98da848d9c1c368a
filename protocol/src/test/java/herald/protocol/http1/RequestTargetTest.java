package herald.protocol.http1;

import static herald.protocol.http1.Requests.assertStatus;
import static herald.protocol.http1.Requests.parse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Request-target forms (RFC 9112 §3.2), path decoding and normalization, the raw query. */
final class RequestTargetTest {

    private static RequestHead get(String target) {
        return parse("GET " + target + " HTTP/1.1\r\nHost: h\r\n\r\n");
    }

    private static void assertTargetStatus(int status, String reason, String target) {
        assertStatus(status, reason, "GET " + target + " HTTP/1.1\r\nHost: h\r\n\r\n");
    }

    @Test
    void shouldParseOriginFormWithQuery() {
        RequestHead head = get("/events?topic=a&topic=b");
        assertEquals("/events?topic=a&topic=b", head.target());
        assertEquals("/events", head.rawPath());
        assertEquals("/events", head.path());
        assertEquals("topic=a&topic=b", head.rawQuery());
        assertEquals(java.util.List.of("a", "b"), head.queryParams().all("topic"));
    }

    @Test
    void shouldReturnNullRawQueryWithoutQuestionMark() {
        RequestHead head = get("/topics/a");
        assertNull(head.rawQuery());
        assertSame(QueryParams.EMPTY, head.queryParams());
    }

    @Test
    void shouldReturnEmptyRawQueryAfterBareQuestionMark() {
        RequestHead head = get("/topics/a?");
        assertEquals("", head.rawQuery());
        assertEquals("/topics/a", head.path());
        assertSame(QueryParams.EMPTY, head.queryParams());
    }

    @Test
    void shouldKeepQuestionMarksAndSlashesInQuery() {
        RequestHead head = get("/a?b=/c?d");
        assertEquals("/a", head.path());
        assertEquals("b=/c?d", head.rawQuery());
    }

    @Test
    void shouldAcceptEveryPcharInPathAndQuery() {
        String pchars = "/AZaz09-._~!$&'()*+,;=:@";
        RequestHead head = get(pchars + "?" + pchars + "?");
        assertEquals(pchars, head.path());
        assertEquals(pchars + "?", head.rawQuery());
    }

    @Test
    void shouldReturnRawPathAsPathWhenNothingToDecode() {
        RequestHead head = get("/topics/users/42");
        assertSame(head.path(), head.rawPath());
    }

    @Test
    void shouldKeepDotsThatAreNotSegments() {
        assertEquals("/favicon.ico", get("/favicon.ico").path());
        assertEquals("/.well-known/x", get("/.well-known/x").path());
        assertEquals("/a/...", get("/a/...").path());
        assertEquals("/a/..b/.c", get("/a/..b/.c").path());
    }

    @ParameterizedTest
    @CsvSource({
        "/a/./b/../c,        /a/c",
        "/a/b/c/./../../g,   /a/g",
        "/a/b/..,            /a/",
        "/a/b/.,             /a/b/",
        "/a/..,              /",
        "/.,                 /",
        "/./,                /",
        "/a/../b,            /b",
        "/a//../b,           /a/b",
        "//a,                //a",
        "/a/,                /a/",
        "/,                  /",
        "/a/%2e/b,           /a/b",
        "/a/%2E%2e/b,        /b",
        "/a/.%2E,            /",
        "/a/./b/,            /a/b/",
        "/x%41/,             /xA/",
        "/users%2F,          /users/",
    })
    void shouldRemoveDotSegments(String raw, String normalized) {
        RequestHead head = get(raw);
        assertEquals(normalized, head.path());
        assertEquals(raw, head.rawPath());
    }

    @ParameterizedTest
    @ValueSource(strings = {"/..", "/../", "/a/../..", "/a/../../b", "/./..", "/%2e%2e", "/%2E%2E/x", "/.%2e",
        "/a/b/../../..", "/a%2F..%2F..", "/..%2Fetc"})
    void shouldRejectDotDotEscapingRoot(String raw) {
        assertTargetStatus(400, "request path escapes the root with a dot-dot segment", raw);
    }

    @Test
    void shouldPercentDecodePathAsUtf8() {
        RequestHead head = get("/topics/caf%C3%A9%20bar");
        assertEquals("/topics/café bar", head.path());
        assertEquals("/topics/caf%C3%A9%20bar", head.rawPath());
    }

    @Test
    void shouldDecodeEncodedSlashAsSegmentSeparator() {
        assertEquals("/topics/users/42", get("/topics/users%2F42").path());
        assertEquals("/topics/users%2F42", get("/topics/users%2F42").rawPath());
        assertEquals("/b", get("/a%2F..%2Fb").path());
    }

    @Test
    void shouldDecodePathWhenQueryFollows() {
        RequestHead head = get("/a%20b/./c?x=%41");
        assertEquals("/a b/c", head.path());
        assertEquals("/a%20b/./c", head.rawPath());
        assertEquals("x=%41", head.rawQuery());
        assertEquals("/a/c", get("/a/./c?x").path());
    }

    @Test
    void shouldNotTreatPlusAsSpaceInPath() {
        assertEquals("/a+b", get("/a+b").path());
    }

    @ParameterizedTest
    @ValueSource(strings = {"/%zz", "/a%g0", "/%0g", "/%%41", "/a?x=%zz"})
    void shouldRejectBadPercentEncodingWith400(String raw) {
        assertTargetStatus(400, "malformed percent-encoding in request-target", raw);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/%4", "/a%", "/a?x=%4", "/a?x=%", "/a%?x", "/a%4?x%41"})
    void shouldRejectTruncatedPercentEncodingWith400(String raw) {
        assertTargetStatus(400, "truncated percent-encoding in request-target", raw);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/%00", "/a%0Ab", "/a%0d%0a", "/%1f", "/%7F", "/%09"})
    void shouldRejectEncodedControlCharacterInPathWith400(String raw) {
        assertTargetStatus(400, "request path encodes a control character", raw);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/%C3", "/%C3%28", "/%80", "/%C0%AF", "/%E0%80%AF", "/%ED%A0%80", "/%F4%90%80%80",
        "/%FF", "/%F0%9F%98"})
    void shouldRejectInvalidUtf8InPathWith400(String raw) {
        assertTargetStatus(400, "request path is not valid UTF-8 after percent-decoding", raw);
    }

    @Test
    void shouldAcceptFourByteUtf8InPath() {
        assertEquals("/\uD83D\uDE00", get("/%F0%9F%98%80").path());
    }

    @Test
    void shouldNotValidateUtf8OfQueryUntilDecoded() {
        RequestHead head = get("/a?x=%FF");
        assertEquals("x=%FF", head.rawQuery());
        assertEquals(400, org.junit.jupiter.api.Assertions.assertThrows(HttpException.class, head::queryParams)
                .status());
    }

    @Test
    void shouldRejectFragmentWith400() {
        assertTargetStatus(400, "request-target has a fragment", "/a#frag");
        assertTargetStatus(400, "request-target has a fragment", "/a?b#frag");
        assertTargetStatus(400, "request-target has a fragment", "http://h/a#frag");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/a\"b", "/a<b", "/a>b", "/a\\b", "/a^b", "/a`b", "/a{b", "/a|b", "/a}b",
        "/a[b", "/a]b", "/a\u00e9", "/a?b=\u00ff", "/a\u007fb", "/a\u0001b", "/a?\""})
    void shouldRejectCharacterOutsideTargetSyntaxWith400(String raw) {
        assertTargetStatus(400, "request-target contains a character outside its syntax", raw);
    }

    @Test
    void shouldRejectSpaceInTargetAsMalformedVersionWith400() {
        assertTargetStatus(400, "HTTP-version is not HTTP/DIGIT.DIGIT", "/a b");      // "/a" then version "b HTTP/1.1"
    }

    @ParameterizedTest
    @ValueSource(strings = {"a/b", "%2F", "-", "?a", "@host"})
    void shouldRejectTargetOfNoFormWith400(String raw) {
        assertTargetStatus(400, "request-target is not origin-form, absolute-form or asterisk-form", raw);
    }

    @Test
    void shouldAcceptAsteriskFormWithOptions() {
        RequestHead head = parse("OPTIONS * HTTP/1.1\r\nHost: h\r\n\r\n");
        assertEquals("*", head.target());
        assertEquals("*", head.path());
        assertEquals("*", head.rawPath());
        assertNull(head.rawQuery());
    }

    @ParameterizedTest
    @ValueSource(strings = {"GET", "POST", "HEAD", "DELETE", "BREW"})
    void shouldRejectAsteriskFormWithOtherMethodsWith400(String method) {
        assertStatus(400, "asterisk-form request-target is only allowed with OPTIONS", method + " * HTTP/1.1\r\nHost: h\r\n\r\n");
    }

    @Test
    void shouldAnswerTheHttp2PrefaceRequestLineWith505LikeAnyHttp2RequestLine() {
        String reason = HttpException.versionNotSupported().getMessage();
        assertStatus(505, reason, "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");
        assertStatus(505, reason, "GET * HTTP/2.0\r\nHost: h\r\n\r\n");
        assertStatus(505, reason, "GET / HTTP/2.0\r\nHost: h\r\n\r\n");
        assertStatus(400, "HTTP-version is not HTTP/DIGIT.DIGIT", "PRI * HTTP/2\r\n\r\n");
    }

    @Test
    void shouldRejectAsteriskFollowedByMoreWith400() {
        assertStatus(400, "request-target contains a character outside its syntax", "OPTIONS *x HTTP/1.1\r\nHost: h\r\n\r\n");
        assertStatus(400, "request-target contains a character outside its syntax", "OPTIONS */ HTTP/1.1\r\nHost: h\r\n\r\n");
    }

    @Test
    void shouldRejectAuthorityFormWithoutConnectWith400() {
        assertTargetStatus(400, "request-target is not origin-form, absolute-form or asterisk-form", "herald.example.com:443");
        assertStatus(400, "request-target is not origin-form, absolute-form or asterisk-form", "OPTIONS herald.example.com:443 HTTP/1.1\r\nHost: h\r\n\r\n");
    }

    @Test
    void shouldParseAbsoluteFormAndPreferItsAuthorityOverHost() {
        RequestHead head = parse("GET http://herald.example.com:8080/topics/a?x=1 HTTP/1.1\r\nHost: other\r\n\r\n");
        assertEquals("herald.example.com:8080", head.authority());
        assertEquals("other", head.header("Host"));
        assertEquals("/topics/a", head.path());
        assertEquals("/topics/a", head.rawPath());
        assertEquals("x=1", head.rawQuery());
        assertEquals("http://herald.example.com:8080/topics/a?x=1", head.target());
    }

    @ParameterizedTest
    @ValueSource(strings = {"http", "https", "HTTP", "HtTpS"})
    void shouldAcceptHttpAndHttpsSchemesCaseInsensitively(String scheme) {
        assertEquals("h", get(scheme + "://h/x").authority());
    }

    @Test
    void shouldNormalizeEmptyAbsoluteFormPathToSlash() {
        RequestHead head = get("http://h");
        assertEquals("/", head.path());
        assertEquals("/", head.rawPath());
        assertNull(head.rawQuery());
        RequestHead withQuery = get("http://h?a=1");
        assertEquals("/", withQuery.path());
        assertEquals("a=1", withQuery.rawQuery());
    }

    @Test
    void shouldDecodeAndNormalizeAbsoluteFormPath() {
        assertEquals("/b/c d", get("http://h/a/../b/c%20d").path());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "http://[::1]:8080/           | [::1]:8080         | /",
        "http://[2001:db8::7]/x       | [2001:db8::7]      | /x",
        "http://192.0.2.1/a/b         | 192.0.2.1          | /a/b",
        "http://h:/                   | h:                 | /",
        "http://%41bc/                | %41bc              | /",
        "http://x%41/                 | x%41               | /",
        "http://a%30%0Ab/             | a%30%0Ab           | /",
        "http://[::]/                 | [::]               | /",
        "http://[v1.fe:80]/           | [v1.fe:80]         | /",
        "http://[::1.2.3.4]/          | [::1.2.3.4]        | /",
        "https://a-b.c_d~e!$&'()*+,;=/ | a-b.c_d~e!$&'()*+,;= | /"})
    void shouldAcceptValidAbsoluteFormAuthorities(String target, String authority, String path) {
        RequestHead head = get(target);
        assertEquals(authority, head.authority());
        assertEquals(path, head.path());
        assertEquals(target, head.target());
        assertNull(head.rawQuery());
    }

    static Stream<Arguments> invalidAbsoluteForms() {
        String scheme = "absolute-form request-target scheme is not http or https";
        String form = "request-target is not origin-form, absolute-form or asterisk-form";
        String host = "request-target authority is not a valid host";
        String userinfo = "request-target authority has userinfo";
        return Stream.of(
                Arguments.of("ftp://h/", scheme), Arguments.of("ws://h/", scheme), Arguments.of("httpx://h/", scheme),
                Arguments.of("http:/h/", form), Arguments.of("http:h/", form), Arguments.of("1http://h/", form),
                Arguments.of("http:///a", host), Arguments.of("http://:80/", host), Arguments.of("http://[::1/", host),
                Arguments.of("http://[1::2::3]/", host), Arguments.of("http://h:8a/", host),
                Arguments.of("http://%zz/", host), Arguments.of("http://[]/", host), Arguments.of("http://h]/", host),
                Arguments.of("http://user@h/", userinfo), Arguments.of("http://user:pw@h/", userinfo),
                Arguments.of("http://h h/", "HTTP-version is not HTTP/DIGIT.DIGIT"),   // the SP ends the target
                Arguments.of("http://h\"/", "request-target contains a character outside its syntax"));
    }

    @ParameterizedTest
    @MethodSource("invalidAbsoluteForms")
    void shouldRejectInvalidAbsoluteFormWith400(String target, String reason) {
        assertTargetStatus(400, reason, target);
    }

    @Test
    void shouldRejectEmptyTargetWith400() {
        assertStatus(400, "request-target is not origin-form, absolute-form or asterisk-form", "GET  HTTP/1.1\r\nHost: h\r\n\r\n");
    }
}
