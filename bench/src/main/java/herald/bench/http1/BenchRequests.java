package herald.bench.http1;

import java.nio.charset.StandardCharsets;

/**
 * The request bytes both parsers are fed: what a browser's {@code EventSource} sends to subscribe, and what a
 * publisher sends to publish one event. Constants, so the benchmark and its test cannot drift apart.
 */
final class BenchRequests {
    /** Chrome 131 on Linux reconnecting an {@code EventSource} (hence {@code Last-Event-ID}), fields in its order. */
    static final String SUBSCRIBE = """
            GET /topics/news HTTP/1.1\r
            Host: sse.example.com\r
            Connection: keep-alive\r
            sec-ch-ua-platform: "Linux"\r
            Cache-Control: no-cache\r
            sec-ch-ua: "Google Chrome";v="131", "Chromium";v="131", "Not_A Brand";v="24"\r
            sec-ch-ua-mobile: ?0\r
            User-Agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) \
            Chrome/131.0.0.0 Safari/537.36\r
            Accept: text/event-stream\r
            Sec-Fetch-Site: same-origin\r
            Sec-Fetch-Mode: cors\r
            Sec-Fetch-Dest: empty\r
            Referer: https://sse.example.com/dashboard/news\r
            Accept-Encoding: gzip, deflate, br, zstd\r
            Accept-Language: en-US,en;q=0.9,de;q=0.8\r
            Cookie: _ga=GA1.1.1736251845.1731024000; theme=dark; \
            session=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiI0MiIsImV4cCI6MTczMTAyNzYwMH0.c2lnbmF0dXJlLWJ5dGVz\r
            Last-Event-ID: 1f3a9c-1000000042\r
            \r
            """;

    /** Fields in {@link #SUBSCRIBE}. */
    static final int SUBSCRIBE_FIELDS = 16;

    /** A 256-byte JSON body: valid UTF-8, what a publisher posts. */
    static final String BODY = body(256);

    static final String PUBLISH = """
            POST /topics/news?event=update HTTP/1.1\r
            Host: localhost:8080\r
            User-Agent: herald-publisher/0.1\r
            Accept: */*\r
            Content-Type: application/json\r
            Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJwdWIiOlsibmV3cyJdfQ.c2lnbmF0dXJl\r
            Content-Length: 256\r
            \r
            """ + BODY;

    /** Fields in {@link #PUBLISH}. */
    static final int PUBLISH_FIELDS = 6;

    private BenchRequests() {
    }

    static byte[] bytes(String request) {
        return request.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** The head of {@code request}: everything up to and including the empty line. */
    static String head(String request) {
        return request.substring(0, request.indexOf("\r\n\r\n") + 4);
    }

    private static String body(int length) {
        StringBuilder json = new StringBuilder("{\"headline\":\"Markets rally as rates hold\",\"text\":\"");
        String filler = "The quick brown fox jumps over the lazy dog. ";
        while (json.length() < length - 2) {
            json.append(filler);
        }
        json.setLength(length - 2);
        return json.append("\"}").toString();
    }
}
