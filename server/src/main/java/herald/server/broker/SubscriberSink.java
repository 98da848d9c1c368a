package herald.server.broker;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Where one subscriber's stream bytes go, after its response head was sent: the seam between the broker's
 * fan-out and a transport. A plain socket writes with a gathering write; a TLS connection encrypts into its
 * own buffer; an HTTP/2 stream frames the bytes as DATA and may take none while its flow-control window is
 * shut. The broker never blocks on a sink and never buffers for it: the bytes it offers stay in log memory
 * until the sink has taken them.
 *
 * <p><b>Assumptions.</b> {@link #write} and {@link #requestWritable} are called by one thread at a time (the
 * dispatcher thread running the subscriber). {@link #start} is called once, before the first write; the events
 * may come as soon as it was called. {@link #close} may come from another thread while a write is in progress,
 * or just before the writer's next write (the subscriber closed it: its topic was deleted, it was cut off, the
 * peer left); such a write throws {@link IOException} or takes nothing, as a closed channel does.
 * {@link #requestWritable} may be called again before its {@link Events#writable()} came (a stopping broker
 * resumes a waiting subscriber to drain it), and a {@link Events#writable()} may find the subscriber no longer
 * waiting: both are harmless.
 * <b>Guarantees</b> asked of an implementation: {@link #write} never blocks; it takes a prefix of the offered
 * bytes (advancing the buffers' positions as {@link java.nio.channels.GatheringByteChannel#write} does) and
 * keeps no reference to the buffer objects after it returns. The memory of a read-only buffer is log memory, never
 * changed or reused, so a sink may keep a view of it until it is sent (the HTTP/2 sink does); a writable buffer
 * (an id line, a heartbeat) may change once write returned, so a sink that sends later copies it. After a short write,
 * {@link #requestWritable} leads to one {@link Events#writable()} once more can be taken (requests made before
 * it came share it), or to {@link Events#gone()}; {@link Events#gone()} is called at most once, when the peer
 * left, reset or misbehaved. {@link #close} is idempotent and may be called from any thread.
 *
 * <p>Implementer notes: {@link ChannelSink} is the plain socket. A TLS sink wraps into its own buffer and takes
 * nothing while that buffer is unsent; an HTTP/2 sink takes at most its stream's flow-control window and calls
 * {@link Events#writable()} on WINDOW_UPDATE. Both hand themselves to
 * {@link Broker#attach(Subscription, SubscriberSink)}.
 */
public interface SubscriberSink {

    /** What a sink tells its subscriber. Called from the transport's threads; both must be cheap. */
    interface Events {
        /** The sink can take bytes again after a short write (queue the subscriber; do not write here). */
        void writable();

        /** The peer is gone (FIN, reset, protocol error): the subscriber should close. */
        void gone();
    }

    /** Starts watching the peer for {@code events}. The sink was not used before. */
    void start(Events events) throws IOException;

    /**
     * Writes what it can of {@code srcs[offset..offset+length)} without blocking.
     *
     * @return bytes taken, 0 when the sink can take nothing now
     * @throws IOException the peer is gone; the subscriber closes
     */
    long write(ByteBuffer[] srcs, int offset, int length) throws IOException;

    /** Asks for one {@link Events#writable()} once the sink can take more (after a short write). */
    void requestWritable();

    /** Ends the stream and frees what the sink holds (the socket, its registration). Idempotent, any thread. */
    void close();
}
