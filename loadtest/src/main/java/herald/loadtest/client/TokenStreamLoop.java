package herald.loadtest.client;

import herald.protocol.sse.SseLimitException;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.SingleWriterRecorder;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.Consumer;

/**
 * One selector thread running a share of the {@link TokenStreams}' slots: each slot runs one stream at a time and
 * starts the next as soon as the previous one has delivered {@code [DONE]} (100 ms after a failure). Records the
 * time to first token (from when the slot meant to start the stream to the read that carried token 1) and the gap
 * before each event from token 6 to {@code [DONE]} (event N + 1).
 *
 * <p><b>Assumptions.</b> Streams, the counters' writes and the recorders' writes belong to this loop's thread;
 * other threads read {@link #get} and the interval histograms (one reader at a time), and call {@link #quiesce()}
 * and {@link #stop()}.
 *
 * <p><b>Guarantees.</b> Stops by itself at the deadline or on {@link #stop()}, closing every socket. All events of
 * one read are stamped with the time the read returned.
 */
final class TokenStreamLoop implements Runnable {
    /** Gaps are recorded for events from this one on (1-based; [DONE] is tokens + 1). */
    static final int FIRST_GAP_EVENT = 6;
    private static final long RETRY_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    private static final long DRAIN_NANOS = TimeUnit.SECONDS.toNanos(5);
    private static final long SWEEP_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

    private final TokenStreamConfig config;
    private final InetSocketAddress target;
    private final InetSocketAddress[] sources;
    private final byte[] request;
    private final Selector selector;
    private final ByteBuffer readBuffer = ByteBuffer.allocate(64 * 1024);
    private final AtomicLongArray counters = new AtomicLongArray(StreamCounter.ALL.length);
    private final SingleWriterRecorder ttfb = new SingleWriterRecorder(SubscriberLoop.HIGHEST_LATENCY_NANOS,
            SubscriberLoop.LATENCY_DIGITS);
    private final SingleWriterRecorder gaps = new SingleWriterRecorder(SubscriberLoop.HIGHEST_LATENCY_NANOS,
            SubscriberLoop.LATENCY_DIGITS);
    private final PriorityQueue<long[]> due = new PriorityQueue<>((a, b) -> Long.compare(a[0], b[0]));  // [when, slot]
    private final LinkedHashSet<TokenStream> open = new LinkedHashSet<>();
    private final Consumer<SelectionKey> onKey = this::onKey;
    private final Thread thread;

    private Histogram recycledTtfb;                  // the reader's
    private Histogram recycledGaps;
    private volatile boolean running = true;
    private volatile boolean starting = true;   // false: finish the streams in progress, start no more
    private long receiveNanos;
    private long nextSweepNanos;

    TokenStreamLoop(TokenStreamConfig config, int index, long[][] slots) throws IOException {
        this.config = config;
        this.target = config.url().address();
        this.sources = config.sourceAddresses().stream().map(a -> new InetSocketAddress(a, 0))
                .toArray(InetSocketAddress[]::new);
        this.request = request(config);
        for (long[] s : slots) {
            due.add(s);
        }
        this.selector = Selector.open();
        this.thread = new Thread(this, "herald-streams-" + index);
        thread.setDaemon(true);
    }

    static byte[] request(TokenStreamConfig config) {
        byte[] body = config.body().getBytes(StandardCharsets.UTF_8);
        StringBuilder s = new StringBuilder(256)
                .append("POST ").append(config.url().target()).append(" HTTP/1.1\r\n")
                .append("Host: ").append(config.url().hostHeader()).append("\r\n")
                .append("Accept: text/event-stream\r\n")
                .append("Content-Type: application/json\r\n")
                .append("Connection: close\r\n");      // one stream per connection, closed by the server
        for (String h : config.headers()) {
            s.append(h).append("\r\n");
        }
        s.append("Content-Length: ").append(body.length).append("\r\n\r\n");
        byte[] head = s.toString().getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[head.length + body.length];
        System.arraycopy(head, 0, out, 0, head.length);
        System.arraycopy(body, 0, out, head.length, body.length);
        return out;
    }

    void start() {
        thread.start();
    }

