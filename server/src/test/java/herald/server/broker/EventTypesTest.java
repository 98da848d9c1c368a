package herald.server.broker;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class EventTypesTest {
    @ParameterizedTest
    @ValueSource(strings = {"update", "Herald-Gap", "HERALD-shutdown", "my-herald-gap", "herald", "heraldgap", "ü"})
    void shouldAcceptOrdinaryTypesAndOtherCasesOfTheReservedPrefix(String type) {
        assertArrayEquals(type.getBytes(StandardCharsets.UTF_8), EventTypes.encode(type));
    }

    @ParameterizedTest
    @ValueSource(strings = {"herald-gap", "herald-shutdown", "herald-", "herald-anything else"})
    void shouldRefuseTypesWithTheReservedPrefix(String type) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> EventTypes.encode(type));
        assertEquals("event types starting with herald- are Herald's own", e.getMessage());
    }

    @Test
    void shouldRefuseEmptyLineBreakingAndOverlongTypes() {
        assertThrows(IllegalArgumentException.class, () -> EventTypes.encode(""));
        assertThrows(IllegalArgumentException.class, () -> EventTypes.encode("a\nb"));
        assertThrows(IllegalArgumentException.class, () -> EventTypes.encode("t".repeat(EventTypes.MAX_BYTES + 1)));
        assertEquals(EventTypes.MAX_BYTES, EventTypes.encode("t".repeat(EventTypes.MAX_BYTES)).length);
    }
}
