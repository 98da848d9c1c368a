package herald.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** A byte-exact HTTP/1.1 client over a plain socket, for integration tests. */
final class TestHttp {
    static final int TIMEOUT_MILLIS = 10_000;

    private TestHttp() {
    }

    record Response(int status, String statusLine, Map<String, List<String>> headers, String body) {
        String header(String name) {
            List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
            return values == null ? null : values.get(0);
        }
    }

    static Socket connect(int port) throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), TIMEOUT_MILLIS);
        socket.setSoTimeout(TIMEOUT_MILLIS);
        socket.setTcpNoDelay(true);
        return socket;
    }

    /** A connection from a chosen loopback address ({@code 127.0.0.2}, …): per-address limits tell them apart. */
    static Socket connectFrom(String localAddress, int port) throws IOException {
        Socket socket = new Socket();
        socket.bind(new InetSocketAddress(localAddress, 0));
        socket.connect(new InetSocketAddress("127.0.0.1", port), TIMEOUT_MILLIS);
        socket.setSoTimeout(TIMEOUT_MILLIS);
        socket.setTcpNoDelay(true);
        return socket;
    }

    /** Like {@link #exchange}, from {@code localAddress}. */
    static Response exchangeFrom(String localAddress, int port, String raw) throws IOException {
        try (Socket socket = connectFrom(localAddress, port)) {
            socket.getOutputStream().write(raw.getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            return read(socket.getInputStream(), raw.startsWith("HEAD "));
        }
    }

    /** Sends raw request bytes on a new connection and reads one response. */
    static Response exchange(int port, String raw) throws IOException {
        try (Socket socket = connect(port)) {
            socket.getOutputStream().write(raw.getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            return read(socket.getInputStream(), raw.startsWith("HEAD "));
        }
    }

    static Response request(int port, String method, String target, String body, String... headers)
            throws IOException {
        return exchange(port, raw(method, target, body, headers));
    }

    static String raw(String method, String target, String body, String... headers) {
        StringBuilder req = new StringBuilder(method).append(' ').append(target).append(" HTTP/1.1\r\n")
                .append("Host: 127.0.0.1\r\n");
        for (String header : headers) {
            req.append(header).append("\r\n");
        }
        if (body != null) {
            req.append("Content-Length: ").append(body.getBytes(StandardCharsets.UTF_8).length).append("\r\n");
        }
        req.append("Connection: close\r\n\r\n");
        String head = req.toString();
        return body == null ? head : head + new String(body.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
    }

    /** Publishes {@code data} and returns the id from the 202 answer. */
    static String publish(int port, String topicAndQuery, String data) throws IOException {
        Response response = request(port, "POST", "/topics/" + topicAndQuery, data);
        if (response.status() != 202) {
            throw new AssertionError("publish answered " + response.statusLine() + ": " + response.body());
        }
        String body = response.body();
        int start = body.indexOf("\"id\":\"") + 6;
        return body.substring(start, body.indexOf('"', start));
    }

    /** Reads one response: head, then a body framed by Content-Length, or none, or up to the close. */
    static Response read(InputStream in, boolean headRequest) throws IOException {
        String head = readHead(in);
        if (head == null) {
            throw new IOException("connection closed before a response");
        }
        String[] lines = head.split("\r\n");
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            headers.computeIfAbsent(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
                    k -> new ArrayList<>()).add(lines[i].substring(colon + 1).trim());
        }
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        List<String> length = headers.get("content-length");
        byte[] body;
        if (headRequest || status == 204 || status == 304 || status / 100 == 1) {
            body = new byte[0];
        } else if (length != null) {
            body = in.readNBytes(Integer.parseInt(length.get(0)));
        } else if (headers.containsKey("transfer-encoding")) {
            body = readChunked(in);
        } else {
            body = in.readAllBytes();
        }
        return new Response(status, lines[0], headers, new String(body, StandardCharsets.UTF_8));
    }

    /** A chunked body (RFC 9112 section 7.1), without trailers; fails on a malformed one. */
    static byte[] readChunked(InputStream in) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            String sizeLine = readLine(in);
            int size = Integer.parseInt(sizeLine.split(";")[0].trim(), 16);
            if (size == 0) {
                if (!readLine(in).isEmpty()) {
                    throw new IOException("trailers after the last chunk");
                }
                return body.toByteArray();
            }
            body.write(in.readNBytes(size));
            if (!readLine(in).isEmpty()) {
                throw new IOException("no CRLF after a chunk of " + size + " bytes");
            }
        }
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != '\n') {
            if (b < 0) {
                throw new IOException("connection closed in a chunked body");
            }
            line.write(b);
        }
        String text = line.toString(StandardCharsets.ISO_8859_1);
        if (!text.endsWith("\r")) {
            throw new IOException("a line of a chunked body without CR: " + text);
        }
        return text.substring(0, text.length() - 1);
    }

    /** The head up to and excluding its empty line, or null at EOF before any byte. */
    static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int state = 0;
        while (state < 4) {
            int b = in.read();
            if (b < 0) {
                if (head.size() == 0) {
                    return null;
                }
                throw new IOException("connection closed in a response head");
            }
            head.write(b);
            state = (b == '\r' && (state == 0 || state == 2)) || (b == '\n' && (state == 1 || state == 3))
                    ? state + 1 : (b == '\r' ? 1 : 0);
        }
        String text = head.toString(StandardCharsets.ISO_8859_1);
        return text.substring(0, text.length() - 4);
    }

    static void write(Socket socket, String raw) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(raw.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }
}
