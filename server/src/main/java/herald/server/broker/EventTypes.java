package herald.server.broker;

import herald.protocol.sse.SseEncoder;

import java.nio.charset.StandardCharsets;

/**
 * The rule for an event's type, the same for a publish over HTTP, a publish from code and a subscribe hook's
 * first events: non-empty, no CR, LF or NUL, at most {@link #MAX_BYTES} bytes of UTF-8, and not starting
 * with {@link #RESERVED_PREFIX}, which marks Herald's own signals ({@code herald-gap}). The prefix is compared
 * case-sensitively, as {@code EventSource} compares event names: {@code Herald-Gap} cannot be mistaken for
 * Herald's signal by a listener for {@code herald-gap}, so it is allowed.
 */
public final class EventTypes {
    /** Longest accepted event type, in bytes. */
    public static final int MAX_BYTES = 256;
    /** Event types starting with this are Herald's own; nobody else may send one. */
    public static final String RESERVED_PREFIX = "herald-";

    private EventTypes() {
    }

    /**
     * The type's UTF-8 bytes.
     *
     * @throws IllegalArgumentException with a one-line reason that does not quote the type
     */
    public static byte[] encode(String type) {
        if (type.isEmpty()) {
            throw new IllegalArgumentException("event type is empty");
        }
        if (!SseEncoder.isValidFieldValue(type)) {
            throw new IllegalArgumentException("event type must not contain CR, LF or NUL");
        }
        if (type.startsWith(RESERVED_PREFIX)) {
            throw new IllegalArgumentException("event types starting with " + RESERVED_PREFIX + " are Herald's own");
        }
        byte[] bytes = type.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > MAX_BYTES) {
            throw new IllegalArgumentException("event type exceeds maxBytes=" + MAX_BYTES);
        }
        return bytes;
    }
}
