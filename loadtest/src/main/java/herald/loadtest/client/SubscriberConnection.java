package herald.loadtest.client;

import herald.protocol.sse.SseEvent;
import herald.protocol.sse.SseListener;
import herald.protocol.sse.SseStreamParser;

import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.Arrays;

/**
 * One subscription: its socket, its stream parser and its order check. Kept small because a process holds
 * ~19,000 of them: an estimated 1 KiB with the JDK's socket objects, plus the parser's buffers (which grow to the
 * event size). Owned by one {@link SubscriberLoop} thread; nothing here is touched by another thread.
 *
 * <p><b>Order check.</b> The publisher sends sequence numbers 1, 2, 3, ... round-robin over {@code lanes}
 * connections, so within lane {@code (seq - 1) % lanes} they arrive in order, {@code lanes} apart. Each
 * connection keeps the next number it expects per lane: more is a gap, less is a duplicate (or a reordering,
 * which is as wrong). The first event of a lane sets the expectation; a reconnect keeps it, so a resumed stream
 * is checked across the drop.
 */
final class SubscriberConnection implements SseListener, ChunkedBody.Sink {
    static final int QUEUED = 0;        // waiting to connect
    static final int CONNECTING = 1;
    static final int REQUESTING = 2;    // writing the GET
    static final int HEAD = 3;          // reading the response head
    static final int STREAMING = 4;
    static final int CLOSED = 5;        // stopped for good

    static final long UNSEEN = Long.MIN_VALUE;

    final SubscriberLoop loop;
    final int urlIndex;
    final int sourceIndex;
    final boolean stalled;
    final long[] next;                  // per lane: the next sequence number expected, UNSEEN before the first

    SocketChannel channel;
    SelectionKey key;
    int state = QUEUED;
    long since;                         // QUEUED: not before this nanoTime; otherwise when the state began
    boolean resumed;                    // the current request carries Last-Event-ID
    ByteBuffer request;                 // the GET while it is being written
    ResponseHead head;                  // while the head arrives
    ChunkedBody chunked;                // when the stream is chunked
    final SseStreamParser parser;

    SubscriberConnection(SubscriberLoop loop, int urlIndex, int sourceIndex, boolean stalled, int lanes) {
        this.loop = loop;
        this.urlIndex = urlIndex;
        this.sourceIndex = sourceIndex;
        this.stalled = stalled;
        this.next = new long[lanes];
        Arrays.fill(next, UNSEEN);
        this.parser = new SseStreamParser(this);
    }

    /** Bytes read from the socket: the head, then the body. */
    void received(byte[] a, int from, int to) {
        int i = from;
        while (state == HEAD) {
            i = head.feed(a, i, to);
            if (i < 0) {
                return;
            }
            if (!loop.headReceived(this)) {
                return;                     // not 200: closed
            }
        }
        if (i < to) {
            if (chunked != null) {
                chunked.decode(a, i, to, this);
                if (chunked.done()) {
                    loop.streamEnded(this);
                }
            } else {
                parser.parse(a, i, to - i);
            }
        }
    }

    @Override
    public void data(byte[] a, int from, int to) {
        parser.parse(a, from, to - from);
    }

    @Override
    public void onEvent(CharSequence type, CharSequence data, CharSequence lastEventId) {
        if (!SseEvent.DEFAULT_TYPE.contentEquals(type)) {
            loop.counters.increment(Counter.TYPED_EVENTS);
            return;
        }
        long seq = Payload.parseSeq(data);
        long sendNanos = seq < 1 ? Long.MIN_VALUE : Payload.parseSendNanos(data);
        if (sendNanos == Long.MIN_VALUE) {
            loop.counters.increment(Counter.FOREIGN_EVENTS);
            return;
        }
        checkOrder(seq);
        loop.delivered(this, sendNanos);
    }

    @Override
    public void onComment(CharSequence text) {
        loop.counters.increment(Counter.COMMENTS);
    }

    private void checkOrder(long seq) {
        long[] expected = next;
        int lanes = expected.length;
        int lane = (int) ((seq - 1) % lanes);
        long want = expected[lane];
        if (want != UNSEEN && seq != want) {
            if (seq > want) {
                loop.counters.increment(Counter.GAPS);
                loop.counters.add(Counter.GAP_EVENTS, (seq - want) / lanes);
            } else {
                loop.counters.increment(Counter.DUPLICATES);
                return;                     // keep expecting what was expected
            }
        }
        expected[lane] = seq + lanes;
    }

    /** Whether every lane has delivered a sequence number above {@code seq}: the stream is past that point. */
    boolean caughtUp(long seq) {
        for (long n : next) {
            if (n == UNSEEN || n - next.length <= seq) {
                return false;
            }
        }
        return true;
    }

    /**
     * Events of {@code lastSeqPerLane} (the highest sequence number the server accepted per lane) that this
     * connection has not received at the end of a run; -1 if it received nothing at all.
     */
    long missingAtEnd(long[] lastSeqPerLane) {
        long missing = 0;
        boolean any = false;
        for (int lane = 0; lane < next.length; lane++) {
            long n = next[lane];
            long last = lane < lastSeqPerLane.length ? lastSeqPerLane[lane] : 0;
            if (n == UNSEEN) {
                continue;
            }
            any = true;
            long received = n - next.length;
            if (last > received) {
                missing += (last - received) / next.length;
            }
        }
        return any ? missing : -1;
    }

}
