package herald.protocol.http1;

import java.nio.charset.StandardCharsets;

/**
 * The transfer codings of a request (RFC 9112 §6.1, §7), gathered over every {@code Transfer-Encoding} field line in
 * order, then judged once the header section is complete. One per {@link HeaderParser}, reset per request.
 *
 * <pre>
 * Transfer-Encoding  = #transfer-coding
 * transfer-coding    = token *( OWS ";" OWS transfer-parameter )
 * transfer-parameter = token BWS "=" BWS ( token / quoted-string )
 * </pre>
 *
 * <p>Only {@code chunked} is implemented. Precedence: 400 for Transfer-Encoding with Content-Length (smuggling), in
 * HTTP/1.0, without any coding, with {@code chunked} twice or not last, or with parameters on {@code chunked};
 * then 501 for any other coding. So {@code gzip} and {@code gzip, chunked} are 501, {@code chunked, gzip} is 400.
 */
final class TransferCodings {
    private static final byte[] CHUNKED = "chunked".getBytes(StandardCharsets.US_ASCII);

    private boolean present;
    private int codings;
    private int chunkedCodings;
    private boolean lastIsChunked;
    private boolean unsupported;

    void reset() {
        present = false;
        codings = 0;
        chunkedCodings = 0;
        lastIsChunked = false;
        unsupported = false;
    }

    /** Whether a Transfer-Encoding field was seen; after {@link #check}, whether the body is chunked. */
    boolean present() {
        return present;
    }

    /**
     * Adds the codings of one Transfer-Encoding value {@code b[from..to)}; empty list elements are ignored (RFC 9110
     * §5.6.1).
     *
     * @throws HttpException 400 for a coding that is not a token or malformed parameters
     */
    void add(byte[] b, int from, int to) {
        present = true;
        int i = from;
        while (i < to) {
            byte c = b[i];
            if (c == ',' || c == AsciiTable.SP || c == AsciiTable.HTAB) {
                i++;
                continue;
            }
            int start = i;
            while (i < to && AsciiTable.is(b[i], AsciiTable.TCHAR)) {
                i++;
            }
            if (i == start) {
                throw HttpException.badRequest("Transfer-Encoding is not a list of tokens");
            }
            boolean chunked = i - start == CHUNKED.length && AsciiTable.equalsLowerCase(b, start, CHUNKED);
            int end = skipParameters(b, i, to);
            if (chunked && end != FieldValues.skipWhitespace(b, i, to)) {
                throw HttpException.badRequest("chunked transfer coding takes no parameters");
            }
            codings++;
            lastIsChunked = chunked;
            if (chunked) {
                chunkedCodings++;
            } else {
                unsupported = true;
            }
            i = end;
            if (i < to && b[i] != ',') {
                throw HttpException.badRequest("Transfer-Encoding is not a list of tokens");
            }
        }
    }

    /**
     * Judges the codings once the header section is complete; returns normally only for a lone, final
     * {@code chunked}.
     */
    void check(HttpVersion version, boolean hasContentLength) {
        if (hasContentLength) {
            throw HttpException.badRequest("both Transfer-Encoding and Content-Length");
        }
        if (version == HttpVersion.HTTP_1_0) {
            throw HttpException.badRequest("Transfer-Encoding in an HTTP/1.0 request");
        }
        if (codings == 0) {
            throw HttpException.badRequest("Transfer-Encoding names no coding");
        }
        if (chunkedCodings > 1) {
            throw HttpException.badRequest("chunked transfer coding applied more than once");
        }
        if (chunkedCodings == 1 && !lastIsChunked) {
            throw HttpException.badRequest("chunked is not the final transfer coding");
        }
        if (unsupported) {
            throw HttpException.notImplemented("transfer coding other than chunked");
        }
    }

    /** Skips {@code *( OWS ";" OWS token BWS "=" BWS ( token / quoted-string ) )} and trailing OWS. */
    private static int skipParameters(byte[] b, int i, int to) {
        while (true) {
            i = FieldValues.skipWhitespace(b, i, to);
            if (i == to || b[i] != ';') {
                return i;
            }
            i = FieldValues.skipWhitespace(b, i + 1, to);
            int start = i;
            while (i < to && AsciiTable.is(b[i], AsciiTable.TCHAR)) {
                i++;
            }
            if (i == start) {
                throw HttpException.badRequest("transfer-parameter has no name");
            }
            i = FieldValues.skipWhitespace(b, i, to);
            if (i == to || b[i] != '=') {
                throw HttpException.badRequest("transfer-parameter has no value");
            }
            i = FieldValues.skipWhitespace(b, i + 1, to);
            if (i < to && b[i] == '"') {
                i = skipQuotedString(b, i, to);
            } else {
                start = i;
                while (i < to && AsciiTable.is(b[i], AsciiTable.TCHAR)) {
                    i++;
                }
                if (i == start) {
                    throw HttpException.badRequest("transfer-parameter has no value");
                }
            }
        }
    }

    /** quoted-string = DQUOTE *( qdtext / quoted-pair ) DQUOTE, starting at the DQUOTE at {@code b[i]}. */
    private static int skipQuotedString(byte[] b, int i, int to) {
        for (i++; i < to; i++) {
            byte c = b[i];
            if (c == '"') {
                return i + 1;
            }
            if (c == '\\') {
                if (++i == to || !AsciiTable.is(b[i], AsciiTable.FIELD_CHAR)) {
                    break;
                }
            } else if (!AsciiTable.is(c, AsciiTable.QDTEXT)) {
                break;
            }
        }
        throw HttpException.badRequest("malformed quoted-string");
    }
}
