package herald.protocol.http1;

import java.nio.charset.StandardCharsets;

/**
 * The request line stage (RFC 9112 §3): {@code method SP request-target SP HTTP-version CRLF}, exactly one SP
 * between the parts. One per {@link RequestParser}, reused for every request; not thread-safe. Results are left in
 * fields, offsets relative to the start of the line, for the parser to move into the {@link RequestHead}.
 *
 * <pre>
 * RFC 9112 §3.2  request-target = origin-form      absolute-path [ "?" query ]       any method
 *                               / absolute-form    "http(s)://" authority path-abempty [ "?" query ]
 *                               / authority-form   host ":" port                      CONNECT only (501 here)
 *                               / asterisk-form    "*"                                OPTIONS only
 * RFC 9112 §2.3  HTTP-version   = "HTTP/" DIGIT "." DIGIT
 * </pre>
 */
final class RequestLineParser {
    private static final long HTTP_1_1 = ByteScan.asLong("HTTP/1.1");
    private static final long HTTP_1_0 = ByteScan.asLong("HTTP/1.0");
    private static final byte[] HTTP = lower("http");
    private static final byte[] HTTPS = lower("https");

    int lineBytes;              // the request line with its CRLF
    String method;
    HttpVersion version;
    int methodEnd;
    int targetStart;
    int targetEnd;
    int pathStart;
    int pathEnd;
    int queryStart;             // after the '?', or -1 without a query
    int authorityStart;         // -1 unless absolute-form
    int authorityEnd;
    String path;                // decoded and normalized
    boolean pathIsRaw;          // path equals the raw path: no escapes, no dot-segments

    /**
     * Parses the request line {@code b[start..lf]}, its LF at {@code lf}.
     *
     * @throws HttpException 400 when malformed, 501 for CONNECT, 505 for a major version other than 1
     */
    void parse(byte[] b, int start, int lf) {
        int cr = lf - 1;
        if (cr < start || b[cr] != AsciiTable.CR) {
            throw HttpException.badRequest("request line ends in a bare LF");
        }
        lineBytes = lf + 1 - start;
        int i = start;
        while (AsciiTable.is(b[i], AsciiTable.TCHAR)) {     // stops at the CR at the latest
            i++;
        }
        if (i == start || b[i] != AsciiTable.SP) {
            throw HttpException.badRequest("request line does not start with a method token and one SP");
        }
        method = method(b, start, i);
        methodEnd = i - start;
        int target = i + 1;
        int end = switch (b[target]) {
            case '/' -> originForm(b, target, start);
            case '*' -> asteriskForm(b, target, start, cr);
            default -> absoluteForm(b, target, start);
        };
        targetStart = target - start;
        targetEnd = end - start;
        version = version(b, end + 1, cr);
    }

    private String method(byte[] b, int from, int to) {
        String known = HttpMethod.known(b, from, to - from);
        if (known == null) {
            return new String(b, from, to - from, StandardCharsets.ISO_8859_1);
        }
        if (known == HttpMethod.CONNECT) {
            throw HttpException.notImplemented("CONNECT is not supported");
        }
        return known;
    }

    /** {@code absolute-path [ "?" query ]} from {@code b[from]} (a {@code /}) to the SP; returns the SP's index. */
    private int originForm(byte[] b, int from, int base) {
        authorityStart = -1;
        authorityEnd = -1;
        return pathAndQuery(b, from, base);
    }

    /**
     * The part of an origin-form or absolute-form target that starts at {@code b[from]} with {@code /}, {@code ?}
     * or the final SP: one tight loop over the table, ORing the classes it saw so the rare work (finding the query,
     * decoding escapes, removing dot-segments) runs only when the target needs it.
     */
    private int pathAndQuery(byte[] b, int from, int base) {
        int i = from;
        int seen = 0;
        int cls;
        while (((cls = AsciiTable.classOf(b[i])) & AsciiTable.TARGET) != 0) {
            seen |= cls;
            i++;
        }
        if (b[i] != AsciiTable.SP) {
            throw b[i] == '#'
                    ? HttpException.badRequest("request-target has a fragment")
                    : HttpException.badRequest("request-target contains a character outside its syntax");
        }
        int end = i;
        int pathTo = end;
        int pathSeen = seen;
        queryStart = -1;
        if ((seen & AsciiTable.QUESTION) != 0) {
            pathSeen = 0;
            pathTo = from;
            while (b[pathTo] != '?') {
                pathSeen |= AsciiTable.classOf(b[pathTo++]);
            }
            queryStart = pathTo + 1 - base;
            if ((seen & AsciiTable.PERCENT) != 0) {
                PathDecoder.checkEscapes(b, pathTo + 1, end);
            }
        }
        pathStart = from - base;
        pathEnd = pathTo - base;
        if (pathTo == from) {                               // absolute-form with an empty path (RFC 9110 §4.2.3)
            path = "/";
            pathIsRaw = false;
        } else if ((pathSeen & (AsciiTable.PERCENT | AsciiTable.DOT)) == 0
                || (pathSeen & AsciiTable.PERCENT) == 0 && !PathDecoder.hasDotSegment(b, from, pathTo)) {
            path = pathTo - from == 1 ? "/" : new String(b, from, pathTo - from, StandardCharsets.ISO_8859_1);
            pathIsRaw = true;
        } else {
            path = PathDecoder.decode(b, from, pathTo);
            pathIsRaw = false;
        }
        return end;
    }

