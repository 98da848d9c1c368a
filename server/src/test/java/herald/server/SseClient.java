package herald.server;

import herald.protocol.sse.SseEvent;
import herald.protocol.sse.SseListener;
import herald.protocol.sse.SseStreamParser;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An SSE subscriber over a raw socket for integration tests: sends the GET, checks nothing itself, parses the
 * stream with Herald's own WHATWG parser on a virtual thread and queues the dispatched events.
 */
final class SseClient implements AutoCloseable {
    private final Socket socket;
    private final TestHttp.Response head;
    private final BlockingQueue<SseEvent> events = new LinkedBlockingQueue<>();
    private final AtomicInteger comments = new AtomicInteger();
    private final AtomicInteger received = new AtomicInteger();
    private final CountDownLatch ended = new CountDownLatch(1);
    private final SseStreamParser parser;
    private volatile long retry = -1;
    private volatile String lastEventId = "";

    private SseClient(Socket socket, TestHttp.Response head, byte[] leftover, boolean read) {
        this.socket = socket;
        this.head = head;
        this.parser = new SseStreamParser(new SseListener() {
            @Override
            public void onEvent(CharSequence type, CharSequence data, CharSequence id) {
                events.add(new SseEvent(type.toString(), data.toString(), id.toString()));
                received.incrementAndGet();
            }

            @Override
            public void onRetry(long millis) {
                retry = millis;
            }

            @Override
            public void onComment(CharSequence text) {
                comments.incrementAndGet();
            }
        });
        parser.parse(ByteBuffer.wrap(leftover));
        lastEventId = parser.lastEventId();
        if (read) {
            Thread.ofVirtual().start(this::readLoop);
        }
    }

    /** Subscribes to {@code target} with extra request headers; returns once the response head arrived. */
    static SseClient open(int port, String target, String... headers) throws IOException {
        return open(port, target, 0, true, headers);
    }

    /**
     * @param receiveBuffer the socket's receive buffer in bytes, 0 for the default
     * @param read          false for a client that never reads its stream (a stalled consumer)
     */
    static SseClient open(int port, String target, int receiveBuffer, boolean read, String... headers)
            throws IOException {
        Socket socket = new Socket();
        if (receiveBuffer > 0) {
            socket.setReceiveBufferSize(receiveBuffer);
        }
        socket.connect(new InetSocketAddress("127.0.0.1", port), TestHttp.TIMEOUT_MILLIS);
        return open(socket, target, read, headers);
    }

    /** Subscribes on a connected socket (a TLS one, say); returns once the response head arrived. */
    static SseClient open(Socket socket, String target, boolean read, String... headers) throws IOException {
        socket.setSoTimeout(TestHttp.TIMEOUT_MILLIS);
        StringBuilder req = new StringBuilder("GET ").append(target).append(" HTTP/1.1\r\nHost: 127.0.0.1\r\n")
                .append("Accept: text/event-stream\r\n");
        for (String header : headers) {
            req.append(header).append("\r\n");
        }
        TestHttp.write(socket, req.append("\r\n").toString());
        InputStream in = socket.getInputStream();
        String headText = TestHttp.readHead(in);
        if (headText == null) {
            socket.close();
            throw new IOException("closed before the response head");
        }
        TestHttp.Response head = TestHttp.read(new java.io.SequenceInputStream(
                new java.io.ByteArrayInputStream((headText + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1)),
                InputStream.nullInputStream()), true);
        return new SseClient(socket, head, new byte[0], read && head.status() == 200);
    }

    private void readLoop() {
        byte[] buffer = new byte[8_192];
        try {
            socket.setSoTimeout(0);
            InputStream in = socket.getInputStream();
            while (true) {
                int n = in.read(buffer);
                if (n < 0) {
                    break;
                }
                parser.parse(ByteBuffer.wrap(buffer, 0, n));
                lastEventId = parser.lastEventId();
            }
        } catch (IOException e) {
            // closed by the test or reset by the server: the stream ended
        } finally {
            parser.endOfStream();
            ended.countDown();
        }
    }

    int status() {
        return head.status();
    }

    TestHttp.Response head() {
        return head;
    }

    long retry() {
        return retry;
    }

    /** The last event ID string the parser holds (what a browser would send on reconnect). */
    String lastEventId() {
        return lastEventId;
    }

    /** Events dispatched so far, taken or not. */
    int received() {
        return received.get();
    }

    int comments() {
        return comments.get();
    }

    SseEvent next(Duration timeout) throws InterruptedException {
        SseEvent event = events.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (event == null) {
            throw new AssertionError("no event within " + timeout);
        }
        return event;
    }

    List<SseEvent> take(int count, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<SseEvent> taken = new ArrayList<>(count);
        while (taken.size() < count) {
            long left = deadline - System.nanoTime();
            SseEvent event = left > 0 ? events.poll(left, TimeUnit.NANOSECONDS) : null;
            if (event == null) {
                throw new AssertionError("got " + taken.size() + " of " + count + " events within " + timeout);
            }
            taken.add(event);
        }
        return taken;
    }

    /** Events received so far and not yet taken. */
    List<SseEvent> drain() {
        List<SseEvent> drained = new ArrayList<>();
        events.drainTo(drained);
        return drained;
    }

    /** Whether the server ended the stream within {@code timeout}. */
    boolean awaitEnd(Duration timeout) throws InterruptedException {
        return ended.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    boolean isEnded() {
        return ended.getCount() == 0;
    }

    /** For a stalled client: whether the server closed its side (a read sees EOF or a reset). */
    boolean serverClosed(Duration timeout) throws IOException {
        socket.setSoTimeout((int) timeout.toMillis());
        byte[] sink = new byte[1 << 16];
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            while (System.nanoTime() < deadline) {
                if (socket.getInputStream().read(sink) < 0) {
                    return true;
                }
            }
            return false;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;                      // reset
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
