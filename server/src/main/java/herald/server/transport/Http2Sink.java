package herald.server.transport;

import herald.protocol.http2.ErrorCode;
import herald.protocol.http2.PayloadViews;
import herald.server.broker.SubscriberSink;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * A subscription on an HTTP/2 stream: the broker's bytes leave as DATA frames. {@link #write} takes at most what
 * the stream's and the connection's flow-control windows allow and what the connection's output batch has room
 * for, as DATA frames of at most the client's SETTINGS_MAX_FRAME_SIZE each; it takes nothing while a window is
 * shut, and the subscriber waits for {@link Events#writable()}, which comes with a WINDOW_UPDATE (or output room).
 * A window that stays shut makes the subscriber a slow consumer, cut off as on HTTP/1.1, without holding its
 * siblings back. {@link #close} ends the stream: END_STREAM (an empty DATA frame, which needs no window) when the
 * output has room, else RST_STREAM CANCEL; the connection goes on.
 *
 * <p>The payload is not copied: each frame is its 9-byte header in the connection's output and a view of the
 * broker's log memory (read-only, never reused), which the connection's writer thread sends with one gathering
 * write after {@link #write} returned ({@link herald.protocol.http2.FrameBatch}). The views are this stream's
 * {@link PayloadViews}: one per log segment it writes from, reused once written, at most {@link #MAX_VIEWS} queued.
 * Writable buffers (a multi-topic stream's id lines, a heartbeat) may change after the call and are copied.
 *
 * <p>Threads: {@link #write} and {@link #requestWritable} on the dispatcher thread running the subscriber;
 * {@link #close} on any; the events from the connection's threads, outside its lock.
 */
final class Http2Sink implements SubscriberSink {
    /** Payload views of one stream queued and not yet written, at most (then it waits for the writer). */
    static final int MAX_VIEWS = 32;

    private final Http2Session session;
    private final int streamId;
    private final PayloadViews views = new PayloadViews(MAX_VIEWS);   // under the session lock
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
        session.lock.lock();
        try {
            if (closed || session.writerGone() || !session.h2.streamWritable(streamId)) {
                throw new IOException("stream gone: stream=" + streamId);
            }
            if (!session.room(10)) {
                return 0;                               // queued control frames first
            }
            long n = session.batch().writeData(session.h2, streamId, srcs, offset, length, views);
            if (n > 0) {
                session.framed();
            }
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
            if (windowOpen && session.room(10) && session.batch().canReference() && views.available() > 0) {
                session.deferWritable(this);        // the window opened meanwhile: resume at once
            } else {
                waiting = true;                     // a shut window: onSendWindowOpened wakes it
                if (windowOpen) {
                    session.awaitRoom(this);        // a full output or busy views: the writer frees them
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