    /** Any thread: start no new stream; those in progress run to their end. */
    void quiesce() {
        starting = false;
        selector.wakeup();
    }

    void stop() {
        running = false;
        selector.wakeup();
    }

    void join(long millis) throws InterruptedException {
        thread.join(millis);
    }

    /** Any thread. */
    long get(StreamCounter c) {
        return counters.getOpaque(c.ordinal());
    }

    /** One reader thread at a time: the times to first token since the previous call, valid until the next. */
    Histogram intervalTtfb() {
        recycledTtfb = ttfb.getIntervalHistogram(recycledTtfb);
        return recycledTtfb;
    }

    /** One reader thread at a time: the gaps since the previous call, valid until the next. */
    Histogram intervalGaps() {
        recycledGaps = gaps.getIntervalHistogram(recycledGaps);
        return recycledGaps;
    }

    @Override
    public void run() {
        try {
            while (running) {
                long now = System.nanoTime();
                if (now - config.deadlineNanos() > 0) {
                    break;
                }
                startDue(now);
                if (now - nextSweepNanos >= 0) {
                    sweep(now);
                    nextSweepNanos = now + SWEEP_NANOS;
                }
                selector.select(onKey, waitMillis(now));
            }
        } catch (IOException | ClosedSelectorException e) {
            System.err.println("loadtest: stream loop failed: " + e);
        } finally {
            running = false;
            for (TokenStream s : List.copyOf(open)) {
                close(s);
            }
            try {
                selector.close();
            } catch (IOException ignored) {
                // closing
            }
        }
    }

    private long waitMillis(long now) {
        long wait = SWEEP_NANOS;
        long[] next = due.peek();
        if (next != null && starting) {
            wait = Math.min(wait, next[0] - now);
        }
        return Math.max(1, (wait + 999_999) / 1_000_000);
    }

    private void startDue(long now) {
        long[] next;
        while (starting && (next = due.peek()) != null && next[0] - now <= 0) {
            due.poll();
            connect(new TokenStream(this, (int) next[1], next[0]), now);
        }
    }

    private void connect(TokenStream s, long now) {
        add(StreamCounter.STARTED, 1);
        add(StreamCounter.ACTIVE, 1);
        SocketChannel ch = null;
        try {
            ch = SocketChannel.open();
            ch.configureBlocking(false);
            if (sources.length > 0) {
                ch.bind(sources[s.slot % sources.length]);
            }
            s.channel = ch;
            s.since = now;
            s.request = ByteBuffer.wrap(request);
            boolean connected = ch.connect(target);
            s.state = connected ? TokenStream.REQUESTING : TokenStream.CONNECTING;
            s.key = ch.register(selector, connected ? SelectionKey.OP_WRITE : SelectionKey.OP_CONNECT, s);
            open.add(s);
        } catch (IOException e) {
            if (ch != null) {
                try {
                    ch.close();
                } catch (IOException ignored) {
                    // failed anyway
                }
            }
            s.channel = null;
            failed(s, StreamCounter.CONNECT_FAILURES);
        }
    }

    private void onKey(SelectionKey key) {
        TokenStream s = (TokenStream) key.attachment();
        if (!key.isValid()) {
            return;
        }
        try {
            int ready = key.readyOps();
            if ((ready & SelectionKey.OP_CONNECT) != 0) {
                if (!s.channel.finishConnect()) {
                    return;
                }
                s.state = TokenStream.REQUESTING;
                key.interestOps(SelectionKey.OP_WRITE);
            }
            if (s.state == TokenStream.REQUESTING) {
                s.channel.write(s.request);
                if (!s.request.hasRemaining()) {
                    s.request = null;
                    s.state = TokenStream.HEAD;
                    key.interestOps(SelectionKey.OP_READ);
                }
                return;
            }
            if ((ready & SelectionKey.OP_READ) != 0) {
                read(s);
            }
        } catch (ProtocolError | SseLimitException e) {
            failed(s, StreamCounter.PROTOCOL_ERRORS);
        } catch (IOException e) {
            failed(s, s.state == TokenStream.CONNECTING ? StreamCounter.CONNECT_FAILURES : StreamCounter.ENDED_EARLY);
        }
    }

