package herald.protocol.http1;

import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Writes a response head (RFC 9112 §4, §5) into a {@link ByteBuffer} without allocating: a status line, field
 * lines, the empty line.
 *
 * <p><b>Safety.</b> Names must be tokens; values may hold SP, HTAB, VCHAR and U+0080-U+00FF (written as one byte
 * each, ISO-8859-1), nothing else: CR, LF, NUL and every other control character throw
 * {@link IllegalArgumentException}, so a value taken from a request cannot split the response.
 *
 * <p><b>Buffers.</b> Each call writes all of its bytes or none: when {@code out} has too little room it throws
 * {@link BufferOverflowException} before writing. Stateless and thread-safe; the buffer belongs to the caller.
 *
 * <pre>{@code
 * ResponseHead.writeStatusLine(out, 200);
 * ResponseHead.writeHeader(out, ResponseHead.CONTENT_TYPE_EVENT_STREAM);
 * ResponseHead.writeHeader(out, ResponseHead.CACHE_CONTROL_NO_CACHE);
 * ResponseHead.writeHeader(out, "Access-Control-Allow-Origin", origin);
 * ResponseHead.writeEnd(out);
 * }</pre>
 */
public final class ResponseHead {
    public static final HeaderLine CONTENT_TYPE_EVENT_STREAM = HeaderLine.of("Content-Type", "text/event-stream");
    public static final HeaderLine CONTENT_TYPE_TEXT_PLAIN = HeaderLine.of("Content-Type", "text/plain; charset=utf-8");
    public static final HeaderLine CONTENT_TYPE_JSON = HeaderLine.of("Content-Type", "application/json");
    public static final HeaderLine CONTENT_TYPE_HTML = HeaderLine.of("Content-Type", "text/html; charset=utf-8");
    public static final HeaderLine CACHE_CONTROL_NO_CACHE = HeaderLine.of("Cache-Control", "no-cache");
    public static final HeaderLine CACHE_CONTROL_NO_STORE = HeaderLine.of("Cache-Control", "no-store");
    public static final HeaderLine X_ACCEL_BUFFERING_NO = HeaderLine.of("X-Accel-Buffering", "no");
    public static final HeaderLine CONNECTION_CLOSE = HeaderLine.of("Connection", "close");
    public static final HeaderLine CONNECTION_KEEP_ALIVE = HeaderLine.of("Connection", "keep-alive");
    public static final HeaderLine TRANSFER_ENCODING_CHUNKED = HeaderLine.of("Transfer-Encoding", "chunked");

    private static final byte[] HTTP_1_1_SP = "HTTP/1.1 ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[][] STATUS_LINES = new byte[500][];       // index status - 100; null: no phrase
    private static final String[] REASONS = new String[500];

    static {
        reason(100, "Continue");
        reason(101, "Switching Protocols");
        reason(200, "OK");
        reason(201, "Created");
        reason(202, "Accepted");
        reason(203, "Non-Authoritative Information");
        reason(204, "No Content");
        reason(205, "Reset Content");
        reason(206, "Partial Content");
        reason(300, "Multiple Choices");
        reason(301, "Moved Permanently");
        reason(302, "Found");
        reason(303, "See Other");
        reason(304, "Not Modified");
        reason(307, "Temporary Redirect");
        reason(308, "Permanent Redirect");
        reason(400, "Bad Request");
        reason(401, "Unauthorized");
        reason(402, "Payment Required");
        reason(403, "Forbidden");
        reason(404, "Not Found");
        reason(405, "Method Not Allowed");
        reason(406, "Not Acceptable");
        reason(407, "Proxy Authentication Required");
        reason(408, "Request Timeout");
        reason(409, "Conflict");
        reason(410, "Gone");
        reason(411, "Length Required");
        reason(412, "Precondition Failed");
        reason(413, "Content Too Large");
        reason(414, "URI Too Long");
        reason(415, "Unsupported Media Type");
        reason(416, "Range Not Satisfiable");
        reason(417, "Expectation Failed");
        reason(421, "Misdirected Request");
        reason(422, "Unprocessable Content");
        reason(426, "Upgrade Required");
        reason(428, "Precondition Required");                   // RFC 6585
        reason(429, "Too Many Requests");                       // RFC 6585
        reason(431, "Request Header Fields Too Large");         // RFC 6585
        reason(451, "Unavailable For Legal Reasons");           // RFC 7725
        reason(500, "Internal Server Error");
        reason(501, "Not Implemented");
        reason(502, "Bad Gateway");
        reason(503, "Service Unavailable");
        reason(504, "Gateway Timeout");
        reason(505, "HTTP Version Not Supported");
        reason(511, "Network Authentication Required");         // RFC 6585
    }

