package herald.protocol.sse;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * An {@link SseListener} that keeps what it hears as values: the events as {@link SseEvent}s, the comments and the
 * retry values, in arrival order. For tests and simple clients; it allocates per event. Not thread-safe: read it on
 * the parsing thread, or after parsing has stopped with a happens-before edge.
 *
 * <pre>{@code
 * SseEventCollector events = new SseEventCollector();
 * SseStreamParser parser = new SseStreamParser(events);
 * parser.parse(ByteBuffer.wrap(bytes));
 * assertEquals(List.of(new SseEvent("message", "hello", "")), events.events());
 * }</pre>
 */
public final class SseEventCollector implements SseListener {
    private final List<SseEvent> events = new ArrayList<>();
    private final List<String> comments = new ArrayList<>();
    private final List<Long> retries = new ArrayList<>();

    /** An empty collector. */
    public SseEventCollector() {
    }

    /** The events of a whole stream: parsed, then ended ({@link SseStreamParser#endOfStream()}). */
    public static List<SseEvent> parse(byte[] stream) {
        SseEventCollector collector = new SseEventCollector();
        SseStreamParser parser = new SseStreamParser(collector);
        parser.parse(ByteBuffer.wrap(stream));
        parser.endOfStream();
        return collector.events();
    }

    @Override
    public void onEvent(CharSequence type, CharSequence data, CharSequence lastEventId) {
        events.add(new SseEvent(type.toString(), data.toString(), lastEventId.toString()));
    }

    @Override
    public void onRetry(long millis) {
        retries.add(millis);
    }

    @Override
    public void onComment(CharSequence text) {
        comments.add(text.toString());
    }

    /** The events so far, oldest first; a read-only view that grows as events arrive. */
    public List<SseEvent> events() {
        return Collections.unmodifiableList(events);
    }

    /** The comment texts so far (a heartbeat is {@code ""}); a read-only view. */
    public List<String> comments() {
        return Collections.unmodifiableList(comments);
    }

    /** The valid retry values so far, in milliseconds; a read-only view. */
    public List<Long> retries() {
        return Collections.unmodifiableList(retries);
    }

    /** Forgets everything collected. */
    public void clear() {
        events.clear();
        comments.clear();
        retries.clear();
    }
}
