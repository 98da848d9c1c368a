package herald.protocol.hpack;

/**
 * Receives the fields of one header block from {@link HpackDecoder#decode}, in block order, on the decoding thread.
 *
 * <p>Names and values are ISO-8859-1 strings (one char per octet). Unless the decoder was built with
 * {@code checkFields} false, names are valid RFC 9113 names: lowercase tokens, or a colon and a lowercase token for
 * pseudo-header fields; values hold no NUL, CR, LF or other control but HTAB and do not start or end with SP or HTAB.
 * Which pseudo-header fields are allowed, their order, duplicates and connection-specific fields are the HTTP/2
 * layer's checks.
 *
 * <p>When {@code decode} throws, the fields received for that block are incomplete: discard them. An implementation
 * must not throw: the decoder would stop mid-block and its dynamic table would no longer match the peer's.
 */
@FunctionalInterface
public interface FieldSink {
    void field(String name, String value);
}
