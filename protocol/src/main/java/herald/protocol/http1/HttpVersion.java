package herald.protocol.http1;

/**
 * The HTTP versions a request can carry (RFC 9112 §2.3). Minor versions 2-9 of HTTP/1 are served as
 * {@link #HTTP_1_1}, the highest minor version Herald implements; other major versions are answered with 505.
 */
public enum HttpVersion {
    HTTP_1_0("HTTP/1.0"),
    HTTP_1_1("HTTP/1.1");

    private final String text;

    HttpVersion(String text) {
        this.text = text;
    }

    /** The version as written on the wire, e.g. {@code "HTTP/1.1"}. */
    public String text() {
        return text;
    }

    @Override
    public String toString() {
        return text;
    }
}
