package herald.protocol.sse;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Objects;

/**
 * An incremental event-stream parser that does exactly what the WHATWG HTML standard's
 * <a href="https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation">9.2.6
 * Interpreting an event stream</a> asks of an {@code EventSource}, fed with bytes as they arrive however the reads
 * split them.
 *
 * <ul>
 *   <li>Bytes are decoded as UTF-8 with the Encoding Standard's decoder: each maximal subpart of an ill-formed
 *       sequence becomes U+FFFD, a sequence split across buffers decodes as if contiguous. One leading BOM
 *       ({@code EF BB BF}) is removed at the start of the stream only.</li>
 *   <li>"a U+000D CARRIAGE RETURN U+000A LINE FEED (CRLF) character pair, a single U+000A LINE FEED (LF) character
 *       not preceded by a U+000D CARRIAGE RETURN (CR) character, and a single U+000D CARRIAGE RETURN (CR) character
 *       not followed by a U+000A LINE FEED (LF) character" end a line; a CR at the end of one buffer and an LF at
 *       the start of the next are one line end.</li>
 *   <li>A blank line dispatches; a line starting with {@code :} is a comment; otherwise the field name is what
 *       precedes the first colon and the value what follows it, with one leading U+0020 SPACE removed; a line
 *       without a colon is a field name with the empty value. Names are case-sensitive.</li>
 *   <li>{@code event} sets the event type buffer; {@code data} appends the value and an LF to the data buffer;
 *       {@code id} sets the last event ID buffer unless the value contains U+0000 NULL; {@code retry} sets the
 *       reconnection time if the value is one or more ASCII digits (a value beyond {@code Long.MAX_VALUE} is
 *       ignored like any value that is not an integer); other fields are ignored.</li>
 *   <li>Dispatch sets the last event ID string from its buffer (so a block of only {@code id:} moves it without an
 *       event); if the data buffer is empty, clears the data and type buffers and stops; otherwise removes the one
 *       trailing LF from the data, defaults the type to {@code "message"}, calls
 *       {@link SseListener#onEvent}, and clears the data and type buffers (not the last event ID buffer).</li>
 *   <li>"If the file ends in the middle of an event, before the final empty line, the incomplete event is not
 *       dispatched": {@link #endOfStream()} discards the unfinished line and event; a last line without its line
 *       end is never processed, not even an {@code id} or {@code retry} in it.</li>
 * </ul>
 *
 * <p><b>Threads.</b> Not thread-safe: one parser per connection, used by one thread at a time.
 *
 * <p><b>Memory.</b> A new parser holds an estimated 200 bytes (its fields); its buffers grow (from nothing) to the
 * longest line it had to copy (lines split across reads; every line of a direct buffer) and the largest event
 * seen, and are kept for reuse ({@link #reset()} gives back anything above 64 Ki). Once grown: no allocation per event, line or comment,
 * for heap and direct input alike. Only {@link #lastEventId()} allocates, a {@code String} when the id has changed
 * since it was last asked.
 *
 * <p><b>Limit.</b> A line longer than {@code maxEventChars} bytes, or an event whose data buffer (each data line
 * plus its LF) grows beyond {@code maxEventChars} chars, makes {@link #parse} throw {@link SseLimitException} as
 * soon as the excess has arrived. The parser is then in an unspecified state: {@link #reset()} it before reuse.
 * Exceptions thrown by the listener propagate the same way.
 *
 * <pre>{@code
 * SseStreamParser parser = new SseStreamParser((type, data, id) -> handle(type.toString(), data.toString()));
 * while (channel.read(buffer.clear()) >= 0) {
 *     parser.parse(buffer.flip());
 * }
 * parser.endOfStream();
 * }</pre>
 */
public final class SseStreamParser {
    /** 16 Mi: far above any sane event, low enough that a hostile stream cannot exhaust a heap. */
    public static final int DEFAULT_MAX_EVENT_CHARS = 16 * 1024 * 1024;

