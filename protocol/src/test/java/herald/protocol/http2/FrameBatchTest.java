package herald.protocol.http2;

import herald.protocol.sse.AllocationMeter;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.GatheringByteChannel;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * DATA frames from shared memory: a read-only payload is referenced (the bytes on the wire are the memory's at write
 * time, never a copy), a writable one copied at once; events longer than a frame or a window are cut into frames;
 * control frames keep their place; a write that takes part of the batch resumes exactly; nothing is allocated once
 * warm. Byte-exact: every DATA payload is compared with what was published.
 */
final class FrameBatchTest {
    private static final int MAX_BYTES = 32 * 1024;

    /** A channel that takes at most a random number of bytes per call, as a socket with a small buffer does. */
    private static final class TrickleChannel implements GatheringByteChannel {
        final ByteArrayOutputStream wire = new ByteArrayOutputStream();
        final Random random;
        final int maxPerCall;
        int calls;

        TrickleChannel(Random random, int maxPerCall) {
            this.random = random;
            this.maxPerCall = maxPerCall;
        }

        @Override
        public long write(ByteBuffer[] srcs, int offset, int length) {
            calls++;
            int budget = 1 + random.nextInt(maxPerCall);
            long n = 0;
            for (int i = offset; i < offset + length && budget > 0; i++) {
                while (srcs[i].hasRemaining() && budget > 0) {
                    wire.write(srcs[i].get());
                    budget--;
                    n++;
                }
            }
            return n;
        }

        @Override
        public long write(ByteBuffer[] srcs) {
            return write(srcs, 0, srcs.length);
        }

        @Override
        public int write(ByteBuffer src) {
            return (int) write(new ByteBuffer[] {src}, 0, 1);
        }

        @Override
        public boolean isOpen() {
            return true;
        }

        @Override
        public void close() {
        }
    }

    /** Writes the whole batch as the session's writer does (resuming after partial writes), then clears it. */
    private static void writeBatch(FrameBatch batch, GatheringByteChannel channel) throws java.io.IOException {
        int count = batch.gather();
        ByteBuffer[] buffers = batch.gathered();
        int from = 0;
        while (from < count) {
            channel.write(buffers, from, count - from);
            while (from < count && !buffers[from].hasRemaining()) {
                from++;
            }
        }
        batch.clear();
    }

    /** The session's drainQueued: the state machine's queued frames into the batch, as many as fit. */
    private static void drainQueued(Http2Connection h2, FrameBatch batch) {
        if (h2.hasOutput()) {
            int n = Math.min(h2.outputBytes(), batch.room());
            if (n > 0 && batch.ensureBytes(n)) {
                ByteBuffer bytes = batch.bytes();
                int limit = bytes.limit();
                bytes.limit(bytes.position() + n);
                h2.drainOutput(bytes);
                bytes.limit(limit);
            }
        }
    }

    private static Peer connectedWithStreams(int streams, int... settings) {
        Peer peer = Peer.connected();
        if (settings.length > 0) {
            peer.send(Peer.settings(settings));
        }
        for (int s = 0; s < streams; s++) {
            peer.send(Peer.get(1 + 2 * s));
        }
        peer.drain();
        return peer;
    }

    private static Map<Integer, ByteArrayOutputStream> dataByStream(List<Frame> frames, int maxFrameBytes) {
        Map<Integer, ByteArrayOutputStream> data = new HashMap<>();
        for (Frame frame : frames) {
            if (frame.type() == FrameDescriptor.TYPE_DATA) {
                assertTrue(frame.payload().length <= maxFrameBytes, "frame over max: " + frame);
                data.computeIfAbsent(frame.streamId(), k -> new ByteArrayOutputStream()).writeBytes(frame.payload());
            }
        }
        return data;
    }

