/**
 * Herald's wire protocols as pure code: no threads, no sockets, no clock, no dependencies.
 * Bytes in, values or bytes out.
 */
module herald.protocol {
    exports herald.protocol.http1;
    exports herald.protocol.hpack;
    exports herald.protocol.http2;
    exports herald.protocol.sse;
}
