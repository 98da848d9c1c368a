package herald.loadtest.client;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.SingleWriterRecorder;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

/**
 * The open-loop publisher: one thread, {@code lanes} keep-alive HTTP/1.1 connections per publish URL, up to
 * {@code pipeline} requests in flight on each. Event {@code seq} goes to lane {@code (seq - 1) % lanes} of
 * every URL, with the {@link Payload} {@code <seq> <intendedNanos> <padding>} as body, when the
 * {@link PublishSchedule} says it is due; a full pipeline delays it, and that delay is in its latency (measured
 * from the intended time to the answer). Answers arrive in request order on each connection (HTTP/1.1), so a
 * per-lane ring of intended times pairs them.
 *
 * <p><b>Bounded.</b> Stops scheduling at the schedule's end or count, waits at most {@code drainNanos} for the
 * answers still due, then closes its sockets; {@link #stop()} ends it early.
 *
 * <p><b>Threads.</b> {@link #run} on its own thread; {@link #status} from one other thread at a time;
 * {@link #lastAccepted} after {@link #join}.
 */
public final class Publisher implements Runnable {

    /**
     * @param urls        publish URLs; each event is sent to every one (a broadcast to several servers)
     * @param method      {@code POST}, {@code PUT}, ...
     * @param headers     extra request header lines ({@code Name: value}), e.g. an Authorization
     * @param lanes       connections per URL
     * @param pipeline    requests in flight per connection (1: no pipelining)
     * @param bytes       event data size ({@link Payload#length})
     * @param rate        events per second, 0 for as fast as possible
     * @param maxEvents   bound on events
     * @param durationNanos bound on the schedule's length
     * @param drainNanos  how long to wait for answers after the schedule ends
     * @param maxAhead    max-rate mode: how far (in events) the publisher may run ahead of what the average
     *                    subscriber has received; 0 for no limit
     */
    public record Config(List<HttpUrl> urls, String method, List<String> headers, int lanes, int pipeline, int bytes,
                  double rate, long maxEvents, long durationNanos, long drainNanos, long maxAhead) {
        public Config {
            if (urls.isEmpty()) {
                throw new IllegalArgumentException("no publish URL");
            }
            if (lanes < 1 || pipeline < 1) {
                throw new IllegalArgumentException("lanes=" + lanes + " pipeline=" + pipeline);
            }
            urls = List.copyOf(urls);
            headers = List.copyOf(headers);
        }
    }

    private static final int SENT = 0;
    private static final int ACCEPTED = 1;
    private static final int REJECTED = 2;
    private static final int LOST = 3;
    private static final int CONNECT_FAILURES = 4;
    private static final int LAST_SENT = 5;
    private static final int STATUS_CLASS = 6;         // 6..11: answers by status / 100
    private static final int STATUS_503 = 12;          // pushed back: 503 Service Unavailable
    private static final int STATUS_429 = 13;          // rate-limited: 429 Too Many Requests
    private static final int IN_FLIGHT = 14;           // a gauge: requests written and not answered
    private static final long RECONNECT_DELAY_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    private static final long CONNECT_WAIT_NANOS = TimeUnit.SECONDS.toNanos(5);

    private final Config config;
    private final PublishLane[] lanes;
    private final Selector selector;
    private final ByteBuffer readBuffer = ByteBuffer.allocate(64 * 1024);
    private final AtomicLongArray stats = new AtomicLongArray(IN_FLIGHT + 1);
    public final AtomicLongArray lastAccepted;        // [url * lanes + lane]
    private final SingleWriterRecorder latency = new SingleWriterRecorder(SubscriberLoop.HIGHEST_LATENCY_NANOS,
            SubscriberLoop.LATENCY_DIGITS);
    private final Thread thread;
    private Histogram recycled;
    public volatile PublishSchedule schedule;
    private volatile boolean running = true;
    private volatile boolean done;
    private volatile boolean finishRequested;
    private volatile long lastDue;                     // the schedule's due count when sending stopped
    private LongSupplier delivered = () -> Long.MAX_VALUE / 2;

