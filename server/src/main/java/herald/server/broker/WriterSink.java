package herald.server.broker;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/**
 * A subscriber's stream on a socket, written through a {@link ChannelWriter} (TLS): the socket is watched as a
 * plain {@link ChannelSink}'s is (any bytes from the client, a TLS close_notify included, count as junk; FIN and
 * reset end the stream), and the writer's unsent tail goes out when the socket drains.
 */
final class WriterSink extends ChannelSink {
    private final ChannelWriter writer;

    WriterSink(SocketChannel channel, Watcher watcher, ChannelWriter writer, Runnable onClose) {
        super(channel, watcher, onClose);
        this.writer = writer;
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        long taken = writer.write(srcs, offset, length);
        if (writer.holdsBytes()) {
            requestWritable();              // the tail goes out on OP_WRITE even if nothing more is offered
        }
        return taken;
    }

    @Override
    void onWritable() {
        try {
            if (!writer.flush()) {
                requestWritable();
                return;
            }
        } catch (IOException e) {
            events.gone();
            return;
        }
        events.writable();
    }

    @Override
    public void close() {
        writer.closing();
        super.close();
    }
}