    @Test
    void shouldReferenceAReadOnlyPayloadNotCopyIt() throws Exception {
        Peer peer = connectedWithStreams(1);
        ByteBuffer segment = ByteBuffer.allocateDirect(64);
        segment.put("data: before\n\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).flip();
        ByteBuffer view = segment.asReadOnlyBuffer();
        FrameBatch batch = new FrameBatch(64, MAX_BYTES, 8);
        PayloadViews views = new PayloadViews(4);

        assertEquals(14, batch.writeData(peer.h2, 1, new ByteBuffer[] {view}, 0, 1, views));
        assertFalse(view.hasRemaining(), "the caller's position moved past what was taken");
        segment.put(6, "after!".getBytes(java.nio.charset.StandardCharsets.US_ASCII));   // the memory, not a copy
        TrickleChannel channel = new TrickleChannel(new Random(1), 1 << 20);
        writeBatch(batch, channel);

        List<Frame> frames = Frame.parseAll(channel.wire.toByteArray());
        assertEquals(1, frames.size(), frames.toString());
        assertEquals("data: after!\n\n", new String(frames.get(0).payload(), java.nio.charset.StandardCharsets.US_ASCII));
        assertEquals(1, views.size());
    }

    @Test
    void shouldCopyAWritablePayloadAtOnce() throws Exception {
        Peer peer = connectedWithStreams(1);
        ByteBuffer record = ByteBuffer.allocateDirect(32).put("data: x\n".getBytes()).flip().asReadOnlyBuffer();
        ByteBuffer idLine = ByteBuffer.allocateDirect(16).put("id: 7\n\n".getBytes()).flip();
        FrameBatch batch = new FrameBatch(64, MAX_BYTES, 8);

        assertEquals(15, batch.writeData(peer.h2, 1, new ByteBuffer[] {record, idLine}, 0, 2, new PayloadViews(4)));
        idLine.clear().put("id: 8\n\n".getBytes());                  // the caller reuses its buffer at once
        TrickleChannel channel = new TrickleChannel(new Random(2), 1 << 20);
        writeBatch(batch, channel);

        List<Frame> frames = Frame.parseAll(channel.wire.toByteArray());
        assertEquals(1, frames.size(), "one frame over both buffers: " + frames);
        assertEquals("data: x\nid: 7\n\n", new String(frames.get(0).payload()));
    }

    @Test
    void shouldCutAnEventLongerThanMaxFrameSizeIntoFramesOfViews() throws Exception {
        Peer peer = connectedWithStreams(1);
        peer.send(Peer.windowUpdate(0, 1 << 20), Peer.windowUpdate(1, 1 << 20));
        byte[] event = randomBytes(new Random(3), 40_000);
        ByteBuffer view = ByteBuffer.allocateDirect(event.length).put(event).flip().asReadOnlyBuffer();
        FrameBatch batch = new FrameBatch(64, 64 * 1024, 8);

        assertEquals(40_000, batch.writeData(peer.h2, 1, new ByteBuffer[] {view}, 0, 1, new PayloadViews(4)));
        TrickleChannel channel = new TrickleChannel(new Random(4), 1 << 20);
        writeBatch(batch, channel);

        List<Frame> frames = Frame.parseAll(channel.wire.toByteArray());
        assertEquals(List.of(16_384, 16_384, 7_232), frames.stream().map(f -> f.payload().length).toList());
        assertArrayEquals(event, dataByStream(frames, 16_384).get(1).toByteArray());
    }

    @Test
    void shouldTakeOnlyTheWindowAndResumeWhereItStopped() throws Exception {
        Peer peer = connectedWithStreams(1, FrameDescriptor.SETTINGS_INITIAL_WINDOW_SIZE, 1_000);
        byte[] event = randomBytes(new Random(5), 2_500);
        ByteBuffer view = ByteBuffer.allocateDirect(event.length).put(event).flip().asReadOnlyBuffer();
        FrameBatch batch = new FrameBatch(64, MAX_BYTES, 8);
        PayloadViews views = new PayloadViews(4);
        ByteBuffer[] srcs = {view};
        TrickleChannel channel = new TrickleChannel(new Random(6), 7);

        assertEquals(1_000, batch.writeData(peer.h2, 1, srcs, 0, 1, views));
        assertEquals(0, batch.writeData(peer.h2, 1, srcs, 0, 1, views), "the window is shut");
        writeBatch(batch, channel);
        peer.send(Peer.windowUpdate(1, 1_000));
        assertEquals(1_000, batch.writeData(peer.h2, 1, srcs, 0, 1, views));
        peer.send(Peer.windowUpdate(1, 5_000));
        assertEquals(500, batch.writeData(peer.h2, 1, srcs, 0, 1, views));
        writeBatch(batch, channel);

        List<Frame> frames = Frame.parseAll(channel.wire.toByteArray());
        assertEquals(List.of(1_000, 1_000, 500), frames.stream().map(f -> f.payload().length).toList());
        assertArrayEquals(event, dataByStream(frames, 16_384).get(1).toByteArray());
    }

    @Test
    void shouldStopWhenTheStreamsViewsAreBusyAndGoOnOnceWritten() throws Exception {
        Peer peer = connectedWithStreams(1);
        ByteBuffer memory = ByteBuffer.allocateDirect(300);
        for (int i = 0; i < 300; i++) {
            memory.put((byte) i);
        }
        ByteBuffer view = memory.flip().asReadOnlyBuffer();
        FrameBatch batch = new FrameBatch(64, MAX_BYTES, 8);
        PayloadViews views = new PayloadViews(2);
        TrickleChannel channel = new TrickleChannel(new Random(7), 1 << 20);

        for (int i = 0; i < 2; i++) {
            view.limit(100 * (i + 1));
            assertEquals(100, batch.writeData(peer.h2, 1, new ByteBuffer[] {view}, 0, 1, views));
        }
        view.limit(300);
        assertEquals(0, views.available());
        assertEquals(0, batch.writeData(peer.h2, 1, new ByteBuffer[] {view}, 0, 1, views), "no free view");
        writeBatch(batch, channel);
        assertEquals(2, views.available());
        assertEquals(100, batch.writeData(peer.h2, 1, new ByteBuffer[] {view}, 0, 1, views));
        writeBatch(batch, channel);
        assertEquals(2, views.size(), "views reused, none made after the first two");
        assertArrayEquals(memoryBytes(memory, 300), dataByStream(Frame.parseAll(channel.wire.toByteArray()), 16_384)
                .get(1).toByteArray());
    }

    @Test
    void shouldRebindAFreeViewToTheNextSegmentRatherThanKeepOldSegmentsAlive() throws Exception {
        Peer peer = connectedWithStreams(1);
        FrameBatch batch = new FrameBatch(64, MAX_BYTES, 8);
        PayloadViews views = new PayloadViews(32);
        TrickleChannel channel = new TrickleChannel(new Random(8), 1 << 20);
        for (int segment = 0; segment < 40; segment++) {     // a subscriber moving through 40 segments
            ByteBuffer view = ByteBuffer.allocateDirect(64).asReadOnlyBuffer();
            view.limit(10);
            assertEquals(10, batch.writeData(peer.h2, 1, new ByteBuffer[] {view}, 0, 1, views));
            writeBatch(batch, channel);
        }
        assertEquals(1, views.size(), "one view, rebound segment after segment");
    }

    @Test
    void shouldStopAtTheBatchsByteAndReferenceLimits() {
        Peer peer = connectedWithStreams(1);
        peer.send(Peer.windowUpdate(0, 1 << 20), Peer.windowUpdate(1, 1 << 20));
        ByteBuffer view = ByteBuffer.allocateDirect(100_000).asReadOnlyBuffer();
        FrameBatch bytesBound = new FrameBatch(64, 20_000, 8);
        assertEquals(20_000 - 2 * 9, bytesBound.writeData(peer.h2, 1, new ByteBuffer[] {view}, 0, 1,
                new PayloadViews(8)), "two frames and their headers fill 20,000 bytes");
        assertEquals(0, bytesBound.room());
        FrameBatch referenceBound = new FrameBatch(64, 1 << 20, 2);
        ByteBuffer small = ByteBuffer.allocateDirect(10).asReadOnlyBuffer();
        ByteBuffer[] three = {small.duplicate(), small.duplicate(), small.duplicate()};
        PayloadViews views = new PayloadViews(8);
        long taken = 0;
        for (ByteBuffer src : three) {
            taken += referenceBound.writeData(peer.h2, 1, new ByteBuffer[] {src}, 0, 1, views);
        }
        assertEquals(20, taken, "two references at most");
        assertFalse(referenceBound.canReference());
    }

    /**
     * The fan-out in miniature: a log of events of random sizes (up to 3x the max frame size) in read-only segments,
     * several streams on one connection each at its own cursor, small and random windows opened as a slow client
     * reads, PINGs in between, multi-topic-style writable id lines reused right after each write, a socket that
     * takes a few bytes per call. Every stream must receive exactly its bytes, in order.
     */
    @Test
    void shouldDeliverEveryByteOfManyEventsToSeveralStreamsThroughSmallWindowsAndPartialWrites() throws Exception {
        long seed = System.nanoTime();
        System.out.println("FrameBatchTest seed=" + seed);
        Random random = new Random(seed);
        int streams = 5;
        Peer peer = connectedWithStreams(streams, FrameDescriptor.SETTINGS_INITIAL_WINDOW_SIZE, 3_000);
        List<ByteBuffer> events = new ArrayList<>();
        ByteBuffer segment = ByteBuffer.allocateDirect(256 * 1024);
        for (int e = 0; e < 300; e++) {
            int size = random.nextInt(8) == 0 ? 1 + random.nextInt(50_000) : 1 + random.nextInt(400);
            if (segment.remaining() < size) {
                segment = ByteBuffer.allocateDirect(256 * 1024);
            }
            int at = segment.position();
            segment.put(randomBytes(random, size));
            events.add(segment.asReadOnlyBuffer().limit(at + size).position(at).slice());
        }
        FrameBatch[] batches = {new FrameBatch(2_048, MAX_BYTES, 128), new FrameBatch(2_048, MAX_BYTES, 128)};
        int filling = 0;
        PayloadViews[] views = new PayloadViews[streams];
        int[] next = new int[streams];
        ByteBuffer[][] pending = new ByteBuffer[streams][];
        ByteBuffer[] idLines = new ByteBuffer[streams];
        ByteArrayOutputStream[] expected = new ByteArrayOutputStream[streams];
        for (int s = 0; s < streams; s++) {
            views[s] = new PayloadViews(1 + random.nextInt(8));
            idLines[s] = ByteBuffer.allocateDirect(32);
            expected[s] = new ByteArrayOutputStream();
        }
        TrickleChannel channel = new TrickleChannel(random, 5_000);
        long pings = 0;
        for (int round = 0; round < 200_000 && !allDone(next, pending, events.size()); round++) {
            int s = random.nextInt(streams);
            int id = 1 + 2 * s;
            if (pending[s] == null && next[s] < events.size()) {
                ByteBuffer view = events.get(next[s]++).duplicate();   // a subscriber's own view, repositioned
                if (s % 2 == 0) {
                    pending[s] = new ByteBuffer[] {view};
                } else {                                               // multi-topic: the record, then an id line
                    idLines[s].clear().put(("id: " + next[s] + "\n").getBytes()).flip();
                    pending[s] = new ByteBuffer[] {view, idLines[s]};
                }
                for (ByteBuffer part : pending[s]) {
                    expected[s].writeBytes(memoryBytes(part.duplicate(), part.remaining()));
                }
            }
            FrameBatch batch = batches[filling];
            drainQueued(peer.h2, batch);
            if (pending[s] != null && !peer.h2.hasOutput()) {
                batch.writeData(peer.h2, id, pending[s], 0, pending[s].length, views[s]);
                if (!pending[s][pending[s].length - 1].hasRemaining()) {
                    pending[s] = null;
                    idLines[s].clear().put("SCRIBBLED".getBytes());    // reused: a copy must not see this
                }
            }
            switch (random.nextInt(6)) {
                case 0 -> {                                            // the writer swaps and writes
                    filling = 1 - filling;
                    writeBatch(batches[1 - filling], channel);
                }
                case 1 -> peer.send(Peer.ping(pings++));
                case 2 -> peer.send(Peer.windowUpdate(id, 1 + random.nextInt(20_000)));
                case 3 -> peer.send(Peer.windowUpdate(0, 1 + random.nextInt(30_000)));
                default -> {
                }
            }
        }
        assertTrue(allDone(next, pending, events.size()), "seed=" + seed + ": not all events were taken");
        drainQueued(peer.h2, batches[filling]);
        writeBatch(batches[filling], channel);
        writeBatch(batches[1 - filling], channel);
        assertFalse(peer.h2.hasOutput());

        List<Frame> frames = Frame.parseAll(channel.wire.toByteArray());
        Map<Integer, ByteArrayOutputStream> data = dataByStream(frames, 16_384);
        for (int s = 0; s < streams; s++) {
            assertNotNull(data.get(1 + 2 * s), "seed=" + seed + " stream " + (1 + 2 * s));
            assertArrayEquals(expected[s].toByteArray(), data.get(1 + 2 * s).toByteArray(),
                    "seed=" + seed + " stream " + (1 + 2 * s));
            assertTrue(views[s].size() <= 8);
        }
        long acks = frames.stream().filter(f -> f.type() == FrameDescriptor.TYPE_PING).count();
        assertEquals(pings, acks, "seed=" + seed + ": every PING answered");
        assertFalse(peer.h2.isClosed(), "seed=" + seed + ": the client saw no error");
        assertTrue(channel.calls > frames.size() / 4, "partial writes were exercised: calls=" + channel.calls);
    }

    /**
     * The session's writer as it really runs: one batch is half-written (a socket call at a time) while the streams
     * fill the other, and each stream writes from ONE reused view per segment, repositioned for each event, as a
     * subscriber does. A payload view still pending in the batch being written must not be repositioned or rebound
     * for the batch being filled.
     */
    @Test
    void shouldKeepAViewPendingInTheBatchBeingWrittenWhileTheOtherFillsFromTheSameSegment() throws Exception {
        long seed = System.nanoTime();
        System.out.println("FrameBatchTest interleaved seed=" + seed);
        Random random = new Random(seed);
        int streams = 4;
        Peer peer = connectedWithStreams(streams, FrameDescriptor.SETTINGS_INITIAL_WINDOW_SIZE, 5_000);
        List<ByteBuffer> segments = new ArrayList<>();
        List<int[]> events = new ArrayList<>();                       // {segment, from, to}
        ByteBuffer segment = ByteBuffer.allocateDirect(64 * 1024);
        segments.add(segment);
        for (int e = 0; e < 400; e++) {
            int size = random.nextInt(10) == 0 ? 1 + random.nextInt(20_000) : 1 + random.nextInt(300);
            if (segment.remaining() < size) {
                segment = ByteBuffer.allocateDirect(64 * 1024);
                segments.add(segment);
            }
            int at = segment.position();
            segment.put(randomBytes(random, size));
            events.add(new int[] {segments.size() - 1, at, at + size});
        }
        FrameBatch out = new FrameBatch(2_048, MAX_BYTES, 128);
        FrameBatch sending = new FrameBatch(2_048, MAX_BYTES, 128);
        int gathered = 0;                                             // buffers of sending still to write
        int from = 0;
        PayloadViews[] views = new PayloadViews[streams];
        List<Map<Integer, ByteBuffer>> ownViews = new ArrayList<>();  // the subscriber's view per segment
        long[] granted = new long[streams];
        int[] next = new int[streams];
        ByteBuffer[] pending = new ByteBuffer[streams];
        ByteArrayOutputStream[] expected = new ByteArrayOutputStream[streams];
        for (int s = 0; s < streams; s++) {
            views[s] = new PayloadViews(1 + random.nextInt(4));
            ownViews.add(new HashMap<>());
            granted[s] = 5_000;
            expected[s] = new ByteArrayOutputStream();
        }
        TrickleChannel channel = new TrickleChannel(random, 700);
        for (int round = 0; round < 400_000; round++) {
            boolean done = gathered == 0 && out.isEmpty();
            for (int s = 0; s < streams && done; s++) {
                done = next[s] == events.size() && pending[s] == null;
            }
            if (done) {
                break;
            }
            int s = random.nextInt(streams);
            if (pending[s] == null && next[s] < events.size()) {
                int[] event = events.get(next[s]++);
                ByteBuffer view = ownViews.get(s).computeIfAbsent(event[0], k -> segments.get(k).asReadOnlyBuffer());
                view.limit(event[2]).position(event[1]);              // repositioned, as TopicSubscriber does
                expected[s].writeBytes(memoryBytes(view, view.remaining()));
                pending[s] = view;
            }
            drainQueued(peer.h2, out);
            if (pending[s] != null && !peer.h2.hasOutput()) {
                out.writeData(peer.h2, 1 + 2 * s, new ByteBuffer[] {pending[s]}, 0, 1, views[s]);
                if (!pending[s].hasRemaining()) {
                    pending[s] = null;
                }
            }
            switch (random.nextInt(5)) {
                case 0, 1 -> {                                        // the writer: one socket call
                    if (gathered == 0) {
                        sending.clear();
                        drainQueued(peer.h2, out);
                        if (!out.isEmpty()) {
                            FrameBatch filled = out;
                            out = sending;
                            sending = filled;
                            gathered = sending.gather();
                            from = 0;
                        }
                    } else {
                        channel.write(sending.gathered(), from, gathered - from);
                        while (from < gathered && !sending.gathered()[from].hasRemaining()) {
                            from++;
                        }
                        if (from == gathered) {
                            gathered = 0;
                        }
                    }
                }
                case 2 -> {                                           // a client reading: windows stay small
                    if (granted[s] < expected[s].size() + 20_000) {
                        int increment = 1 + random.nextInt(8_000);
                        granted[s] += increment;
                        peer.send(Peer.windowUpdate(1 + 2 * s, increment));
                    }
                }
                case 3 -> {
                    if (peer.h2.connectionSendWindow() < 50_000) {
                        peer.send(Peer.windowUpdate(0, 1 + random.nextInt(12_000)));
                    }
                }
                default -> {
                }
            }
        }
        assertEquals(0, gathered, "seed=" + seed + ": the writer did not finish");
        List<Frame> frames = Frame.parseAll(channel.wire.toByteArray());
        Map<Integer, ByteArrayOutputStream> data = dataByStream(frames, 16_384);
        for (int s = 0; s < streams; s++) {
            assertEquals(events.size(), next[s], "seed=" + seed + ": stream " + (1 + 2 * s) + " not done");
            assertArrayEquals(expected[s].toByteArray(), data.get(1 + 2 * s).toByteArray(),
                    "seed=" + seed + " stream " + (1 + 2 * s));
        }
        assertFalse(peer.h2.isClosed(), "seed=" + seed + ": the client saw no error");
    }

    private static boolean allDone(int[] next, ByteBuffer[][] pending, int events) {
        for (int s = 0; s < next.length; s++) {
            if (next[s] < events || pending[s] != null) {
                return false;
            }
        }
        return true;
    }

    private static long frameEvents(Http2Connection h2, FrameBatch batch, PayloadViews views, ByteBuffer view,
                                    ByteBuffer[] srcs, GatheringByteChannel channel, int count,
                                    byte[] windowUpdates) throws java.io.IOException {
        long sum = 0;
        for (int i = 0; i < count; i++) {
            view.limit(96).position(0);
            srcs[0] = view;
            sum += batch.writeData(h2, 1, srcs, 0, 1, views);
            if ((i & 15) == 15) {
                writeBatch(batch, channel);
            }
            if (h2.connectionSendWindow() < 1 << 20) {
                h2.receive(ByteBuffer.wrap(windowUpdates));
            }
        }
        writeBatch(batch, channel);
        return sum;
    }

    @Test
    void shouldFrameEventsFromSharedMemoryWithoutAllocating() throws Exception {
        Peer peer = connectedWithStreams(1);
        byte[] updates = Peer.concat(Peer.windowUpdate(0, Integer.MAX_VALUE - 65_535),
                Peer.windowUpdate(1, Integer.MAX_VALUE - 65_535));
        peer.h2.receive(ByteBuffer.wrap(updates));
        byte[] refill = Peer.concat(Peer.windowUpdate(0, 1 << 30), Peer.windowUpdate(1, 1 << 30));
        ByteBuffer view = ByteBuffer.allocateDirect(256 * 1024).asReadOnlyBuffer();
        FrameBatch batch = new FrameBatch(2_048, MAX_BYTES, 128);
        PayloadViews views = new PayloadViews(32);
        ByteBuffer[] srcs = new ByteBuffer[1];
        GatheringByteChannel discard = new GatheringByteChannel() {
            @Override
            public long write(ByteBuffer[] buffers, int offset, int length) {
                long n = 0;
                for (int i = offset; i < offset + length; i++) {
                    n += buffers[i].remaining();
                    buffers[i].position(buffers[i].limit());
                }
                return n;
            }

            @Override
            public long write(ByteBuffer[] buffers) {
                return write(buffers, 0, buffers.length);
            }

            @Override
            public int write(ByteBuffer src) {
                int n = src.remaining();
                src.position(src.limit());
                return n;
            }

            @Override
            public boolean isOpen() {
                return true;
            }

            @Override
            public void close() {
            }
        };
        frameEvents(peer.h2, batch, views, view, srcs, discard, 50_000, refill);
        long before = AllocationMeter.allocatedBytes();
        long sum = frameEvents(peer.h2, batch, views, view, srcs, discard, 20_000, refill);
        long allocated = AllocationMeter.allocatedBytes() - before;
        System.out.println("FrameBatch.writeData + gather: " + allocated + " bytes allocated in 20000 events"
                + " (checksum " + sum + ")");
        assertEquals(20_000L * 96, sum);
        assertTrue(allocated < 20_000, "allocated=" + allocated);   // one object per event would be >= 16 x
    }

    private static byte[] randomBytes(Random random, int n) {
        byte[] bytes = new byte[n];
        random.nextBytes(bytes);
        return bytes;
    }

    private static byte[] memoryBytes(ByteBuffer buffer, int n) {
        byte[] bytes = new byte[n];
        ByteBuffer copy = buffer.duplicate();
        copy.get(bytes, 0, n);
        return bytes;
    }
}
