package herald.bench.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import herald.server.AbuseLimits;
import herald.server.Herald;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The handler behind the loadtest's streams scenario: N tokens, then [DONE], then the close; bad sizes get 400. */
class TokenStreamServerTest {
    private Herald herald;

    @BeforeEach
    void start() {
        herald = Herald.builder().host("127.0.0.1").port(0).abuseLimits(AbuseLimits.off())
                .stream("POST", "/stream", TokenStreamServer.TOKENS_HANDLER).start();
    }

    @AfterEach
    void stop() {
        herald.close();
    }

    @Test
    void shouldStreamTheTokensAskedForThenDoneAndClose() throws IOException {
        String answer = post("{\"tokens\":3,\"intervalMs\":1}");
        assertTrue(answer.startsWith("HTTP/1.1 200 OK\r\n"), answer);
        assertTrue(answer.contains("Content-Type: text/event-stream\r\n"), answer);
        String body = answer.substring(answer.indexOf("\r\n\r\n") + 4);
        assertEquals("data: token 1\n\ndata: token 2\n\ndata: token 3\n\ndata: [DONE]\n\n", unchunk(body));
    }

    @Test
    void shouldUseFiftyTokensWhenTheBodyNamesNone() throws IOException {
        String body = unchunk(post("{\"intervalMs\":0}").split("\r\n\r\n", 2)[1]);
        assertTrue(body.contains("data: token 50\n\ndata: [DONE]\n\n"), body);
        assertTrue(!body.contains("token 51"), body);
    }

    @Test
    void shouldRefuseSizesOutOfRangeWith400() throws IOException {
        for (String bad : new String[]{"{\"tokens\":0}", "{\"tokens\":100001}", "{\"intervalMs\":10001}"}) {
            String answer = post(bad);
            assertTrue(answer.startsWith("HTTP/1.1 400 "), bad + " -> " + answer);
        }
    }

    /** POSTs with Connection: close and reads until the server closes (bounded by the socket timeout). */
    private String post(String json) throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        try (Socket s = new Socket("127.0.0.1", herald.port())) {
            s.setSoTimeout(10_000);
            String head = "POST /stream HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                    + "Connection: close\r\nContent-Length: " + body.length + "\r\n\r\n";
            s.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().write(body);
            s.getOutputStream().flush();
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** The body without chunked framing, if it has any. */
    private static String unchunk(String body) {
        if (body.startsWith("data:")) {
            return body;
        }
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (true) {
            int eol = body.indexOf("\r\n", i);
            int size = Integer.parseInt(body.substring(i, eol).trim(), 16);
            if (size == 0) {
                return out.toString();
            }
            out.append(body, eol + 2, eol + 2 + size);
            i = eol + 2 + size + 2;
        }
    }
}
