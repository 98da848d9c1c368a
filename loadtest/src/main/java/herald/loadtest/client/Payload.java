package herald.loadtest.client;

/**
 * The event data the publisher sends and the generator checks, ASCII:
 *
 * <pre>
 *   &lt;seq&gt; SP &lt;sendNanos&gt; [SP &lt;padding&gt;]
 *   seq       = 1*DIGIT        ; 1, 2, 3, ... in schedule order; lane = (seq - 1) % lanes
 *   sendNanos = ["-"] 1*DIGIT  ; the INTENDED send time, System.nanoTime() of the publisher's process
 *   padding   = *"x"           ; up to the requested event size
 * </pre>
 *
 * <p>Target-agnostic: nothing depends on the server's event ids or framing, only on it delivering the data
 * unchanged. {@code sendNanos} compares with the receiver's {@code System.nanoTime()} because on Linux both read
 * {@code CLOCK_MONOTONIC}, one clock for every process on the host (not across hosts).
 *
 * <p>Static methods, no allocation; any thread.
 */
final class Payload {
    /** Returned by {@link #parseSeq} when the data is not a payload. */
    static final long NOT_A_PAYLOAD = -1;

    /** The shortest data a payload can have with two 19-digit numbers: the floor for {@code --bytes}. */
    static final int MAX_HEADER_BYTES = 19 + 1 + 20;

    private Payload() {
    }

    /**
     * Writes the payload for {@code seq} into {@code out} at {@code offset}: exactly {@link #length} bytes.
     *
     * @return the offset after the payload
     */
    static int write(byte[] out, int offset, long seq, long sendNanos, int bytes) {
        int start = offset;
        offset = writeDecimal(out, offset, seq);
        out[offset++] = ' ';
        offset = writeDecimal(out, offset, sendNanos);
        int header = offset - start;
        if (bytes > header) {
            out[offset++] = ' ';
            for (int end = start + bytes; offset < end; offset++) {
                out[offset] = 'x';
            }
        }
        return offset;
    }

    /** The payload's length: {@code bytes}, or the header alone when that is longer. */
    static int length(long seq, long sendNanos, int bytes) {
        int header = decimalLength(seq) + 1 + decimalLength(sendNanos);
        return Math.max(header, bytes);
    }

    /** The sequence number at the start of {@code data}, or {@link #NOT_A_PAYLOAD}. */
    static long parseSeq(CharSequence data) {
        int n = data.length();
        long value = 0;
        int i = 0;
        for (; i < n; i++) {
            char c = data.charAt(i);
            if (c == ' ') {
                break;
            }
            if (c < '0' || c > '9' || i >= 18) {
                return NOT_A_PAYLOAD;
            }
            value = value * 10 + (c - '0');
        }
        return i == 0 || i == n ? NOT_A_PAYLOAD : value;
    }

    /**
     * The send time after the sequence number; call only after {@link #parseSeq} succeeded. Returns
     * {@link Long#MIN_VALUE} when the field is malformed.
     */
    static long parseSendNanos(CharSequence data) {
        int n = data.length();
        int i = 0;
        while (data.charAt(i) != ' ') {
            i++;
        }
        i++;
        boolean negative = i < n && data.charAt(i) == '-';
        if (negative) {
            i++;
        }
        int first = i;
        long value = 0;
        for (; i < n; i++) {
            char c = data.charAt(i);
            if (c == ' ') {
                break;
            }
            if (c < '0' || c > '9' || i - first >= 19) {
                return Long.MIN_VALUE;
            }
            value = value * 10 + (c - '0');
        }
        if (i == first) {
            return Long.MIN_VALUE;
        }
        return negative ? -value : value;
    }

    static int decimalLength(long value) {
        if (value < 0) {
            return 1 + decimalLength(value == Long.MIN_VALUE ? Long.MAX_VALUE : -value);
        }
        int digits = 1;
        while (value >= 10) {
            value /= 10;
            digits++;
        }
        return digits;
    }

    /** Writes {@code value} in decimal; {@link Long#MIN_VALUE} is not a valid time or seq and is written as MAX. */
    static int writeDecimal(byte[] out, int offset, long value) {
        if (value < 0) {
            out[offset++] = '-';
            value = value == Long.MIN_VALUE ? Long.MAX_VALUE : -value;
        }
        int end = offset + decimalLength(value);
        for (int i = end - 1; i >= offset; i--) {
            out[i] = (byte) ('0' + value % 10);
            value /= 10;
        }
        return end;
    }
}
