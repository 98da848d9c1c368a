package herald.loadtest.client;

/**
 * The server's bytes are not the HTTP or chunked framing the client expects. Stackless: it ends one connection
 * and is counted ({@link Counter#PROTOCOL_ERRORS}), it is not a bug in the generator.
 */
final class ProtocolError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    ProtocolError(String message) {
        super(message, null, false, false);
    }
}
