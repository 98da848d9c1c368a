package herald.loadtest.client;

import java.util.Arrays;

/**
 * Reads an HTTP/1.1 response head (RFC 9112 §4 status line, §5 field lines) incrementally, keeping only what a
 * client of an event stream or a publish endpoint needs: status, body framing, {@code Connection: close},
 * {@code Content-Type}. Lenient about what it ignores, strict about what it uses: a status line that is not
 * {@code HTTP/1.x NNN}, or a head over {@link #MAX_HEAD_BYTES}, is a {@link ProtocolError}.
 *
 * <p>Not thread-safe; one per connection while its head arrives. Reusable with {@link #reset()}.
 */
final class ResponseHead {
    static final int MAX_HEAD_BYTES = 16 * 1024;

    private byte[] bytes = new byte[256];
    private int length;
    private int lineEnds;                  // consecutive line ends seen (CR ignored): 2 ends the head

    private int status;
    private long contentLength;
    private boolean chunked;
    private boolean close;
    private boolean eventStream;

    /**
     * Consumes bytes of {@code a[from, to)} up to the end of the final head; interim (1xx) heads before it are
     * read and skipped.
     *
     * @return the index after the final head's blank line, or -1 if all bytes were consumed and it is incomplete
     * @throws ProtocolError if the head is too long or malformed
     */
    int feed(byte[] a, int from, int to) {
        int i = from;
        int start = from;
        int ends = lineEnds;
        while (i < to) {
            byte b = a[i++];
            if (b == '\n') {
                if (++ends == 2) {
                    append(a, start, i);
                    lineEnds = 0;
                    parse();
                    if (status >= 200) {
                        return i;
                    }
                    start = i;              // an interim response: the final head follows
                    ends = 0;
                }
            } else if (b != '\r') {
                ends = 0;
            }
        }
        lineEnds = ends;
        append(a, start, to);
        return -1;
    }

    void reset() {
        length = 0;
        lineEnds = 0;
        if (bytes.length > 1024) {
            bytes = new byte[256];
        }
    }

    int status() {
        return status;
    }

    /** -1 when there is no Content-Length field. */
    long contentLength() {
        return contentLength;
    }

    boolean chunked() {
        return chunked;
    }

    boolean close() {
        return close;
    }

    boolean eventStream() {
        return eventStream;
    }

    /** Whether a body follows (RFC 9110 §6.4.1: not for 1xx, 204, 304; HEAD is never sent here). */
    boolean hasBody() {
        return status >= 200 && status != 204 && status != 304;
    }

    private void append(byte[] a, int from, int to) {
        int n = to - from;
        if (length + n > MAX_HEAD_BYTES) {
            throw new ProtocolError("response head over " + MAX_HEAD_BYTES + " bytes");
        }
        if (length + n > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + n));
        }
        System.arraycopy(a, from, bytes, length, n);
        length += n;
    }

    private void parse() {
        status = 0;
        contentLength = -1;
        chunked = false;
        close = false;
        eventStream = false;
        int lineEnd = lineEnd(0);
        parseStatusLine(lineEnd);
        int i = next(lineEnd);
        while (i < length) {
            int end = lineEnd(i);
            if (end == i) {
                break;
            }
            parseField(i, end);
            i = next(end);
        }
        length = 0;
    }

    private void parseStatusLine(int end) {
        // status-line = HTTP-version SP status-code SP [ reason-phrase ]; HTTP-version = "HTTP/" DIGIT "." DIGIT
        if (end < 12 || bytes[0] != 'H' || bytes[1] != 'T' || bytes[2] != 'T' || bytes[3] != 'P' || bytes[4] != '/'
                || bytes[8] != ' ' || !digit(bytes[9]) || !digit(bytes[10]) || !digit(bytes[11])) {
            throw new ProtocolError("not an HTTP/1.x status line");
        }
        status = (bytes[9] - '0') * 100 + (bytes[10] - '0') * 10 + (bytes[11] - '0');
        if (status < 100) {
            throw new ProtocolError("status code under 100");
        }
        if (bytes[7] == '0' && bytes[5] == '1') {
            close = true;                   // HTTP/1.0: no persistent connection unless asked for
        }
    }

    private void parseField(int from, int end) {
        int colon = from;
        while (colon < end && bytes[colon] != ':') {
            colon++;
        }
        if (colon == end) {
            return;                         // not a field line: ignored (lenient)
        }
        int v = colon + 1;
        while (v < end && (bytes[v] == ' ' || bytes[v] == '\t')) {
            v++;
        }
        int ve = end;
        while (ve > v && (bytes[ve - 1] == ' ' || bytes[ve - 1] == '\t')) {
            ve--;
        }
        if (nameIs(from, colon, "content-length")) {
            contentLength = digits(v, ve);
        } else if (nameIs(from, colon, "transfer-encoding")) {
            chunked = ve - v >= 7 && nameIs(ve - 7, ve, "chunked");
        } else if (nameIs(from, colon, "connection")) {
            close = contains(v, ve, "close");
        } else if (nameIs(from, colon, "content-type")) {
            eventStream = ve - v >= 17 && nameIs(v, v + 17, "text/event-stream");
        }
    }

    private long digits(int from, int to) {
        if (from == to || to - from > 18) {
            throw new ProtocolError("bad Content-Length");
        }
        long n = 0;
        for (int i = from; i < to; i++) {
            if (!digit(bytes[i])) {
                throw new ProtocolError("bad Content-Length");
            }
            n = n * 10 + (bytes[i] - '0');
        }
        return n;
    }

    private boolean contains(int from, int to, String lower) {
        for (int i = from; i + lower.length() <= to; i++) {
            if (nameIs(i, i + lower.length(), lower)) {
                return true;
            }
        }
        return false;
    }

    private boolean nameIs(int from, int to, String lowerName) {
        if (to - from != lowerName.length()) {
            return false;
        }
        for (int i = 0; i < lowerName.length(); i++) {
            int c = bytes[from + i];
            if (c >= 'A' && c <= 'Z') {
                c += 'a' - 'A';
            }
            if (c != lowerName.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** The index of the line end (CR of CRLF, or LF) of the line starting at {@code from}. */
    private int lineEnd(int from) {
        int i = from;
        while (i < length && bytes[i] != '\n') {
            i++;
        }
        return i > from && bytes[i - 1] == '\r' ? i - 1 : i;
    }

    private int next(int lineEnd) {
        return lineEnd < length && bytes[lineEnd] == '\r' ? lineEnd + 2 : lineEnd + 1;
    }

    private static boolean digit(byte b) {
        return b >= '0' && b <= '9';
    }
}
