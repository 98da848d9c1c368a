package herald.server;

import java.util.List;

/**
 * Called for every topic subscription before its stream starts, on the connection's virtual thread: to
 * authorize it, or to send first events such as an unread count. Register with
 * {@link Herald.Builder#onSubscribe}. A {@code HEAD} of a stream calls it too, so that it answers what the
 * {@code GET} would; its first events are not sent.
 *
 * <p>To refuse, throw a {@link Refusal} (e.g. {@code Refusal.of(403, "not allowed")});
 * the client gets that status and no stream. Events given to {@link Subscribe#sendFirst} go out right
 * after the stream's preamble and before any replayed or live event; they carry no id, so they do not move
 * the client's resume position.
 */
@FunctionalInterface
public interface SubscribeHook {
    void onSubscribe(Subscribe subscribe) throws Exception;

    /** The subscription being opened. */
    interface Subscribe extends Request {
        /** The topics, in the order the request named them. */
        List<String> topics();

        /** The id the client resumes from ({@code Last-Event-ID} or {@code ?lastEventId=}), or null. */
        String lastEventId();

        /** Queues an event (type may be null) to send first on this stream. */
        void sendFirst(String eventType, String data);
    }
}
