package herald.loadtest.client;

import herald.protocol.sse.SseListener;
import herald.protocol.sse.SseStreamParser;

import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;

/**
 * One per-request stream of a {@link TokenStreamLoop}: its connection, its POST, the response head, and the event
 * stream, numbered as it arrives: tokens 1 to N, then {@code [DONE]} as event N + 1. Loop thread only.
 */
final class TokenStream implements SseListener, ChunkedBody.Sink {
    static final int CONNECTING = 0;
    static final int REQUESTING = 1;
    static final int HEAD = 2;
    static final int STREAMING = 3;
    static final int DRAINING = 4;      // [DONE] seen: waiting for the server to close (no TIME_WAIT on our side)
    static final int CLOSED = 5;

    static final String DONE = "[DONE]";

    final TokenStreamLoop loop;
    final int slot;
    final long startNanos;              // when the slot meant to start it: time to first token counts from here
    final SseStreamParser parser = new SseStreamParser(this);
    SocketChannel channel;
    SelectionKey key;
    int state = CONNECTING;
    long since;                         // when the current state began
    ByteBuffer request;
    ResponseHead head = new ResponseHead();
    ChunkedBody chunked;
    int events;                         // tokens received so far
    long lastEventNanos;

    TokenStream(TokenStreamLoop loop, int slot, long startNanos) {
        this.loop = loop;
        this.slot = slot;
        this.startNanos = startNanos;
        this.since = startNanos;
    }

    /** Bytes read: the head, then the body. */
    void received(byte[] a, int from, int to) {
        int i = from;
        if (state == HEAD) {
            i = head.feed(a, i, to);
            if (i < 0 || !loop.headReceived(this)) {
                return;
            }
        }
        if (i < to && state >= STREAMING && state < CLOSED) {
            if (chunked != null) {
                chunked.decode(a, i, to, this);
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
        if (state != STREAMING) {
            return;                     // after [DONE]: nothing more is expected or counted
        }
        if (DONE.contentEquals(data)) {
            loop.done(this);
        } else {
            loop.token(this);
        }
    }
}
