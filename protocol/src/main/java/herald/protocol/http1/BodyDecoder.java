package herald.protocol.http1;

import java.nio.ByteBuffer;
import java.util.List;

/**
 * Reads one request body as its head frames it (RFC 9112 §6.3): exactly {@code Content-Length} bytes, the chunked
 * transfer coding, or nothing.
 *
 * <p><b>Threads.</b> Not thread-safe: one decoder per request, used by the connection's thread.
 *
 * <p><b>Limits.</b> A {@code Content-Length} above {@code maxBodyBytes} fails in {@link #of}; a chunk whose size
 * would take the body above it fails when its size line is read, before its data (413). Chunk extensions and
 * trailers are bounded as {@link HttpLimits} describes. After an {@link HttpException} the connection must be
 * closed: the framing of whatever follows is unknown.
 *
 * <pre>{@code
 * BodyDecoder body = BodyDecoder.of(head, limits);
 * while (true) {
 *     body.decode(in, out);                       // `in` holds bytes read after the head
 *     consume(out.flip()); out.clear();
 *     if (body.isComplete()) { break; }
 *     if (!in.hasRemaining()) { in.clear(); if (channel.read(in) < 0) { fail(); } in.flip(); }
 * }
 * // `in` now starts at the next pipelined request, if any
 * }</pre>
 */
public final class BodyDecoder {
    private final long length;          // -1 when chunked
    private final ChunkedDecoder chunked;
    private long remaining;
    private long decoded;

    private BodyDecoder(long length, ChunkedDecoder chunked) {
        this.length = length;
        this.chunked = chunked;
        this.remaining = Math.max(length, 0);
    }

    /**
     * A decoder for the body of {@code head}; complete at once when the head has no body.
     *
     * @throws HttpException 413 when the head's {@code Content-Length} exceeds {@code limits.maxBodyBytes()}
     */
    public static BodyDecoder of(RequestHead head, HttpLimits limits) {
        if (head.isChunked()) {
            return new BodyDecoder(-1, new ChunkedDecoder(limits));
        }
        long length = Math.max(head.contentLength(), 0);
        if (length > limits.maxBodyBytes()) {
            throw HttpException.contentTooLarge(limits.maxBodyBytes());
        }
        return new BodyDecoder(length, null);
    }

    /**
     * Moves decoded body bytes from {@code in} to {@code out}, advancing both, until {@code out} is full, {@code in}
     * is empty, or the body is complete; bytes after the body stay in {@code in}. Chunked framing is consumed even
     * when {@code out} is full, so a body whose data has all been delivered completes without more room.
     *
     * @return the number of body bytes written to {@code out}
     * @throws HttpException 400 for malformed chunked framing, 413 or 431 for a crossed limit
     */
    public int decode(ByteBuffer in, ByteBuffer out) {
        if (chunked != null) {
            return chunked.decode(in, out);
        }
        int n = (int) Math.min(remaining, Math.min(in.remaining(), out.remaining()));
        if (n > 0) {
            out.put(out.position(), in, in.position(), n);
            out.position(out.position() + n);
            in.position(in.position() + n);
            remaining -= n;
            decoded += n;
        }
        return n;
    }

    /** Whether the whole body (and for chunked, its trailer section) has been read. */
    public boolean isComplete() {
        return chunked != null ? chunked.isComplete() : remaining == 0;
    }

    /** Body bytes delivered so far. */
    public long decodedBytes() {
        return chunked != null ? chunked.decodedBytes() : decoded;
    }

    /** The {@code Content-Length} being read (0 for no body), or -1 for a chunked body. */
    public long length() {
        return length;
    }

    /**
     * The value of the first trailer field named {@code name} (ASCII case-insensitive), or null; always null for a
     * body that is not chunked.
     *
     * @throws IllegalStateException before the body is complete
     */
    public String trailer(String name) {
        checkComplete();
        return chunked == null ? null : chunked.trailer(name);
    }

    /** The values of every trailer field named {@code name}, in order. */
    public List<String> trailers(String name) {
        checkComplete();
        return chunked == null ? List.of() : chunked.trailers(name);
    }

    /** The number of trailer field lines. */
    public int trailerCount() {
        checkComplete();
        return chunked == null ? 0 : chunked.trailerCount();
    }

    public String trailerName(int i) {
        checkComplete();
        FieldLines.checkIndex(i, trailerCount());
        return chunked.trailerName(i);
    }

    public String trailerValue(int i) {
        checkComplete();
        FieldLines.checkIndex(i, trailerCount());
        return chunked.trailerValue(i);
    }

    private void checkComplete() {
        if (!isComplete()) {
            throw new IllegalStateException("body not complete: decodedBytes=" + decodedBytes());
        }
    }
}