    private static final byte[] CRLF = {'\r', '\n'};

    private ResponseHead() {
    }

    private static void reason(int status, String phrase) {
        REASONS[status - 100] = phrase;
        STATUS_LINES[status - 100] = ("HTTP/1.1 " + status + " " + phrase + "\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    /** The RFC 9110 reason phrase of {@code status}, or {@code ""} for a status without a registered one. */
    public static String reasonPhrase(int status) {
        checkStatus(status);
        String phrase = REASONS[status - 100];
        return phrase == null ? "" : phrase;
    }

    /**
     * Writes {@code HTTP/1.1 <status> <reason>\r\n}; a status without a registered reason gets an empty one
     * (allowed: {@code status-line = HTTP-version SP status-code SP [ reason-phrase ]}).
     *
     * @throws IllegalArgumentException unless {@code 100 <= status <= 599}
     */
    public static void writeStatusLine(ByteBuffer out, int status) {
        checkStatus(status);
        byte[] line = STATUS_LINES[status - 100];
        if (line != null) {
            out.put(line);
            return;
        }
        room(out, HTTP_1_1_SP.length + 6);
        out.put(HTTP_1_1_SP)
                .put((byte) ('0' + status / 100))
                .put((byte) ('0' + status / 10 % 10))
                .put((byte) ('0' + status % 10))
                .put(AsciiTable.SP)
                .put(CRLF);
    }

    /** Writes a precomputed field line. */
    public static void writeHeader(ByteBuffer out, HeaderLine line) {
        out.put(line.bytes());
    }

    /**
     * Writes {@code name: value\r\n}.
     *
     * @throws IllegalArgumentException when {@code name} is not a token or {@code value} holds a forbidden character
     */
    public static void writeHeader(ByteBuffer out, String name, String value) {
        checkName(name);
        checkValue(value);
        room(out, name.length() + value.length() + 4);
        putLatin1(out, name);
        out.put((byte) ':').put(AsciiTable.SP);
        putLatin1(out, value);
        out.put(CRLF);
    }

    /**
     * Writes {@code name: <decimal value>\r\n}, e.g. {@code Content-Length} or {@code Retry-After}.
     *
     * @throws IllegalArgumentException when {@code name} is not a token or {@code value} is negative
     */
    public static void writeHeader(ByteBuffer out, String name, long value) {
        checkName(name);
        if (value < 0) {
            throw new IllegalArgumentException("negative header value: value=" + value);
        }
        int digits = 1;
        for (long v = value; v >= 10; v /= 10) {
            digits++;
        }
        room(out, name.length() + digits + 4);
        putLatin1(out, name);
        out.put((byte) ':').put(AsciiTable.SP);
        int end = out.position() + digits;
        long v = value;
        for (int i = end - 1; i >= end - digits; i--) {
            out.put(i, (byte) ('0' + (int) (v % 10)));
            v /= 10;
        }
        out.position(end);
        out.put(CRLF);
    }

    /** Writes the empty line that ends the head. */
    public static void writeEnd(ByteBuffer out) {
        out.put(CRLF);
    }

    private static void putLatin1(ByteBuffer out, String s) {
        for (int i = 0; i < s.length(); i++) {
            out.put((byte) s.charAt(i));
        }
    }

    private static void room(ByteBuffer out, int bytes) {
        if (out.remaining() < bytes) {
            throw new BufferOverflowException();
        }
    }

    private static void checkStatus(int status) {
        if (status < 100 || status > 599) {
            throw new IllegalArgumentException("status=" + status + " (must be 100..599)");
        }
    }

    static void checkName(String name) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("header name must not be null or empty");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c > 0x7F || !AsciiTable.is((byte) c, AsciiTable.TCHAR)) {
                throw new IllegalArgumentException("header name is not a token: index=" + i);
            }
        }
    }

    static void checkValue(String value) {
        if (value == null) {
            throw new IllegalArgumentException("header value must not be null");
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c > 0xFF || !AsciiTable.is((byte) c, AsciiTable.FIELD_CHAR)) {
                throw new IllegalArgumentException("header value holds a forbidden character (CR, LF, NUL, "
                        + "another control, DEL or above U+00FF): index=" + i);
            }
        }
    }
}
