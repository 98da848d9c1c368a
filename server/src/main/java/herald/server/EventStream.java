package herald.server;

import java.io.IOException;

/**
 * The SSE response of one request, written by a {@link StreamHandler} in a plain blocking loop.
 *
 * <p>Threads: use it from the handler's thread (a virtual thread); a slow client blocks only that thread.
 * Each call writes and flushes at once. A write that cannot complete within the write timeout, or a client
 * that has gone, ends with an {@link IOException}: the handler should then return.
 *
 * <p>The response head goes out with the first write (or {@link #open()}). Until then the handler may still
 * refuse the request by throwing a {@link Refusal} (e.g. {@code Refusal.of(401, "log in")}), which is
 * answered with that status. When the handler returns, the stream ends and the connection closes.
 */
public interface EventStream {
    /** Sends the response head now, so that the client's {@code onopen} fires before the first event. */
    void open() throws IOException;

    /** Sends an event of the default type ({@code message}). */
    void send(String data) throws IOException;

    /** Sends an event with an {@code event:} type. */
    void send(String eventType, String data) throws IOException;

    /**
     * Sends an event with a type (or null) and an {@code id:} (or null). Types and ids must not hold CR, LF or
     * NUL ({@link IllegalArgumentException}).
     */
    void send(String eventType, String data, String id) throws IOException;

    /** Sends a comment line, which clients ignore (e.g. to keep an idle connection alive). */
    void comment(String text) throws IOException;

    /** False once a write failed or the stream ended. */
    boolean isOpen();
}
