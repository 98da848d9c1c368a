package herald.protocol.http1;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Parses HTTP/1.1 request heads (RFC 9112) incrementally from {@link ByteBuffer}s, strictly: every violation is an
 * {@link HttpException} with the status that names it.
 *
 * <p><b>Threads.</b> Not thread-safe: one parser per connection, used by the connection's thread. The heads it
 * returns are immutable and may go to any thread.
 *
 * <p><b>Buffers.</b> {@link #parse} copies the bytes it consumes; the caller keeps ownership of {@code in} and may
 * reuse it once {@code parse} returns. Heap and direct buffers both work. The parser keeps its scratch arrays for
 * the next request; they grow to the largest head seen (bounded by the limits).
 *
 * <p><b>Split reads.</b> The result never depends on how the bytes are split across calls. A line is judged once
 * its LF has arrived, or as soon as it has more bytes than its limit allows — whichever comes first — so a limit is
 * detected at the byte that crosses it, and a line's content errors (400) are reported when the line is complete.
 *
 * <p><b>Rules</b> (RFC 9112 §2.2): lines end in CRLF; a bare LF or a bare CR is a 400. Up to
 * {@value #MAX_LEADING_EMPTY_LINES} empty lines (CRLF) before the request line are ignored (a client may send one
 * after a body), more are a 400. Limits: {@link HttpLimits}. After an {@link HttpException} the connection must be
 * closed; {@link #reset()} makes the parser usable again if a caller needs it.
 *
 * <pre>{@code
 * RequestParser parser = new RequestParser(HttpLimits.DEFAULTS);
 * RequestHead head;
 * while ((head = parser.parse(buffer)) == null) {
 *     buffer.clear();
 *     if (channel.read(buffer) < 0) { return; }
 *     buffer.flip();
 * }
 * // buffer now starts at the body or the next pipelined request
 * }</pre>
 *
 * <p><b>Implementer notes.</b> Bytes are copied into a scratch array in steps (1 KiB, doubling), followed by a
 * sentinel byte so the byte-class loops need no bounds checks; what followed the head is handed back by moving
 * {@code in}'s position. The strict path finds a line's LF (eight bytes at a time) and then validates the line; it
 * defines the results. Complete, well-formed field lines take a one-pass fast path instead
 * ({@code HeaderParser.parseLines}), which declines anything unusual to the strict path, so it can change speed
 * but never a result. The head keeps one exact copy of its bytes and two offsets per field line.
 */
public final class RequestParser {
    /** Empty lines ignored before a request line (RFC 9112 §2.2 asks for at least one). */
    public static final int MAX_LEADING_EMPTY_LINES = 8;

    private static final int FIRST_READ_STEP = 1_024;   // bytes copied at a time, doubling: little overshoot
    private static final int MAX_READ_STEP = 16_384;    // into a body or a pipelined request
    private static final int INITIAL_CAPACITY = 2_048;
    private static final byte SENTINEL = 0;             // after the data: stops every byte-class loop

    private final HttpLimits limits;
    private final RequestLineParser requestLine = new RequestLineParser();
    private final HeaderParser headers;

    private byte[] buf = new byte[INITIAL_CAPACITY];
    private int size;                   // bytes of the current head in buf
    private int lineStart;              // start of the line being read
    private int scanFrom;               // where the LF search of the current line resumes
    private int headStart;              // start of the request line, after ignored empty lines
    private int emptyLines;
    private int headerBytes;            // bytes of complete field lines
    private boolean inHeaders;          // false: before or in the request line

    public RequestParser(HttpLimits limits) {
        if (limits == null) {
            throw new IllegalArgumentException("limits must not be null");
        }
        this.limits = limits;
        this.headers = new HeaderParser(limits);
    }

    public RequestParser() {
        this(HttpLimits.DEFAULTS);
    }

    public HttpLimits limits() {
        return limits;
    }

    /**
     * Consumes bytes from {@code in} until a request head is complete and returns it, leaving {@code in}'s
     * position just after the head's final CRLF (at the body or the next pipelined request); the parser is then
     * ready for the next request. Returns null when {@code in} ran out first: every remaining byte was consumed
     * into the parser, and the next call continues where this one stopped.
     *
     * @throws HttpException for a malformed request or a crossed limit; the parser must then be {@link #reset()}
     *                       (the connection is usually closed instead)
     */
    public RequestHead parse(ByteBuffer in) {
        int step = FIRST_READ_STEP;
        while (true) {
            int lf;
            while ((lf = nextLineEnd()) >= 0) {
                if (inHeaders) {
                    if (buf[lineStart] == AsciiTable.CR) {
                        return complete(in, lf);
                    }
                    headers.parseLine(buf, lineStart, lf);
                    headerBytes += lf + 1 - lineStart;
                } else {
                    requestLine(lf);
                }
                lineStart = lf + 1;
                scanFrom = lf + 1;
            }
            int n = Math.min(in.remaining(), step);
            if (n == 0) {
                return null;
            }
            if (size + n >= buf.length) {
                buf = Arrays.copyOf(buf, Math.max(2 * buf.length, size + n + 1));
            }
            in.get(buf, size, n);
            size += n;
            buf[size] = SENTINEL;
            step = Math.min(2 * step, MAX_READ_STEP);
        }
    }

    /**
     * Whether a large head made this parser's buffers grow past their initial sizes (a pool of parsers drops
     * such a one rather than keep the memory).
     */
    public boolean grown() {
        return buf.length > INITIAL_CAPACITY || headers.grown();
    }

    /** Forgets any partial head, e.g. after an {@link HttpException}. */
    public void reset() {
        size = 0;
        lineStart = 0;
        scanFrom = 0;
        headStart = 0;
        emptyLines = 0;
        headerBytes = 0;
        inHeaders = false;
    }

    /**
     * The index of the LF ending the current line, or -1 when it has not arrived yet.
     *
     * @throws HttpException 414 or 431 when the line cannot fit its limit; 400 for a line starting with a bare CR
     */
    private int nextLineEnd() {
        int start = lineStart;
        if (start == size) {
            return -1;
        }
        byte[] b = buf;
        if (inHeaders && scanFrom == start) {           // a line not looked at yet: try the one-pass fast path
            int sectionEnd = headStart + requestLine.lineBytes + limits.maxHeaderBytes();
            int end = headers.parseLines(b, start, Math.min(size, sectionEnd));
            if (end != start) {
                headerBytes += end - start;
                lineStart = scanFrom = start = end;
                if (start == size) {
                    return -1;
                }
            }
        }
        if (b[start] == AsciiTable.CR) {                // an empty line (not counted against a limit) or a bare CR
            if (start + 1 == size) {
                return -1;
            }
            if (b[start + 1] != AsciiTable.LF) {
                throw HttpException.badRequest("bare CR");
            }
            return start + 1;
        }
        int allowance = inHeaders ? limits.maxHeaderBytes() - headerBytes : limits.maxRequestLineBytes();
        int bound = size - start > allowance ? start + allowance : size;
        int lf = ByteScan.indexOfLf(b, scanFrom, bound);
        if (lf >= 0) {
            return lf;
        }
        if (bound - start == allowance) {               // `allowance` bytes and no LF: the line cannot fit
            throw inHeaders
                    ? HttpException.headerSectionTooLarge(limits.maxHeaderBytes())
                    : HttpException.uriTooLong(limits.maxRequestLineBytes());
        }
        scanFrom = bound;
        return -1;
    }

    private void requestLine(int lf) {
        if (buf[lineStart] == AsciiTable.CR) {
            if (++emptyLines > MAX_LEADING_EMPTY_LINES) {
                throw HttpException.badRequest("too many empty lines before the request line: max="
                        + MAX_LEADING_EMPTY_LINES);
            }
            headStart = lf + 1;
            return;
        }
        headStart = lineStart;
        requestLine.parse(buf, lineStart, lf);
        headers.reset(headStart);
        inHeaders = true;
    }

    private RequestHead complete(ByteBuffer in, int lf) {
        headers.finish(buf, requestLine.version);
        int headEnd = lf + 1;
        RequestHead head = new RequestHead(Arrays.copyOfRange(buf, headStart, headEnd),
                Arrays.copyOf(headers.offsets(), FieldLines.SLOT * headers.count()), requestLine, headers);
        in.position(in.position() - (size - headEnd));  // give back what followed the head: all of it from `in`
        reset();
        return head;
    }
}
