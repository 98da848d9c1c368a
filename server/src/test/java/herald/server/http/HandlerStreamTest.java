package herald.server.http;

import herald.protocol.http1.HeaderLine;
import herald.protocol.http1.HttpException;
import herald.protocol.http1.RequestHead;
import herald.protocol.http1.RequestParser;
import herald.protocol.sse.SseEncoder;
import herald.server.broker.Broker;
import herald.server.broker.Subscription;
import herald.server.exchange.Client;
import herald.server.exchange.Exchange;
import herald.server.exchange.Response;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link HandlerStream} against a recording exchange: each event is one write of exactly the bytes
 * {@link SseEncoder#toBytes} gives (framed as one chunk when the connection stays), whatever the data (ASCII, other
 * UTF-8, line breaks, unpaired surrogates, long); the exchange is told once the stream started, and asked again at
 * each write until it gave its request buffers back; a token of ASCII data allocates nothing.
 */
class HandlerStreamTest {
    private static final String KEEP_ALIVE = "POST /v1/chat HTTP/1.1\r\nHost: a\r\n\r\n";
    private static final String CLOSE = "POST /v1/chat HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n";

    @Test
    void shouldWriteEachEventAsOneChunkInOneWrite() throws IOException {
        RecordingExchange exchange = new RecordingExchange(KEEP_ALIVE);
        HandlerStream stream = new HandlerStream(exchange, exchange.head);
        stream.send("token 1");
        stream.send("update", "héllo wörld", "7");
        stream.comment("keep");
        stream.finish();
        assertEquals("chunked head", exchange.headSent);
        assertEquals(5, exchange.writes, "the head, then one write per event, comment and the last chunk");
        String expected = chunk("data: token 1\n\n") + chunk("event: update\ndata: héllo wörld\nid: 7\n\n")
                + chunk(": keep\n") + "0\r\n\r\n";
        assertEquals(expected, exchange.body());
        assertFalse(exchange.closeAfterResponse, "a chunked stream keeps its connection");
    }

    @Test
    void shouldWriteEventsAsTheyAreUntilTheCloseWhenTheConnectionEnds() throws IOException {
        RecordingExchange exchange = new RecordingExchange(CLOSE);
        HandlerStream stream = new HandlerStream(exchange, exchange.head);
        stream.send("token 1");
        assertEquals("data: token 1\n\n", exchange.firstBytes, "the first event went with the head, in one write");
        stream.send("[DONE]");
        stream.finish();
        assertEquals("stream head", exchange.headSent);
        assertEquals("data: token 1\n\ndata: [DONE]\n\n", exchange.body());
        assertEquals(2, exchange.writes);
        assertTrue(exchange.closeAfterResponse);
    }

    @Test
    void shouldSendTheHeadAloneWhenTheHandlerOpensTheStreamFirst() throws IOException {
        RecordingExchange exchange = new RecordingExchange(CLOSE);
        HandlerStream stream = new HandlerStream(exchange, exchange.head);
        stream.open();
        assertEquals("", exchange.firstBytes, "open() sends the head at once, without waiting for an event");
        stream.send("token 1");
        stream.finish();
        assertEquals("data: token 1\n\n", exchange.body());
        assertEquals(2, exchange.writes);
    }

    @Test
    void shouldSizeChunksInHexAcrossDigitBoundariesAndGrowItsBuffer() throws IOException {
        for (int length : new int[] {0, 1, 6, 7, 8, 233, 234, 248, 249, 250, 4_081, 4_082, 70_000}) {
            RecordingExchange exchange = new RecordingExchange(KEEP_ALIVE);
            HandlerStream stream = new HandlerStream(exchange, exchange.head);
            String data = "x".repeat(length);
            stream.send(data);
            stream.send("é".repeat(length / 2 + 1));
            String event = "data: " + data + "\n\n";
            String second = "data: " + "é".repeat(length / 2 + 1) + "\n\n";
            assertEquals(chunk(event) + chunk(second), exchange.body(), "length=" + length);
        }
    }

