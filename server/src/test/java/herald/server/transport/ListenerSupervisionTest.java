package herald.server.transport;

import herald.server.health.Supervisor;
import herald.server.metrics.Metrics;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The accept thread survives running out of memory and reports any other failure instead of dying silently. */
class ListenerSupervisionTest {

    @Test
    void shouldSurviveOutOfMemoryInTheAcceptLoopReleaseTheSlotAndReportDegraded() throws Exception {
        Supervisor supervisor = new Supervisor(failure -> { });
        Metrics metrics = new Metrics();
        ConnectionLimiter limiter = new ConnectionLimiter(10, metrics);
        PeerLimits peers = new PeerLimits(10, 0, new ForwardedClients(Networks.NONE), System.nanoTime());
        AtomicInteger calls = new AtomicInteger();
        CountDownLatch served = new CountDownLatch(1);
        try (Listener listener = new Listener(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16,
                limiter, peers, metrics, supervisor, false, (channel, permit) -> {
                    if (calls.incrementAndGet() == 1) {
                        throw new OutOfMemoryError("Java heap space");
                    }
                    return () -> {
                        served.countDown();
                        permit.release();
                    };
                })) {
            try (Socket first = new Socket(InetAddress.getLoopbackAddress(), listener.port());
                 Socket second = new Socket(InetAddress.getLoopbackAddress(), listener.port())) {
                assertTrue(served.await(5, TimeUnit.SECONDS), "the next connection is served");
                assertEquals(Supervisor.State.DEGRADED, supervisor.state());
                first.setSoTimeout(5_000);
                assertEquals(-1, first.getInputStream().read(), "the failed connection is closed");
            }
            assertTrue(waitFor(() -> limiter.open() == 0), "no slot lost: open=" + limiter.open());
            assertTrue(waitFor(() -> peers.addressesCounted() == 0), "no address count lost");
        }
    }

    @Test
    void shouldReportAnyOtherErrorAsFatalInsteadOfEndingTheThreadSilently() throws Exception {
        CountDownLatch fatal = new CountDownLatch(1);
        Supervisor supervisor = new Supervisor(failure -> fatal.countDown());
        Metrics metrics = new Metrics();
        try (Listener listener = new Listener(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16,
                new ConnectionLimiter(10, metrics), new PeerLimits(0, 0, new ForwardedClients(Networks.NONE), 0L),
                metrics, supervisor, false, (channel, permit) -> {
                    throw new InternalError("broken");
                });
             Socket socket = new Socket(InetAddress.getLoopbackAddress(), listener.port())) {
            assertTrue(fatal.await(5, TimeUnit.SECONDS), "the fatal action ran");
            assertEquals(Supervisor.State.FAILED, supervisor.state());
        }
    }

    private static boolean waitFor(java.util.function.BooleanSupplier condition) throws InterruptedException {
        for (int i = 0; i < 500 && !condition.getAsBoolean(); i++) {
            Thread.sleep(10);
        }
        return condition.getAsBoolean();
    }
}
