package herald.server;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PublishAccessTest {
    @Test
    void shouldLetOnlyLoopbackClientsPublishByDefault() throws Exception {
        assertTrue(PublishAccess.LOOPBACK.permits(InetAddress.getByName("127.0.0.1")));
        assertTrue(PublishAccess.LOOPBACK.permits(InetAddress.getByName("127.0.0.9")));
        assertTrue(PublishAccess.LOOPBACK.permits(InetAddress.getByName("::1")));
        assertFalse(PublishAccess.LOOPBACK.permits(InetAddress.getByName("10.0.0.1")));
        assertFalse(PublishAccess.LOOPBACK.permits(InetAddress.getByName("192.168.1.20")));
        assertFalse(PublishAccess.LOOPBACK.permits(InetAddress.getByName("2001:db8::1")));
    }

    @Test
    void shouldLetAnyClientPublishWhenOpen() throws Exception {
        assertTrue(PublishAccess.ANY.permits(InetAddress.getByName("10.0.0.1")));
    }
}
