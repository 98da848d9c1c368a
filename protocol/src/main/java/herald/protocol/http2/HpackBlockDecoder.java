package herald.protocol.http2;

import herald.protocol.hpack.FieldSink;
import herald.protocol.hpack.HpackDecoder;
import herald.protocol.hpack.HpackException;

import java.nio.ByteBuffer;

/**
 * The {@link HeaderBlockDecoder} of a real connection: HPACK (RFC 7541) through {@link HpackDecoder}, its dynamic
 * table sized {@link Http2Limits#headerTableBytes()}, its list bound {@link Http2Limits#maxHeaderListBytes()} (an
 * HPACK bomb costs its block octets, no strings), fields passed on unchecked (the connection's collector checks
 * them against RFC 9113 section 8.2).
 *
 * <p>{@link HpackException.Kind#COMPRESSION_ERROR} becomes {@link Http2Exception#compression} (the connection
 * ends); {@link HpackException.Kind#HEADER_LIST_TOO_LARGE}, raised after the whole block was decoded, becomes
 * {@link HeaderFieldSink#headerListTooLarge} (a 431 on that stream, the connection goes on). One per connection,
 * on the thread driving it.
 */
public final class HpackBlockDecoder implements HeaderBlockDecoder {
    private final HpackDecoder decoder;
    private HeaderFieldSink lastSink;                   // the connection passes its one collector every time
    private FieldSink lastFieldSink;

    public HpackBlockDecoder(Http2Limits limits) {
        this.decoder = new HpackDecoder(limits.headerTableBytes(), limits.maxHeaderListBytes(), false);
    }

    @Override
    public void decode(ByteBuffer block, HeaderFieldSink sink) {
        try {
            if (sink != lastSink) {
                lastSink = sink;
                lastFieldSink = sink::field;
            }
            decoder.decode(block, lastFieldSink);
        } catch (HpackException e) {
            if (e.connectionError()) {
                throw Http2Exception.compression(e.getMessage());
            }
            sink.headerListTooLarge();           // HEADER_LIST_TOO_LARGE (MALFORMED_FIELD is not checked here)
        }
    }
}
