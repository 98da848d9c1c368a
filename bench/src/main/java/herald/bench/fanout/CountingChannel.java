package herald.bench.fanout;

import java.nio.ByteBuffer;
import java.nio.channels.GatheringByteChannel;

/**
 * A socket that takes every byte at once and keeps none: each write moves its buffers' positions to their limits
 * and counts the bytes. Nothing is copied, so a fan-out over it costs only what happens in user space.
 */
final class CountingChannel implements GatheringByteChannel {
    long bytes;
    long writes;

    @Override
    public long write(ByteBuffer[] sources, int offset, int length) {
        long written = 0;
        for (int i = offset; i < offset + length; i++) {
            ByteBuffer source = sources[i];
            written += source.remaining();
            source.position(source.limit());
        }
        bytes += written;
        writes++;
        return written;
    }

    @Override
    public long write(ByteBuffer[] sources) {
        return write(sources, 0, sources.length);
    }

    @Override
    public int write(ByteBuffer source) {
        int written = source.remaining();
        source.position(source.limit());
        bytes += written;
        writes++;
        return written;
    }

    @Override
    public boolean isOpen() {
        return true;
    }

    @Override
    public void close() {
    }
}
