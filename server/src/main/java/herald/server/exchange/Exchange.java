package herald.server.exchange;

import herald.protocol.http1.RequestHead;
import herald.server.broker.Broker;
import herald.server.broker.Subscription;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * One request and its answer, as routes see it: the seam between Herald's routes and a protocol. HTTP/1.1
 * ({@link herald.server.transport.Connection}) is one implementation; an HTTP/2 stream will be another. Routes
 * never see the connection, its socket or its framing.
 *
 * <p>Threads: used by the one thread serving the request (a virtual thread), during the route's call, never
 * after {@link #attach} or after the route returned.
 */
public interface Exchange {
    /** The parsed request: method, path, query, headers (protocol-neutral values). */
    RequestHead head();

    /** Who is asking: the client's address (and, once authenticated, its principal). */
    Client client();

    /**
     * Reads the whole request body, at most the configured {@code maxBodyBytes}, buffered as it arrives within
     * the in-flight body budget; an empty array for a request without one. Blocks within the body timeout.
     *
     * @throws herald.protocol.http1.HttpException 413 over the limit, 400 malformed framing, 503 over the
     *                                             in-flight body budget
     */
    byte[] readBody() throws IOException;

    /** The answer being built: status, fields, then a body, nothing, or the head of a stream. */
    Response response();

    /**
     * Writes body bytes after {@link Response#sendStreamHead} (a request-scoped stream), blocking within the
     * write timeout.
     */
    void write(ByteBuffer[] buffers, int count) throws IOException;

    /**
     * Says that the request is read and the answer's head sent, and that a long answer now follows from this thread
     * (a handler stream): the exchange may give back what it holds only to read requests (HTTP/1.1: the
     * connection's pooled read buffers) until its next request arrives. Reading the body after this answers an
     * empty body, as any second read does.
     *
     * @return whether it now holds nothing for reading requests; false while the body is unread or the client's
     *         next bytes are buffered (a later call may then give them back)
     */
    boolean streaming();

    /** The exchange's connection (or stream) ends once the current answer is complete. */
    void closeAfterResponse();

    /**
     * Hands the stream, whose head and first bytes were sent, to the broker's fan-out: from here the broker
     * owns it, writes it without blocking and ends it; the calling thread returns and serves nothing more on
     * this exchange.
     */
    void attach(Broker broker, Subscription subscription) throws IOException;
}
