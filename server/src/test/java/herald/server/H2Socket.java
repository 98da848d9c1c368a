package herald.server;

import herald.protocol.hpack.HpackDecoder;
import herald.protocol.hpack.HpackEncoder;
import herald.protocol.http2.ConnectionPreface;
import herald.protocol.http2.ErrorCode;
import herald.protocol.http2.FrameDescriptor;
import herald.protocol.http2.FrameReader;
import herald.protocol.http2.FrameWriter;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * A raw HTTP/2 client over a plain socket (h2c with prior knowledge), or a TLS socket that chose h2, for tests: writes the frames a test
 * builds, byte for byte, and reads the server's frames with Herald's own {@link FrameReader}.
 */
final class H2Socket implements AutoCloseable {
    /** A frame the server sent; {@code payload} copied. */
    record Frame(int type, int flags, int streamId, byte[] payload) {
        ErrorCode errorCode() {
            int offset = type == FrameDescriptor.TYPE_GOAWAY ? 4 : 0;
            return ErrorCode.of(ByteBuffer.wrap(payload, offset, 4).getInt());
        }

        @Override
        public String toString() {
            return "Frame[type=" + type + " flags=" + flags + " stream=" + streamId + " length=" + payload.length
                    + "]";
        }
    }

    final Socket socket;
    private final OutputStream out;
    private final InputStream in;
    private final FrameReader reader = new FrameReader(16_777_215);
    private final ByteBuffer readBuffer = ByteBuffer.allocate(64 * 1024);
    final HpackEncoder encoder = new HpackEncoder(0);
    final List<Frame> received = new ArrayList<>();
    /** {@code :status} of each response head, by stream (the server's HPACK blocks decoded in order). */
    final java.util.Map<Integer, String> statuses = new java.util.HashMap<>();
    private final HpackDecoder decoder = new HpackDecoder(4_096, 1 << 20);
    private boolean eof;

    H2Socket(int port) throws IOException {
        this(TestHttp.connect(port));
    }

    /** Over a connected socket (a TLS socket after its handshake chose {@code h2}). */
    H2Socket(Socket socket) throws IOException {
        this.socket = socket;
        out = socket.getOutputStream();
        in = socket.getInputStream();
    }

    /** Sends the preface, an empty SETTINGS and an ack of the server's (sent blind: it always sends one). */
    H2Socket handshake(int... settings) throws IOException {
        out.write(ConnectionPreface.bytes());
        ByteBuffer frames = ByteBuffer.allocate(128);
        FrameWriter.writeSettings(frames, settings);
        FrameWriter.writeSettingsAck(frames);
        send(frames);
        return this;
    }

    /** Sends the preface and an empty SETTINGS, never acknowledging the server's. */
    H2Socket handshakeWithoutAck() throws IOException {
        out.write(ConnectionPreface.bytes());
        ByteBuffer frames = ByteBuffer.allocate(64);
        FrameWriter.writeSettings(frames);
        send(frames);
        return this;
    }

    void send(ByteBuffer filled) throws IOException {
        out.write(filled.array(), 0, filled.position());
        out.flush();
    }

    /** An HPACK block of a GET for {@code path} (encoder without a dynamic table: blocks are independent). */
    ByteBuffer getBlock(String path) {
        ByteBuffer block = ByteBuffer.allocate(512);
        encoder.startBlock(block);
        encoder.field(block, ":method", "GET");
        encoder.field(block, ":scheme", "http");
        encoder.field(block, ":authority", "127.0.0.1");
        encoder.field(block, ":path", path);
        return block.flip();
    }

    /** Writes a whole HEADERS frame (END_HEADERS, and END_STREAM) of a GET into {@code frames}. */
    void get(ByteBuffer frames, int streamId, String path) {
        FrameWriter.writeHeaders(frames, streamId, getBlock(path), true, 16_384);
    }

    /** Reads frames until one matches, the server closes, or {@code millis} pass; returns the match or null. */
    Frame readUntil(java.util.function.Predicate<Frame> match, long millis) throws IOException {
        long deadline = System.nanoTime() + millis * 1_000_000;
        int from = 0;
        while (System.nanoTime() < deadline) {
            for (int i = from; i < received.size(); i++) {
                if (match.test(received.get(i))) {
                    return received.get(i);
                }
            }
            from = received.size();
            socket.setSoTimeout((int) Math.max(1, Math.min(500, (deadline - System.nanoTime()) / 1_000_000)));
            int n;
            try {
                n = in.read(readBuffer.array(), readBuffer.position(), readBuffer.remaining());
            } catch (SocketTimeoutException e) {
                continue;
            } catch (IOException e) {
                eof = true;                        // reset by the server
                return null;
            }
            if (n < 0) {
                eof = true;
                return null;
            }
            readBuffer.position(readBuffer.position() + n);
            readBuffer.flip();
            reader.read(readBuffer, (type, flags, streamId, payload) -> {
                byte[] copy = new byte[payload.remaining()];
                payload.get(copy);
                received.add(new Frame(type, flags, streamId, copy));
                if (type == FrameDescriptor.TYPE_HEADERS) {
                    decoder.decode(ByteBuffer.wrap(copy), (name, value) -> {
                        if (name.equals(":status")) {
                            statuses.put(streamId, value);
                        }
                    });
                }
                return true;
            });
            readBuffer.compact();
        }
        return null;
    }

    /** Reads until the server closes the connection (or {@code millis} pass); true when it closed. */
    boolean readUntilClosed(long millis) throws IOException {
        readUntil(f -> false, millis);
        return eof;
    }

    Frame goAway() {
        for (Frame frame : received) {
            if (frame.type() == FrameDescriptor.TYPE_GOAWAY) {
                return frame;
            }
        }
        return null;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
