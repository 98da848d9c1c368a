package herald.protocol.http2;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The client connection preface (RFC 9113 section 3.4): the 24 octets {@code PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n},
 * then a SETTINGS frame. {@link Http2Connection} checks it on its first bytes; a plain-port transport uses
 * {@link #detect} on the first bytes of a connection to choose h2c (prior knowledge) over HTTP/1.1.
 * Static, no state; any thread.
 */
public final class ConnectionPreface {
    /** What {@link #detect} found. */
    public enum Detection {
        /** All 24 octets of the preface are there. */
        MATCH,
        /** The bytes so far are a proper prefix of the preface: read more to tell. */
        PARTIAL,
        /** The bytes differ from the preface (HTTP/1.1, or garbage). */
        MISMATCH
    }

    private static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    /** Octets of the preface. */
    public static final int LENGTH = 24;

    private ConnectionPreface() {
    }

    /** A copy of the preface octets. */
    public static byte[] bytes() {
        return PREFACE.clone();
    }

    /**
     * Compares the bytes between {@code in}'s position and limit with the preface without consuming them.
     * An empty buffer is {@link Detection#PARTIAL}.
     */
    public static Detection detect(ByteBuffer in) {
        int n = Math.min(in.remaining(), LENGTH);
        int p = in.position();
        for (int i = 0; i < n; i++) {
            if (in.get(p + i) != PREFACE[i]) {
                return Detection.MISMATCH;
            }
        }
        return n == LENGTH ? Detection.MATCH : Detection.PARTIAL;
    }

    /**
     * Consumes preface octets from {@code in}, continuing a match of which {@code matched} octets were seen.
     *
     * @return the octets matched so far ({@link #LENGTH} when complete; {@code in} keeps what follows), or -1 at
     *         the first octet that differs (its position is then unspecified)
     */
    static int consume(ByteBuffer in, int matched) {
        int m = matched;
        while (m < LENGTH && in.hasRemaining()) {
            if (in.get() != PREFACE[m]) {
                return -1;
            }
            m++;
        }
        return m;
    }
}
