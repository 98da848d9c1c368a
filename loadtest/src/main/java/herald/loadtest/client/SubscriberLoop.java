package herald.loadtest.client;

import herald.protocol.sse.SseLimitException;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.SingleWriterRecorder;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * One selector thread holding thousands of subscriptions: paces connects, writes each GET, reads heads and
 * streams, feeds each connection's parser, records latency.
 *
 * <p><b>Assumptions.</b> Connections, counters' writes and the latency recorder's writes belong to this loop's
 * thread. Other threads talk to it only through {@link #call} (run on this thread, answered by a future),
 * {@link #counters} snapshots and {@link #intervalLatency} (one reader thread at a time).
 *
 * <p><b>Guarantees.</b> Stops by itself at the config's deadline or on {@link #stop()}, closing every socket.
 * One read per ready key per select (fair across connections); all events of one read are stamped with the
 * time the read returned, which is when they had all arrived.
 */
final class SubscriberLoop implements Runnable {
    /** Latencies above an hour are recorded as an hour (and counted in {@link Counter#LATENCY_OVERFLOWS}). */
    static final long HIGHEST_LATENCY_NANOS = TimeUnit.HOURS.toNanos(1);
    static final int LATENCY_DIGITS = 3;
    private static final long SWEEP_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(500);
    private static final long CONNECT_BURST_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    /**
     * Connects started per round of the loop when unpaced ({@code --connect-rate 0}): between rounds the loop
     * writes the requests of the connections that completed, so that a server answers while the rest connect
     * (opening every socket before writing a single request measured the generator more than the server).
     */
    static final int CONNECTS_PER_ROUND = 64;

    final Counters counters = new Counters();
    private final GeneratorConfig config;
    private final InetSocketAddress[] targets;
    private final InetSocketAddress[] sources;
    private final byte[][] plainRequests;
    private final InetSocketAddress[] resumeTargets;        // per subscribe URL: where it goes once moved
    private final byte[][] resumePlainRequests;
    private final Selector selector;
    private final ByteBuffer readBuffer = ByteBuffer.allocate(64 * 1024);
    private final SingleWriterRecorder latency = new SingleWriterRecorder(HIGHEST_LATENCY_NANOS, LATENCY_DIGITS);
    private final List<SubscriberConnection> connections = new ArrayList<>();
    private final ArrayDeque<SubscriberConnection> connectQueue = new ArrayDeque<>();
    private final ConcurrentLinkedQueue<Runnable> commands = new ConcurrentLinkedQueue<>();
    private final Consumer<SelectionKey> onKey = this::onKey;
    private final Thread thread;

    private volatile boolean running = true;
    private long connectIntervalNanos;       // 0: no pacing
    private long nextConnectNanos;
    private long nextSweepNanos;
    private long receiveNanos;               // when the current read returned
    private boolean moved;                   // connects go to the resume URLs from now on

    SubscriberLoop(GeneratorConfig config, int index, double connectsPerSecond) throws IOException {
        this.config = config;
        int urls = config.subscribeUrls().size();
        this.targets = new InetSocketAddress[urls];
        this.plainRequests = new byte[urls][];
        for (int i = 0; i < urls; i++) {
            HttpUrl url = config.subscribeUrls().get(i);
            targets[i] = url.address();
            plainRequests[i] = request(url, null);
        }
        this.resumeTargets = new InetSocketAddress[urls];
        this.resumePlainRequests = new byte[urls][];
        for (int i = 0; i < urls; i++) {
            HttpUrl url = config.resumeUrl(i);
            resumeTargets[i] = url.address();
            resumePlainRequests[i] = request(url, null);
        }
        this.sources = config.sourceAddresses().stream().map(a -> new InetSocketAddress(a, 0))
                .toArray(InetSocketAddress[]::new);
        setConnectRate(connectsPerSecond);
        this.selector = Selector.open();
        this.thread = new Thread(this, "herald-subscribers-" + index);
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /** Any thread: asks the loop to close everything and end; {@link #join} waits for it. */
    void stop() {
        running = false;
        selector.wakeup();
    }

    void join(long millis) throws InterruptedException {
        thread.join(millis);
    }

    /** Any thread: runs {@code task} on this loop's thread. */
    <T> CompletableFuture<T> call(Function<SubscriberLoop, T> task) {
        CompletableFuture<T> result = new CompletableFuture<>();
        commands.add(() -> {
            try {
                result.complete(task.apply(this));
            } catch (RuntimeException e) {
                result.completeExceptionally(e);
            }
        });
        selector.wakeup();
        if (!running) {
            result.completeExceptionally(new IllegalStateException("subscriber loop stopped"));
        }
        return result;
    }

    /** One reader thread at a time: the latencies recorded since the previous call. */
    Histogram intervalLatency(Histogram recycle) {
        return latency.getIntervalHistogram(recycle);
    }

    // ---- commands, on the loop thread ----

    /** Adds connections that connect as the pacing allows. */
    void open(int count, int firstIndex, int stride, boolean stalled) {
        int urls = targets.length;
        int addresses = Math.max(1, sources.length);
        for (int i = 0; i < count; i++) {
            int index = firstIndex + i * stride;
            SubscriberConnection c = new SubscriberConnection(this, index % urls, index % addresses, stalled,
                    config.lanes());
            connections.add(c);
            connectQueue.add(c);
        }
    }

    void setConnectRate(double connectsPerSecond) {
        connectIntervalNanos = connectsPerSecond <= 0 ? 0 : (long) (1e9 / connectsPerSecond);
    }

    /** Closes every healthy stream and queues it to reconnect at once (at {@code connectsPerSecond}, 0: all). */
    int dropAll(double connectsPerSecond) {
        setConnectRate(connectsPerSecond);
        long now = System.nanoTime();
        int dropped = 0;
        for (SubscriberConnection c : connections) {
            if (!c.stalled && c.state == SubscriberConnection.STREAMING) {
                close(c, Counter.DROPS, false);
                c.since = now;
                connectQueue.addFirst(c);
                dropped++;
            }
        }
        return dropped;
    }

    /**
     * Every connect from now on (reconnects of streams that end or fail, and of {@link #dropAll}) goes to the
     * subscription's resume URL; streams open now stay where they are until they end. Returns the subscriptions.
     */
    int moveToResumeUrls() {
        moved = true;
        return connections.size();
    }

    long caughtUp(long seq) {
        long n = 0;
        for (SubscriberConnection c : connections) {
            if (!c.stalled && c.state == SubscriberConnection.STREAMING && c.caughtUp(seq)) {
                n++;
            }
        }
        return n;
    }

    /** {@code [missing events, healthy connections behind, healthy connections that received nothing]}. */
    long[] missingAtEnd(long[][] lastSeqPerUrlPerLane) {
        long[] out = new long[3];
        for (SubscriberConnection c : connections) {
            if (c.stalled) {
                continue;
            }
            long m = c.missingAtEnd(lastSeqPerUrlPerLane[Math.min(c.urlIndex, lastSeqPerUrlPerLane.length - 1)]);
            if (m < 0) {
                out[2]++;
            } else if (m > 0) {
                out[0] += m;
                out[1]++;
            }
        }
        return out;
    }

    // ---- the loop ----

    @Override
    public void run() {
        try {
            while (running) {
                runCommands();
                long now = System.nanoTime();
                if (now - config.deadlineNanos() > 0) {
                    break;
                }
                startConnects(now);
                if (now - nextSweepNanos >= 0) {
                    sweepTimeouts(now);
                    nextSweepNanos = now + SWEEP_INTERVAL_NANOS;
                }
                if (connectsDue(now)) {
                    selector.selectNow(onKey);  // more to start at once: serve what is ready, then go on
                } else {
                    selector.select(onKey, selectTimeoutMillis(now));
                }
            }
        } catch (IOException | ClosedSelectorException e) {
            System.err.println("loadtest: subscriber loop failed: " + e);
        } finally {
            running = false;
            closeAll();
            runCommands();                  // answer what is left; further calls fail fast
        }
    }

    private void runCommands() {
        Runnable r;
        while ((r = commands.poll()) != null) {
            r.run();
        }
    }

    private long selectTimeoutMillis(long now) {
        long wait = TimeUnit.MILLISECONDS.toNanos(250);
        SubscriberConnection head = connectQueue.peek();
        if (head != null) {
            long due = Math.max(head.since, connectIntervalNanos == 0 ? 0 : nextConnectNanos);
            wait = Math.min(wait, due - now);
        }
        return Math.max(1, (wait + 999_999) / 1_000_000);
    }

    private boolean connectsDue(long now) {
        SubscriberConnection head = connectQueue.peek();
        return connectIntervalNanos == 0 && head != null && head.since - now <= 0;
    }

    private void startConnects(long now) {
        SubscriberConnection c;
        int started = 0;
        while ((c = connectQueue.peek()) != null && c.since - now <= 0) {
            if (connectIntervalNanos == 0 && started++ == CONNECTS_PER_ROUND) {
                return;
            }
            if (connectIntervalNanos > 0) {
                if (nextConnectNanos - now > 0) {
                    return;
                }
                if (now - nextConnectNanos > CONNECT_BURST_NANOS) {
                    nextConnectNanos = now - CONNECT_BURST_NANOS;   // a late loop catches up in a short burst only
                }
                nextConnectNanos += connectIntervalNanos;
            }
            connectQueue.poll();
            connect(c, now);
        }
    }

    private void connect(SubscriberConnection c, long now) {
        counters.increment(Counter.CONNECT_ATTEMPTS);
        SocketChannel ch = null;
        try {
            ch = SocketChannel.open();
            ch.configureBlocking(false);
            if (c.stalled) {
                ch.setOption(StandardSocketOptions.SO_RCVBUF, config.stalledReceiveBytes());
            }
            if (sources.length > 0) {
                ch.bind(sources[c.sourceIndex]);
            }
            c.channel = ch;
            c.since = now;
            boolean connected = ch.connect(moved ? resumeTargets[c.urlIndex] : targets[c.urlIndex]);
            c.key = ch.register(selector, connected ? SelectionKey.OP_WRITE : SelectionKey.OP_CONNECT, c);
            c.state = connected ? SubscriberConnection.REQUESTING : SubscriberConnection.CONNECTING;
            String lastEventId = config.resume() ? c.parser.lastEventId() : "";
            c.resumed = !lastEventId.isEmpty();
            HttpUrl url = moved ? config.resumeUrl(c.urlIndex) : config.subscribeUrls().get(c.urlIndex);
            c.request = ByteBuffer.wrap(c.resumed ? request(url, lastEventId)
                    : moved ? resumePlainRequests[c.urlIndex] : plainRequests[c.urlIndex]);
        } catch (IOException e) {
            closeQuietly(ch);
            c.channel = null;
            c.key = null;
            c.state = SubscriberConnection.QUEUED;
            counters.increment(Counter.CONNECT_FAILURES);
            retry(c, now);
        }
    }

    private void onKey(SelectionKey key) {
        SubscriberConnection c = (SubscriberConnection) key.attachment();
        if (!key.isValid()) {
            return;
        }
        try {
            int ready = key.readyOps();
            if ((ready & SelectionKey.OP_CONNECT) != 0) {
                if (!c.channel.finishConnect()) {
                    return;
                }
                c.state = SubscriberConnection.REQUESTING;
                key.interestOps(SelectionKey.OP_WRITE);
            }
            if ((ready & (SelectionKey.OP_WRITE | SelectionKey.OP_CONNECT)) != 0
                    && c.state == SubscriberConnection.REQUESTING) {
                c.channel.write(c.request);
                if (c.request.hasRemaining()) {
                    return;
                }
                c.request = null;
                c.state = SubscriberConnection.HEAD;
                c.since = System.nanoTime();
                c.head = new ResponseHead();
                key.interestOps(SelectionKey.OP_READ);
                return;
            }
            if ((ready & SelectionKey.OP_READ) != 0) {
                read(c);
            }
        } catch (ProtocolError | SseLimitException e) {
            close(c, Counter.PROTOCOL_ERRORS, true);
        } catch (IOException e) {
            boolean connecting = c.state == SubscriberConnection.CONNECTING;
            close(c, connecting ? Counter.CONNECT_FAILURES : Counter.RESETS, true);
        }
    }

    private void read(SubscriberConnection c) throws IOException {
        ByteBuffer buffer = readBuffer;
        buffer.clear();
        int n = c.channel.read(buffer);
        if (n < 0) {
            streamEnded(c);
            return;
        }
        if (n == 0) {
            return;
        }
        receiveNanos = System.nanoTime();
        counters.add(Counter.BYTES, n);
        c.received(buffer.array(), 0, n);
    }

    // ---- called by connections, on this thread ----

    /** The head of {@code c} is complete: true if it is a stream to read, else {@code c} has been closed. */
    boolean headReceived(SubscriberConnection c) {
        ResponseHead head = c.head;
        int status = head.status();
        if (status != 200) {
            Counter counter = status < 300 ? Counter.STATUS_2XX_NOT_200 : status < 400 ? Counter.STATUS_3XX
                    : status < 500 ? Counter.STATUS_4XX : status < 600 ? Counter.STATUS_5XX : Counter.PROTOCOL_ERRORS;
            close(c, counter, true);
            return false;
        }
        if (!head.eventStream()) {
            counters.increment(Counter.NOT_EVENT_STREAM);
        }
        if (head.chunked()) {
            if (c.chunked == null) {
                c.chunked = new ChunkedBody();
            } else {
                c.chunked.reset();
            }
        } else {
            c.chunked = null;
        }
        c.head = null;
        c.state = SubscriberConnection.STREAMING;
        counters.increment(Counter.STREAMING);
        counters.increment(Counter.STREAMS_OPENED);
        if (c.resumed) {
            counters.increment(Counter.RESUMES);
        }
        if (c.stalled) {
            c.key.interestOps(0);           // a slow consumer: the kernel's buffers fill, then the server's
        }
        return true;
    }

    void delivered(SubscriberConnection c, long sendNanos) {
        counters.increment(Counter.EVENTS);
        if (c.stalled) {
            return;
        }
        long value = receiveNanos - sendNanos;
        if (value < 0) {
            value = 0;                      // same clock: only a send stamped after it was received; never seen
        } else if (value > HIGHEST_LATENCY_NANOS) {
            value = HIGHEST_LATENCY_NANOS;
            counters.increment(Counter.LATENCY_OVERFLOWS);
        }
        latency.recordValue(value);
    }

    /** The server ended the stream (EOF or the last chunk): reconnect after the delay. */
    void streamEnded(SubscriberConnection c) {
        close(c, c.state == SubscriberConnection.STREAMING ? Counter.SERVER_CLOSES : Counter.RESETS, true);
    }

    // ---- closing ----

    private void close(SubscriberConnection c, Counter reason, boolean retry) {
        if (c.key != null) {
            c.key.cancel();
        }
        closeQuietly(c.channel);
        c.channel = null;
        c.key = null;
        c.request = null;
        c.head = null;
        if (c.state == SubscriberConnection.STREAMING) {
            counters.add(Counter.STREAMING, -1);
            c.parser.endOfStream();         // keeps the last event id for Last-Event-ID
        }
        c.state = SubscriberConnection.QUEUED;
        counters.increment(reason);
        if (retry) {
            retry(c, System.nanoTime());
        }
    }

    private void retry(SubscriberConnection c, long now) {
        if (running) {
            c.since = now + config.reconnectDelayNanos();
            connectQueue.add(c);
        }
    }

    private void sweepTimeouts(long now) {
        long limit = config.connectTimeoutNanos();
        for (SubscriberConnection c : connections) {
            int s = c.state;
            if (s >= SubscriberConnection.CONNECTING && s <= SubscriberConnection.HEAD && now - c.since > limit) {
                close(c, Counter.TIMEOUTS, true);
            }
        }
    }

    private void closeAll() {
        connectQueue.clear();
        for (SubscriberConnection c : connections) {
            if (c.channel != null) {
                if (c.state == SubscriberConnection.STREAMING) {
                    counters.add(Counter.STREAMING, -1);
                }
                closeQuietly(c.channel);
                c.channel = null;
            }
            c.state = SubscriberConnection.CLOSED;
        }
        try {
            selector.close();
        } catch (IOException ignored) {
            // closing: nothing to do
        }
    }

    private static void closeQuietly(SocketChannel ch) {
        if (ch != null) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // already broken; the counter says why
            }
        }
    }

    static byte[] request(HttpUrl url, String lastEventId) {
        StringBuilder s = new StringBuilder(128)
                .append("GET ").append(url.target()).append(" HTTP/1.1\r\n")
                .append("Host: ").append(url.hostHeader()).append("\r\n")
                .append("Accept: text/event-stream\r\n")
                .append("Cache-Control: no-cache\r\n");
        if (lastEventId != null) {
            s.append("Last-Event-ID: ").append(lastEventId).append("\r\n");
        }
        return s.append("\r\n").toString().getBytes(StandardCharsets.UTF_8);
    }
}
