package herald.server.broker;

import herald.server.health.Supervisor;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketOption;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.channels.spi.SelectorProvider;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * What a plain socket sink hands the kernel ({@link ChannelSink#write}): one buffer as a plain write, several as
 * one gathering write of exactly the offered slice, and a short write left for the caller to resume. A scripted
 * {@link SocketChannel} stands for the socket, so each call and its arguments are seen.
 */
class ChannelSinkTest {
    private final Watcher watcher;

    ChannelSinkTest() throws IOException {
        watcher = new Watcher("herald-watch-test", new Supervisor(failure -> { }));
    }

    @AfterEach
    void closeWatcher() {
        watcher.close();
    }

    @Test
    void shouldWriteOneBufferWithAPlainWrite() throws IOException {
        ScriptedChannel channel = new ScriptedChannel(Long.MAX_VALUE);
        ChannelSink sink = new ChannelSink(channel, watcher, () -> { });
        ByteBuffer[] srcs = {buffer(3), buffer(5), buffer(7)};
        assertEquals(5, sink.write(srcs, 1, 1));
        assertEquals(List.of("write(5)"), channel.calls);
        assertEquals(3, srcs[0].remaining(), "only the offered buffer");
        assertEquals(0, srcs[1].remaining());
        assertEquals(7, srcs[2].remaining());
    }

    @Test
    void shouldWriteSeveralBuffersWithOneGatheringWriteOfTheOfferedSlice() throws IOException {
        ScriptedChannel channel = new ScriptedChannel(Long.MAX_VALUE);
        ChannelSink sink = new ChannelSink(channel, watcher, () -> { });
        ByteBuffer[] srcs = {buffer(3), buffer(5), buffer(7), buffer(11)};
        assertEquals(12, sink.write(srcs, 1, 2));
        assertEquals(List.of("write[1,2](5,7)"), channel.calls);
        assertEquals(3, srcs[0].remaining());
        assertEquals(11, srcs[3].remaining());
    }

    @Test
    void shouldLeaveAShortWritesRestWhereTheSocketStopped() throws IOException {
        ScriptedChannel channel = new ScriptedChannel(6);
        ChannelSink sink = new ChannelSink(channel, watcher, () -> { });
        ByteBuffer[] srcs = {buffer(5), buffer(7)};
        assertEquals(6, sink.write(srcs, 0, 2));
        assertEquals(0, srcs[0].remaining());
        assertEquals(6, srcs[1].remaining());
        assertArrayEquals(new byte[] {0, 1, 2, 3, 4, 0}, channel.taken());
        assertEquals(0, sink.write(srcs, 1, 1), "a full socket takes nothing");
    }

    @Test
    void shouldReleaseThePermitOnceTheSocketIsClosedEvenWhenClosingFails() {
        AtomicInteger released = new AtomicInteger();
        ScriptedChannel channel = new ScriptedChannel(0);
        channel.failClose = true;
        ChannelSink sink = new ChannelSink(channel, watcher, () -> {
            assertFalse(channel.isOpen(), "after the socket");
            released.incrementAndGet();
        });
        sink.close();
        assertEquals(1, released.get());
        assertEquals(List.of("close"), channel.calls);
    }

    private static ByteBuffer buffer(int length) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) i;
        }
        return ByteBuffer.wrap(bytes);
    }

    /** A socket that takes at most {@code room} bytes in all, and records each call. */
    private static final class ScriptedChannel extends SocketChannel {
        final List<String> calls = new ArrayList<>();
        private final java.io.ByteArrayOutputStream taken = new java.io.ByteArrayOutputStream();
        private long room;
        boolean failClose;

        ScriptedChannel(long room) {
            super(SelectorProvider.provider());
            this.room = room;
        }

        byte[] taken() {
            return taken.toByteArray();
        }

        private int take(ByteBuffer src) {
            int n = (int) Math.min(room, src.remaining());
            for (int i = 0; i < n; i++) {
                taken.write(src.get());
            }
            room -= n;
            return n;
        }

        @Override
        public int write(ByteBuffer src) {
            calls.add("write(" + src.remaining() + ")");
            return take(src);
        }

        @Override
        public long write(ByteBuffer[] srcs, int offset, int length) {
            StringBuilder call = new StringBuilder("write[" + offset + "," + length + "](");
            long n = 0;
            for (int i = offset; i < offset + length; i++) {
                call.append(i > offset ? "," : "").append(srcs[i].remaining());
            }
            calls.add(call.append(')').toString());
            for (int i = offset; i < offset + length; i++) {
                n += take(srcs[i]);
            }
            return n;
        }

        @Override
        protected void implCloseSelectableChannel() throws IOException {
            calls.add("close");
            if (failClose) {
                throw new IOException("close failed");
            }
        }

        @Override
        protected void implConfigureBlocking(boolean block) {
            calls.add("blocking=" + block);
        }

        @Override
        public int read(ByteBuffer dst) {
            throw new UnsupportedOperationException();
        }

        @Override
        public long read(ByteBuffer[] dsts, int offset, int length) {
            throw new UnsupportedOperationException();
        }

        @Override
        public SocketChannel bind(SocketAddress local) {
            throw new UnsupportedOperationException();
        }

        @Override
        public <T> SocketChannel setOption(SocketOption<T> name, T value) {
            throw new UnsupportedOperationException();
        }

        @Override
        public <T> T getOption(SocketOption<T> name) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Set<SocketOption<?>> supportedOptions() {
            return Set.of();
        }

        @Override
        public SocketChannel shutdownInput() {
            throw new UnsupportedOperationException();
        }

        @Override
        public SocketChannel shutdownOutput() {
            throw new UnsupportedOperationException();
        }

        @Override
        public Socket socket() {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean isConnected() {
            return true;
        }

        @Override
        public boolean isConnectionPending() {
            return false;
        }

        @Override
        public boolean connect(SocketAddress remote) {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean finishConnect() {
            return true;
        }

        @Override
        public SocketAddress getRemoteAddress() {
            return null;
        }

        @Override
        public SocketAddress getLocalAddress() {
            return null;
        }
    }
}
