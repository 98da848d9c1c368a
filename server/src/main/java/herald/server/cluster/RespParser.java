package herald.server.cluster;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Incremental parser of Redis replies, RESP2 and RESP3 (https://redis.io/docs/latest/develop/reference/protocol-spec/).
 * Bytes go in as they arrive, split anywhere; {@link #next} returns each complete reply once, or
 * {@link #INCOMPLETE} when the bytes so far end inside one (its state is kept for the next call).
 *
 * <p>Reply values: simple string {@code String}; error (simple or blob) {@link ErrorReply}; integer {@code Long};
 * bulk string and verbatim string (without its {@code txt:} format) {@code byte[]}; null (RESP2 {@code $-1} and
 * {@code *-1}, RESP3 {@code _}) {@code null}; array and set {@code List<Object>}; map {@link MapReply}; push
 * {@link PushReply}; double {@code Double}; boolean {@code Boolean}; big number {@code BigInteger}. RESP3
 * attributes ({@code |}) are refused: Herald never asks for them.
 *
 * <p>Strict: every line ends in CRLF, lengths and counts are decimal without sign or leading zeros (except
 * {@code -1}), and the limits below hold. A violation throws {@link RedisException} ({@code PROTOCOL}) with a
 * one-line reason; the parser is then unusable (the connection closes). Not thread-safe: one reader thread.
 */
final class RespParser {
    /** Returned by {@link #next} when the bytes so far end inside a reply. */
    static final Object INCOMPLETE = new Object();

    /** An error reply: Redis's message, e.g. {@code ERR unknown command}, {@code NOSCRIPT …}, {@code MOVED 3999 host:port}. */
    record ErrorReply(String message) {
    }

    /** A RESP3 map: keys and values alternating, in Redis's order. */
    record MapReply(List<Object> keysAndValues) {
    }

    /** A RESP3 push (out-of-band message). */
    record PushReply(List<Object> items) {
    }

    private final int maxBulkBytes;
    private final int maxElements;
    private final int maxDepth;
    private final int maxLineBytes;

    private final byte[] line;
    private int lineLength;
    private boolean lineHasCr;

    private byte[] bulk;                       // the bulk string being read, or null
    private int bulkFilled;
    private byte bulkType;
    private int crlfExpected;                  // 2: "\r\n" still to come after a bulk, 1: "\n", 0: none

    private final Frame[] stack;
    private int depth;
    private boolean failed;

    /**
     * @param maxBulkBytes longest bulk string accepted (Redis's own limit is 512 MiB)
     * @param maxElements  most elements in one array, set, push, or entries in one map (times two)
     * @param maxDepth     deepest nesting of aggregates (an XREAD reply is 4 deep)
     * @param maxLineBytes longest simple string, error or number line, type byte excluded
     */
    RespParser(int maxBulkBytes, int maxElements, int maxDepth, int maxLineBytes) {
        if (maxBulkBytes < 0 || maxElements < 0 || maxDepth < 1 || maxLineBytes < 24) {
            throw new IllegalArgumentException("maxBulkBytes=" + maxBulkBytes + " maxElements=" + maxElements
                    + " maxDepth=" + maxDepth + " maxLineBytes=" + maxLineBytes);
        }
        this.maxBulkBytes = maxBulkBytes;
        this.maxElements = maxElements;
        this.maxDepth = maxDepth;
        this.maxLineBytes = maxLineBytes;
        this.line = new byte[maxLineBytes + 1];
        this.stack = new Frame[maxDepth];
    }

    /** Limits fit for Herald's replies: 64 MiB bulks, 4M elements, depth 16, 64 KiB lines. */
    static RespParser withDefaultLimits() {
        return new RespParser(64 << 20, 4 << 20, 16, 64 << 10);
    }

    /**
     * Consumes bytes of {@code in} up to the end of the next complete reply and returns it, or consumes all of
     * them and returns {@link #INCOMPLETE}.
     *
     * @throws RedisException {@code PROTOCOL} on bytes that are not RESP or break a limit
     */
    Object next(ByteBuffer in) {
        if (failed) {
            throw RedisException.protocol("RESP parser already failed");
        }
        try {
            while (true) {
                Object value;
                if (crlfExpected > 0) {
                    if (!readCrlf(in)) {
                        return INCOMPLETE;
                    }
                    value = bulkValue();
                } else if (bulk != null) {
                    int n = Math.min(in.remaining(), bulk.length - bulkFilled);
                    in.get(bulk, bulkFilled, n);
                    bulkFilled += n;
                    if (bulkFilled < bulk.length) {
                        return INCOMPLETE;
                    }
                    crlfExpected = 2;
                    continue;
                } else {
                    if (!readLine(in)) {
                        return INCOMPLETE;
                    }
                    value = header();
                    if (value == INCOMPLETE) {
                        continue;          // a bulk or an aggregate has begun
                    }
                }
                value = complete(value);
                if (value != INCOMPLETE) {
                    return value;
                }
            }
        } catch (RedisException e) {
            failed = true;
            throw e;
        }
    }

    /** Adds a finished value to the aggregates being read; the reply once the outermost one is full. */
    private Object complete(Object value) {
        while (depth > 0) {
            Frame top = stack[depth - 1];
            top.items.add(value);
            if (top.items.size() < top.expected) {
                return INCOMPLETE;
            }
            depth--;
            stack[depth] = null;
            value = top.result();
        }
        return value;
    }

    private boolean readCrlf(ByteBuffer in) {
        while (crlfExpected > 0) {
            if (!in.hasRemaining()) {
                return false;
            }
            byte b = in.get();
            if (b != (crlfExpected == 2 ? '\r' : '\n')) {
                throw RedisException.protocol("RESP bulk string not followed by CRLF");
            }
            crlfExpected--;
        }
        return true;
    }

    private boolean readLine(ByteBuffer in) {
        while (in.hasRemaining()) {
            byte b = in.get();
            if (lineHasCr) {
                if (b != '\n') {
                    throw RedisException.protocol("RESP line has CR without LF");
                }
                lineHasCr = false;
                return true;
            }
            if (b == '\r') {
                lineHasCr = true;
            } else if (b == '\n') {
                throw RedisException.protocol("RESP line ends in LF without CR");
            } else {
                if (lineLength > maxLineBytes) {      // the type byte plus maxLineBytes
                    throw RedisException.protocol("RESP line exceeds maxLineBytes=" + maxLineBytes);
                }
                line[lineLength++] = b;
            }
        }
        return false;
    }

    /** Interprets the line just read: a value, or INCOMPLETE when a bulk or an aggregate begins. */
    private Object header() {
        int length = lineLength;
        lineLength = 0;
        if (length == 0) {
            throw RedisException.protocol("RESP line is empty");
        }
        byte type = line[0];
        switch (type) {
            case '+':
                return text(length);
            case '-':
                return new ErrorReply(text(length));
            case ':':
                return integer(length);
            case '$', '=', '!':
                return beginBulk(type, length);
            case '*', '~', '>':
                return beginAggregate(type, length, 1);
            case '%':
                return beginAggregate(type, length, 2);
            case '_':
                if (length != 1) {
                    throw RedisException.protocol("RESP null has content");
                }
                return null;
            case '#':
                if (length == 2 && (line[1] == 't' || line[1] == 'f')) {
                    return line[1] == 't';
                }
                throw RedisException.protocol("RESP boolean is not #t or #f");
            case ',':
                return decimal(length);
            case '(':
                return bigNumber(length);
            case '|':
                throw RedisException.protocol("RESP3 attributes are not supported");
            default:
                throw RedisException.protocol("RESP type byte=0x" + Integer.toHexString(type & 0xff) + " is unknown");
        }
    }

    private String text(int length) {
        return new String(line, 1, length - 1, StandardCharsets.UTF_8);
    }

    private Long integer(int length) {
        int at = 1;
        boolean negative = length > 1 && line[1] == '-';
        if (negative || length > 1 && line[1] == '+') {
            at++;
        }
        if (at == length || length - at > 19) {
            throw RedisException.protocol("RESP integer is malformed");
        }
        long value = 0;                        // accumulated negative: Long.MIN_VALUE has no positive twin
        for (int i = at; i < length; i++) {
            int digit = line[i] - '0';
            if (digit < 0 || digit > 9) {
                throw RedisException.protocol("RESP integer is malformed");
            }
            if (value < (Long.MIN_VALUE + digit) / 10) {
                throw RedisException.protocol("RESP integer overflows a long");
            }
            value = value * 10 - digit;
        }
        if (!negative && value == Long.MIN_VALUE) {
            throw RedisException.protocol("RESP integer overflows a long");
        }
        return negative ? value : -value;
    }

    /** A length or count: -1 (null) or a non-negative decimal without sign or leading zero. */
    private long count(int length, String what) {
        if (length == 3 && line[1] == '-' && line[2] == '1') {
            return -1;
        }
        if (length < 2 || length > 11 || length > 2 && line[1] == '0') {
            throw RedisException.protocol("RESP " + what + " is malformed");
        }
        long value = 0;
        for (int i = 1; i < length; i++) {
            int digit = line[i] - '0';
            if (digit < 0 || digit > 9) {
                throw RedisException.protocol("RESP " + what + " is malformed");
            }
            value = value * 10 + digit;
        }
        return value;
    }

    private Object beginBulk(byte type, int length) {
        long n = count(length, "bulk length");
        if (n < 0) {
            if (type != '$') {
                throw RedisException.protocol("RESP null is only $-1 or *-1 or _");
            }
            return null;
        }
        if (n > maxBulkBytes) {
            throw RedisException.protocol("RESP bulk length exceeds maxBulkBytes=" + maxBulkBytes);
        }
        bulk = new byte[(int) n];
        bulkFilled = 0;
        bulkType = type;
        if (n == 0) {
            crlfExpected = 2;
        }
        return INCOMPLETE;
    }

    private Object bulkValue() {
        byte[] value = bulk;
        bulk = null;
        switch (bulkType) {
            case '!':
                return new ErrorReply(new String(value, StandardCharsets.UTF_8));
            case '=':
                if (value.length < 4 || value[3] != ':') {
                    throw RedisException.protocol("RESP verbatim string lacks its format");
                }
                byte[] text = new byte[value.length - 4];
                System.arraycopy(value, 4, text, 0, text.length);
                return text;
            default:
                return value;
        }
    }

    private Object beginAggregate(byte type, int length, int itemsPerEntry) {
        long n = count(length, "aggregate count");
        if (n < 0) {
            if (type != '*') {
                throw RedisException.protocol("RESP null is only $-1 or *-1 or _");
            }
            return null;
        }
        if (n * itemsPerEntry > maxElements) {
            throw RedisException.protocol("RESP aggregate exceeds maxElements=" + maxElements);
        }
        if (n == 0) {
            return new Frame(type, 0).result();
        }
        if (depth == maxDepth) {
            throw RedisException.protocol("RESP nesting exceeds maxDepth=" + maxDepth);
        }
        stack[depth++] = new Frame(type, (int) n * itemsPerEntry);
        return INCOMPLETE;
    }

    private Double decimal(int length) {
        String text = new String(line, 1, length - 1, StandardCharsets.US_ASCII);
        switch (text) {
            case "inf":
                return Double.POSITIVE_INFINITY;
            case "-inf":
                return Double.NEGATIVE_INFINITY;
            case "nan":
                return Double.NaN;
            default:
                break;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!(c >= '0' && c <= '9' || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E')) {
                throw RedisException.protocol("RESP double is malformed");
            }
        }
        try {
            return Double.parseDouble(text);
        } catch (NumberFormatException e) {
            throw RedisException.protocol("RESP double is malformed");
        }
    }

    private BigInteger bigNumber(int length) {
        String text = new String(line, 1, length - 1, StandardCharsets.US_ASCII);
        int start = text.startsWith("-") ? 1 : 0;
        if (text.length() == start) {
            throw RedisException.protocol("RESP big number is malformed");
        }
        for (int i = start; i < text.length(); i++) {
            if (text.charAt(i) < '0' || text.charAt(i) > '9') {
                throw RedisException.protocol("RESP big number is malformed");
            }
        }
        return new BigInteger(text);
    }

    /** An aggregate being read. */
    private static final class Frame {
        final byte type;
        final int expected;
        final List<Object> items;

        Frame(byte type, int expected) {
            this.type = type;
            this.expected = expected;
            this.items = new ArrayList<>(Math.min(expected, 1024));   // a count is a claim, not memory to reserve
        }

        Object result() {
            return switch (type) {
                case '%' -> new MapReply(items);
                case '>' -> new PushReply(items);
                default -> items;
            };
        }
    }
}
