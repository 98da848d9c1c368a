package herald.server.transport;

import herald.protocol.http1.RequestHead;
import herald.protocol.http1.RequestParser;
import herald.protocol.http1.HttpLimits;
import herald.server.exchange.Client;
import herald.server.metrics.Metrics.Rejection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Networks, forwarded clients, per-address counts and rate buckets: no sockets, a fake clock. */
class AbuseLimitsUnitsTest {
    private static final long SECOND = 1_000_000_000L;

    private static InetAddress ip(String text) {
        InetAddress address = Networks.literal(text);
        if (address == null) {
            throw new IllegalArgumentException(text);
        }
        return address;
    }

    // ---- Networks -------------------------------------------------------------------------------------------

    @Test
    void shouldMatchAddressesInsideCidrNetworksOnly() {
        Networks networks = Networks.parse("10.0.0.0/8, 192.168.1.7, 172.16.0.0/12, 2001:db8::/32, 127.0.0.2/31");
        assertTrue(networks.contains(ip("10.255.0.1")));
        assertTrue(networks.contains(ip("192.168.1.7")));
        assertFalse(networks.contains(ip("192.168.1.8")));
        assertTrue(networks.contains(ip("172.31.255.255")));
        assertFalse(networks.contains(ip("172.32.0.0")));
        assertTrue(networks.contains(ip("2001:db8:ffff::1")));
        assertFalse(networks.contains(ip("2001:db9::1")));
        assertTrue(networks.contains(ip("127.0.0.3")));
        assertFalse(networks.contains(ip("127.0.0.4")));
        assertFalse(Networks.NONE.contains(ip("127.0.0.1")));
        assertTrue(Networks.parse("0.0.0.0/0").contains(ip("8.8.8.8")));
        assertFalse(Networks.parse("0.0.0.0/0").contains(ip("::1")), "an IPv4 network never holds IPv6");
    }

