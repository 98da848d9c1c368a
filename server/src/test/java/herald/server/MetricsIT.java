package herald.server;

import org.junit.jupiter.api.Test;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code GET /metrics} on a live server with the dashboard's stats stream open and real traffic: valid for
 * {@code promtool check metrics} when promtool is on the PATH (Debian package {@code prometheus}), and always for
 * {@link PrometheusText}; the delivery latency histogram, JVM and process figures are there; Herald's own
 * {@code _herald/stats} counts in no user-facing figure.
 */
class MetricsIT {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @Test
    void shouldServeValidMetricsWithoutHeraldsOwnStream() throws Exception {
        try (Herald herald = TestServer.start();
             SseClient dashboard = SseClient.open(herald.port(), "/topics/_herald/stats")) {
            List<SseClient> subscribers = new ArrayList<>();
            try {
                for (int i = 0; i < 3; i++) {
                    subscribers.add(SseClient.open(herald.port(), "/topics/orders"));
                }
                assertTrue(TestServer.eventually(WAIT, () -> herald.subscribers("orders") == 3));
                for (int i = 0; i < 100; i++) {
                    TestHttp.publish(herald.port(), "orders", "order-" + i);
                }
                for (SseClient subscriber : subscribers) {
                    subscriber.take(100, WAIT);
                }
                dashboard.take(2, WAIT);                    // two seconds of Herald's own stats went out
                TestHttp.Response response = TestHttp.request(herald.port(), "GET", "/metrics", null);
                assertEquals(200, response.status());
                String text = response.body();
                PrometheusText metrics = PrometheusText.parse(text);
                promtool(text);

                assertEquals(100, metrics.value("herald_events_published_total"), "the stats events not counted");
                assertEquals(300, metrics.value("herald_events_delivered_total"), "the stats stream not counted");
                assertEquals(1, metrics.value("herald_topics"), "_herald/stats is no user topic");
                assertEquals("histogram", metrics.types.get("herald_delivery_latency_seconds"));
                double count = metrics.value("herald_delivery_latency_seconds_count");
                assertTrue(count >= 3 && count <= 300, "once per write batch: " + count);
                assertEquals(count, metrics.value("herald_delivery_latency_seconds_bucket{le=\"+Inf\"}"));
                assertTrue(metrics.value("herald_delivery_latency_seconds_bucket{le=\"1\"}") == count,
                        "loopback deliveries take less than a second");
                assertTrue(metrics.value("herald_delivery_latency_seconds_sum") > 0);
                assertTrue(metrics.value("jvm_memory_bytes_used{area=\"heap\"}") > 0);
                assertTrue(metrics.value("jvm_memory_bytes_used{area=\"nonheap\"}") > 0);
                assertTrue(metrics.value("jvm_buffer_pool_used_bytes{pool=\"direct\"}") > 0, "event history");
                assertTrue(metrics.value("jvm_threads_current") > 0);
                assertTrue(metrics.samples.keySet().stream().anyMatch(s -> s.startsWith("jvm_gc_collection_seconds_count{")));
                assertTrue(metrics.value("process_cpu_seconds_total") > 0);
                assertTrue(metrics.value("process_open_fds") >= 5, "the connections at least");
                assertTrue(metrics.value("process_max_fds") > 0);
                if (new File("/proc/self/status").canRead()) {
                    assertTrue(metrics.value("process_resident_memory_bytes") > 10 << 20);
                }
                double start = metrics.value("process_start_time_seconds");
                double now = System.currentTimeMillis() / 1e3;
                assertTrue(start > now - 3_600 && start <= now, "start " + start + " now " + now);
            } finally {
                for (SseClient subscriber : subscribers) {
                    subscriber.close();
                }
            }
        }
    }

    @Test
    void shouldRefuseMalformedExpositionText() {
        PrometheusText.parse("# HELP a_total A\n# TYPE a_total counter\na_total 1\n");
        assertThrows(AssertionError.class, () -> PrometheusText.parse("a_total 1\n"));
        assertThrows(AssertionError.class, () -> PrometheusText.parse("# HELP a A\n# TYPE a counter\na 1\n"));
        assertThrows(AssertionError.class, () -> PrometheusText.parse(
                "# HELP h H\n# TYPE h histogram\nh_bucket{le=\"1\"} 5\nh_bucket{le=\"+Inf\"} 4\nh_sum 1\nh_count 4\n"));
        assertThrows(AssertionError.class, () -> PrometheusText.parse(
                "# HELP h H\n# TYPE h histogram\nh_bucket{le=\"1\"} 3\nh_bucket{le=\"+Inf\"} 4\nh_sum 1\nh_count 5\n"));
        assertThrows(AssertionError.class, () -> PrometheusText.parse("# HELP g G\n# TYPE g gauge\ng{a=\"x} 1\n"));
        assertThrows(AssertionError.class, () -> PrometheusText.parse("# HELP g G\n# TYPE g gauge\ng 1\ng 2\n"));
    }

    /** Runs {@code promtool check metrics} on the text when promtool is on the PATH; its lint counts as failure. */
    static void promtool(String text) throws Exception {
        boolean found = false;
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            found |= new File(dir, "promtool").canExecute();
        }
        if (!found) {
            System.out.println("MetricsIT: promtool not on the PATH; checked with PrometheusText only");
            return;
        }
        Process process = new ProcessBuilder("promtool", "check", "metrics").redirectErrorStream(true).start();
        process.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(30, TimeUnit.SECONDS));
        System.out.println("MetricsIT: promtool check metrics: exit " + process.exitValue() + " " + output.strip());
        assertEquals(0, process.exitValue(), "promtool check metrics:\n" + output);
        assertEquals("", output.strip(), "promtool lint");
    }
}
