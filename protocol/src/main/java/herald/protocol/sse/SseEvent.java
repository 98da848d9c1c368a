package herald.protocol.sse;

/**
 * One dispatched server-sent event as a value: what an {@code EventSource} hands to its listeners.
 *
 * @param type        the event type; {@code "message"} when the stream named none
 * @param data        the data, lines joined with {@code \n}
 * @param lastEventId the last event ID string at dispatch (empty when never set or reset)
 */
public record SseEvent(String type, String data, String lastEventId) {
    public static final String DEFAULT_TYPE = "message";

    public SseEvent {
        if (type == null || data == null || lastEventId == null) {
            throw new IllegalArgumentException("type, data and lastEventId must not be null");
        }
    }
}
