/**
 * HPACK, the header compression of HTTP/2 (RFC 7541): {@link herald.protocol.hpack.HpackDecoder} for the header
 * blocks a peer sends, {@link herald.protocol.hpack.HpackEncoder} and {@link herald.protocol.hpack.PrecomputedFields}
 * for the ones Herald sends. Pure code: bytes in {@link java.nio.ByteBuffer}s, no threads, no I/O; one decoder and
 * one encoder per connection, driven by the HTTP/2 layer's thread.
 *
 * <p>Machinery, package-private: {@code StaticTable} (Appendix A), {@code DynamicTable} (§2.3.2, §4),
 * {@code PrefixedInt} (§5.1), {@code Huffman} (§5.2, Appendix B), {@code FieldChars} (the characters RFC 9113
 * §8.2.1 allows in names and values).
 *
 * <p>Decisions where the RFCs leave a choice:
 * <ul>
 *   <li>Integers above 2^31 - 1, or longer than 6 octets, are a COMPRESSION_ERROR; so is a third dynamic table size
 *       update in one block (RFC 7541 §4.2 has at most two follow a settings change).</li>
 *   <li>The decoder checks what RFC 9113 §8.2.1 makes malformed, and Herald's HTTP/1.1 rules on top: a name is a
 *       lowercase token (optionally after one {@code :}); a value holds no control but HTAB and has no whitespace
 *       at either end. A violation fails the stream ({@code MALFORMED_FIELD}), not the connection; a decoder built
 *       with {@code checkFields} false leaves these checks to an HTTP/2 layer that makes them itself. Pseudo-header
 *       names, order and duplicates, and connection-specific fields ({@code connection}, {@code te} …) are for the
 *       HTTP/2 layer, which knows requests from responses.</li>
 *   <li>A header list over the limit fails the stream with {@code HEADER_LIST_TOO_LARGE} once the whole block is
 *       decoded; the fields before the crossing have reached the sink, none after it.</li>
 *   <li>The encoder writes names lowercase (RFC 9113 §8.2) and refuses values RFC 9113 §8.2.1 would make a peer
 *       reject; it keeps at most the dynamic table it is constructed with, whatever the peer allows.</li>
 * </ul>
 */
package herald.protocol.hpack;
