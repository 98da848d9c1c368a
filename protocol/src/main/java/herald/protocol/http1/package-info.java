/**
 * HTTP/1.1 request parsing (RFC 9112) and response heads: incremental over {@link java.nio.ByteBuffer}s,
 * strict by default, every violation reported as an {@link herald.protocol.http1.HttpException} carrying
 * the precise status.
 *
 * <p>Stages, each its own class: {@link herald.protocol.http1.RequestParser} drives one connection's requests
 * (request line, header section) into immutable {@link herald.protocol.http1.RequestHead}s;
 * {@link herald.protocol.http1.BodyDecoder} reads a body as the head frames it (Content-Length or chunked);
 * {@link herald.protocol.http1.QueryParams} decodes a query; {@link herald.protocol.http1.ResponseHead} writes a
 * response head. All limits live in {@link herald.protocol.http1.HttpLimits}.
 *
 * <p>Decisions where the RFCs leave a choice:
 * <ul>
 *   <li>Up to {@value herald.protocol.http1.RequestParser#MAX_LEADING_EMPTY_LINES} empty lines before a request
 *       line are ignored, more are a 400. Lines end in CRLF only: a bare LF or bare CR is a 400, never a line end.
 *   <li>Limits count every byte of a line including its CRLF; the empty line that ends the head or the trailers is
 *       not counted. A line is judged when its LF arrives or as soon as it cannot fit, so the same bytes give the
 *       same result however reads split them.</li>
 *   <li>HTTP/1.2 to 1.9 are served as HTTP/1.1; other major versions are a 505; anything not {@code HTTP/D.D} a
 *       400. CONNECT is a 501; the asterisk-form only with OPTIONS; absolute-form only for {@code http} and
 *       {@code https}, without userinfo, its authority taking precedence over Host.</li>
 *   <li>{@link herald.protocol.http1.RequestHead#path()} decodes {@code %2F} as a segment separator before
 *       removing dot-segments, and rejects a path whose {@code ..} would climb above the root (also when encoded),
 *       malformed escapes, encoded control characters and invalid UTF-8 with 400.
 *       {@link herald.protocol.http1.RequestHead#rawPath()} keeps the path as sent.</li>
 *   <li>Field values are exposed as ISO-8859-1 strings (one char per byte); an empty Host is accepted (RFC 9110
 *       §7.2). A list of identical Content-Length values is that value. Only the {@code chunked} transfer coding
 *       is implemented: other codings are a 501 unless the framing is already invalid (400).</li>
 *   <li>A chunk whose declared size would take the body above {@code maxBodyBytes} is a 413 before its data is
 *       read; chunk extensions are validated, bounded per chunk line and ignored; trailers are parsed like
 *       header fields and exposed separately, never merged into the head.</li>
 * </ul>
 */
package herald.protocol.http1;