    @Test
    void shouldEncodeAnyDataAsTheEncoderDoes() throws IOException {
        long seed = System.nanoTime();
        System.out.println("HandlerStreamTest seed=" + seed);
        Random random = new Random(seed);
        char[] alphabet = {'a', 'Z', '0', ' ', ':', '\r', '\n', '\u007f', '\u0080', 'é', '\u20ac', '\ud83d', '\ude00',
            '\u0000', '"'};
        for (int round = 0; round < 2_000; round++) {
            boolean chunked = random.nextBoolean();
            RecordingExchange exchange = new RecordingExchange(chunked ? KEEP_ALIVE : CLOSE);
            HandlerStream stream = new HandlerStream(exchange, exchange.head);
            ByteArrayOutputStream expected = new ByteArrayOutputStream();
            for (int e = 0; e < 3; e++) {
                int length = random.nextInt(10) == 0 ? random.nextInt(2_000) : random.nextInt(40);
                StringBuilder data = new StringBuilder(length);
                for (int i = 0; i < length; i++) {
                    data.append(alphabet[random.nextInt(alphabet.length)]);
                }
                String type = random.nextInt(4) == 0 ? "t" + random.nextInt(100) : null;
                String id = random.nextInt(4) == 0 ? "id-" + random.nextInt(100) : null;
                stream.send(type, data.toString(), id);
                byte[] event = SseEncoder.toBytes(type, data.toString(), id, -1);
                expected.writeBytes(chunked ? chunk(event) : event);
            }
            assertArrayEquals(expected.toByteArray(), exchange.out.toByteArray(), "seed=" + seed + " round=" + round);
        }
    }

    @Test
    void shouldRefuseTypesAndIdsWithLineBreaksAndWriteNothing() throws IOException {
        RecordingExchange exchange = new RecordingExchange(KEEP_ALIVE);
        HandlerStream stream = new HandlerStream(exchange, exchange.head);
        assertThrows(IllegalArgumentException.class, () -> stream.send("a\nb", "x"));
        assertThrows(IllegalArgumentException.class, () -> stream.send(null, "x", "1\r"));
        assertThrows(IllegalArgumentException.class, () -> stream.send(null));
        assertEquals(0, exchange.writes);
    }

    @Test
    void shouldTellTheExchangeItStreamsOnceItOpenedAndAskAgainUntilItGaveBack() throws IOException {
        RecordingExchange exchange = new RecordingExchange(KEEP_ALIVE);
        exchange.givesBackAfter = 3;                // e.g. the handler reads the body only after opening
        HandlerStream stream = new HandlerStream(exchange, exchange.head);
        assertEquals(0, exchange.streamingCalls);
        stream.open();
        assertEquals(1, exchange.streamingCalls, "told as soon as the head went out");
        stream.send("token 1");
        stream.send("token 2");
        assertEquals(3, exchange.streamingCalls, "asked again after each write until it gave back");
        stream.send("token 3");
        stream.send("token 4");
        stream.finish();
        assertEquals(3, exchange.streamingCalls, "never again once it gave back");
    }

    @Test
    void shouldEndAfterAFailedWriteAndCloseTheConnection() {
        RecordingExchange exchange = new RecordingExchange(KEEP_ALIVE);
        HandlerStream stream = new HandlerStream(exchange, exchange.head);
        exchange.failWrites = true;
        assertThrows(IOException.class, () -> stream.send("token 1"));
        assertFalse(stream.isOpen());
        assertThrows(IOException.class, () -> stream.send("token 2"));
        stream.finish();
        assertTrue(exchange.closeAfterResponse, "no last chunk after a failure: the connection ends");
    }