    private void read(TokenStream s) throws IOException {
        ByteBuffer buffer = readBuffer;
        buffer.clear();
        int n = s.channel.read(buffer);
        if (n < 0) {
            if (s.state == TokenStream.DRAINING) {
                close(s);
            } else {
                failed(s, StreamCounter.ENDED_EARLY);
            }
            return;
        }
        if (n > 0) {
            receiveNanos = System.nanoTime();
            s.received(buffer.array(), 0, n);
        }
    }

    // ---- called by streams, on this thread ----

    /** The head of {@code s} is complete: true if it is a stream to read, else {@code s} has failed. */
    boolean headReceived(TokenStream s) {
        if (s.head.status() != 200) {
            failed(s, StreamCounter.NOT_200);
            return false;
        }
        if (s.head.chunked()) {
            s.chunked = new ChunkedBody();
        }
        s.head = null;
        s.state = TokenStream.STREAMING;
        s.since = receiveNanos;
        return true;
    }

    void token(TokenStream s) {
        int index = ++s.events;
        add(StreamCounter.TOKENS, 1);
        if (index == 1) {
            add(StreamCounter.STREAMING, 1);
            ttfb.recordValue(Math.min(SubscriberLoop.HIGHEST_LATENCY_NANOS, Math.max(0, receiveNanos - s.startNanos)));
        } else if (index >= FIRST_GAP_EVENT) {
            gap(receiveNanos - s.lastEventNanos);
        }
        s.lastEventNanos = receiveNanos;
    }

    void done(TokenStream s) {
        int index = s.events + 1;
        if (index >= FIRST_GAP_EVENT && s.events > 0) {
            gap(receiveNanos - s.lastEventNanos);
        }
        add(StreamCounter.ACTIVE, -1);
        if (s.events > 0) {
            add(StreamCounter.STREAMING, -1);
        }
        add(s.events == config.tokens() ? StreamCounter.COMPLETED : StreamCounter.WRONG_TOKEN_COUNT, 1);
        s.state = TokenStream.DRAINING;
        s.since = receiveNanos;
        restart(s.slot, receiveNanos);
    }

    private void gap(long nanos) {
        gaps.recordValue(Math.min(SubscriberLoop.HIGHEST_LATENCY_NANOS, Math.max(0, nanos)));
    }

    // ---- ends ----

    /** A stream failed before [DONE]: counted, closed, and its slot starts again after a pause. */
    private void failed(TokenStream s, StreamCounter reason) {
        add(reason, 1);
        add(StreamCounter.ACTIVE, -1);
        if (s.state == TokenStream.STREAMING && s.events > 0) {
            add(StreamCounter.STREAMING, -1);
        }
        close(s);
        restart(s.slot, System.nanoTime() + RETRY_NANOS);
    }

    private void restart(int slot, long when) {
        if (running && starting) {
            due.add(new long[]{when, slot});
        }
    }

    private void close(TokenStream s) {
        if (s.state == TokenStream.CLOSED) {
            return;
        }
        s.state = TokenStream.CLOSED;
        open.remove(s);
        if (s.key != null) {
            s.key.cancel();
        }
        if (s.channel != null) {
            try {
                s.channel.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
        s.channel = null;
        s.key = null;
    }

    private void sweep(long now) {
        for (TokenStream s : List.copyOf(open)) {
            long age = now - s.since;
            switch (s.state) {
                case TokenStream.CONNECTING, TokenStream.REQUESTING, TokenStream.HEAD -> {
                    if (age > config.connectTimeoutNanos()) {
                        failed(s, StreamCounter.TIMEOUTS);
                    }
                }
                case TokenStream.STREAMING -> {
                    if (now - s.startNanos > config.streamTimeoutNanos()) {
                        failed(s, StreamCounter.TIMEOUTS);
                    }
                }
                case TokenStream.DRAINING -> {
                    if (age > DRAIN_NANOS) {
                        close(s);           // the server kept the connection open after [DONE]
                    }
                }
                default -> {
                }
            }
        }
    }

    /** Loop thread only: single writer, opaque stores for readers. */
    private void add(StreamCounter c, long delta) {
        int i = c.ordinal();
        counters.setOpaque(i, counters.getPlain(i) + delta);
    }
}
