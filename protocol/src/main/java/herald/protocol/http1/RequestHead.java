package herald.protocol.http1;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * A parsed request head: request line and header section, validated and with its framing decided.
 *
 * <p><b>Memory.</b> The head keeps the bytes it was parsed from (one array) and the offsets of its field lines (one
 * array). The decoded {@link #path()} is created while parsing; every other string (target, raw path, query,
 * authority, field names and values) is created on demand, each time for field lookups and once for the others.
 *
 * <p><b>Threads.</b> Immutable once {@link RequestParser#parse} returns it: safe to hand to another thread. The
 * strings created on demand are cached with a benign race (each is immutable; two threads may both create one).
 *
 * <p><b>Field values</b> are decoded as ISO-8859-1, one char per byte, with leading and trailing whitespace removed.
 * Names match ASCII case-insensitively.
 */
public final class RequestHead {
    private final byte[] bytes;
    private final int[] fields;
    private final int fieldCount;
    private final int fieldsStart;      // the first field line: right after the request line
    private final String method;
    private final HttpVersion version;
    private final int targetStart;
    private final int targetEnd;
    private final int pathStart;
    private final int pathEnd;
    private final int queryStart;
    private final int authorityStart;
    private final int authorityEnd;
    private final int hostIndex;
    private final String path;
    private final boolean pathIsRaw;
    private final long contentLength;
    private final boolean chunked;
    private final boolean keepAlive;
    private final boolean expectsContinue;

    private String target;              // created on demand, benign race
    private String rawPath;
    private String rawQuery;
    private String authority;
    private QueryParams queryParams;

    RequestHead(byte[] bytes, int[] fields, RequestLineParser line, HeaderParser headers) {
        this.bytes = bytes;
        this.fields = fields;
        this.fieldCount = headers.count();
        this.fieldsStart = line.lineBytes;
        this.method = line.method;
        this.version = line.version;
        this.targetStart = line.targetStart;
        this.targetEnd = line.targetEnd;
        this.pathStart = line.pathStart;
        this.pathEnd = line.pathEnd;
        this.queryStart = line.queryStart;
        this.authorityStart = line.authorityStart;
        this.authorityEnd = line.authorityEnd;
        this.hostIndex = headers.hostIndex();
        this.path = line.path;
        this.pathIsRaw = line.pathIsRaw;
        this.contentLength = headers.contentLength();
        this.chunked = headers.chunked();
        this.keepAlive = headers.keepAlive(line.version);
        this.expectsContinue = headers.expectsContinue(line.version);
    }

    /** The method; one of the {@link HttpMethod} constants (the same instance) when it is a known method. */
    public String method() {
        return method;
    }

    /** The request-target exactly as sent (origin-form, absolute-form or {@code *}). */
    public String target() {
        String t = target;
        if (t == null) {
            target = t = ascii(targetStart, targetEnd);
        }
        return t;
    }

    /**
     * The path as sent, escapes and dot-segments included: {@code "*"} for asterisk-form, {@code "/"} for an
     * absolute-form target with an empty path.
     */
    public String rawPath() {
        String p = rawPath;
        if (p == null) {
            p = pathIsRaw ? path : pathStart == pathEnd ? "/" : ascii(pathStart, pathEnd);
            rawPath = p;
        }
        return p;
    }

    /**
     * The path percent-decoded as UTF-8 ({@code %2F} included, so it separates segments) with dot-segments removed
     * (RFC 3986 §5.2.4); {@code "*"} for asterisk-form. Never climbs above the root: such requests were rejected.
     */
    public String path() {
        return path;
    }

    /** The query as sent, without the {@code ?}; null when the target has no {@code ?}, empty after a bare one. */
    public String rawQuery() {
        if (queryStart < 0) {
            return null;
        }
        String q = rawQuery;
        if (q == null) {
            rawQuery = q = ascii(queryStart, targetEnd);
        }
        return q;
    }

    /**
     * The query decoded as {@code application/x-www-form-urlencoded}; empty without a query.
     *
     * @throws HttpException 400 when the query is not well-formed UTF-8 once decoded (escapes were checked while
     *                       parsing the head)
     */
    public QueryParams queryParams() {
        QueryParams q = queryParams;
        if (q == null) {
            queryParams = q = QueryParams.parse(rawQuery());
        }
        return q;
    }

    public HttpVersion version() {
        return version;
    }

    /**
     * The authority the request is for: the authority of an absolute-form target, which takes precedence over
     * {@code Host} (RFC 9112 §3.2.2), else the {@code Host} value (possibly empty); null for an HTTP/1.0 request
     * without either.
     */
    public String authority() {
        String a = authority;
        if (a == null) {
            if (authorityStart >= 0) {
                a = ascii(authorityStart, authorityEnd);
            } else if (hostIndex >= 0) {
                a = FieldLines.value(bytes, fields, hostIndex);
            } else {
                return null;
            }
            authority = a;
        }
        return a;
    }

    /** The value of the first field named {@code name}, or null. */
    public String header(String name) {
        return FieldLines.first(bytes, fields, fieldsStart, fieldCount, name);
    }

    /** The values of every field named {@code name}, in order; empty when there is none. Unmodifiable. */
    public List<String> headers(String name) {
        return FieldLines.all(bytes, fields, fieldsStart, fieldCount, name);
    }

    public boolean containsHeader(String name) {
        return FieldLines.indexOf(bytes, fields, fieldsStart, fieldCount, name, 0) >= 0;
    }

    /** The number of field lines in the header section. */
    public int headerCount() {
        return fieldCount;
    }

    /** The name of the {@code i}-th field line, as sent. */
    public String headerName(int i) {
        FieldLines.checkIndex(i, fieldCount);
        return FieldLines.name(bytes, fields, fieldsStart, i);
    }

    /** The value of the {@code i}-th field line, without leading and trailing whitespace. */
    public String headerValue(int i) {
        FieldLines.checkIndex(i, fieldCount);
        return FieldLines.value(bytes, fields, i);
    }

    /** The body length from {@code Content-Length}, or -1 when there is none (chunked, or no body). */
    public long contentLength() {
        return contentLength;
    }

    /** Whether the body is framed by the chunked transfer coding. */
    public boolean isChunked() {
        return chunked;
    }

    /** Whether a body follows the head: chunked, or a Content-Length above 0. Read it with {@link BodyDecoder}. */
    public boolean hasBody() {
        return chunked || contentLength > 0;
    }

    /**
     * Whether the connection stays open after this exchange (RFC 9112 §9.3): HTTP/1.1 unless
     * {@code Connection: close}; HTTP/1.0 only with {@code Connection: keep-alive} and without {@code close}.
     */
    public boolean keepAlive() {
        return keepAlive;
    }

    /** Whether the client waits for {@code 100 Continue} before sending the body (HTTP/1.1 only). */
    public boolean expectsContinue() {
        return expectsContinue;
    }

    private String ascii(int from, int to) {
        return new String(bytes, from, to - from, StandardCharsets.ISO_8859_1);
    }

    /** Equal when parsed from the same head bytes into the same result. */
    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof RequestHead other)) {
            return false;
        }
        return Arrays.equals(bytes, other.bytes)
                && Arrays.equals(fields, 0, FieldLines.SLOT * fieldCount,
                        other.fields, 0, FieldLines.SLOT * other.fieldCount)
                && fieldsStart == other.fieldsStart
                && method.equals(other.method) && version == other.version && path.equals(other.path)
                && targetStart == other.targetStart && targetEnd == other.targetEnd
                && pathStart == other.pathStart && pathEnd == other.pathEnd && queryStart == other.queryStart
                && authorityStart == other.authorityStart && authorityEnd == other.authorityEnd
                && hostIndex == other.hostIndex && pathIsRaw == other.pathIsRaw
                && contentLength == other.contentLength && chunked == other.chunked
                && keepAlive == other.keepAlive && expectsContinue == other.expectsContinue;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    /** Method, path, version and framing; never the query or field values, which may carry credentials. */
    @Override
    public String toString() {
        return "RequestHead[" + method + " " + rawPath() + (queryStart >= 0 ? "?…" : "") + " " + version
                + ", headerCount=" + fieldCount + ", contentLength=" + contentLength + ", chunked=" + chunked
                + ", keepAlive=" + keepAlive + "]";
    }
}
