package herald.server.transport;

import herald.protocol.http2.ErrorCode;
import herald.server.broker.SubscriberSink;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * A subscription on an HTTP/2 stream: the broker's bytes leave as DATA frames. {@link #write} takes at most what
 * the stream's and the connection's flow-control windows allow and what the connection's output buffer has room
 * for, and frames it whole (the 9-byte header, then the bytes); it takes nothing while a window is shut, and the
 * subscriber waits for {@link Events#writable()}, which comes with a WINDOW_UPDATE (or output room). A window that
 * stays shut makes the subscriber a slow consumer, cut off as on HTTP/1.1, without holding its siblings back.
 * {@link #close} ends the stream: END_STREAM (an empty DATA frame, which needs no window) when the output has
 * room, else RST_STREAM CANCEL; the connection goes on.
 *
 * <p>The payload is copied into the connection's output buffer (once per subscriber): the output is written by the
 * connection's writer thread, after {@link #write} returned.
 *
 * <p>Threads: {@link #write} and {@link #requestWritable} on the dispatcher thread running the subscriber;
 * {@link #close} on any; the events from the connection's threads, outside its lock.
 */
final class Http2Sink implements SubscriberSink {
    private final Http2Session session;
    private final int streamId;
    private volatile Events events;
    private boolean waiting;                    // under the session lock
    private boolean closed;                     // under the session lock

    Http2Sink(Http2Session session, int streamId) {
        this.session = session;
        this.streamId = streamId;
    }

    @Override
    public void start(Events events) throws IOException {
        this.events = events;
        session.lock.lock();
        try {
            if (!session.h2.streamWritable(streamId)) {
                throw new IOException("stream gone: stream=" + streamId);
            }
        } finally {
            session.lock.unlock();
        }
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        long offered = 0;
        for (int i = offset; i < offset + length; i++) {
            offered += srcs[i].remaining();
        }
        session.lock.lock();
        try {
            if (closed || session.writerGone() || !session.h2.streamWritable(streamId)) {
                throw new IOException("stream gone: stream=" + streamId);
            }
            long wanted = Math.min(session.h2.sendableBytes(streamId), offered);
            int n = (int) Math.min(session.dataRoom(wanted), wanted);
            if (n <= 0) {
                return 0;
            }
            ByteBuffer out = session.output();
            session.h2.writeDataHeader(out, streamId, n, false);
            int left = n;
            for (int i = offset; i < offset + length && left > 0; i++) {
                ByteBuffer src = srcs[i];
                int take = Math.min(left, src.remaining());
                if (take == 0) {
                    continue;
                }
                int limit = src.limit();
                src.limit(src.position() + take);
                out.put(src);
                src.limit(limit);
                left -= take;
            }
            session.framed();
            return n;
        } finally {
            session.lock.unlock();
        }
    }

    @Override
    public void requestWritable() {
        session.lock.lock();
        try {
            if (closed) {
                return;
            }
            boolean windowOpen = session.h2.sendableBytes(streamId) > 0;
            if (windowOpen && session.room(10)) {
                session.deferWritable(this);        // the window opened meanwhile: resume at once
            } else {
                waiting = true;                     // a shut window: onSendWindowOpened wakes it
                if (windowOpen) {
                    session.awaitRoom(this);        // a full output buffer: the writer's next swap does
                }
            }
        } finally {
            session.lock.unlock();
        }
        session.fireEvents();
    }

    /** Under the session lock: whether the subscriber waits for a window or room. */
    boolean waiting() {
        return waiting;
    }

    /** Fired outside the lock. */
    void writable() {
        Events e = events;
        session.lock.lock();
        try {
            waiting = false;
        } finally {
            session.lock.unlock();
        }
        if (e != null) {
            e.writable();
        }
    }

    /** Fired outside the lock: the client reset the stream or the connection ended. */
    void gone() {
        Events e = events;
        if (e != null) {
            e.gone();
        }
    }

    @Override
    public void close() {
        session.lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            waiting = false;
            if (session.h2.streamWritable(streamId)) {
                if (session.room(9)) {
                    session.h2.writeDataHeader(session.output(), streamId, 0, true);
                } else {
                    session.h2.resetStream(streamId, ErrorCode.CANCEL);
                }
                session.framed();
            }
            session.remove(streamId);
        } finally {
            session.lock.unlock();
        }
    }
}
