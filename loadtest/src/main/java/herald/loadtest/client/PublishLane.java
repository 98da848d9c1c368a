package herald.loadtest.client;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;

/**
 * One publishing connection of the {@link Publisher}: the requests it has written and not yet seen answered (a
 * ring of sequence numbers and intended send times, in request order), its output buffer, and the framing of
 * the answers it reads (head, then a body delimited by Content-Length, chunked coding or the close).
 * Publisher thread only.
 */
final class PublishLane {
    private static final byte[] CRLF_CRLF = {'\r', '\n', '\r', '\n'};
    private static final ChunkedBody.Sink DISCARD = (a, from, to) -> { };

    private static final int HEAD = 0;
    private static final int LENGTH = 1;
    private static final int CHUNKED = 2;
    private static final int UNTIL_CLOSE = 3;

    final int urlIndex;
    final int laneIndex;
    final InetSocketAddress address;
    final int maxRequestBytes;
    final ByteBuffer out;
    private final byte[] requestHead;
    private final ResponseHead head = new ResponseHead();
    private final ChunkedBody chunked = new ChunkedBody();
    private final long[] ringSeq;
    private final long[] ringIntended;
    private int ringHead;
    private int ringTail;
    private int body = HEAD;
    private long remaining;

    int inFlight;
    SocketChannel channel;
    SelectionKey key;
    boolean connected;
    long reconnectAt;
    long nextSeq;                       // the next sequence number this lane sends: lane + 1, + lanes, ...
    long answeredSeq;                   // set by takeAnswer()
    long answeredIntendedNanos;

    /**
     * @param requestHead the request line and fields up to {@code "Content-Length: "}
     * @param bytes       event data size
     * @param pipeline    requests in flight at most
     */
    PublishLane(int urlIndex, int laneIndex, InetSocketAddress address, byte[] requestHead, int bytes,
                int pipeline) {
        this.urlIndex = urlIndex;
        this.laneIndex = laneIndex;
        this.address = address;
        this.requestHead = requestHead;
        this.maxRequestBytes = requestHead.length + 20 + CRLF_CRLF.length + Math.max(bytes, Payload.MAX_HEADER_BYTES);
        this.out = ByteBuffer.allocate(maxRequestBytes * Math.min(pipeline, 64));
        this.ringSeq = new long[pipeline];
        this.ringIntended = new long[pipeline];
        this.nextSeq = laneIndex + 1;
    }

    /** Appends the request for {@code seq} to {@link #out} (room checked by the caller) and remembers it. */
    void append(long seq, long intendedNanos, int bytes) {
        byte[] a = out.array();
        int p = out.position();
        System.arraycopy(requestHead, 0, a, p, requestHead.length);
        p += requestHead.length;
        p = Payload.writeDecimal(a, p, Payload.length(seq, intendedNanos, bytes));
        System.arraycopy(CRLF_CRLF, 0, a, p, CRLF_CRLF.length);
        p += CRLF_CRLF.length;
        p = Payload.write(a, p, seq, intendedNanos, bytes);
        out.position(p);
        ringSeq[ringTail] = seq;
        ringIntended[ringTail] = intendedNanos;
        ringTail = (ringTail + 1) % ringSeq.length;
        inFlight++;
    }

    /**
     * Consumes {@code a[from, to)} up to the end of the next complete answer.
     *
     * @return the index after that answer (read {@link #answerStatus()}, then {@link #takeAnswer()}), or -1 if
     *         every byte was consumed without completing one
     * @throws ProtocolError on malformed framing or an answer nothing was asked for
     */
    int readAnswer(byte[] a, int from, int to) {
        int i = from;
        while (true) {
            if (body == HEAD) {
                if (i >= to) {
                    return -1;
                }
                int end = head.feed(a, i, to);
                if (end < 0) {
                    return -1;
                }
                i = end;
                if (inFlight == 0) {
                    throw new ProtocolError("an answer without a request");
                }
                if (!head.hasBody()) {
                    return i;
                } else if (head.chunked()) {
                    chunked.reset();
                    body = CHUNKED;
                } else if (head.contentLength() >= 0) {
                    remaining = head.contentLength();
                    if (remaining == 0) {
                        return i;
                    }
                    body = LENGTH;
                } else {
                    body = UNTIL_CLOSE;         // ends when the server closes: see endOfStream()
                }
            }
            switch (body) {
                case LENGTH -> {
                    int k = (int) Math.min(remaining, to - i);
                    i += k;
                    remaining -= k;
                    if (remaining == 0) {
                        return i;
                    }
                    return -1;
                }
                case CHUNKED -> {
                    i = chunked.decode(a, i, to, DISCARD);
                    return chunked.done() ? i : -1;
                }
                default -> {
                    return -1;                  // UNTIL_CLOSE: all of it is body
                }
            }
        }
    }

    /** At EOF: true if that completed an answer whose body ran to the close. */
    boolean endOfStream() {
        return body == UNTIL_CLOSE && inFlight > 0;
    }

    int answerStatus() {
        return head.status();
    }

    /** Whether the server said it closes the connection after this answer. */
    boolean answerCloses() {
        return head.close() || body == UNTIL_CLOSE;
    }

    /** The answered request leaves the ring: {@link #answeredSeq} and {@link #answeredIntendedNanos} name it. */
    void takeAnswer() {
        answeredSeq = ringSeq[ringHead];
        answeredIntendedNanos = ringIntended[ringHead];
        ringHead = (ringHead + 1) % ringSeq.length;
        inFlight--;
        head.reset();
        body = HEAD;
    }

    /** The connection is gone: forget what was in flight (the caller counts it) and any partial answer. */
    void reset() {
        inFlight = 0;
        ringHead = 0;
        ringTail = 0;
        out.clear();
        head.reset();
        body = HEAD;
        connected = false;
        channel = null;
        key = null;
    }
}
