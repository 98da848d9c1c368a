package herald.server.exchange;

import herald.protocol.http1.RequestHead;
import herald.server.broker.Broker;
import herald.server.broker.Subscription;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * An exchange seen with another {@link Client}: the same request and answer, the client once authenticated
 * ({@link Client#withPrincipal}). For the rest of one request only; the connection's own client (and its
 * permit) is unchanged, so the next request on the connection starts anonymous.
 */
public final class ClientExchange implements Exchange {
    private final Exchange exchange;
    private final Client client;

    public ClientExchange(Exchange exchange, Client client) {
        this.exchange = exchange;
        this.client = client;
    }

    @Override
    public RequestHead head() {
        return exchange.head();
    }

    @Override
    public Client client() {
        return client;
    }

    @Override
    public byte[] readBody() throws IOException {
        return exchange.readBody();
    }

    @Override
    public Response response() {
        return exchange.response();
    }

    @Override
    public void write(ByteBuffer[] buffers, int count) throws IOException {
        exchange.write(buffers, count);
    }

    @Override
    public boolean streaming() {
        return exchange.streaming();
    }

    @Override
    public void closeAfterResponse() {
        exchange.closeAfterResponse();
    }

    @Override
    public void attach(Broker broker, Subscription subscription) throws IOException {
        exchange.attach(broker, subscription);
    }
}
