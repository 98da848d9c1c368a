package herald.protocol.http1;

/**
 * Every size limit of HTTP/1.1 request parsing in one value, validated at construction.
 *
 * <p>Each limit is detected at the byte where it is crossed and answered with its own status: 414 for the request
 * line, 431 for the header section (bytes or count) and the trailer section, 413 for the body (judged from
 * {@code Content-Length} or a chunk's declared size before the body bytes are read), 400 for chunk extensions.
 *
 * @param maxRequestLineBytes    bytes of the request line including its CRLF; default 8 KiB ({@code 8_192}); 414
 *                               beyond
 * @param maxHeaderBytes         bytes of the header section: every field line including its CRLF, not the request
 *                               line and not the empty line that ends the head; default 16 KiB ({@code 16_384});
 *                               431 beyond
 * @param maxHeaderCount         field lines in the header section, and again in a chunked body's trailer section;
 *                               default {@code 100}; 431 beyond
 * @param maxBodyBytes           decoded body bytes; default 1 MiB ({@code 1_048_576}); 0 allows no body; 413 beyond
 * @param maxChunkExtensionBytes bytes of a chunk line after its chunk-size and before its CRLF (the chunk
 *                               extensions with the whitespace between them), per chunk line; default 1 KiB
 *                               ({@code 1_024}); 0 allows no extensions; 400 beyond
 * @param maxTrailerBytes        bytes of a chunked body's trailer section, counted like {@code maxHeaderBytes};
 *                               default 4 KiB ({@code 4_096}); 0 allows no trailer fields; 431 beyond
 */
public record HttpLimits(int maxRequestLineBytes, int maxHeaderBytes, int maxHeaderCount, long maxBodyBytes,
                         int maxChunkExtensionBytes, int maxTrailerBytes) {

    /** The largest value of a byte limit: far above any sane head, low enough that sums of limits fit an int. */
    public static final int MAX_SECTION_BYTES = 268_435_456;
    /** The largest value of {@code maxHeaderCount}. */
    public static final int MAX_FIELD_COUNT = 1_048_576;

    /** 8 KiB request line, 16 KiB or 100 header fields, 1 MiB body, 1 KiB chunk extensions, 4 KiB trailers. */
    public static final HttpLimits DEFAULTS = new HttpLimits(8_192, 16_384, 100, 1_048_576, 1_024, 4_096);

    /**
     * Validates every limit.
     *
     * @throws IllegalArgumentException naming the first value out of range
     */
    public HttpLimits {
        check("maxRequestLineBytes", maxRequestLineBytes, 1, MAX_SECTION_BYTES);
        check("maxHeaderBytes", maxHeaderBytes, 1, MAX_SECTION_BYTES);
        check("maxHeaderCount", maxHeaderCount, 1, MAX_FIELD_COUNT);
        if (maxBodyBytes < 0) {
            throw new IllegalArgumentException("maxBodyBytes=" + maxBodyBytes + " (must be >= 0)");
        }
        check("maxChunkExtensionBytes", maxChunkExtensionBytes, 0, MAX_SECTION_BYTES);
        check("maxTrailerBytes", maxTrailerBytes, 0, MAX_SECTION_BYTES);
    }

    private static void check(String name, int value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(name + "=" + value + " (must be " + min + ".." + max + ")");
        }
    }

    public HttpLimits withMaxRequestLineBytes(int value) {
        return new HttpLimits(value, maxHeaderBytes, maxHeaderCount, maxBodyBytes, maxChunkExtensionBytes,
                maxTrailerBytes);
    }

    public HttpLimits withMaxHeaderBytes(int value) {
        return new HttpLimits(maxRequestLineBytes, value, maxHeaderCount, maxBodyBytes, maxChunkExtensionBytes,
                maxTrailerBytes);
    }

    public HttpLimits withMaxHeaderCount(int value) {
        return new HttpLimits(maxRequestLineBytes, maxHeaderBytes, value, maxBodyBytes, maxChunkExtensionBytes,
                maxTrailerBytes);
    }

    public HttpLimits withMaxBodyBytes(long value) {
        return new HttpLimits(maxRequestLineBytes, maxHeaderBytes, maxHeaderCount, value, maxChunkExtensionBytes,
                maxTrailerBytes);
    }

    public HttpLimits withMaxChunkExtensionBytes(int value) {
        return new HttpLimits(maxRequestLineBytes, maxHeaderBytes, maxHeaderCount, maxBodyBytes, value,
                maxTrailerBytes);
    }

    public HttpLimits withMaxTrailerBytes(int value) {
        return new HttpLimits(maxRequestLineBytes, maxHeaderBytes, maxHeaderCount, maxBodyBytes,
                maxChunkExtensionBytes, value);
    }
}
