package herald.server;

import java.time.Duration;
import java.util.function.UnaryOperator;

/** Starts Herald on a free loopback port for a test. */
final class TestServer {
    private TestServer() {
    }

    static Herald start() {
        return start(b -> b);
    }

    /**
     * Starts a server configured by {@code configure}, with the per-client limits off unless it sets them: the
     * tests' clients all come from one address.
     */
    static Herald start(UnaryOperator<Herald.Builder> configure) {
        Herald.Builder builder = Herald.builder().host("127.0.0.1").port(0).retry(Duration.ofMillis(500))
                .abuseLimits(AbuseLimits.off());
        return configure.apply(builder).start();
    }

    /** Polls {@code condition} every 10 ms until it holds or {@code timeout} passes. */
    static boolean eventually(Duration timeout, java.util.function.BooleanSupplier condition)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return true;
            }
            Thread.sleep(10);
        }
        return condition.getAsBoolean();
    }
}
