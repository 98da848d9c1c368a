package herald.server.transport;

import herald.protocol.http1.HeaderLine;
import herald.protocol.http1.HttpException;
import herald.protocol.http1.RequestHead;
import herald.protocol.http1.ResponseHead;
import herald.server.exchange.Response;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Builds and sends the responses of one connection: a head with {@code Date}, {@code Server} and, when the
 * request has an allowed {@code Origin}, the CORS fields; then a sized body, no body, or a stream that lasts
 * until the connection closes. One per connection, used by its thread only; its buffer is reused.
 */
public final class ResponseWriter implements Response {
    private static final HeaderLine SERVER = HeaderLine.of("Server", "herald");
    private static final HeaderLine VARY_ORIGIN = HeaderLine.of("Vary", "Origin");
    private static final HeaderLine ALLOW_CREDENTIALS = HeaderLine.of("Access-Control-Allow-Credentials", "true");
    private static final byte[] NO_BYTES = new byte[0];

    private final Connection connection;
    private final DateHeader date;
    private BufferPool.Buffers buffers;     // the pooled set whose head buffer this writer uses, once it has one
    private ByteBuffer head;
    private RequestHead request;
    private String allowOrigin;
    private boolean allowCredentials;
    private boolean started;

    ResponseWriter(Connection connection, DateHeader date) {
        this.connection = connection;
        this.date = date;
    }

    /** Writes heads into {@code buffers}' head buffer from now on (the connection took a pooled set). */
    void use(BufferPool.Buffers buffers) {
        this.buffers = buffers;
        this.head = buffers.head;
    }

    /** The pooled buffers go back: this writer sends nothing more. */
    void detach() {
        buffers.head = head;
        buffers = null;
        head = null;
    }

    void reset(RequestHead request) {
        this.request = request;
        this.allowOrigin = null;
        this.allowCredentials = false;
        this.started = false;
    }

    /** Whether a response head was begun for the current request (an error can no longer be sent). */
    @Override
    public boolean started() {
        return started;
    }

    /** The origin to echo in {@code Access-Control-Allow-Origin}, or null for none. */
    @Override
    public void allowOrigin(String origin) {
        this.allowOrigin = origin;
        this.allowCredentials = false;
    }

    @Override
    public void allowOriginWithCredentials(String origin) {
        this.allowOrigin = origin;
        this.allowCredentials = origin != null;
    }

    /** Starts a head: status line, Date, Server and CORS fields. Then {@link #header}s, then a send method. */
    @Override
    public ResponseWriter begin(int status) {
        started = true;
        head.clear();
        ResponseHead.writeStatusLine(head, status);
        header(date.line());
        header(SERVER);
        if (allowOrigin != null) {
            header("Access-Control-Allow-Origin", allowOrigin);
            if (allowCredentials) {
                header(ALLOW_CREDENTIALS);
            }
            header(VARY_ORIGIN);
        }
        return this;
    }

    @Override
    public ResponseWriter header(String name, String value) {
        room(name.length() + value.length() + 4);
        ResponseHead.writeHeader(head, name, value);
        return this;
    }

    @Override
    public ResponseWriter header(String name, long value) {
        room(name.length() + 19 + 4);                     // 19: the digits of Long.MAX_VALUE
        ResponseHead.writeHeader(head, name, value);
        return this;
    }

    @Override
    public ResponseWriter header(HeaderLine line) {
        room(line.length());
        ResponseHead.writeHeader(head, line);
        return this;
    }

    /** Makes room for {@code bytes} more, growing the head buffer when needed (a long Origin or reason). */
    private void room(int bytes) {
        if (head.remaining() < bytes) {
            ByteBuffer bigger = ByteBuffer.allocate(Math.max(2 * head.capacity(), head.position() + bytes));
            head = bigger.put(head.flip());
        }
    }

    /** Ends the head with Content-Length and sends it with {@code body} (no body bytes for HEAD). */
    @Override
    public void send(byte[] body) throws IOException {
        header("Content-Length", body.length);
        endHead();
        connection.respond(head.flip(), isHead() ? NO_BYTES : body);
    }

    /** Sends a head with no body and no Content-Length (for 204, and for 200 to a HEAD on a stream). */
    @Override
    public void sendWithoutBody() throws IOException {
        endHead();
        connection.respond(head.flip(), NO_BYTES);
    }

    /**
     * Sends a head whose body lasts until the connection closes (an SSE stream), together with the first
     * body bytes. The connection will not be reused for another request.
     */
    @Override
    public void sendStreamHead(byte[] firstBytes) throws IOException {
        connection.closeAfterResponse();
        endHead();
        connection.write(new ByteBuffer[] {head.flip(), ByteBuffer.wrap(firstBytes)}, 2);
    }

    /** Sends a stream head with {@code Transfer-Encoding: chunked}: the connection stays for the next request. */
    @Override
    public void sendChunkedStreamHead() throws IOException {
        header(ResponseHead.TRANSFER_ENCODING_CHUNKED);
        endHead();
        connection.write(head.flip());
    }

    /** Sends {@code e}'s status and its one-line reason as text, and closes the connection after if asked. */
    @Override
    public void error(HttpException e, boolean close) throws IOException {
        if (close) {
            connection.closeAfterResponse();
        }
        begin(e.status());
        if (e.retryAfterSeconds() >= 0) {
            header("Retry-After", e.retryAfterSeconds());
        }
        header(ResponseHead.CONTENT_TYPE_TEXT_PLAIN);
        send((e.getMessage() + "\n").getBytes(StandardCharsets.UTF_8));
    }

    private void endHead() {
        if (connection.bodyUnread()) {
            connection.closeAfterResponse();          // announce the close the connection will do anyway
        }
        if (connection.closesAfterResponse()) {
            header(ResponseHead.CONNECTION_CLOSE);
        }
        room(2);
        ResponseHead.writeEnd(head);
    }

    /** Sends a status with a one-line text reason and extra fields given as name, value pairs. */
    @Override
    public void text(int status, String reason, String... nameValues) throws IOException {
        begin(status);
        for (int i = 0; i + 1 < nameValues.length; i += 2) {
            header(nameValues[i], nameValues[i + 1]);
        }
        header(ResponseHead.CONTENT_TYPE_TEXT_PLAIN);
        send((reason + "\n").getBytes(StandardCharsets.UTF_8));
    }

    private boolean isHead() {
        return request != null && "HEAD".equals(request.method());
    }
}
