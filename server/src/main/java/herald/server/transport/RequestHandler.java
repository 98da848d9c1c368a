package herald.server.transport;

import herald.server.exchange.Exchange;

import java.io.IOException;

/**
 * Answers one request on its connection's (virtual) thread. It writes a complete response through
 * {@link Exchange#response()}, or gives the stream to the broker with {@link Exchange#attach}. Blocking is
 * fine. An {@link herald.protocol.http1.HttpException} thrown before the response started is answered with
 * its status.
 */
@FunctionalInterface
public interface RequestHandler {
    void handle(Exchange exchange) throws IOException;
}
