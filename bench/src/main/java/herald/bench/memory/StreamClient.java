package herald.bench.memory;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/** Plain blocking sockets to a Herald: subscribe requests, response heads, counting data lines. */
final class StreamClient {
    static final int IO_TIMEOUT_MILLIS = 10_000;

    private final InetSocketAddress address;

    StreamClient(InetSocketAddress address) {
        this.address = address;
    }

    Socket connect() throws IOException {
        Socket socket = new Socket();
        socket.setSoTimeout(IO_TIMEOUT_MILLIS);
        socket.connect(address, IO_TIMEOUT_MILLIS);
        return socket;
    }

    /** Sends a subscribe and reads its head (must be 200 with text/event-stream) and at least one byte after it. */
    Socket openStream(String target) throws IOException {
        Socket socket = connect();
        try {
            socket.getOutputStream().write(("GET " + target + " HTTP/1.1\r\nHost: x\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[4_096];
            int length = 0;
            int headEnd = -1;
            while (headEnd < 0) {
                length += readSome(in, buffer, length, target);
                headEnd = indexOfBlankLine(buffer, length);
                if (headEnd < 0 && length == buffer.length) {
                    throw new IOException("response head over " + buffer.length + " bytes: target=" + target);
                }
            }
            String head = new String(buffer, 0, headEnd, StandardCharsets.US_ASCII);
            if (!head.startsWith("HTTP/1.1 200 ") || !head.toLowerCase(Locale.ROOT).contains("text/event-stream")) {
                throw new IOException("not an event stream: target=" + target + " status line="
                        + head.substring(0, head.indexOf('\r')));
            }
            if (length == headEnd) {
                readSome(in, buffer, length, target);       // the stream's first bytes
            }
            return socket;
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    private static int readSome(InputStream in, byte[] buffer, int offset, String target) throws IOException {
        int n = in.read(buffer, offset, buffer.length - offset);
        if (n < 0) {
            throw new IOException("stream closed before its first bytes: target=" + target);
        }
        return n;
    }

    /** The index just past the first CRLF CRLF, or -1. */
    private static int indexOfBlankLine(byte[] bytes, int length) {
        for (int i = 3; i < length; i++) {
            if (bytes[i] == '\n' && bytes[i - 1] == '\r' && bytes[i - 2] == '\n' && bytes[i - 3] == '\r') {
                return i + 1;
            }
        }
        return -1;
    }

    /**
     * Reads until {@code line} has arrived {@code expected} times. {@code line} must not repeat its own start
     * inside it (as {@code data: 0123456789}): the match restarts only at its first byte.
     */
    static void awaitLines(InputStream in, byte[] line, int expected) throws IOException {
        byte[] buffer = new byte[4_096];
        int seen = 0;
        int matched = 0;
        while (seen < expected) {
            int n = in.read(buffer);
            if (n < 0) {
                throw new IOException("stream ended after " + seen + " of " + expected + " lines");
            }
            for (int i = 0; i < n; i++) {
                byte b = buffer[i];
                matched = b == line[matched] ? matched + 1 : (b == line[0] ? 1 : 0);
                if (matched == line.length) {
                    seen++;
                    matched = 0;
                }
            }
        }
    }
}
