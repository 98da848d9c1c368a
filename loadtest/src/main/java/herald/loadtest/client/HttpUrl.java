package herald.loadtest.client;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;

/**
 * An {@code http://host:port/path?query} URL, as the generator and publisher need it: where to connect, what to
 * send as the request target and the {@code Host} header. Plain HTTP/1.1 only (load targets run on loopback; put
 * TLS in front of the server, not in the generator).
 */
public record HttpUrl(String text, String host, int port, String target) {

    public static HttpUrl parse(String text) {
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("not a URL: " + text);
        }
        if (!"http".equalsIgnoreCase(uri.getScheme())) {
            throw new IllegalArgumentException("only http:// URLs are supported: " + text);
        }
        if (uri.getHost() == null) {
            throw new IllegalArgumentException("URL without a host: " + text);
        }
        int port = uri.getPort() < 0 ? 80 : uri.getPort();
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        String target = uri.getRawQuery() == null ? path : path + "?" + uri.getRawQuery();
        return new HttpUrl(text, uri.getHost(), port, target);
    }

    /** This URL, once its host is known to resolve; else an {@link IllegalArgumentException} naming the option. */
    public HttpUrl resolvable(String option) {
        if (address().isUnresolved()) {
            throw new IllegalArgumentException("--" + option + ": cannot resolve the host of " + text);
        }
        return this;
    }

    /** A resolved address (loopback names resolve without DNS). */
    InetSocketAddress address() {
        return new InetSocketAddress(host, port);
    }

    String hostHeader() {
        String h = host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host;
        return port == 80 ? h : h + ":" + port;
    }

    @Override
    public String toString() {
        return text;
    }
}
