package herald.server.transport;

import herald.protocol.http1.RequestHead;

import java.io.IOException;

/**
 * Answers one request on its connection's (virtual) thread. It writes a complete response through
 * {@link Connection#response()}, or takes the connection with {@link Connection#handOver()}. Blocking is
 * fine. An {@link herald.protocol.http1.HttpException} thrown before the response started is answered with
 * its status.
 */
@FunctionalInterface
public interface RequestHandler {
    void handle(Connection connection, RequestHead head) throws IOException;
}