    public Publisher(Config config) throws IOException {
        this.config = config;
        int n = config.urls().size() * config.lanes();
        this.lanes = new PublishLane[n];
        this.lastAccepted = new AtomicLongArray(n);
        for (int u = 0; u < config.urls().size(); u++) {
            HttpUrl url = config.urls().get(u);
            byte[] head = requestHead(url, config.method(), config.headers());
            for (int l = 0; l < config.lanes(); l++) {
                lanes[u * config.lanes() + l] = new PublishLane(u, l, url.address(), head, config.bytes(),
                        config.pipeline());
            }
        }
        this.selector = Selector.open();
        this.thread = new Thread(this, "herald-publisher");
        thread.setDaemon(true);
    }

    /**
     * Before {@link #start}: in max-rate mode, send event {@code seq} only once {@code seq <= delivered + maxAhead},
     * where {@code delivered} counts the events the average subscriber has received (any thread may call it).
     * Without it, a server that takes publishes faster than it delivers them buffers or drops without bound and
     * "max rate" measures the publish path alone.
     */
    public void gate(LongSupplier deliveredPerSubscriber) {
        this.delivered = deliveredPerSubscriber;
    }

    public void start() {
        thread.start();
    }

    public void stop() {
        running = false;
        selector.wakeup();
    }

    /** Any thread: stop sending now, wait for the answers in flight (up to the drain time), then end. */
    public void finish() {
        finishRequested = true;
        selector.wakeup();
    }

    public boolean join(long millis) throws InterruptedException {
        thread.join(millis);
        return !thread.isAlive();
    }

    /** The schedule once the connections are up; null before. */
    public PublishSchedule schedule() {
        return schedule;
    }

    /** One thread at a time. */
    public synchronized PublisherStatus status() {
        recycled = latency.getIntervalHistogram(recycled);
        Histogram copy = recycled.copy();
        long[] classes = new long[6];
        for (int i = 1; i < 6; i++) {
            classes[i] = stats.getOpaque(STATUS_CLASS + i);
        }
        PublishSchedule s = schedule;
        long scheduled = s == null || s.maxRate() ? -1 : s.total();
        long sent = stats.getOpaque(SENT);
        // offered: what the schedule has made due by now (requests, one per URL), whether or not a free pipeline
        // slot let it go; at the max rate nothing is due before it is sent
        long due = s == null ? 0 : s.maxRate() ? sent
                : (finishRequested || done ? lastDue : s.lastDue(System.nanoTime())) * config.urls().size();
        return new PublisherStatus(scheduled, sent, stats.getOpaque(ACCEPTED),
                stats.getOpaque(REJECTED), stats.getOpaque(LOST), stats.getOpaque(CONNECT_FAILURES),
                stats.getOpaque(LAST_SENT), classes, copy, done, due, stats.getOpaque(STATUS_503),
                stats.getOpaque(STATUS_429), stats.getOpaque(IN_FLIGHT));
    }

    /** {@code [url][lane]}: the highest sequence number the server accepted (2xx); 0 for none. */
    public long[][] lastAccepted() {
        long[][] out = new long[config.urls().size()][config.lanes()];
        for (int u = 0; u < out.length; u++) {
            for (int l = 0; l < config.lanes(); l++) {
                out[u][l] = lastAccepted.get(u * config.lanes() + l);
            }
        }
        return out;
    }

    @Override
    public void run() {
        try {
            long now = System.nanoTime();
            for (PublishLane lane : lanes) {
                connect(lane, now);
            }
            awaitConnections();
            now = System.nanoTime();
            PublishSchedule s = new PublishSchedule(now, config.rate(), config.maxEvents(),
                    now + config.durationNanos());
            schedule = s;
            long total = s.total();
            long giveUp = s.endNanos() + config.drainNanos();   // a server too slow to take the schedule
            long drainDeadline = Long.MAX_VALUE;
            while (running) {
                now = System.nanoTime();
                boolean timeUp = now - s.endNanos() >= 0;
                long limit = s.maxRate() ? (timeUp ? 0 : gated(total)) : s.lastDue(now);
                boolean gaveUp = now - giveUp >= 0;
                boolean finished = gaveUp || finishRequested || s.maxRate() && timeUp;
                if (!finished && !s.maxRate()) {
                    lastDue = s.lastDue(now);
                }
                boolean inFlight = false;
                boolean allSent = true;
                for (PublishLane lane : lanes) {
                    if (lane.channel == null && now - lane.reconnectAt >= 0) {
                        connect(lane, now);
                    }
                    if (!finished) {
                        pump(lane, limit, now);
                    }
                    inFlight |= lane.inFlight > 0;
                    allSent &= lane.nextSeq > total;
                }
                if ((finished || allSent) && drainDeadline == Long.MAX_VALUE) {
                    drainDeadline = gaveUp ? now : now + config.drainNanos();
                }
                if (drainDeadline != Long.MAX_VALUE && (!inFlight || now - drainDeadline >= 0)) {
                    break;
                }
                waitForWork(s, limit, now, drainDeadline == Long.MAX_VALUE);
            }
        } catch (IOException e) {
            System.err.println("loadtest: publisher failed: " + e);
        } finally {
            for (PublishLane lane : lanes) {
                closeQuietly(lane);             // unanswered requests count as lost
            }
            try {
                selector.close();
            } catch (IOException ignored) {
                // closing
            }
            done = true;
        }
    }

