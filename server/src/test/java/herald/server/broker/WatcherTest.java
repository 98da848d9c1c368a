package herald.server.broker;

import herald.server.health.Supervisor;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The selector thread that watches subscriber sockets ({@link Watcher}) and the socket sinks it calls back
 * ({@link ChannelSink}, {@link WriterSink}). The sockets are a Unix-domain pair in a temporary directory: a real
 * selectable {@link SocketChannel} with no network port. Events arrive on the watcher's thread; the test waits
 * for them (bounded) and never sleeps to synchronise.
 */
class WatcherTest {
    private static final long WAIT_SECONDS = 10;
    private static final int MAX_JUNK_BYTES = 64 << 10;

    @TempDir
    Path dir;
    private final List<Throwable> fatal = new ArrayList<>();
    private Watcher watcher;
    private ServerSocketChannel listener;
    private final List<SocketChannel> opened = new ArrayList<>();

    @BeforeEach
    void start() throws IOException {
        watcher = new Watcher("herald-watch-test", new Supervisor(fatal::add));
        listener = ServerSocketChannel.open(StandardProtocolFamily.UNIX).bind(UnixDomainSocketAddress.of(
                dir.resolve("s")));
    }

    @AfterEach
    void stop() throws IOException {
        watcher.close();
        for (SocketChannel channel : opened) {
            channel.close();
        }
        listener.close();
        assertEquals(List.of(), fatal);
    }

    /** A connected pair: [0] the server's end (the subscriber's socket), [1] the client's. */
    private SocketChannel[] pair() throws IOException {
        SocketChannel client = SocketChannel.open(listener.getLocalAddress());
        SocketChannel server = listener.accept();
        opened.add(client);
        opened.add(server);
        return new SocketChannel[] {server, client};
    }

    /** Records the events on the watcher's thread; each one releases a permit the test waits for. */
    private static final class Recorder implements SubscriberSink.Events {
        final AtomicInteger writable = new AtomicInteger();
        final AtomicInteger gone = new AtomicInteger();
        final Semaphore writableSeen = new Semaphore(0);
        final Semaphore goneSeen = new Semaphore(0);

        @Override
        public void writable() {
            writable.incrementAndGet();
            writableSeen.release();
        }

        @Override
        public void gone() {
            gone.incrementAndGet();
            goneSeen.release();
        }

        void awaitWritable() throws InterruptedException {
            assertTrue(writableSeen.tryAcquire(WAIT_SECONDS, TimeUnit.SECONDS), "writable");
        }

        void awaitGone() throws InterruptedException {
            assertTrue(goneSeen.tryAcquire(WAIT_SECONDS, TimeUnit.SECONDS), "gone");
        }
    }

    /** Registers {@code sink} with {@code with} and waits until its thread did: the key. */
    private static SelectionKey registered(Watcher with, ChannelSink sink) {
        with.register(sink);
        awaitTrue(() -> sink.key() != null, "registered at the watcher's next round");
        return sink.key();
    }

