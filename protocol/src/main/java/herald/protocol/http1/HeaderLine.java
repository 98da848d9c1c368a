package herald.protocol.http1;

import java.nio.charset.StandardCharsets;

/**
 * A response field line {@code name ": " value CRLF} encoded once, validated at creation, written with one bulk
 * copy by {@link ResponseHead#writeHeader(java.nio.ByteBuffer, HeaderLine)}. Immutable and thread-safe: create the
 * lines a server always sends as constants.
 */
public final class HeaderLine {
    private final byte[] bytes;
    private final String name;

    private HeaderLine(byte[] bytes, String name) {
        this.bytes = bytes;
        this.name = name;
    }

    /**
     * The line {@code name ": " value CRLF}, encoded once.
     *
     * @throws IllegalArgumentException when {@code name} is not a token or {@code value} holds CR, LF, NUL or
     *                                  another character {@link ResponseHead#writeHeader} refuses
     */
    public static HeaderLine of(String name, String value) {
        ResponseHead.checkName(name);
        ResponseHead.checkValue(value);
        return new HeaderLine((name + ": " + value + "\r\n").getBytes(StandardCharsets.ISO_8859_1), name);
    }

    /** Bytes written, CRLF included. */
    public int length() {
        return bytes.length;
    }

    public String name() {
        return name;
    }

    byte[] bytes() {
        return bytes;
    }

    @Override
    public String toString() {
        return new String(bytes, 0, bytes.length - 2, StandardCharsets.ISO_8859_1);
    }
}
