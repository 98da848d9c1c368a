package herald.server.http;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CorsTest {
    @ParameterizedTest
    @ValueSource(strings = {"https://app.example", "http://localhost:3000", "http://[::1]:8080", "null",
            "chrome-extension://abcdef"})
    void shouldEchoSerializedOrigins(String origin) {
        assertEquals(origin, Cors.allowedOrigin(origin));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "app.example", "https://", "https://a b", "https://a/path", "1http://x",
            "https://a\"b"})
    void shouldNotEchoAnythingElse(String origin) {
        assertNull(Cors.allowedOrigin(origin));
    }

    @ParameterizedTest(name = "{0} on Host {1}")
    @CsvSource({
            "http://127.0.0.1:8080, 127.0.0.1:8080",
            "http://localhost:8080, LocalHost:8080",
            "HTTP://EVENTS.example, events.example",
            "http://h, h:80",
            "http://h:80, h",
            "http://h:80, h:80",
            "https://h, h",
            "https://h:443, h",
            "https://h, h:443",
            "https://h:8443, h:8443",
            "http://h:08080, h:8080",
            "http://[::1]:8080, [::1]:8080",
            "http://[::1], [::1]",
            "http://[::ABCD]:8080, [::abcd]:8080"})
    void shouldTakeTheSameHostAndPortAsTheServersOwnOrigin(String origin, String host) {
        assertTrue(Cors.isSameOrigin(origin, host));
    }

    @ParameterizedTest(name = "{0} on Host {1}")
    @CsvSource({
            "https://evil.example, 127.0.0.1:8080",
            "http://localhost:3000, localhost:8080",
            "http://localhost, localhost:8080",
            "http://localhost:8080, localhost",
            "http://127.0.0.1:8080, localhost:8080",
            "http://h, h:443",
            "https://h, h:80",
            "http://h.example, h",
            "http://h, h.example",
            "http://[::1]:8080, [::1]:8081",
            "http://[::1]:8080, 127.0.0.1:8080",
            "http://[::1]:8080, ::1:8080",
            "http://[::1:8080, [::1:8080",
            "http://[::1]x, [::1]x",
            "http://h:, h:",
            "http://h:99999, h:99999",
            "http://h:8o, h:8o",
            "http://h:1:2, h:1:2",
            "ftp://h, h",
            "chrome-extension://h, h",
            "null, null",
            "http://user@h, user@h",
            "http://h/, h",
            "http://h:8080/path, h:8080",
            "'http://h, h', h",
            "http://, ''",
            "http://h, ''"})
    void shouldTakeAnythingElseAsAnotherOrigin(String origin, String host) {
        assertFalse(Cors.isSameOrigin(origin, host));
    }

    @Test
    void shouldTakeNoOriginOrNoHostAsNotTheServersOwn() {
        assertFalse(Cors.isSameOrigin(null, "h"));
        assertFalse(Cors.isSameOrigin("http://h", null));
    }
}
