package herald.server.transport;

import herald.server.exchange.Client;
import herald.server.exchange.Permit;
import herald.server.metrics.Metrics;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

class ConnectionLimiterTest {
    private static final Client CLIENT = Client.of(InetAddress.getLoopbackAddress());

    @Test
    void shouldHandOutPermitsUpToTheLimitEachCarryingItsClient() {
        ConnectionLimiter limiter = new ConnectionLimiter(2, new Metrics());
        Permit first = limiter.tryAcquire(CLIENT);
        assertNotNull(first);
        assertSame(CLIENT, first.client());
        assertNotNull(limiter.tryAcquire(CLIENT));
        assertNull(limiter.tryAcquire(CLIENT), "over maxConnections");
        first.release();
        assertNotNull(limiter.tryAcquire(CLIENT), "a released slot is free again");
    }

    @Test
    void shouldReleaseAPermitsSlotOnceHoweverOftenItIsReleased() {
        ConnectionLimiter limiter = new ConnectionLimiter(3, new Metrics());
        Permit permit = limiter.tryAcquire(CLIENT);
        limiter.tryAcquire(CLIENT);
        permit.release();
        permit.release();                       // the connection and the stream may both try
        assertEquals(1, limiter.open());
    }
}