    @ParameterizedTest
    @ValueSource(strings = {"10.0.0.0/33", "10.0.0.0/", "10.0.0/8", "example.com", "10.0.0.0/-1", "::1/129",
        "010.0.0.1", "1.2.3.4.5", "fe80::1%eth0"})
    void shouldRefuseWhatIsNoNetworkNamingIt(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Networks.parse(text));
        assertTrue(e.getMessage().endsWith(text), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.1", "0x7f.0.0.1", "1.2.3", "256.0.0.1", "localhost", "", " 1.2.3.4", "1.2.3.4 ",
        "::g", "1:2:3:4:5:6:7:8:9"})
    void shouldReadOnlyStrictIpLiteralsAndNeverAskDns(String text) {
        assertNull(Networks.literal(text));
    }

    // ---- ForwardedClients -----------------------------------------------------------------------------------

    private static final ForwardedClients PROXIES = new ForwardedClients(Networks.parse("127.0.0.1, 10.0.0.0/8"));

    private static RequestHead head(String fields) {
        RequestParser parser = new RequestParser(HttpLimits.DEFAULTS);
        return parser.parse(ByteBuffer.wrap(("GET / HTTP/1.1\r\nHost: h\r\n" + fields + "\r\n")
                .getBytes(StandardCharsets.ISO_8859_1)));
    }

    private static InetAddress resolve(String peer, String fields) {
        return PROXIES.resolve(Client.of(ip(peer)), head(fields)).address();
    }

    @Test
    void shouldTakeTheRightmostUntrustedForwardedAddressFromATrustedPeer() {
        assertEquals(ip("203.0.113.9"), resolve("127.0.0.1", "X-Forwarded-For: 203.0.113.9\r\n"));
        assertEquals(ip("203.0.113.9"), resolve("127.0.0.1",
                "X-Forwarded-For: 6.6.6.6, 203.0.113.9, 10.1.1.1\r\n"), "a client's own left part is not believed");
        assertEquals(ip("203.0.113.9"), resolve("127.0.0.1",
                "X-Forwarded-For: 6.6.6.6\r\nX-Forwarded-For: 203.0.113.9:4711, 10.1.1.1\r\n"), "field lines join");
        assertEquals(ip("2001:db8::1"), resolve("127.0.0.1", "X-Forwarded-For: [2001:db8::1]:443\r\n"));
        assertEquals(ip("10.2.2.2"), resolve("127.0.0.1", "X-Forwarded-For: 10.2.2.2, 10.1.1.1\r\n"),
                "all trusted: the first hop");
    }

    @Test
    void shouldReadForwardedForOnlyWithoutXForwardedFor() {
        assertEquals(ip("2001:db8:cafe::17"), resolve("127.0.0.1",
                "Forwarded: for=6.6.6.6, for=\"[2001:db8:cafe::17]:4711\";proto=https\r\n"));
        assertEquals(ip("198.51.100.1"), resolve("127.0.0.1",
                "Forwarded: for=192.0.2.60;by=10.0.0.1, For=198.51.100.1\r\nX-Forwarded-For: 198.51.100.1\r\n"));
        assertEquals(ip("198.51.100.1"), resolve("127.0.0.1",
                "Forwarded: for=6.6.6.6\r\nX-Forwarded-For: 198.51.100.1\r\n"), "X-Forwarded-For is read first");
    }

    @Test
    void shouldBelieveNothingLeftOfGarbageOrFromAnUntrustedPeer() {
        assertEquals(ip("127.0.0.1"), resolve("127.0.0.1", "X-Forwarded-For: 6.6.6.6, unknown\r\n"));
        assertEquals(ip("10.1.1.1"), resolve("127.0.0.1", "X-Forwarded-For: 6.6.6.6, evil.example, 10.1.1.1\r\n"));
        assertEquals(ip("127.0.0.1"), resolve("127.0.0.1", "Forwarded: for=_hidden\r\n"));
        assertEquals(ip("127.0.0.1"), resolve("127.0.0.1", "X-Forwarded-For: 127.1\r\n"));
        assertEquals(ip("203.0.113.5"), resolve("203.0.113.5", "X-Forwarded-For: 6.6.6.6\r\n"));
        assertEquals(ip("203.0.113.5"), resolve("203.0.113.5", "Forwarded: for=6.6.6.6\r\n"));
        Client peer = Client.of(ip("127.0.0.1"));
        assertSame(peer, PROXIES.resolve(peer, head("")), "no field: the peer itself");
    }

    // ---- AddressCounts --------------------------------------------------------------------------------------

    @Test
    void shouldCountConnectionsPerAddressAndForgetAnAddressAtZero() {
        AddressCounts counts = new AddressCounts(2);
        InetAddress a = ip("127.0.0.2");
        InetAddress b = ip("127.0.0.3");
        assertTrue(counts.tryAcquire(a));
        assertTrue(counts.tryAcquire(a));
        assertFalse(counts.tryAcquire(a), "over maxPerAddress");
        assertTrue(counts.tryAcquire(b), "another address has its own count");
        assertEquals(2, counts.addresses());
        counts.release(a);
        assertTrue(counts.tryAcquire(a));
        counts.release(a);
        counts.release(a);
        counts.release(b);
        assertEquals(0, counts.addresses(), "no entry is left behind");
        assertTrue(counts.tryAcquire(a), "a retired entry is replaced by a fresh one");
        assertEquals(1, counts.open(a));
    }

    @Test
    void shouldKeepCountsExactUnderConcurrentAcquireAndRelease() throws Exception {
        AddressCounts counts = new AddressCounts(3);
        InetAddress a = ip("127.0.0.2");
        Thread[] threads = new Thread[4];
        java.util.concurrent.atomic.AtomicInteger overLimit = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger held = new java.util.concurrent.atomic.AtomicInteger();
        for (int t = 0; t < threads.length; t++) {
            threads[t] = Thread.ofPlatform().start(() -> {
                for (int i = 0; i < 50_000; i++) {
                    if (counts.tryAcquire(a)) {
                        if (held.incrementAndGet() > 3) {
                            overLimit.incrementAndGet();
                        }
                        held.decrementAndGet();
                        counts.release(a);
                    }
                }
            });
        }
        for (Thread thread : threads) {
            thread.join(30_000);
        }
        assertEquals(0, overLimit.get());
        assertEquals(0, counts.addresses());
    }

    // ---- RateLimiter ----------------------------------------------------------------------------------------

    @Test
    void shouldGrantABurstOfRateThenOneTokenPerInterval() {
        long t = 42 * SECOND;
        RateLimiter<String> rate = new RateLimiter<>(10, t);
        for (int i = 0; i < 10; i++) {
            assertTrue(rate.tryTake("a", t), "burst token " + i);
        }
        assertFalse(rate.tryTake("a", t), "the burst is 10");
        assertTrue(rate.tryTake("b", t), "another key has its own bucket");
        assertFalse(rate.tryTake("a", t + SECOND / 10 - 1));
        assertTrue(rate.tryTake("a", t + SECOND / 10), "one token per 100 ms");
        assertFalse(rate.tryTake("a", t + SECOND / 10));
        int granted = 0;
        for (int ms = 1; ms <= 1_000; ms++) {                    // the next second, asked every millisecond
            granted += rate.tryTake("a", t + SECOND / 10 + ms * (SECOND / 1_000)) ? 1 : 0;
        }
        assertEquals(10, granted, "10 a second, however often it is asked");
    }

    @Test
    void shouldDropBucketsThatRefilledSoMemoryFollowsOnlyRecentKeys() {
        long t = -5 * SECOND;                       // nanoTime may be negative
        RateLimiter<Integer> rate = new RateLimiter<>(50, t);
        for (int key = 0; key < 10_000; key++) {
            assertTrue(rate.tryTake(key, t));
        }
        assertEquals(10_000, rate.keys());
        assertTrue(rate.tryTake(-1, t + 2 * SECOND), "the first take after a second sweeps");
        assertEquals(1, rate.keys(), "only the key seen since is left");
    }

    // ---- PeerLimits -----------------------------------------------------------------------------------------

    @Test
    void shouldRefuseOverTheConnectRateThenOverTheCountAndExemptTrustedProxies() {
        long t = 7 * SECOND;
        PeerLimits peers = new PeerLimits(3, 5, new ForwardedClients(Networks.parse("127.0.0.9")), t);
        InetAddress a = ip("127.0.0.2");
        for (int i = 0; i < 3; i++) {
            assertNull(peers.admit(a, peers.counts(a), t));
        }
        assertEquals(Rejection.MAX_CONNECTIONS_PER_IP, peers.admit(a, true, t));
        assertEquals(Rejection.MAX_CONNECTIONS_PER_IP, peers.admit(a, true, t));
        assertEquals(Rejection.CONNECT_RATE, peers.admit(a, true, t), "the sixth in the same second");
        peers.release(a);
        assertEquals(Rejection.CONNECT_RATE, peers.admit(a, true, t));
        assertNull(peers.admit(a, true, t + SECOND), "a slot and a token again");
        InetAddress proxy = ip("127.0.0.9");
        assertFalse(peers.counts(proxy));
        for (int i = 0; i < 100; i++) {
            assertNull(peers.admit(proxy, false, t), "a trusted proxy is held to neither limit");
        }
    }
}