    // Measured 0 bytes. The bound tolerates a one-off JVM allocation; one array per token would be >= 24 x.
    @Test
    void shouldAllocateNothingPerAsciiToken() throws IOException {
        RecordingExchange exchange = new RecordingExchange(KEEP_ALIVE);
        exchange.keep = false;
        HandlerStream stream = new HandlerStream(exchange, exchange.head);
        String[] tokens = new String[64];
        for (int i = 0; i < tokens.length; i++) {
            tokens[i] = "token " + i * 1_000;
        }
        for (int i = 0; i < 50_000; i++) {
            stream.send(tokens[i & 63]);
        }
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < 10_000; i++) {
            stream.send(tokens[i & 63]);
        }
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        System.out.println("HandlerStream: " + allocated + " bytes allocated in 10000 tokens");
        assertTrue(allocated < 10_000, "allocated=" + allocated);
    }

    private static String chunk(String event) {
        return new String(chunk(event.getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8);
    }

    private static byte[] chunk(byte[] event) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes((Integer.toHexString(event.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(event);
        out.writeBytes(new byte[] {'\r', '\n'});
        return out.toByteArray();
    }

    /** Records what the stream writes; its response records which head was sent. */
    private static final class RecordingExchange implements Exchange, Response {
        final RequestHead head;
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        boolean keep = true;            // false: count writes only (no allocation per write)
        int writes;
        String headSent;
        String firstBytes;              // the body bytes written with a stream head
        boolean closeAfterResponse;
        boolean failWrites;
        int givesBackAfter = 1;         // streaming() answers true from this call on
        int streamingCalls;
        private boolean started;

        RecordingExchange(String request) {
            this.head = new RequestParser().parse(ByteBuffer.wrap(request.getBytes(StandardCharsets.US_ASCII)));
        }

        String body() {
            return out.toString(StandardCharsets.UTF_8);
        }

        @Override
        public RequestHead head() {
            return head;
        }

        @Override
        public Client client() {
            throw new UnsupportedOperationException();
        }

        @Override
        public byte[] readBody() {
            return new byte[0];
        }

        @Override
        public Response response() {
            return this;
        }

        @Override
        public void write(ByteBuffer[] buffers, int count) throws IOException {
            if (failWrites) {
                throw new IOException("client gone");
            }
            writes++;
            for (int i = 0; i < count; i++) {
                ByteBuffer b = buffers[i];
                if (keep) {
                    byte[] bytes = new byte[b.remaining()];
                    b.get(bytes);
                    out.writeBytes(bytes);
                } else {
                    b.position(b.limit());
                }
            }
        }

        @Override
        public boolean streaming() {
            return ++streamingCalls >= givesBackAfter;
        }

        @Override
        public void closeAfterResponse() {
            closeAfterResponse = true;
        }

        @Override
        public void attach(Broker broker, Subscription subscription) {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean started() {
            return started;
        }

        @Override
        public void allowOrigin(String origin) {
        }

        @Override
        public void allowOriginWithCredentials(String origin) {
        }

        @Override
        public Response begin(int status) {
            started = true;
            return this;
        }

        @Override
        public Response header(String name, String value) {
            return this;
        }

        @Override
        public Response header(String name, long value) {
            return this;
        }

        @Override
        public Response header(HeaderLine line) {
            return this;
        }

        @Override
        public void send(byte[] body) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void sendWithoutBody() {
            throw new UnsupportedOperationException();
        }

        @Override
        public void sendStreamHead(byte[] firstBytes) {
            headSent = "stream head";
            this.firstBytes = new String(firstBytes, StandardCharsets.UTF_8);
            closeAfterResponse = true;
            writes++;
            out.writeBytes(firstBytes);
        }

        @Override
        public void sendChunkedStreamHead() {
            headSent = "chunked head";
            writes++;
        }

        @Override
        public void error(HttpException e, boolean close) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void text(int status, String reason, String... nameValues) {
            throw new UnsupportedOperationException();
        }
    }
}