    private void awaitConnections() throws IOException {
        long deadline = System.nanoTime() + CONNECT_WAIT_NANOS;
        while (running && System.nanoTime() - deadline < 0) {
            boolean all = true;
            for (PublishLane lane : lanes) {
                all &= lane.connected;
            }
            if (all) {
                return;
            }
            selector.select(this::onKey, 10);
            long now = System.nanoTime();
            for (PublishLane lane : lanes) {
                if (lane.channel == null && now - lane.reconnectAt >= 0) {
                    connect(lane, now);
                }
            }
        }
    }

    private long gated(long total) {
        if (config.maxAhead() <= 0) {
            return total;
        }
        long limit = delivered.getAsLong() + config.maxAhead();
        return limit < 0 ? total : Math.min(total, limit);
    }

    private void waitForWork(PublishSchedule s, long due, long now, boolean scheduling) throws IOException {
        if (scheduling && s.maxRate() && config.maxAhead() > 0 && gatedEverywhere(due)) {
            LockSupport.parkNanos(20_000);                 // subscribers are behind: look again shortly
            selector.selectNow(this::onKey);
            return;
        }
        if (!scheduling || s.maxRate() || due >= s.total()) {
            selector.select(this::onKey, 10);
            return;
        }
        long nextDue = s.intendedNanos(due + 1);
        long wait = nextDue - now;
        if (wait <= 0) {
            selector.select(this::onKey, 1);           // due but its pipeline is full: wait for answers
        } else if (wait >= 2_000_000) {
            selector.select(this::onKey, wait / 1_000_000 - 1);
        } else {
            LockSupport.parkNanos(wait);                // sub-millisecond: select's timeout is too coarse
            selector.selectNow(this::onKey);
        }
    }

    /** Whether every lane with a free pipeline slot is held back by the gate (not by answers). */
    private boolean gatedEverywhere(long limit) {
        boolean any = false;
        for (PublishLane lane : lanes) {
            if (lane.connected && lane.inFlight < config.pipeline()) {
                if (lane.nextSeq <= limit) {
                    return false;
                }
                any = true;
            }
        }
        return any;
    }

    /** Writes the due events this lane may send. */
    private void pump(PublishLane lane, long due, long now) {
        if (!lane.connected) {
            return;
        }
        ByteBuffer out = lane.out;
        boolean wrote = false;
        while (lane.inFlight < config.pipeline() && lane.nextSeq <= due && out.remaining() >= lane.maxRequestBytes) {
            long seq = lane.nextSeq;
            long intended = schedule.maxRate() ? now : schedule.intendedNanos(seq);
            lane.append(seq, intended, config.bytes());
            lane.nextSeq += config.lanes();
            count(SENT, 1);
            count(IN_FLIGHT, 1);
            if (seq > stats.getPlain(LAST_SENT)) {
                stats.setOpaque(LAST_SENT, seq);
            }
            wrote = true;
        }
        if (wrote || out.position() > 0) {
            flush(lane);
        }
    }

    private void flush(PublishLane lane) {
        ByteBuffer out = lane.out;
        out.flip();
        try {
            lane.channel.write(out);
        } catch (IOException e) {
            out.compact();
            broken(lane);
            return;
        }
        out.compact();
        int ops = SelectionKey.OP_READ | (out.position() > 0 ? SelectionKey.OP_WRITE : 0);
        if (lane.key.interestOps() != ops) {
            lane.key.interestOps(ops);
        }
    }

