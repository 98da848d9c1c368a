package herald.protocol.http2;

import java.nio.ByteBuffer;

/**
 * Decodes one complete field block (RFC 9113 section 4.3: the fragments of a HEADERS frame and its CONTINUATION
 * frames, joined) into fields: the seam where HPACK (RFC 7541) plugs into {@link Http2Connection}.
 *
 * <p><b>Assumptions.</b> One decoder per connection, called by {@link Http2Connection} on the thread that drives
 * it, once per block, blocks in the order they arrived: also blocks of streams that are refused, reset or ignored,
 * so that the decoder's dynamic table stays in step with the client's encoder. Its dynamic table starts at
 * {@link Http2Limits#headerTableBytes()}, the SETTINGS_HEADER_TABLE_SIZE Herald announces.
 * <b>Guarantees</b> asked of an implementation: it consumes the whole block, calling
 * {@link HeaderFieldSink#field} once per field in order; the block's bytes are valid only during the call; it
 * throws only {@link Http2Exception#compression} (a connection error COMPRESSION_ERROR) for a block it cannot
 * decode, and then the connection ends. A decoder may bound its own work per block (an HPACK bomb), but must not
 * skip the table updates of a block it decodes; it then calls {@link HeaderFieldSink#headerListTooLarge} once.
 */
@FunctionalInterface
public interface HeaderBlockDecoder {

    /** Receives decoded fields. */
    interface HeaderFieldSink {
        /**
         * One field, name and value as sent: one char per octet (ISO-8859-1), names not yet checked for case or
         * characters (the sink checks them).
         */
        void field(String name, String value);

        /**
         * The decoder bounded its own work: the block's field list exceeded its limit, the fields past it were
         * not passed on, and the whole block was decoded (the dynamic table is in step). The request is answered
         * 431 (RFC 9113 section 10.5.1) and the connection goes on.
         */
        void headerListTooLarge();
    }

    /**
     * Decodes {@code block}'s remaining bytes.
     *
     * @throws Http2Exception COMPRESSION_ERROR, a connection error, for an undecodable block
     */
    void decode(ByteBuffer block, HeaderFieldSink sink);
}