    private static final int MIN_LINE_CAPACITY = 128;
    private static final int KEEP_ON_RESET = 64 * 1024;         // buffer capacity reset() keeps for reuse
    private static final byte LF = '\n';
    private static final byte CR = '\r';
    private static final byte[] BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
    private static final byte[] NO_BYTES = {};

    private final SseLineInterpreter interpreter;
    private final int maxEventChars;

    private byte[] line = NO_BYTES;         // an unfinished line carried from one parse() to the next
    private int lineLength;
    private boolean skipLf;                 // the last byte was a CR that ended a line: a following LF is part of it
    private boolean streamStart = true;     // the next line is the stream's first: it may begin with the BOM

    /** A parser with the {@linkplain #DEFAULT_MAX_EVENT_CHARS default limit}. */
    public SseStreamParser(SseListener listener) {
        this(listener, DEFAULT_MAX_EVENT_CHARS);
    }

    /**
     * @param maxEventChars the most bytes one line and the most chars one event's data buffer may hold; positive
     * @throws IllegalArgumentException if {@code maxEventChars} is not positive
     */
    public SseStreamParser(SseListener listener, int maxEventChars) {
        if (listener == null) {
            throw new IllegalArgumentException("listener must not be null");
        }
        if (maxEventChars <= 0) {
            throw new IllegalArgumentException("maxEventChars=" + maxEventChars);
        }
        this.interpreter = new SseLineInterpreter(listener, maxEventChars);
        this.maxEventChars = maxEventChars;
    }

    /**
     * Parses all remaining bytes of {@code in}, calling the listener for each event, retry and comment they
     * complete, and leaves {@code in.position() == in.limit()}. Bytes of an unfinished line are copied and kept for
     * the next call; the caller may reuse {@code in} at once. Heap, direct and read-only buffers are accepted.
     *
     * @throws SseLimitException if a line or an event's data exceeds {@code maxEventChars}
     */
    public void parse(ByteBuffer in) {
        if (in.hasArray()) {
            int offset = in.arrayOffset();
            parseArray(in.array(), offset + in.position(), offset + in.limit());
        } else {
            parseWithoutArray(in, in.position(), in.limit());
        }
        in.position(in.limit());
    }