    private int asteriskForm(byte[] b, int from, int base, int cr) {
        if (b[from + 1] != AsciiTable.SP) {
            throw HttpException.badRequest("request-target contains a character outside its syntax");
        }
        if (method != HttpMethod.OPTIONS) {
            version(b, from + 2, cr);           // 505 first: the HTTP/2 preface "PRI * HTTP/2.0" (RFC 9113 section 3.4)
            throw HttpException.badRequest("asterisk-form request-target is only allowed with OPTIONS");
        }
        authorityStart = -1;
        authorityEnd = -1;
        queryStart = -1;
        pathStart = from - base;
        pathEnd = from + 1 - base;
        path = "*";
        pathIsRaw = true;
        return from + 1;
    }

    /** {@code http[s]://authority path-abempty [ "?" query ]}; scheme case-insensitive, no userinfo, no empty host. */
    private int absoluteForm(byte[] b, int from, int base) {
        if (!AsciiTable.is(b[from], AsciiTable.ALPHA)) {
            throw HttpException.badRequest("request-target is not origin-form, absolute-form or asterisk-form");
        }
        int i = from + 1;
        while (AsciiTable.is(b[i], AsciiTable.SCHEME)) {
            i++;
        }
        int schemeLength = i - from;
        if (b[i] != ':' || b[i + 1] != '/' || b[i + 2] != '/') {   // short-circuits at the CR at the latest
            throw HttpException.badRequest("request-target is not origin-form, absolute-form or asterisk-form");
        }
        if (!(schemeLength == 4 && AsciiTable.equalsLowerCase(b, from, HTTP))
                && !(schemeLength == 5 && AsciiTable.equalsLowerCase(b, from, HTTPS))) {
            throw HttpException.badRequest("absolute-form request-target scheme is not http or https");
        }
        int authority = i + 3;
        int j = authority;
        boolean userinfo = false;
        while (AsciiTable.is(b[j], AsciiTable.AUTHORITY)) {
            userinfo |= b[j] == '@';
            j++;
        }
        byte stop = b[j];
        if (stop != '/' && stop != '?' && stop != AsciiTable.SP) {
            throw stop == '#'
                    ? HttpException.badRequest("request-target has a fragment")
                    : HttpException.badRequest("request-target contains a character outside its syntax");
        }
        if (userinfo) {
            throw HttpException.badRequest("request-target authority has userinfo");
        }
        if (!HostValidator.isValid(b, authority, j, true)) {
            throw HttpException.badRequest("request-target authority is not a valid host [ \":\" port ]");
        }
        authorityStart = authority - base;
        authorityEnd = j - base;
        return pathAndQuery(b, j, base);
    }

    /** {@code "HTTP/" DIGIT "." DIGIT} at {@code b[from..cr)}: one long comparison for the usual two versions. */
    private static HttpVersion version(byte[] b, int from, int cr) {
        if (cr - from == 8) {
            long word = ByteScan.longAt(b, from);
            if (word == HTTP_1_1) {
                return HttpVersion.HTTP_1_1;
            }
            if (word == HTTP_1_0) {
                return HttpVersion.HTTP_1_0;
            }
        }
        return otherVersion(b, from, cr);
    }

    private static HttpVersion otherVersion(byte[] b, int from, int cr) {
        if (cr - from != 8 || b[from] != 'H' || b[from + 1] != 'T' || b[from + 2] != 'T' || b[from + 3] != 'P'
                || b[from + 4] != '/' || !AsciiTable.is(b[from + 5], AsciiTable.DIGIT) || b[from + 6] != '.'
                || !AsciiTable.is(b[from + 7], AsciiTable.DIGIT)) {
            throw HttpException.badRequest("HTTP-version is not HTTP/DIGIT.DIGIT");
        }
        if (b[from + 5] != '1') {
            throw HttpException.versionNotSupported();
        }
        return b[from + 7] == '0' ? HttpVersion.HTTP_1_0 : HttpVersion.HTTP_1_1;
    }

    private static byte[] lower(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
