package herald.loadtest.client;

/**
 * Decodes the chunked transfer coding (RFC 9112 §7.1) of a response body, handing each run of data bytes to a
 * {@link Sink} in place (no copy). Client side and lenient: chunk extensions and trailer fields are skipped
 * unread. State is an int and a long, so it can live in each of thousands of connections.
 *
 * <pre>
 * chunked-body = *chunk last-chunk trailer-section CRLF
 * chunk        = chunk-size [ chunk-ext ] CRLF chunk-data CRLF
 * </pre>
 */
final class ChunkedBody {

    /** Receives decoded data; the bytes are valid only during the call. */
    interface Sink {
        void data(byte[] a, int from, int to);
    }

    private static final int SIZE = 0;          // in chunk-size (hex digits)
    private static final int EXTENSION = 1;     // after the size: skip to LF
    private static final int DATA = 2;
    private static final int DATA_END = 3;      // CRLF after chunk-data: skip to LF
    private static final int TRAILER_LINE_START = 4;
    private static final int TRAILER_LINE = 5;
    private static final int DONE = 6;

    private int state = SIZE;
    private long remaining;                     // chunk-size while in SIZE; data bytes left while in DATA
    private boolean sizeSeen;

    void reset() {
        state = SIZE;
        remaining = 0;
        sizeSeen = false;
    }

    /** Whether the last chunk and the trailer section have been read: the body is complete. */
    boolean done() {
        return state == DONE;
    }

    /**
     * Decodes {@code a[from, to)}.
     *
     * @return the index after the body's end if it ended within these bytes, else {@code to}
     * @throws ProtocolError on a malformed chunk size
     */
    int decode(byte[] a, int from, int to, Sink sink) {
        int i = from;
        while (i < to) {
            switch (state) {
                case DATA -> {
                    int n = (int) Math.min(remaining, to - i);
                    sink.data(a, i, i + n);
                    i += n;
                    remaining -= n;
                    if (remaining == 0) {
                        state = DATA_END;
                    }
                }
                case SIZE -> {
                    byte b = a[i++];
                    int digit = hex(b);
                    if (digit >= 0) {
                        if (remaining > (Long.MAX_VALUE >> 4)) {
                            throw new ProtocolError("chunk size overflow");
                        }
                        remaining = (remaining << 4) | digit;
                        sizeSeen = true;
                    } else if (b == '\n') {
                        endSizeLine();
                    } else if (sizeSeen && (b == ';' || b == ' ' || b == '\t' || b == '\r')) {
                        state = EXTENSION;
                    } else {
                        throw new ProtocolError("bad chunk size");
                    }
                }
                case EXTENSION -> {
                    if (a[i++] == '\n') {
                        endSizeLine();
                    }
                }
                case DATA_END -> {
                    if (a[i++] == '\n') {
                        state = SIZE;
                    }
                }
                case TRAILER_LINE_START -> {
                    byte b = a[i++];
                    if (b == '\n') {
                        state = DONE;
                        return i;
                    }
                    if (b != '\r') {
                        state = TRAILER_LINE;
                    }
                }
                case TRAILER_LINE -> {
                    if (a[i++] == '\n') {
                        state = TRAILER_LINE_START;
                    }
                }
                default -> {
                    return i;               // DONE: bytes after the body are not ours
                }
            }
        }
        return to;
    }

    private void endSizeLine() {
        if (!sizeSeen) {
            throw new ProtocolError("empty chunk size");
        }
        sizeSeen = false;
        state = remaining == 0 ? TRAILER_LINE_START : DATA;
    }

    private static int hex(byte b) {
        if (b >= '0' && b <= '9') {
            return b - '0';
        }
        if (b >= 'a' && b <= 'f') {
            return b - 'a' + 10;
        }
        if (b >= 'A' && b <= 'F') {
            return b - 'A' + 10;
        }
        return -1;
    }
}
