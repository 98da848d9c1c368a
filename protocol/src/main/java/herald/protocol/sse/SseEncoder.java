package herald.protocol.sse;

import herald.protocol.internal.Utf8Validation;

import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Writes server-sent events into {@link ByteBuffer}s, once per event, for every subscriber to share. Static
 * methods, no state, no allocation on the byte[] paths; any thread may call them.
 *
 * <p>One encoded event, in this order:
 * <pre>
 *   retry: &lt;retryMillis&gt;\n        only when retryMillis &gt;= 0
 *   event: &lt;eventType&gt;\n         only when eventType is non-empty
 *   data: &lt;line 1&gt;\n            one line per line of the data; always at least one
 *   ...
 *   data: &lt;line n&gt;\n
 *   id: &lt;idPrefix&gt;&lt;idSeq&gt;\n       only when idSeq &gt;= 0: the prefix bytes, then idSeq in decimal
 *   \n                          the blank line that dispatches the event
 * </pre>
 * The id line is last so that a subscriber of several topics can write the bytes before it and then its own id
 * line and blank line ({@link #encodeId}): the id line starts at {@code end - 1 - idLineLength(idPrefix, idSeq)}.
 *
 * <p><b>Data</b> is split at {@code \r\n}, lone {@code \n} and lone {@code \r}; each line is written as
 * {@code "data: " + line}, so a line's leading spaces survive the parser's removal of one space. Empty data is one
 * empty data line, and data ending in a line break ends with an empty data line. A client's
 * {@link SseStreamParser} (or browser) then gets back exactly the data with its line breaks as {@code \n}: data
 * lines are joined with LF and the stream's last LF is removed. Data bytes are copied as they are; they should be
 * well-formed UTF-8 ({@link #isValidUtf8}), or a client sees U+FFFD.
 *
 * <p><b>Event type and id</b> must not contain CR, LF or NUL ({@link #isValidFieldValue}): a CR or LF would end
 * the field and inject another, and a browser ignores an id containing NUL. Such values are refused with
 * {@link IllegalArgumentException} before anything is written.
 *
 * <p><b>Room.</b> The {@code encode…} methods write at {@code out.position()} and advance it by the returned
 * count. If the bytes do not fit between position and limit they throw {@link BufferOverflowException} and leave
 * the position where it was; bytes after it may have been overwritten. Heap and direct buffers alike.
 */
public final class SseEncoder {
    /** Bytes {@link #encodeHeartbeat} writes. */
    public static final int HEARTBEAT_LENGTH = 2;

    private static final byte LF = '\n';
    private static final byte CR = '\r';
    private static final byte NUL = 0;
    private static final byte[] RETRY = ascii("retry: ");
    private static final byte[] EVENT = ascii("event: ");
    private static final byte[] DATA = ascii("data: ");
    private static final byte[] ID = ascii("id: ");
    private static final byte[] COMMENT = ascii(": ");
    private static final byte[] HEARTBEAT = ascii(":\n");   // an empty comment line: a keep-alive clients ignore
    private static final byte[] NO_BYTES = {};

    /** "00" to "99" as two ASCII bytes in one {@code short}, for either byte order. */
    private static final short[] DIGIT_PAIRS_BIG_ENDIAN = new short[100];
    private static final short[] DIGIT_PAIRS_LITTLE_ENDIAN = new short[100];

    static {
        for (int n = 0; n < 100; n++) {
            int tens = '0' + n / 10;
            int ones = '0' + n % 10;
            DIGIT_PAIRS_BIG_ENDIAN[n] = (short) (tens << 8 | ones);
            DIGIT_PAIRS_LITTLE_ENDIAN[n] = (short) (ones << 8 | tens);
        }
    }

    private SseEncoder() {
    }

    /**
     * The exact number of bytes {@link #encode(ByteBuffer, byte[], byte[], int, int, byte[], long, long)} writes for
     * these arguments.
     *
     * @throws IllegalArgumentException if the event type or id prefix contains CR, LF or NUL, or the event would be
     *                                  longer than {@code Integer.MAX_VALUE} bytes
     */
    public static int encodedLength(byte[] eventType, byte[] data, int dataOffset, int dataLength,
                                    byte[] idPrefix, long idSeq, long retryMillis) {
        Objects.checkFromIndexSize(dataOffset, dataLength, data.length);
        return length(eventType, data, dataOffset, dataLength, idSeq >= 0 ? prefix(idPrefix) : null, idSeq,
                retryMillis);
    }

    /**
     * Writes one event, laid out as the class comment shows.
     *
     * @param eventType   UTF-8 bytes of the type; null or empty for none (the client's default, "message")
     * @param data        UTF-8 bytes of the data; the bytes {@code [dataOffset, dataOffset + dataLength)} are used
     * @param idPrefix    bytes written before the decimal {@code idSeq} in the id line; null for none
     * @param idSeq       the id's sequence number; negative for no id line
     * @param retryMillis the reconnection time to announce; negative for no retry line
     * @return the bytes written, {@link #encodedLength} of the same arguments
     * @throws IllegalArgumentException if the event type or id prefix contains CR, LF or NUL (nothing written)
     * @throws BufferOverflowException  if the event does not fit in {@code out} (position unchanged)
     */
    public static int encode(ByteBuffer out, byte[] eventType, byte[] data, int dataOffset, int dataLength,
                             byte[] idPrefix, long idSeq, long retryMillis) {
        Objects.checkFromIndexSize(dataOffset, dataLength, data.length);
        return put(out, eventType, data, dataOffset, dataLength, idSeq >= 0 ? prefix(idPrefix) : null, idSeq,
                retryMillis);
    }

    /**
     * Writes one event like {@link #encode(ByteBuffer, byte[], byte[], int, int, byte[], long, long)}, but at the
     * absolute {@code index}, leaving the buffer's position and limit alone. Producers that claimed disjoint
     * regions of one shared buffer can so write into it concurrently, without a view each.
     *
     * @return the index after the last byte written
     * @throws IllegalArgumentException  if the event type or id prefix contains CR, LF or NUL (nothing written)
     * @throws IndexOutOfBoundsException if the event does not fit below the buffer's limit
     */
    public static int encode(ByteBuffer out, int index, byte[] eventType, byte[] data, int dataOffset,
                             int dataLength, byte[] idPrefix, long idSeq, long retryMillis) {
        Objects.checkFromIndexSize(dataOffset, dataLength, data.length);
        return putAt(out, index, eventType, data, dataOffset, dataLength, idSeq >= 0 ? prefix(idPrefix) : null,
                idSeq, retryMillis);
    }

    /** Bytes of the id line {@code "id: " + idPrefix + idSeq + "\n"}; 0 when {@code idSeq < 0} (no id line). */
    public static int idLineLength(byte[] idPrefix, long idSeq) {
        if (idSeq < 0) {
            return 0;
        }
        return ID.length + requireFieldValue(prefix(idPrefix), "idPrefix").length + decimalLength(idSeq) + 1;
    }

    /**
     * Writes the id line and the blank line that ends an event: {@code "id: " + idPrefix + idSeq + "\n\n"}, the
     * tail a subscriber of several topics writes after an event's bytes before its id line. On its own it is a block
     * that moves the client's last event ID without dispatching an event.
     *
     * @return the bytes written, {@code idLineLength(idPrefix, idSeq) + 1}
     * @throws IllegalArgumentException if {@code idSeq < 0} or the prefix contains CR, LF or NUL
     */
    public static int encodeId(ByteBuffer out, byte[] idPrefix, long idSeq) {
        if (idSeq < 0) {
            throw new IllegalArgumentException("idSeq=" + idSeq);
        }
        byte[] prefix = requireFieldValue(prefix(idPrefix), "idPrefix");
        int start = out.position();
        int at;
        try {
            at = putIdLine(out, start, prefix, idSeq);
            out.put(at++, LF);
        } catch (IndexOutOfBoundsException e) {
            throw new BufferOverflowException();
        }
        return advance(out, start, at);
    }

    /** Bytes of {@code "retry: " + retryMillis + "\n"}. */
    public static int retryLength(long retryMillis) {
        if (retryMillis < 0) {
            throw new IllegalArgumentException("retryMillis=" + retryMillis);
        }
        return RETRY.length + decimalLength(retryMillis) + 1;
    }

    /**
     * Writes {@code "retry: " + retryMillis + "\n"}. A client applies it as soon as the line arrives; it needs no
     * blank line (and dispatches nothing).
     *
     * @throws IllegalArgumentException if {@code retryMillis < 0}
     */
    public static int encodeRetry(ByteBuffer out, long retryMillis) {
        if (retryMillis < 0) {
            throw new IllegalArgumentException("retryMillis=" + retryMillis);
        }
        int start = out.position();
        int at;
        try {
            at = putRetryLine(out, start, retryMillis);
        } catch (IndexOutOfBoundsException e) {
            throw new BufferOverflowException();
        }
        return advance(out, start, at);
    }

    /** Bytes {@link #encodeComment} writes for {@code text}. */
    public static int commentLength(byte[] text) {
        return toIntLength(linesLength(COMMENT.length, text, 0, text.length));
    }

    /**
     * Writes {@code text} as comment lines: {@code ": " + line + "\n"} per line, the text split at CRLF, LF and CR
     * like data, so a line break in the text starts another comment rather than a field. Clients ignore comments;
     * {@link SseListener#onComment} reports each line's text.
     */
    public static int encodeComment(ByteBuffer out, byte[] text) {
        int start = out.position();
        int at;
        try {
            at = putLines(out, start, COMMENT, text, 0, text.length);
        } catch (IndexOutOfBoundsException e) {
            throw new BufferOverflowException();
        }
        return advance(out, start, at);
    }

    /**
     * Writes the heartbeat {@code ":\n"}, an empty comment: keeps an idle stream alive through proxies and makes a
     * dead peer's socket fail, and a client ignores it. {@value #HEARTBEAT_LENGTH} bytes.
     */
    public static int encodeHeartbeat(ByteBuffer out) {
        out.put(HEARTBEAT);
        return HEARTBEAT.length;
    }

    /**
     * Writes one event from strings, for paths where an allocation or two does not matter (per-request streams).
     * The strings are encoded as UTF-8 (an unpaired surrogate becomes {@code ?}).
     *
     * @param eventType null or empty for none
     * @param id        the whole id; null for no id line, empty for an id line that resets the client's last event ID
     * @param retryMillis negative for none
     * @throws IllegalArgumentException if {@code data} is null, or the type or id contains CR, LF or NUL
     * @throws BufferOverflowException  if the event does not fit in {@code out} (position unchanged)
     */
    public static int encode(ByteBuffer out, String eventType, String data, String id, long retryMillis) {
        if (data == null) {
            throw new IllegalArgumentException("data must not be null");
        }
        byte[] d = data.getBytes(StandardCharsets.UTF_8);
        return put(out, utf8Field(eventType, "eventType"), d, 0, d.length, utf8Field(id, "id"), -1, retryMillis);
    }

    /** The bytes {@link #encode(ByteBuffer, String, String, String, long)} writes, in a new array. */
    public static byte[] toBytes(String eventType, String data, String id, long retryMillis) {
        if (data == null) {
            throw new IllegalArgumentException("data must not be null");
        }
        byte[] type = utf8Field(eventType, "eventType");
        byte[] d = data.getBytes(StandardCharsets.UTF_8);
        byte[] idBytes = utf8Field(id, "id");
        byte[] bytes = new byte[length(type, d, 0, d.length, idBytes, -1, retryMillis)];
        put(ByteBuffer.wrap(bytes), type, d, 0, d.length, idBytes, -1, retryMillis);
        return bytes;
    }

    /** Whether {@code value} may be an event type or id: it contains no CR, LF or NUL. */
    public static boolean isValidFieldValue(CharSequence value) {
        for (int i = 0, n = value.length(); i < n; i++) {
            char c = value.charAt(i);
            if (c == '\n' || c == '\r' || c == '\0') {
                return false;
            }
        }
        return true;
    }

    /** Whether {@code value[offset, offset + length)} may be an event type or id: it contains no CR, LF or NUL. */
    public static boolean isValidFieldValue(byte[] value, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, value.length);
        for (int i = offset, end = offset + length; i < end; i++) {
            byte b = value[i];
            if (b == LF || b == CR || b == NUL) {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether {@code bytes[offset, offset + length)} is well-formed UTF-8 (no overlong forms, surrogates or code
     * points above U+10FFFF): data a client decodes without U+FFFD. Publishing checks bodies with it.
     */
    public static boolean isValidUtf8(byte[] bytes, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, bytes.length);
        return Utf8Validation.isWellFormed(bytes, offset, offset + length);
    }

    // ----- implementation: idBytes == null means no id line; idSeq < 0 means an id line of idBytes alone -----

    private static int length(byte[] eventType, byte[] data, int off, int len, byte[] idBytes, long idSeq,
                              long retryMillis) {
        long n = 1;                                         // the blank line
        if (retryMillis >= 0) {
            n += RETRY.length + decimalLength(retryMillis) + 1;
        }
        if (eventType != null && eventType.length > 0) {
            n += EVENT.length + requireFieldValue(eventType, "eventType").length + 1;
        }
        n += linesLength(DATA.length, data, off, len);
        if (idBytes != null) {
            n += ID.length + requireFieldValue(idBytes, "id").length + (idSeq >= 0 ? decimalLength(idSeq) : 0) + 1;
        }
        return toIntLength(n);
    }

    private static int toIntLength(long n) {
        if (n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("too large for a ByteBuffer: length=" + n);
        }
        return (int) n;
    }

    private static int put(ByteBuffer out, byte[] eventType, byte[] data, int off, int len, byte[] idBytes,
                           long idSeq, long retryMillis) {
        int start = out.position();
        int end;
        try {
            end = putAt(out, start, eventType, data, off, len, idBytes, idSeq, retryMillis);
        } catch (IndexOutOfBoundsException e) {
            throw new BufferOverflowException();          // absolute writes left the position where it was
        }
        return advance(out, start, end);
    }

    /** Writes one event at {@code at} with absolute puts only; returns the index after it. */
    private static int putAt(ByteBuffer out, int at, byte[] eventType, byte[] data, int off, int len,
                             byte[] idBytes, long idSeq, long retryMillis) {
        boolean hasType = eventType != null && eventType.length > 0;
        if (hasType) {
            requireFieldValue(eventType, "eventType");
        }
        if (idBytes != null) {
            requireFieldValue(idBytes, "id");
        }
        if (retryMillis >= 0) {
            at = putRetryLine(out, at, retryMillis);
        }
        if (hasType) {
            out.put(at, EVENT);
            at += EVENT.length;
            out.put(at, eventType);
            at += eventType.length;
            out.put(at++, LF);
        }
        at = putLines(out, at, DATA, data, off, len);
        if (idBytes != null) {
            at = putIdLine(out, at, idBytes, idSeq);
        }
        out.put(at++, LF);
        return at;
    }

    private static int advance(ByteBuffer out, int start, int end) {
        out.position(end);
        return end - start;
    }

    private static int putRetryLine(ByteBuffer out, int at, long retryMillis) {
        out.put(at, RETRY);
        at = putDecimal(out, at + RETRY.length, retryMillis);
        out.put(at++, LF);
        return at;
    }

    private static int putIdLine(ByteBuffer out, int at, byte[] idBytes, long idSeq) {
        out.put(at, ID);
        at += ID.length;
        out.put(at, idBytes);
        at += idBytes.length;
        if (idSeq >= 0) {
            at = putDecimal(out, at, idSeq);
        }
        out.put(at++, LF);
        return at;
    }

    /** {@code prefix + line + "\n"} for each line of {@code bytes[off, off + len)}, split at CRLF, LF and CR. */
    private static int putLines(ByteBuffer out, int at, byte[] prefix, byte[] bytes, int off, int len) {
        int end = off + len;
        int lineStart = off;
        int i = off;
        while (true) {
            i = LineBreaks.indexOf(bytes, i, end);          // segments between breaks are bulk-copied
            out.put(at, prefix);
            at += prefix.length;
            out.put(at, bytes, lineStart, i - lineStart);
            at += i - lineStart;
            out.put(at++, LF);
            if (i == end) {
                return at;
            }
            i += bytes[i] == CR && i + 1 < end && bytes[i + 1] == LF ? 2 : 1;
            lineStart = i;
        }
    }

    /** What {@link #putLines} writes: the line bytes plus prefix and LF per line; lines = line breaks + 1. */
    private static long linesLength(int prefixLength, byte[] bytes, int off, int len) {
        int end = off + len;
        long lines = 1;
        int breakBytes = 0;
        for (int i = LineBreaks.indexOf(bytes, off, end); i < end; i = LineBreaks.indexOf(bytes, i, end)) {
            lines++;
            int breakLength = bytes[i] == CR && i + 1 < end && bytes[i + 1] == LF ? 2 : 1;
            breakBytes += breakLength;
            i += breakLength;
        }
        return (len - breakBytes) + lines * (prefixLength + 1);
    }

    /** Writes {@code value >= 0} in decimal at {@code at} without allocating; returns the index after it. */
    private static int putDecimal(ByteBuffer out, int at, long value) {
        int digits = decimalLength(value);
        Objects.checkFromIndexSize(at, digits, out.limit());
        short[] pairs = out.order() == ByteOrder.BIG_ENDIAN ? DIGIT_PAIRS_BIG_ENDIAN : DIGIT_PAIRS_LITTLE_ENDIAN;
        long v = value;
        int i = at + digits;
        while (i - at >= 2) {                               // two digits per store, right to left
            i -= 2;
            out.putShort(i, pairs[(int) (v % 100)]);
            v /= 100;
        }
        if (i > at) {
            out.put(at, (byte) ('0' + (int) v));
        }
        return at + digits;
    }

    static int decimalLength(long value) {
        long bound = 10;
        for (int digits = 1; digits < 19; digits++) {
            if (value < bound) {
                return digits;
            }
            bound *= 10;
        }
        return 19;                                          // Long.MAX_VALUE has 19 digits
    }

    private static byte[] prefix(byte[] idPrefix) {
        return idPrefix == null ? NO_BYTES : idPrefix;
    }

    private static byte[] requireFieldValue(byte[] value, String name) {
        if (!isValidFieldValue(value, 0, value.length)) {
            throw new IllegalArgumentException(name + " must not contain CR, LF or NUL");
        }
        return value;
    }

    private static byte[] utf8Field(String value, String name) {
        if (value == null) {
            return null;
        }
        if (!isValidFieldValue(value)) {
            throw new IllegalArgumentException(name + " must not contain CR, LF or NUL");
        }
        return value.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
