package herald.protocol.http1;

import java.nio.charset.StandardCharsets;

/**
 * The grammars of the field values that frame and steer a request, read straight from the head's bytes without
 * creating strings. Each method takes a value without its leading and trailing OWS.
 *
 * <pre>
 * RFC 9110 §8.6    Content-Length = 1*DIGIT
 * RFC 9110 §7.6.1  Connection     = #connection-option ; connection-option = token
 * RFC 9110 §10.1.1 Expect         = #expectation ; only "100-continue" is defined
 * RFC 9110 §5.6.1  #element       = [ element ] *( OWS "," OWS [ element ] )
 * </pre>
 */
final class FieldValues {
    /** {@link #connectionOptions} found {@code close}. */
    static final int CLOSE = 1;
    /** {@link #connectionOptions} found {@code keep-alive}. */
    static final int KEEP_ALIVE = 2;
    /** {@link #expectations} found {@code 100-continue}. */
    static final int CONTINUE = 1;
    /** {@link #expectations} found another expectation. */
    static final int OTHER_EXPECTATION = 2;

    private static final byte[] CLOSE_TOKEN = "close".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] KEEP_ALIVE_TOKEN = "keep-alive".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CONTINUE_TOKEN = "100-continue".getBytes(StandardCharsets.US_ASCII);

    private FieldValues() {
    }

    /**
     * The value of {@code b[from..to)} as a Content-Length: one decimal number. A list, even of identical values
     * ({@code 5, 5}), is refused: RFC 9110 §8.6 lets a recipient either reject it or collapse it, and, like nginx,
     * Herald rejects it, so that no proxy in front can frame the message differently from Herald.
     *
     * @throws HttpException 400 when empty, not digits (signs, spaces inside, hex), a list, or a value beyond
     *                       {@code Long.MAX_VALUE}
     */
    static long contentLength(byte[] b, int from, int to) {
        int i = from;
        if (i == to || !AsciiTable.is(b[i], AsciiTable.DIGIT)) {
            throw HttpException.badRequest("Content-Length is not a decimal number");
        }
        long value = 0;
        do {
            int digit = b[i++] - '0';
            if (value > (Long.MAX_VALUE - digit) / 10) {
                throw HttpException.badRequest("Content-Length overflows a long");
            }
            value = value * 10 + digit;
        } while (i < to && AsciiTable.is(b[i], AsciiTable.DIGIT));
        if (i == to) {
            return value;
        }
        int next = skipWhitespace(b, i, to);
        if (next < to && b[next] == ',') {
            throw HttpException.badRequest("Content-Length is a list; send one value (RFC 9110 section 8.6)");
        }
        throw HttpException.badRequest("Content-Length is not a decimal number");
    }

    /**
     * {@link #CLOSE} and {@link #KEEP_ALIVE} for the options of a Connection value, matched case-insensitively;
     * other options are ignored, empty elements skipped.
     *
     * @throws HttpException 400 when an element is not a token
     */
    static int connectionOptions(byte[] b, int from, int to) {
        int found = 0;
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
            int length = i - start;
            if (length == CLOSE_TOKEN.length && AsciiTable.equalsLowerCase(b, start, CLOSE_TOKEN)) {
                found |= CLOSE;
            } else if (length == KEEP_ALIVE_TOKEN.length && AsciiTable.equalsLowerCase(b, start, KEEP_ALIVE_TOKEN)) {
                found |= KEEP_ALIVE;
            }
            i = skipWhitespace(b, i, to);
            if (length == 0 || i < to && b[i] != ',') {
                throw HttpException.badRequest("Connection is not a list of tokens");
            }
        }
        return found;
    }

    /**
     * {@link #CONTINUE} and {@link #OTHER_EXPECTATION} for the elements of an Expect value. Only
     * {@code 100-continue} (case-insensitive) is defined; any other non-empty element, parameters included, is an
     * expectation Herald cannot meet. Elements are split at every comma: a comma inside a quoted string only
     * splits an element that is unmet anyway.
     */
    static int expectations(byte[] b, int from, int to) {
        int found = 0;
        int i = from;
        while (i < to) {
            int start = skipWhitespace(b, i, to);
            int end = start;
            while (end < to && b[end] != ',') {
                end++;
            }
            int trimmed = FieldLines.valueEnd(b, start, end);
            if (trimmed - start == CONTINUE_TOKEN.length && AsciiTable.equalsLowerCase(b, start, CONTINUE_TOKEN)) {
                found |= CONTINUE;
            } else if (trimmed > start) {
                found |= OTHER_EXPECTATION;
            }
            i = end + 1;
        }
        return found;
    }

    static int skipWhitespace(byte[] b, int i, int to) {
        while (i < to && (b[i] == AsciiTable.SP || b[i] == AsciiTable.HTAB)) {
            i++;
        }
        return i;
    }
}
