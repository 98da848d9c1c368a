package herald.server.http;

import herald.protocol.http1.QueryParams;
import herald.protocol.http1.RequestHead;
import herald.server.Request;
import herald.server.exchange.Exchange;

import java.io.IOException;
import java.net.InetAddress;
import java.util.List;

/** A {@link Request} over the current request of a exchange. */
class RequestView implements Request {
    final Exchange exchange;
    final RequestHead head;
    private QueryParams query;

    RequestView(Exchange exchange, RequestHead head) {
        this.exchange = exchange;
        this.head = head;
    }

    @Override
    public String method() {
        return head.method();
    }

    @Override
    public String path() {
        return head.path();
    }

    @Override
    public String header(String name) {
        return head.header(name);
    }

    @Override
    public String queryParam(String name) {
        return query().first(name);
    }

    @Override
    public List<String> queryParams(String name) {
        return query().all(name);
    }

    private QueryParams query() {
        if (query == null) {
            query = head.queryParams();
        }
        return query;
    }

    @Override
    public InetAddress remoteAddress() {
        return exchange.client().address();
    }

    @Override
    public String principal() {
        return exchange.client().principal();
    }

    @Override
    public byte[] body() throws IOException {
        return exchange.readBody();
    }
}
