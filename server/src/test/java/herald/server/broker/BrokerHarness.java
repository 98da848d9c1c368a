package herald.server.broker;

import herald.protocol.sse.SseListener;
import herald.protocol.sse.SseStreamParser;
import herald.server.health.Supervisor;
import herald.server.Overload;
import herald.server.Retention;
import herald.server.metrics.Metrics;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A {@link Broker} with no dispatcher threads, driven from the test's thread: publishes queue shards, attaches
 * queue subscribers, and {@link #runQueued} runs them with the test's own {@link DeliveryScratch}. The heartbeat
 * timer never marks anything (an hour); a test sets {@link Subscriber#heartbeatDue} as the timer would.
 * Publishes to the stream's topics in turn; the data of the n-th event of topic t is {@code t-n} (its sequence),
 * optionally followed by {@code |} and padding.
 */
final class BrokerHarness implements AutoCloseable {
    final Metrics metrics = new Metrics();
    final EventIds ids = new EventIds(1_700_000_000_000L);
    final Broker broker;
    final List<String> topics;
    private final DeliveryScratch scratch = new DeliveryScratch(metrics);
    private final Map<String, Integer> published = new HashMap<>();
    private int publishes;

    BrokerHarness(List<String> topics, Retention retention) throws IOException {
        this(topics, retention, Duration.ZERO);
    }

    /** @param drainTimeout how long the broker's close waits for streams to drain (and for the test to run them) */
    BrokerHarness(List<String> topics, Retention retention, Duration drainTimeout) throws IOException {
        this(topics, retention, drainTimeout, Overload.DEFAULTS);
    }

    /** @param overload when publishes are pushed back (the defaults: 100 ms, 10 %) */
    BrokerHarness(List<String> topics, Retention retention, Duration drainTimeout, Overload overload)
            throws IOException {
        this.topics = topics;
        Broker.Settings settings = new Broker.Settings(retention, Duration.ofHours(1), -1, 1, 1, 100, 100, 8,
                Duration.ZERO, 1_000, 1L << 30, drainTimeout, 5_000, overload.publishWait(), overload.fraction());
        this.broker = new Broker(settings, metrics, ids, new Supervisor(failure -> { }), 0);
    }

    /**
     * Publishes {@code count} events, to the stream's topics in turn, each with {@code padding} extra data bytes; a
     * refused publish (its exception passes) is not counted.
     */
    void publish(int count, int padding) {
        for (int i = 0; i < count; i++) {
            String topic = topics.get(publishes % topics.size());
            int n = published.getOrDefault(topic, 0) + 1;
            String data = topic + "-" + n + (padding > 0 ? "|" + ".".repeat(padding) : "");
            byte[] bytes = data.getBytes(StandardCharsets.UTF_8);
            broker.publish(topic, null, bytes, 0, bytes.length, -1);   // counted once accepted: it may be refused
            publishes++;
            published.put(topic, n);
        }
    }

    void publish(int count) {
        publish(count, 0);
    }

    /** Subscribes to every topic from its first event and attaches {@code sink}; the subscriber is queued. */
    FakeSink attachFromStart(FakeSink sink) {
        Subscription subscription = broker.subscribe(topics, ids.format(new long[topics.size()]));
        broker.attach(subscription, sink);
        return sink;
    }

    /** Runs the queued dispatcher tasks (shards, subscribers) on this thread until none is left. */
    void runQueued() {
        for (Runnable task; (task = broker.dispatcher().poll()) != null; ) {
            if (task instanceof Shard shard) {
                shard.run(scratch);
            } else {
                ((Subscriber) task).run(scratch);
            }
        }
        scratch.flushMetrics();
    }

    /** Runs queued tasks and answers the sink's writable requests until it asks for nothing more. */
    void pump(FakeSink sink) {
        runQueued();
        for (int round = 0; sink.wantsWritable(); round++) {
            if (round > 100_000) {
                fail("the subscriber keeps asking for writable");
            }
            sink.fireWritable();
            runQueued();
        }
    }

    /** The heartbeat timer found the stream idle: marks it and offers, as its shard does when the timer signals. */
    void heartbeatDue(FakeSink sink) {
        sink.subscriber().heartbeatDue = true;
        sink.subscriber().offer(scratch);
        scratch.flushMetrics();
    }

    int subscribers() {
        int count = 0;
        for (String topic : topics) {
            count += broker.subscriberCount(topic);
        }
        return count;
    }

    /**
     * The exact bytes of a stream that delivered these events (data as published) in this order: each record's
     * data line, then the stream's id after it ({@code <epoch>-<seq>}, or one position per topic joined by
     * {@code _}), then the blank line.
     */
    String expectedStream(List<String> dataInOrder) {
        long[] positions = new long[topics.size()];
        StringBuilder out = new StringBuilder();
        for (String data : dataInOrder) {
            String name = data.contains("|") ? data.substring(0, data.indexOf('|')) : data;
            int dash = name.lastIndexOf('-');
            positions[topics.indexOf(name.substring(0, dash))] = Long.parseLong(name.substring(dash + 1));
            out.append("data: ").append(data).append('\n').append("id: ").append(ids.format(positions)).append("\n\n");
        }
        return out.toString();
    }

    /** What a client parses out of {@code bytes}: each event's data, and the comments (heartbeats). */
    static Parsed parse(byte[] bytes) {
        Parsed parsed = new Parsed(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        SseStreamParser parser = new SseStreamParser(new SseListener() {
            @Override
            public void onEvent(CharSequence type, CharSequence data, CharSequence lastEventId) {
                parsed.data.add(data.toString());
                parsed.ids.add(lastEventId.toString());
            }

            @Override
            public void onComment(CharSequence text) {
                parsed.comments.add(text.toString());
            }
        });
        parser.parse(bytes, 0, bytes.length);
        return parsed;
    }

    /**
     * Asserts that the sink got {@code before}, then every event published so far: each topic's in order and once,
     * byte for byte as {@link #expectedStream}, the last with the id of the stream's position now.
     */
    void assertDeliveredAll(FakeSink sink, String before) {
        assertDeliveredAll(sink, before, "");
    }

    /** {@link #assertDeliveredAll(FakeSink, String)}, with {@code after} the last bytes of the stream. */
    void assertDeliveredAll(FakeSink sink, String before, String after) {
        String whole = sink.text();
        assertTrue(whole.endsWith(after), "bytes after the events");
        String text = whole.substring(0, whole.length() - after.length());
        assertEquals(before, text.substring(0, Math.min(before.length(), text.length())), "bytes before the events");
        Parsed parsed = parse(text.substring(before.length()).getBytes(StandardCharsets.UTF_8));
        Map<String, Integer> seen = new HashMap<>();
        for (String data : parsed.data) {
            String name = data.contains("|") ? data.substring(0, data.indexOf('|')) : data;
            String topic = name.substring(0, name.lastIndexOf('-'));
            int n = seen.merge(topic, 1, Integer::sum);
            assertEquals(topic + "-" + n, name, "each topic's events in order, each once");
        }
        assertEquals(publishes, parsed.data.size(), "events delivered");
        assertEquals(before + expectedStream(parsed.data), text, "the stream byte for byte");
        if (publishes > 0) {
            assertEquals(position(), parsed.ids.getLast(), "the last id: the stream's position");
        }
    }

    /** The id of the stream's position after every event published so far: {@code <epoch>-<seqA>[_<seqB>…]}. */
    String position() {
        long[] positions = new long[topics.size()];
        for (int t = 0; t < positions.length; t++) {
            positions[t] = published.getOrDefault(topics.get(t), 0);
        }
        return ids.format(positions);
    }

    void assertDeliveredAll(FakeSink sink) {
        assertDeliveredAll(sink, "");
    }

    @Override
    public void close() {
        broker.close();
    }

    record Parsed(List<String> data, List<String> ids, List<String> comments) {
    }
}
