package herald.server;

import java.io.IOException;
import java.net.InetAddress;
import java.util.List;

/**
 * A request as an embedded handler or hook sees it. Valid during the call that received it, on that call's
 * thread.
 */
public interface Request {
    /** The method, e.g. {@code "GET"}. */
    String method();

    /** The percent-decoded, normalized path, e.g. {@code "/v1/chat"}. */
    String path();

    /** The first value of a header (name case-insensitive), or null. */
    String header(String name);

    /** The first value of a query parameter, or null. */
    String queryParam(String name);

    /** Every value of a query parameter, in order; empty when absent. */
    List<String> queryParams(String name);

    InetAddress remoteAddress();

    /**
     * Who the client proved to be: the {@code sub} of its token, or the principal an {@link Authorizer} allowed it
     * as; null when anonymous (no authorizer, no token, or a token without {@code sub}).
     */
    default String principal() {
        return null;
    }

    /**
     * Reads the whole body, at most the configured {@code maxBodyBytes}; an empty array for a request without
     * one. Blocks until it has arrived (within the body timeout).
     *
     * @throws herald.protocol.http1.HttpException 413 over the limit, 400 malformed framing
     */
    byte[] body() throws IOException;
}
