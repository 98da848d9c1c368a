package herald.server.exchange;

import herald.protocol.http1.HeaderLine;
import herald.protocol.http1.HttpException;

import java.io.IOException;

/**
 * The answer to one {@link Exchange}: {@link #begin} a status, add {@link #header}s, then one send method.
 * Date, Server and the CORS fields of {@link #allowOrigin} are added by the implementation. Used by the
 * exchange's thread only.
 */
public interface Response {
    /** Whether an answer was begun for the current request (an error can no longer be sent). */
    boolean started();

    /** The origin to echo in {@code Access-Control-Allow-Origin} (with {@code Vary: Origin}), or null for none. */
    void allowOrigin(String origin);

    /**
     * The origin to echo with {@code Access-Control-Allow-Credentials: true} (and {@code Vary: Origin}): an
     * origin of the {@code --cors-origins} allowlist. Null for none.
     */
    void allowOriginWithCredentials(String origin);

    Response begin(int status);

    Response header(String name, String value);

    Response header(String name, long value);

    Response header(HeaderLine line);

    /** Sends the head with {@code Content-Length} and {@code body} (no body bytes to a HEAD). */
    void send(byte[] body) throws IOException;

    /** Sends a head without a body or a length (204, or 200 to a HEAD on a stream). */
    void sendWithoutBody() throws IOException;

    /** Sends the head of a stream that lasts until the exchange ends, with its first body bytes. */
    void sendStreamHead(byte[] firstBytes) throws IOException;

    /**
     * Sends the head of a request-scoped stream whose body is framed as chunks ({@code Transfer-Encoding:
     * chunked}, RFC 9112 section 7.1): the caller writes each piece as a chunk and ends with the last chunk, and
     * the connection then serves the next request. For HTTP/1.1 requests that keep their connection.
     */
    void sendChunkedStreamHead() throws IOException;

    /** Sends {@code e}'s status, {@code Retry-After} if it has one, and its one-line reason as text. */
    void error(HttpException e, boolean close) throws IOException;

    /** Sends a status with a one-line text reason and extra fields given as name, value pairs. */
    void text(int status, String reason, String... nameValues) throws IOException;
}
