/**
 * HTTP/1.1 request parsing (RFC 9112) and response heads: incremental over {@link java.nio.ByteBuffer}s,
 * strict by default, every violation reported as an {@link herald.protocol.http1.HttpException} carrying
 * the precise status.
 */
package herald.protocol.http1;
