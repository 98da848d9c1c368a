package herald.protocol.http2;

/**
 * One active stream's state in {@link Http2Connection} (RFC 9113 section 5.1). "Open" is neither side closed;
 * {@link #remoteClosed} alone is half-closed (remote); both closed, or reset, removes it from the table. Idle and
 * closed streams have no object. Plain fields: one thread.
 */
final class Http2Stream {
    final int id;
    /** DATA bytes Herald may still send: SETTINGS_INITIAL_WINDOW_SIZE plus WINDOW_UPDATEs, minus what was sent. */
    int sendWindow;
    /** DATA bytes the client may still send before Herald's next WINDOW_UPDATE. */
    int receiveWindow;
    /** Data bytes delivered by onData and not yet reported consumed. */
    int unconsumed;
    /** Consumed bytes not yet returned to the client in a WINDOW_UPDATE. */
    int creditPending;
    boolean remoteClosed;
    boolean localClosed;
    /** Herald sent the response HEADERS: a client reset after this is not a rapid reset. */
    boolean responseStarted;
    /** Answered with an HTTP status by the connection's decision (431): its body is discarded. */
    boolean rejected;
    boolean removed;
    long contentLength = -1;
    long dataReceived;

    Http2Stream(int id, int sendWindow, int receiveWindow) {
        this.id = id;
        this.sendWindow = sendWindow;
        this.receiveWindow = receiveWindow;
    }
}
