package herald.server.cluster;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Encodes commands the way Redis reads them: an array of bulk strings,
 * {@code *<n>\r\n} then {@code $<len>\r\n<bytes>\r\n} per argument. Arguments are {@code byte[]} (as they are),
 * {@code String} (UTF-8) or {@code Long}/{@code Integer} (decimal). Commands accumulate in one growable buffer
 * that the connection writes and then {@link #reset()}s. Not thread-safe: the connection's writer owns it.
 */
final class RespWriter {
    private byte[] buffer;
    private int size;

    RespWriter(int initialBytes) {
        this.buffer = new byte[initialBytes];
    }

    /** Appends one command. */
    void command(Object[] args) {
        if (args.length == 0) {
            throw new IllegalArgumentException("a command needs at least its name");
        }
        header('*', args.length);
        for (Object arg : args) {
            switch (arg) {
                case byte[] bytes -> bulk(bytes, 0, bytes.length);
                case String text -> {
                    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
                    bulk(bytes, 0, bytes.length);
                }
                case Long number -> decimalBulk(number);
                case Integer number -> decimalBulk(number);
                case null -> throw new IllegalArgumentException("a command argument is null");
                default -> throw new IllegalArgumentException("a command argument is a " + arg.getClass().getName());
            }
        }
    }

    /** Appends a command encoded before (by another writer). */
    void encoded(byte[] command, int length) {
        ensure(length);
        System.arraycopy(command, 0, buffer, size, length);
        size += length;
    }

    void bulk(byte[] bytes, int offset, int length) {
        header('$', length);
        ensure(length + 2);
        System.arraycopy(bytes, offset, buffer, size, length);
        size += length;
        buffer[size++] = '\r';
        buffer[size++] = '\n';
    }

    private void decimalBulk(long value) {
        byte[] digits = Long.toString(value).getBytes(StandardCharsets.US_ASCII);
        bulk(digits, 0, digits.length);
    }

    private void header(char type, int count) {
        ensure(13);
        buffer[size++] = (byte) type;
        size = putDecimal(count);
        buffer[size++] = '\r';
        buffer[size++] = '\n';
    }

    private int putDecimal(int value) {
        int digits = 1;
        for (int v = value; v >= 10; v /= 10) {
            digits++;
        }
        int at = size + digits;
        for (int i = at - 1; i >= size; i--) {
            buffer[i] = (byte) ('0' + value % 10);
            value /= 10;
        }
        return at;
    }

    private void ensure(int more) {
        if (size + more > buffer.length) {
            buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, size + more));
        }
    }

    byte[] buffer() {
        return buffer;
    }

    int size() {
        return size;
    }

    void reset() {
        size = 0;
    }
}
