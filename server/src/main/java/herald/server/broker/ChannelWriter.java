package herald.server.broker;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * What a subscriber's socket sink writes through when bytes need transforming on their way to the socket (TLS
 * encrypts them into a buffer of its own): {@link Broker#attach(Subscription, java.nio.channels.SocketChannel,
 * ChannelWriter, Runnable)}. The socket sink keeps watching the socket as for a plain stream (FIN, reset, junk),
 * and asks for the socket to drain whenever the writer {@link #holdsBytes}, so a tail the writer took but could not
 * send goes out by {@link #flush} even when the subscriber has nothing more to write.
 *
 * <p><b>Assumptions.</b> {@link #write} on the dispatcher thread running the subscriber; {@link #flush} on the
 * watcher's thread; {@link #closing} on any thread: an implementation synchronizes them. <b>Guarantees</b> asked:
 * none of them blocks; {@link #write} takes a prefix of the offered bytes as
 * {@link java.nio.channels.GatheringByteChannel#write} does, 0 while its own buffer is unsent.
 */
public interface ChannelWriter {
    /** Takes what it can of {@code srcs[offset..offset+length)} without blocking; 0 while it holds unsent bytes. */
    long write(ByteBuffer[] srcs, int offset, int length) throws IOException;

    /** Whether bytes it took are still unsent. */
    boolean holdsBytes();

    /** Writes what it holds without blocking; true when nothing is left. */
    boolean flush() throws IOException;

    /** The stream ends: a last word if the socket has room (TLS close_notify), never blocking. */
    void closing();
}