    /** Parses {@code bytes[offset, offset + length)}, as {@link #parse(ByteBuffer)} does. */
    public void parse(byte[] bytes, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, bytes.length);
        parseArray(bytes, offset, offset + length);
    }

    private void parseArray(byte[] a, int start, int end) {
        int i = start;
        if (skipLf && i < end) {
            skipLf = false;
            if (a[i] == LF) {
                i++;
            }
        }
        if (lineLength > 0 && i < end) {                    // finish the line carried from the last call
            int eol = LineBreaks.indexOf(a, i, end);
            appendToLine(a, i, eol);
            if (eol == end) {
                return;
            }
            processLine(line, 0, lineLength);
            lineLength = 0;
            i = afterLineEnd(a, eol, end);
        }
        while (i < end) {
            int eol = LineBreaks.indexOf(a, i, end);
            if (eol == end) {
                appendToLine(a, i, end);
                return;
            }
            if (eol - i > maxEventChars) {
                throw new SseLimitException("line", maxEventChars);
            }
            processLine(a, i, eol);                         // in place: no copy for a line within one buffer
            i = afterLineEnd(a, eol, end);
        }
    }

    /** Direct and read-only buffers: scan in place, copy each line once into {@link #line} and process it there. */
    private void parseWithoutArray(ByteBuffer in, int start, int end) {
        int i = start;
        if (skipLf && i < end) {
            skipLf = false;
            if (in.get(i) == LF) {
                i++;
            }
        }
        while (i < end) {
            int eol = LineBreaks.indexOf(in, i, end);
            int n = eol - i;
            ensureLineCapacity(n);
            in.get(i, line, lineLength, n);
            lineLength += n;
            if (eol == end) {
                return;
            }
            processLine(line, 0, lineLength);
            lineLength = 0;
            i = eol + 1;
            if (in.get(eol) == CR) {
                if (i < end) {
                    if (in.get(i) == LF) {
                        i++;
                    }
                } else {
                    skipLf = true;
                }
            }
        }
    }

    /**
     * The stream ended (EOF, connection closed): "any pending data must be discarded". The unfinished line, the
     * data and the event type are dropped without dispatch; nothing is reported. The last event ID and the
     * reconnection time are kept, and the parser is ready for the stream of a reconnection, as an
     * {@code EventSource} is: BOM removal starts afresh and the new stream's last event ID buffer starts from
     * {@link #lastEventId()} (as Chromium's does).
     */
    public void endOfStream() {
        lineLength = 0;
        skipLf = false;
        streamStart = true;
        interpreter.endOfStream();
    }

    /** Forgets everything but the listener and the limit: a parser as new, for an unrelated stream. */
    public void reset() {
        reset("");
        interpreter.clearReconnectionTime();
    }

    /**
     * Starts a new stream whose last event ID is {@code lastEventId}: the value a client sent as
     * {@code Last-Event-ID} when it resumed. The reconnection time is kept.
     *
     * @throws IllegalArgumentException if {@code lastEventId} is null or contains CR, LF or NUL (no stream could
     *                                  have set such an id)
     */
    public void reset(String lastEventId) {
        if (lastEventId == null || !SseEncoder.isValidFieldValue(lastEventId)) {
            throw new IllegalArgumentException("lastEventId must be non-null without CR, LF or NUL");
        }
        lineLength = 0;
        skipLf = false;
        streamStart = true;
        if (line.length > KEEP_ON_RESET) {
            line = NO_BYTES;
        }
        interpreter.reset(lastEventId, KEEP_ON_RESET);
    }

    /**
     * The last event ID string: set at each dispatch from the last {@code id} field; {@code ""} initially. Cached
     * as a {@code String} until it changes.
     */
    public String lastEventId() {
        return interpreter.lastEventId();
    }

    /** The reconnection time in milliseconds from the last valid {@code retry} field; -1 until there is one. */
    public long reconnectionTime() {
        return interpreter.reconnectionTime();
    }

    /** The limit given at construction. */
    public int maxEventChars() {
        return maxEventChars;
    }

    /** The index after the line end at {@code eol}; a CR as the last byte leaves the CRLF question to the next call. */
    private int afterLineEnd(byte[] a, int eol, int end) {
        int i = eol + 1;
        if (a[eol] == CR) {
            if (i < end) {
                if (a[i] == LF) {
                    i++;
                }
            } else {
                skipLf = true;
            }
        }
        return i;
    }

    private void appendToLine(byte[] a, int from, int to) {
        int n = to - from;
        ensureLineCapacity(n);
        System.arraycopy(a, from, line, lineLength, n);
        lineLength += n;
    }

    private void ensureLineCapacity(int more) {
        int needed = lineLength + more;
        if (needed > maxEventChars) {
            throw new SseLimitException("line", maxEventChars);
        }
        if (needed > line.length) {
            int doubled = Math.max(MIN_LINE_CAPACITY, line.length * 2);
            line = Arrays.copyOf(line, doubled < 0 ? needed : Math.max(needed, Math.min(doubled, maxEventChars)));
        }
    }

    /** Drops the BOM from the stream's first line: "One leading U+FEFF BYTE ORDER MARK character must be ignored". */
    private void processLine(byte[] a, int from, int to) {
        if (streamStart) {
            streamStart = false;
            if (to - from >= BOM.length && a[from] == BOM[0] && a[from + 1] == BOM[1] && a[from + 2] == BOM[2]) {
                from += BOM.length;
            }
        }
        interpreter.line(a, from, to);
    }
}
