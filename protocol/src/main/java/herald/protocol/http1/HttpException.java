package herald.protocol.http1;

/**
 * A request Herald will not serve, with the HTTP status that says why.
 *
 * <p>One type for every protocol violation and limit: the connection maps it to a response with
 * {@link #status()} and {@link #getMessage()} as the one-line reason, then closes when the stream state is
 * unknown. Messages use {@code name=value} and never echo client bytes. Stackless: hostile input is normal
 * traffic, not a bug.
 */
public final class HttpException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int status;
    private final long retryAfterSeconds;

    private HttpException(int status, String reason, long retryAfterSeconds) {
        super(reason, null, false, false);          // no suppression, no stack trace
        this.status = status;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    /** A response with the given status and reason; for statuses without a factory below. */
    public static HttpException of(int status, String reason) {
        if (status < 400 || status > 599) {
            throw new IllegalArgumentException("not an error status: status=" + status);
        }
        return new HttpException(status, reason, -1);
    }

    /** 400: the request is malformed. */
    public static HttpException badRequest(String reason) {
        return new HttpException(400, reason, -1);
    }

    /** 413: the body is larger than the limit, judged before it is read where Content-Length allows. */
    public static HttpException contentTooLarge(long limit) {
        return new HttpException(413, "body exceeds maxBodyBytes=" + limit, -1);
    }

    /** 414: the request line is longer than the limit. */
    public static HttpException uriTooLong(int limit) {
        return new HttpException(414, "request line exceeds maxRequestLineBytes=" + limit, -1);
    }

    /** 431: the header section is larger than the byte limit. */
    public static HttpException headerSectionTooLarge(int limit) {
        return new HttpException(431, "header section exceeds maxHeaderBytes=" + limit, -1);
    }

    /** 431: the header section has more fields than the limit. */
    public static HttpException tooManyHeaderFields(int limit) {
        return new HttpException(431, "header section exceeds maxHeaderCount=" + limit, -1);
    }

    /** 431: a chunked body's trailer section is larger than the byte limit. */
    public static HttpException trailerSectionTooLarge(int limit) {
        return new HttpException(431, "trailer section exceeds maxTrailerBytes=" + limit, -1);
    }

    /** 417: an {@code Expect} field names an expectation other than {@code 100-continue}. */
    public static HttpException expectationFailed() {
        return new HttpException(417, "expectation other than 100-continue", -1);
    }

    /** 501: a feature of the request (a transfer coding, a method) that Herald does not implement. */
    public static HttpException notImplemented(String reason) {
        return new HttpException(501, reason, -1);
    }

    /** 505: an HTTP major version other than 1. */
    public static HttpException versionNotSupported() {
        return new HttpException(505, "only HTTP/1.x is supported", -1);
    }

    /** 429 or 503 with a {@code Retry-After} hint in seconds. */
    public static HttpException retryLater(int status, String reason, long retryAfterSeconds) {
        if (status != 429 && status != 503) {
            throw new IllegalArgumentException("Retry-After applies to 429 and 503: status=" + status);
        }
        if (retryAfterSeconds < 0) {
            throw new IllegalArgumentException("retryAfterSeconds=" + retryAfterSeconds);
        }
        return new HttpException(status, reason, retryAfterSeconds);
    }

    public int status() {
        return status;
    }

    /** Seconds for a {@code Retry-After} header, or -1 for none. */
    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
