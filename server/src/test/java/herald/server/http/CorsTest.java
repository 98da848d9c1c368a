package herald.server.http;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

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
}
