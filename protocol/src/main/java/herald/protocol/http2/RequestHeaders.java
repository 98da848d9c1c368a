package herald.protocol.http2;

import java.util.Arrays;

/**
 * A request's field section as HTTP/2 carries it (RFC 9113 section 8.3), validated: the four request
 * pseudo-header fields and the regular fields, names lowercase, in the order sent. Several {@code cookie} fields
 * are joined into one with {@code "; "} (section 8.2.3). Immutable; any thread.
 *
 * <p>{@link #authority()} is {@code :authority}, or the {@code host} field when {@code :authority} is absent;
 * where both are present they are equal. {@link #path()} is {@code :path} as sent (origin-form or {@code *}); the
 * transport decodes and normalises it as it does an HTTP/1.1 request target. For CONNECT, {@link #scheme()} and
 * {@link #path()} are null.
 */
public final class RequestHeaders {
    private final String method;
    private final String scheme;
    private final String authority;
    private final String path;
    private final String[] names;
    private final String[] values;
    private final long contentLength;

    RequestHeaders(String method, String scheme, String authority, String path, String[] names, String[] values,
                   long contentLength) {
        this.method = method;
        this.scheme = scheme;
        this.authority = authority;
        this.path = path;
        this.names = names;
        this.values = values;
        this.contentLength = contentLength;
    }

    public String method() {
        return method;
    }

    /** {@code :scheme}; null for CONNECT. */
    public String scheme() {
        return scheme;
    }

    /** {@code :authority}, else {@code host}; null if neither was sent (allowed for schemes without authority). */
    public String authority() {
        return authority;
    }

    /** {@code :path}; null for CONNECT. */
    public String path() {
        return path;
    }

    /** Regular (not pseudo-header) fields. */
    public int fieldCount() {
        return names.length;
    }

    /** The lowercase name of regular field {@code index}. */
    public String name(int index) {
        return names[index];
    }

    public String value(int index) {
        return values[index];
    }

    /** The first value of the field {@code lowercaseName}, or null. */
    public String value(String lowercaseName) {
        for (int i = 0; i < names.length; i++) {
            if (names[i].equals(lowercaseName)) {
                return values[i];
            }
        }
        return null;
    }

    /** The {@code content-length} value, -1 when absent; DATA frames are checked against it. */
    public long contentLength() {
        return contentLength;
    }

    /** Method, scheme, authority and path, and the field names (values are left out: they may be secrets). */
    @Override
    public String toString() {
        return "RequestHeaders[" + method + " " + scheme + "://" + authority + path + " " + Arrays.toString(names)
                + "]";
    }
}
