package herald.bench.peer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Netty peer streams published events to every subscriber of the topic, encoded once, ids in order. */
class NettyBroadcastServerTest {
    private NettyBroadcastServer server;

    @BeforeEach
    void start() throws InterruptedException {
        server = NettyBroadcastServer.start("127.0.0.1", 0, 2);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void shouldStreamEachPublishToEverySubscriberOfTheTopicOnly() throws Exception {
        try (Socket a = subscribe("news"); Socket b = subscribe("news"); Socket other = subscribe("sport")) {
            String head = readUntil(a.getInputStream(), "\r\n\r\n");
            assertTrue(head.startsWith("HTTP/1.1 200 OK\r\n"), head);
            assertTrue(head.contains("content-type: text/event-stream\r\n"), head);
            assertTrue(head.contains("cache-control: no-cache\r\n"), head);
            readUntil(b.getInputStream(), "\r\n\r\n");
            readUntil(other.getInputStream(), "\r\n\r\n");        // a subscriber with the head gets every event

            assertEquals("HTTP/1.1 202 Accepted|{\"id\":\"1\"}", publish("news", "hello"));
            assertEquals("HTTP/1.1 202 Accepted|{\"id\":\"2\"}", publish("news", "two\nlines\r\nand\rthree"));
            assertEquals("HTTP/1.1 202 Accepted|{\"id\":\"1\"}", publish("sport", ""));

            String expected = "id: 1\ndata: hello\n\nid: 2\ndata: two\ndata: lines\ndata: and\ndata: three\n\n";
            assertEquals(expected, readUntil(a.getInputStream(), "three\n\n"));
            assertEquals(expected, readUntil(b.getInputStream(), "three\n\n"));
            assertEquals("id: 1\ndata: \n\n", readUntil(other.getInputStream(), "\n\n"));
        }
    }

    @Test
    void shouldAnswerUnknownPathsAndWrongMethods() throws IOException {
        assertEquals("HTTP/1.1 404 Not Found", statusLine("GET /nope HTTP/1.1\r\nHost: x\r\n\r\n"));
        assertEquals("HTTP/1.1 405 Method Not Allowed", statusLine("GET /pub/news HTTP/1.1\r\nHost: x\r\n\r\n"));
        assertEquals("HTTP/1.1 405 Method Not Allowed",
                statusLine("POST /sub/news HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n"));
    }

    private Socket subscribe(String topic) throws IOException {
        Socket socket = new Socket("127.0.0.1", server.port());
        socket.setSoTimeout(5_000);
        socket.getOutputStream().write(("GET /sub/" + topic + " HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        return socket;
    }

    private String publish(String topic, String data) throws IOException {
        byte[] body = data.getBytes(StandardCharsets.UTF_8);
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(5_000);
            socket.getOutputStream().write(("POST /pub/" + topic + " HTTP/1.1\r\nHost: x\r\nContent-Length: "
                    + body.length + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().write(body);
            String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            return response.substring(0, response.indexOf("\r\n")) + "|"
                    + response.substring(response.indexOf("\r\n\r\n") + 4);
        }
    }

    private String statusLine(String request) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(5_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            String head = readUntil(socket.getInputStream(), "\r\n");
            return head.substring(0, head.length() - 2);
        }
    }

    private static String readUntil(InputStream in, String end) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while (!out.toString(StandardCharsets.US_ASCII).endsWith(end)) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed after " + out.toString(StandardCharsets.US_ASCII));
            }
            out.write(b);
        }
        return out.toString(StandardCharsets.US_ASCII);
    }
}
