package herald.protocol.http1;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The one error type: only error statuses, the reason as the message, no stack trace. */
final class HttpExceptionTest {

    @ParameterizedTest
    @ValueSource(ints = {400, 404, 499, 500, 503, 599})
    void shouldAcceptErrorStatuses(int status) {
        HttpException e = HttpException.of(status, "why");
        assertEquals(status, e.status());
        assertEquals("why", e.getMessage());
        assertEquals(-1, e.retryAfterSeconds());
        assertEquals(0, e.getStackTrace().length);
    }

    @ParameterizedTest
    @ValueSource(ints = {429, 503})
    void shouldCarryRetryAfterOn429And503(int status) {
        HttpException e = HttpException.retryLater(status, "busy", 7);
        assertEquals(status, e.status());
        assertEquals("busy", e.getMessage());
        assertEquals(7, e.retryAfterSeconds());
        assertEquals(0, HttpException.retryLater(status, "busy", 0).retryAfterSeconds());
    }

    @ParameterizedTest
    @ValueSource(ints = {428, 430, 500, 502, 504})
    void shouldRefuseRetryAfterOnOtherStatuses(int status) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> HttpException.retryLater(status, "busy", 1));
        assertTrue(e.getMessage().contains("status=" + status), e.getMessage());
    }

    @Test
    void shouldRefuseNegativeRetryAfter() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> HttpException.retryLater(503, "busy", -1));
        assertTrue(e.getMessage().contains("retryAfterSeconds=-1"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(ints = {-1, 0, 200, 204, 399, 600, 999})
    void shouldRejectStatusesOutside400To599(int status) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HttpException.of(status, "x"));
        assertTrue(e.getMessage().contains("status=" + status), e.getMessage());
    }
}
