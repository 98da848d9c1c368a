package herald.protocol.hpack;

/**
 * A header block Herald will not accept, with the scope of the failure in {@link #kind()}.
 *
 * <ul>
 *   <li>{@link Kind#COMPRESSION_ERROR}: the block breaks HPACK (RFC 7541). The decoder's dynamic table no longer
 *       matches the peer's: a connection error of type COMPRESSION_ERROR (RFC 9113 §4.3), and the decoder refuses
 *       further blocks.</li>
 *   <li>{@link Kind#HEADER_LIST_TOO_LARGE} and {@link Kind#MALFORMED_FIELD}: the whole block was decoded and the
 *       dynamic table is in sync; only this stream fails (431, or RST_STREAM, for the first; a malformed request,
 *       RFC 9113 §8.1.1, for the second). The connection and the decoder carry on.</li>
 * </ul>
 *
 * <p>Messages use {@code name=value} and never echo peer bytes. Stackless: hostile input is normal traffic.
 */
public final class HpackException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** What failed, and so what the HTTP/2 layer answers. */
    public enum Kind {
        /** HPACK itself is broken: close the connection with COMPRESSION_ERROR. */
        COMPRESSION_ERROR,
        /** The decoded list exceeds {@code maxHeaderListSize} (RFC 9113 §6.5.2): fail the stream, keep the connection. */
        HEADER_LIST_TOO_LARGE,
        /** A field name or value RFC 9113 §8.2.1 forbids (e.g. an uppercase name): a malformed stream. */
        MALFORMED_FIELD
    }

    private final Kind kind;

    private HpackException(Kind kind, String reason) {
        super(reason, null, false, false);          // no suppression, no stack trace
        this.kind = kind;
    }

    static HpackException compression(String reason) {
        return new HpackException(Kind.COMPRESSION_ERROR, reason);
    }

    static HpackException headerListTooLarge(long limit) {
        return new HpackException(Kind.HEADER_LIST_TOO_LARGE, "header list exceeds maxHeaderListSize=" + limit);
    }

    static HpackException malformed(String reason) {
        return new HpackException(Kind.MALFORMED_FIELD, reason);
    }

    public Kind kind() {
        return kind;
    }

    /** True for {@link Kind#COMPRESSION_ERROR}: the connection must close; false when only the stream fails. */
    public boolean connectionError() {
        return kind == Kind.COMPRESSION_ERROR;
    }
}
