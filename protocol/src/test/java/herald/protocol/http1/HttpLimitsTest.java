package herald.protocol.http1;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

final class HttpLimitsTest {

    @Test
    void shouldHaveDocumentedDefaults() {
        HttpLimits limits = HttpLimits.DEFAULTS;
        assertEquals(8_192, limits.maxRequestLineBytes());
        assertEquals(16_384, limits.maxHeaderBytes());
        assertEquals(100, limits.maxHeaderCount());
        assertEquals(1_048_576, limits.maxBodyBytes());
        assertEquals(1_024, limits.maxChunkExtensionBytes());
        assertEquals(4_096, limits.maxTrailerBytes());
    }

    @Test
    void shouldCopyWithOneLimitChanged() {
        HttpLimits d = HttpLimits.DEFAULTS;
        assertEquals(new HttpLimits(1, 16_384, 100, 1_048_576, 1_024, 4_096), d.withMaxRequestLineBytes(1));
        assertEquals(new HttpLimits(8_192, 2, 100, 1_048_576, 1_024, 4_096), d.withMaxHeaderBytes(2));
        assertEquals(new HttpLimits(8_192, 16_384, 3, 1_048_576, 1_024, 4_096), d.withMaxHeaderCount(3));
        assertEquals(new HttpLimits(8_192, 16_384, 100, 4, 1_024, 4_096), d.withMaxBodyBytes(4));
        assertEquals(new HttpLimits(8_192, 16_384, 100, 1_048_576, 5, 4_096), d.withMaxChunkExtensionBytes(5));
        assertEquals(new HttpLimits(8_192, 16_384, 100, 1_048_576, 1_024, 6), d.withMaxTrailerBytes(6));
    }

    @Test
    void shouldAllowZeroForOptionalParts() {
        HttpLimits limits = HttpLimits.DEFAULTS.withMaxBodyBytes(0).withMaxChunkExtensionBytes(0)
                .withMaxTrailerBytes(0);
        assertEquals(0, limits.maxBodyBytes());
        assertEquals(Long.MAX_VALUE, HttpLimits.DEFAULTS.withMaxBodyBytes(Long.MAX_VALUE).maxBodyBytes());
    }

    @Test
    void shouldRejectOutOfRangeValuesNamingThem() {
        assertMessage("maxRequestLineBytes=0", () -> HttpLimits.DEFAULTS.withMaxRequestLineBytes(0));
        assertMessage("maxRequestLineBytes=268435457",
                () -> HttpLimits.DEFAULTS.withMaxRequestLineBytes(HttpLimits.MAX_SECTION_BYTES + 1));
        assertMessage("maxHeaderBytes=-1", () -> HttpLimits.DEFAULTS.withMaxHeaderBytes(-1));
        assertMessage("maxHeaderCount=0", () -> HttpLimits.DEFAULTS.withMaxHeaderCount(0));
        assertMessage("maxHeaderCount=1048577",
                () -> HttpLimits.DEFAULTS.withMaxHeaderCount(HttpLimits.MAX_FIELD_COUNT + 1));
        assertMessage("maxBodyBytes=-1", () -> HttpLimits.DEFAULTS.withMaxBodyBytes(-1));
        assertMessage("maxChunkExtensionBytes=-1", () -> HttpLimits.DEFAULTS.withMaxChunkExtensionBytes(-1));
        assertMessage("maxTrailerBytes=-5", () -> HttpLimits.DEFAULTS.withMaxTrailerBytes(-5));
    }

    private static void assertMessage(String expected, org.junit.jupiter.api.function.Executable executable) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, executable);
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    @Test
    void shouldParseWithLargestLimits() {
        HttpLimits max = new HttpLimits(HttpLimits.MAX_SECTION_BYTES, HttpLimits.MAX_SECTION_BYTES,
                HttpLimits.MAX_FIELD_COUNT, Long.MAX_VALUE, HttpLimits.MAX_SECTION_BYTES, HttpLimits.MAX_SECTION_BYTES);
        assertEquals("/", Requests.parse("GET / HTTP/1.1\r\nHost: h\r\n\r\n", max).path());
    }
}