    private static void awaitTrue(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() - deadline < 0, what);
            Thread.onSpinWait();
        }
    }

    @Test
    void shouldTellTheSubscriberOnceWhenTheClientCloses() throws Exception {
        SocketChannel[] pair = pair();
        AtomicInteger closed = new AtomicInteger();
        ChannelSink sink = new ChannelSink(pair[0], watcher, closed::incrementAndGet);
        Recorder events = new Recorder();
        sink.start(events);
        assertFalse(pair[0].isBlocking(), "non-blocking from start");
        awaitTrue(pair[0]::isRegistered, "registered by the watcher's thread at its next round");
        pair[1].close();                                  // FIN
        events.awaitGone();
        assertEquals(0, events.writable.get());
        sink.close();
        assertEquals(1, closed.get(), "the permit is released once the socket is closed");
        assertFalse(pair[0].isOpen());
        awaitTrue(() -> !pair[0].isRegistered(), "the selector lets go of a closed sink's socket");
    }

    @Test
    void shouldReportWritableAskedForBeforeTheWatcherRegisteredTheSocket() throws Exception {
        SocketChannel[] pair = pair();
        ChannelSink sink = new ChannelSink(pair[0], watcher, () -> { });
        Recorder events = new Recorder();
        sink.events = events;
        pair[0].configureBlocking(false);
        sink.requestWritable();                           // no key yet: the request waits for the registration
        assertEquals(null, sink.key());
        watcher.register(sink);
        events.awaitWritable();
        assertEquals(1, events.writable.get());
        assertEquals(SelectionKey.OP_READ, sink.key().interestOps(), "one writable per request");
        sink.requestWritable();                           // registered now: asked of the key
        events.awaitWritable();
        assertEquals(0, events.gone.get());
        sink.close();
    }

    @Test
    void shouldSkipASocketClosedBeforeTheWatcherRegisteredItAndGoOn() throws Exception {
        SocketChannel[] pair = pair();
        AtomicInteger closed = new AtomicInteger();
        ChannelSink early = new ChannelSink(pair[0], watcher, closed::incrementAndGet);
        Recorder events = new Recorder();
        early.events = events;
        pair[0].configureBlocking(false);
        early.close();                                    // the subscriber ended before its socket was watched
        watcher.register(early);
        SocketChannel[] next = pair();
        Recorder nextEvents = new Recorder();
        ChannelSink later = new ChannelSink(next[0], watcher, () -> { });
        later.start(nextEvents);
        awaitTrue(() -> later.key() != null, "the round after the skipped one registers the next");
        assertEquals(null, early.key(), "never registered");
        assertFalse(pair[0].isRegistered());
        assertEquals(1, closed.get());
        assertEquals(0, events.gone.get(), "nothing to tell: it was closed by its own side");
        next[1].close();
        nextEvents.awaitGone();
        later.close();
    }

    @Test
    void shouldWatchEverySocketOfABurstRegisteredFromManyThreads() throws Exception {
        int threads = 8;
        int each = 40;
        List<SocketChannel[]> pairs = new ArrayList<>();
        List<ChannelSink> sinks = new ArrayList<>();
        AtomicInteger closed = new AtomicInteger();
        java.util.concurrent.CountDownLatch allGone = new java.util.concurrent.CountDownLatch(threads * each);
        for (int i = 0; i < threads * each; i++) {
            SocketChannel[] pair = pair();
            pairs.add(pair);
            sinks.add(new ChannelSink(pair[0], watcher, closed::incrementAndGet));
        }
        List<Thread> starters = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int from = t * each;
            starters.add(Thread.ofVirtual().start(() -> {
                for (int i = from; i < from + each; i++) {
                    ChannelSink sink = sinks.get(i);
                    try {
                        sink.start(new SubscriberSink.Events() {
                            @Override
                            public void writable() {
                            }

                            @Override
                            public void gone() {           // as a subscriber does: closes its sink, once
                                sink.close();
                                allGone.countDown();
                            }
                        });
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }
            }));
        }
        for (Thread starter : starters) {
            starter.join(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
        }
        awaitTrue(() -> sinks.stream().allMatch(sink -> sink.key() != null), "every sink registered");
        for (SocketChannel[] pair : pairs) {
            pair[1].close();                              // every client leaves: each is noticed
        }
        assertTrue(allGone.await(WAIT_SECONDS, TimeUnit.SECONDS), "every client's leaving noticed");
        assertEquals(pairs.size(), closed.get());
        awaitTrue(() -> pairs.stream().noneMatch(pair -> pair[0].isRegistered()), "every socket let go");
    }

    @Test
    void shouldToleratePipelinedJunkUpToItsLimitAndEndTheStreamPastIt() throws Exception {
        SocketChannel[] pair = pair();
        ChannelSink sink = new ChannelSink(pair[0], watcher, () -> { });
        Recorder events = new Recorder();
        sink.start(events);
        send(pair[1], MAX_JUNK_BYTES);
        // each writable comes after a round that read what was readable: wait until all junk was read
        for (int round = 0; round < 1_000 && sink.junkBytes < MAX_JUNK_BYTES; round++) {
            sink.requestWritable();
            events.awaitWritable();
        }
        assertEquals(MAX_JUNK_BYTES, sink.junkBytes, "read, counted");
        assertEquals(0, events.gone.get(), "up to the limit is tolerated");
        send(pair[1], 1);
        events.awaitGone();
        assertEquals(1, events.gone.get());
        sink.close();
    }

    private static void send(SocketChannel client, int bytes) throws IOException {
        ByteBuffer junk = ByteBuffer.allocate(bytes);
        while (junk.hasRemaining()) {
            client.write(junk);                           // blocking: the watcher drains the other end
        }
    }

    @Test
    void shouldTellASubscriberWhoseSocketFilledUpOnceItDrains() throws Exception {
        SocketChannel[] pair = pair();
        ChannelSink sink = new ChannelSink(pair[0], watcher, () -> { });
        Recorder events = new Recorder();
        sink.start(events);
        ByteBuffer[] chunk = {ByteBuffer.allocate(4_096), ByteBuffer.allocate(4_096)};
        long written = 0;
        for (int i = 0; i < 100_000; i++) {
            chunk[0].clear();
            chunk[1].clear();
            long n = sink.write(chunk, 0, 2);
            if (n == 0) {
                break;
            }
            written += n;
        }
        assertEquals(0, sink.write(chunk, 0, 2), "the socket is full: a write takes nothing and does not block");
        sink.requestWritable();
        ByteBuffer in = ByteBuffer.allocate(64 << 10);
        long read = 0;
        while (read < written) {
            read += pair[1].read(in.clear());
        }
        events.awaitWritable();
        assertEquals(written, read, "the client got every byte the sink took");
        sink.requestWritable();                           // room now: at once
        events.awaitWritable();
        assertEquals(0, events.gone.get());
        sink.close();
    }

    @Test
    void shouldStopAskingForWritableOnceToldAndNotBeforeAskedAgain() throws Exception {
        SocketChannel[] pair = pair();
        Recorder events = new Recorder();
        ChannelSink sink = new ChannelSink(pair[0], watcher, () -> { });
        sink.events = events;
        pair[0].configureBlocking(false);
        SelectionKey key = registered(watcher, sink);
        assertEquals(SelectionKey.OP_READ, key.interestOps(), "watches for FIN, reset and junk only");
        watcher.wantWritable(key);
        events.awaitWritable();
        assertEquals(SelectionKey.OP_READ, key.interestOps(), "one writable per request");
        watcher.wantWritable(key);
        events.awaitWritable();
        assertEquals(2, events.writable.get());
        watcher.cancel(key);
        assertFalse(key.isValid());
        watcher.wantWritable(key);                        // closed meanwhile: nothing to resume, no exception
        watcher.wantWritable(null);
        watcher.cancel(null);
        awaitTrue(() -> !pair[0].isRegistered(), "deregistered at the next round");
        assertTrue(pair[0].isOpen(), "cancel leaves the socket to its owner");
        assertEquals(0, events.gone.get());
    }

    @Test
    void shouldCloseItsSelectorAndEndItsThreadOnClose() throws Exception {
        Watcher own = new Watcher("herald-watch-test", new Supervisor(fatal::add));
        SocketChannel[] pair = pair();
        ChannelSink sink = new ChannelSink(pair[0], own, () -> { });
        sink.events = new Recorder();
        pair[0].configureBlocking(false);
        SelectionKey key = registered(own, sink);
        Thread thread = watcherThread(own);
        own.close();
        assertFalse(thread.isAlive(), "ended within close");
        assertFalse(key.isValid(), "the selector was closed");
        assertFalse(pair[0].isRegistered());
    }

    /** The watcher's thread, caught while it reports a writable socket. */
    private Thread watcherThread(Watcher watcher) throws Exception {
        SocketChannel[] pair = pair();
        Thread[] seen = new Thread[1];
        Semaphore done = new Semaphore(0);
        ChannelSink sink = new ChannelSink(pair[0], watcher, () -> { });
        sink.events = new SubscriberSink.Events() {
            @Override
            public void writable() {
                seen[0] = Thread.currentThread();
                done.release();
            }

            @Override
            public void gone() {
            }
        };
        pair[0].configureBlocking(false);
        watcher.wantWritable(registered(watcher, sink));
        assertTrue(done.tryAcquire(WAIT_SECONDS, TimeUnit.SECONDS));
        assertEquals("herald-watch-test", seen[0].getName());
        assertTrue(seen[0].isDaemon(), "never keeps the JVM alive");
        return seen[0];
    }

    @Test
    void shouldFlushAWritersUnsentTailWhenTheSocketDrainsThenTellTheSubscriber() throws Exception {
        SocketChannel[] pair = pair();
        FakeWriter writer = new FakeWriter(pair[0]);
        AtomicInteger closed = new AtomicInteger();
        WriterSink sink = new WriterSink(pair[0], watcher, writer, closed::incrementAndGet);
        Recorder events = new Recorder();
        sink.start(events);
        ByteBuffer bytes = ByteBuffer.wrap(new byte[] {1, 2, 3});
        writer.holds = true;
        writer.flushesLeft = 2;                           // the tail needs two drains
        assertEquals(3, sink.write(new ByteBuffer[] {bytes}, 0, 1), "taken into the writer's own buffer");
        assertEquals(0, bytes.remaining());
        events.awaitWritable();                           // asked for the drain itself, flushed twice, then told
        assertEquals(2, writer.flushes.get());
        assertEquals(1, events.writable.get());
        writer.holds = false;
        assertEquals(3, sink.write(new ByteBuffer[] {bytes.rewind()}, 0, 1));
        assertEquals(2, writer.flushes.get(), "nothing held: no drain asked for");
        writer.failFlush = true;
        sink.onWritable();                                // a flush that finds the peer gone
        assertEquals(1, events.gone.get());
        sink.close();
        assertEquals(1, writer.closings.get(), "the writer's last word before the socket closes");
        assertTrue(writer.socketOpenAtClosing);
        assertEquals(1, closed.get());
        assertFalse(pair[0].isOpen());
    }

    /** A {@link ChannelWriter} that takes everything, holds it while told, and flushes it after a few drains. */
    private static final class FakeWriter implements ChannelWriter {
        volatile boolean holds;
        volatile int flushesLeft;
        volatile boolean failFlush;
        final AtomicInteger flushes = new AtomicInteger();
        final AtomicInteger closings = new AtomicInteger();
        private final SocketChannel channel;
        boolean socketOpenAtClosing;

        FakeWriter(SocketChannel channel) {
            this.channel = channel;
        }

        @Override
        public long write(ByteBuffer[] srcs, int offset, int length) {
            long taken = 0;
            for (int i = offset; i < offset + length; i++) {
                taken += srcs[i].remaining();
                srcs[i].position(srcs[i].limit());
            }
            return taken;
        }

        @Override
        public boolean holdsBytes() {
            return holds;
        }

        @Override
        public boolean flush() throws IOException {
            if (failFlush) {
                throw new IOException("reset");
            }
            flushes.incrementAndGet();
            return --flushesLeft <= 0;
        }

        @Override
        public void closing() {
            closings.incrementAndGet();
            socketOpenAtClosing = channel.isOpen();
        }
    }
    @Test
    void shouldCarryOnAfterACallbackFailsAndReportABugThatEndsItsThread() throws Exception {
        List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
        Supervisor supervisor = new Supervisor(failures::add);
        Watcher own = new Watcher("herald-watch-test", supervisor);
        try {
            SocketChannel[] pair = pair();
            Semaphore calls = new Semaphore(0);
            AtomicInteger call = new AtomicInteger();
            ChannelSink sink = new ChannelSink(pair[0], own, () -> { });
            sink.events = new SubscriberSink.Events() {
                @Override
                public void writable() {
                    int n = call.incrementAndGet();
                    calls.release();
                    if (n == 1) {
                        throw new IllegalStateException("a bug in one callback");
                    }
                    if (n == 2) {
                        throw new AssertionError("a bug the loop does not expect");
                    }
                }

                @Override
                public void gone() {
                }
            };
            pair[0].configureBlocking(false);
            SelectionKey key = registered(own, sink);
            own.wantWritable(key);
            assertTrue(calls.tryAcquire(WAIT_SECONDS, TimeUnit.SECONDS));
            own.wantWritable(key);                        // the loop went on after the RuntimeException
            assertTrue(calls.tryAcquire(WAIT_SECONDS, TimeUnit.SECONDS));
            awaitTrue(() -> !failures.isEmpty(), "an Error that ends the thread makes the server FAILED");
            assertEquals(Supervisor.State.FAILED, supervisor.state());
            assertEquals("a bug the loop does not expect", failures.getFirst().getMessage());
        } finally {
            own.close();
        }
    }
}