    private void onKey(SelectionKey key) {
        PublishLane lane = (PublishLane) key.attachment();
        if (!key.isValid()) {
            return;
        }
        try {
            if (key.isConnectable()) {
                if (!lane.channel.finishConnect()) {
                    return;
                }
                lane.connected = true;
                key.interestOps(SelectionKey.OP_READ);
                return;
            }
            if (key.isWritable()) {
                flush(lane);
            }
            if (key.isValid() && key.isReadable()) {
                read(lane);
            }
        } catch (ProtocolError | IOException e) {
            broken(lane);
        }
    }

    private void read(PublishLane lane) throws IOException {
        ByteBuffer buffer = readBuffer;
        buffer.clear();
        int n = lane.channel.read(buffer);
        if (n < 0) {
            if (lane.endOfStream()) {
                answered(lane, System.nanoTime());
            }
            broken(lane);
            return;
        }
        long now = System.nanoTime();
        byte[] a = buffer.array();
        int i = 0;
        while (i < n) {
            int end = lane.readAnswer(a, i, n);
            if (end < 0) {
                return;
            }
            i = end;
            boolean close = lane.answerCloses();
            answered(lane, now);
            if (close) {
                broken(lane);
                return;
            }
        }
    }

    private void answered(PublishLane lane, long now) {
        int status = lane.answerStatus();
        lane.takeAnswer();
        long seq = lane.answeredSeq;
        long value = Math.max(0, now - lane.answeredIntendedNanos);
        latency.recordValue(Math.min(value, SubscriberLoop.HIGHEST_LATENCY_NANOS));
        if (status >= 200 && status < 300) {
            count(ACCEPTED, 1);
            int slot = lane.urlIndex * config.lanes() + lane.laneIndex;
            if (seq > lastAccepted.getPlain(slot)) {
                lastAccepted.setOpaque(slot, seq);
            }
        } else {
            count(REJECTED, 1);
            if (status == 503) {
                count(STATUS_503, 1);
            } else if (status == 429) {
                count(STATUS_429, 1);
            }
        }
        count(IN_FLIGHT, -1);
        int cls = Math.min(5, Math.max(1, status / 100));
        count(STATUS_CLASS + cls, 1);
    }

    private void connect(PublishLane lane, long now) {
        try {
            SocketChannel ch = SocketChannel.open();
            ch.configureBlocking(false);
            ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            lane.channel = ch;
            lane.connected = ch.connect(lane.address);
            lane.key = ch.register(selector, lane.connected ? SelectionKey.OP_READ : SelectionKey.OP_CONNECT, lane);
        } catch (IOException e) {
            count(CONNECT_FAILURES, 1);
            closeQuietly(lane);
            lane.reconnectAt = now + RECONNECT_DELAY_NANOS;
        }
    }

    /** The connection failed or was closed: its unanswered requests are lost; reconnect after a pause. */
    private void broken(PublishLane lane) {
        count(CONNECT_FAILURES, 1);
        closeQuietly(lane);
        lane.reconnectAt = System.nanoTime() + RECONNECT_DELAY_NANOS;
    }

    /** Closes the lane's socket; what was in flight is counted as lost. */
    private void closeQuietly(PublishLane lane) {
        count(LOST, lane.inFlight);
        count(IN_FLIGHT, -lane.inFlight);
        if (lane.key != null) {
            lane.key.cancel();
        }
        if (lane.channel != null) {
            try {
                lane.channel.close();
            } catch (IOException ignored) {
                // broken already
            }
        }
        lane.reset();
    }

    static byte[] requestHead(HttpUrl url, String method, List<String> headers) {
        StringBuilder s = new StringBuilder(160)
                .append(method).append(' ').append(url.target()).append(" HTTP/1.1\r\n")
                .append("Host: ").append(url.hostHeader()).append("\r\n")
                .append("Content-Type: text/plain; charset=utf-8\r\n");
        for (String h : headers) {
            s.append(h).append("\r\n");
        }
        return s.append("Content-Length: ").toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Publisher thread only: single writer, opaque stores for the status readers. */
    private void count(int stat, long delta) {
        stats.setOpaque(stat, stats.getPlain(stat) + delta);
    }
}
