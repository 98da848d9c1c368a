package herald.protocol.http1;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Shared fixtures: feeding requests to a parser whole, split, or byte by byte, and asserting statuses. */
final class Requests {
    /** A typical Chrome navigation: 12 field lines, about 600 bytes. */
    static final String CHROME_GET = """
            GET /topics/news?lastEventId=42 HTTP/1.1\r
            Host: herald.example.com:8080\r
            Connection: keep-alive\r
            sec-ch-ua: "Chromium";v="128", "Not;A=Brand";v="24", "Google Chrome";v="128"\r
            sec-ch-ua-mobile: ?0\r
            sec-ch-ua-platform: "Linux"\r
            Upgrade-Insecure-Requests: 1\r
            User-Agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) \
            Chrome/128.0.0.0 Safari/537.36\r
            Accept: text/event-stream\r
            Sec-Fetch-Site: same-origin\r
            Sec-Fetch-Mode: cors\r
            Accept-Encoding: gzip, deflate, br, zstd\r
            Accept-Language: en-US,en;q=0.9,de;q=0.8\r
            \r
            """;

    private Requests() {
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    static String text(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    static ByteBuffer buffer(byte[] bytes, boolean direct) {
        ByteBuffer b = direct ? ByteBuffer.allocateDirect(bytes.length) : ByteBuffer.allocate(bytes.length);
        b.put(bytes).flip();
        return b;
    }

    /** Parses a complete head with the default limits, asserting that nothing follows it. */
    static RequestHead parse(String raw) {
        return parse(raw, HttpLimits.DEFAULTS);
    }

    static RequestHead parse(String raw, HttpLimits limits) {
        ByteBuffer in = ByteBuffer.wrap(bytes(raw));
        RequestHead head = new RequestParser(limits).parse(in);
        assertNotNull(head, "head incomplete");
        assertFalse(in.hasRemaining(), "bytes after the head: " + in.remaining());
        return head;
    }

    static HttpException reject(String raw) {
        return reject(raw, HttpLimits.DEFAULTS);
    }

    static HttpException reject(String raw, HttpLimits limits) {
        return assertThrows(HttpException.class, () -> new RequestParser(limits).parse(ByteBuffer.wrap(bytes(raw))));
    }

    /**
     * Asserts the status, that the reason contains {@code reason} (so a request rejected for another reason
     * fails), and that the message carries no client bytes beyond what the caller names: one printable ASCII
     * line, and neither the request-target nor any field value of the request (8 characters or more, shorter
     * ones are common words) unless the expected reason itself contains it.
     */
    static HttpException assertStatus(int status, String reason, String raw) {
        return assertStatus(status, reason, raw, HttpLimits.DEFAULTS);
    }

    static HttpException assertStatus(int status, String reason, String raw, HttpLimits limits) {
        HttpException e = reject(raw, limits);
        String message = e.getMessage();
        assertEquals(status, e.status(), message);
        assertNotNull(message);
        assertTrue(message.contains(reason), () -> "expected a reason containing \"" + reason + "\", got \""
                + message + "\"");
        assertEchoesNoClientBytes(message, reason, raw);
        return e;
    }

    /** The message is one printable ASCII line holding no target or field value of {@code raw} not in {@code named}. */
    static void assertEchoesNoClientBytes(String message, String named, String raw) {
        for (int i = 0; i < message.length(); i++) {
            char c = message.charAt(i);
            assertTrue(c >= 0x20 && c < 0x7F, "message has a non-printable or non-ASCII character at " + i);
        }
        for (String echoed : clientValues(raw)) {
            if (echoed.length() >= 8 && !named.contains(echoed)) {
                assertFalse(message.contains(echoed), () -> "message echoes client bytes: " + message);
            }
        }
    }

    /** The request-target and the field values of {@code raw}, as far as they can be told apart. */
    private static List<String> clientValues(String raw) {
        List<String> values = new ArrayList<>();
        String[] lines = raw.split("\r?\n|\r", -1);
        String[] requestLine = lines[0].split(" ", -1);
        if (requestLine.length > 1) {
            values.add(requestLine[1]);
        }
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            values.add(colon < 0 ? lines[i].strip() : lines[i].substring(colon + 1).strip());
        }
        return values;
    }

    /** Asserts the parser needs more bytes (returns null, consuming everything) for this prefix. */
    static void assertNeedsMore(String raw, HttpLimits limits) {
        ByteBuffer in = ByteBuffer.wrap(bytes(raw));
        assertEquals(null, new RequestParser(limits).parse(in));
        assertFalse(in.hasRemaining());
    }

    /** A parsed head with the body bytes and the trailer lines that followed it. */
    record Exchange(RequestHead head, String body, List<String> trailers) {
    }

    /** What a byte stream turned into: exchanges, then an error (status 0: none); inBody: a body is unfinished. */
    record Outcome(List<Exchange> exchanges, int status, String message, boolean inBody) {
    }

    /** Drives a parser and body decoders over {@code reads} in order, as a connection would. */
    static Outcome drive(List<ByteBuffer> reads, HttpLimits limits) {
        RequestParser parser = new RequestParser(limits);
        List<Exchange> exchanges = new ArrayList<>();
        RequestHead head = null;
        BodyDecoder body = null;
        ByteArrayOutputStream data = null;
        ByteBuffer out = ByteBuffer.allocate(7);          // small, to exercise "out is full"
        long steps = 0;
        long maxSteps = 1_000;
        for (ByteBuffer read : reads) {
            maxSteps += 4L * read.remaining();
        }
        try {
            for (ByteBuffer in : reads) {
                while (true) {
                    if (++steps > maxSteps) {
                        fail("no progress: steps=" + steps);
                    }
                    if (head == null) {
                        head = parser.parse(in);
                        if (head == null) {
                            break;
                        }
                        body = BodyDecoder.of(head, limits);
                        data = new ByteArrayOutputStream();
                    }
                    if (!body.isComplete()) {
                        out.clear();
                        int before = in.remaining();
                        int n = body.decode(in, out);
                        assertEquals(n, out.position());
                        data.write(out.array(), 0, n);
                        if (in.remaining() == before && n == 0 && !body.isComplete()) {
                            assertFalse(in.hasRemaining(), "decoder made no progress");
                            break;
                        }
                        continue;
                    }
                    List<String> trailers = new ArrayList<>();
                    for (int i = 0; i < body.trailerCount(); i++) {
                        trailers.add(body.trailerName(i) + ": " + body.trailerValue(i));
                    }
                    assertEquals(data.size(), body.decodedBytes());
                    exchanges.add(new Exchange(head, text(data.toByteArray()), trailers));
                    head = null;
                }
            }
        } catch (HttpException e) {
            assertTrue(e.status() >= 400 && e.status() <= 599, "status=" + e.status());
            return new Outcome(exchanges, e.status(), e.getMessage(), false);
        }
        return new Outcome(exchanges, 0, null, head != null);
    }

    static Outcome whole(byte[] bytes, HttpLimits limits, boolean direct) {
        return drive(List.of(buffer(bytes, direct)), limits);
    }

    static Outcome inTwoReads(byte[] bytes, int cut, HttpLimits limits, boolean direct) {
        return drive(List.of(buffer(slice(bytes, 0, cut), direct), buffer(slice(bytes, cut, bytes.length), direct)),
                limits);
    }

    static Outcome byteByByte(byte[] bytes, HttpLimits limits, boolean direct) {
        List<ByteBuffer> reads = new ArrayList<>(bytes.length);
        for (int i = 0; i < bytes.length; i++) {
            reads.add(buffer(slice(bytes, i, i + 1), direct));
        }
        return drive(reads, limits);
    }

    static byte[] slice(byte[] bytes, int from, int to) {
        byte[] part = new byte[to - from];
        System.arraycopy(bytes, from, part, 0, part.length);
        return part;
    }

    static String repeat(char c, int count) {
        return String.valueOf(c).repeat(count);
    }
}
