package herald.loadtest.client;

/**
 * What the subscriber side counts. Indexes into {@link Counters}; the names (lower camel case) are the keys in
 * result files and in the worker protocol, so add new ones at the end.
 */
public enum Counter {
    /** Connection attempts started (first connects and reconnects). */
    CONNECT_ATTEMPTS,
    /** Streams that answered 200 and are being read now (a gauge: goes down when a stream ends). */
    STREAMING,
    /** Streams that answered 200 (a count: every success, reconnects included). */
    STREAMS_OPENED,
    /** Streams opened with a {@code Last-Event-ID} header. */
    RESUMES,
    /** Events with the load generator's payload ({@code <seq> <sendNanos> ...}) of type {@code message}. */
    EVENTS,
    /** Events of another type than {@code message} (e.g. Herald's {@code herald-gap} signal). */
    TYPED_EVENTS,
    /** Events of type {@code message} whose data is not the load generator's payload. */
    FOREIGN_EVENTS,
    /** Comment lines (heartbeats). */
    COMMENTS,
    /** Events missing from a connection's sequence: each jump forward adds the number skipped. */
    GAP_EVENTS,
    /** Jumps forward in a connection's sequence (places where events went missing). */
    GAPS,
    /** Events at or below the last sequence number a connection had seen (duplicates or reordering). */
    DUPLICATES,
    /** Bytes read from streams, HTTP framing included. */
    BYTES,
    /** Latency samples above the histogram's range, recorded at its highest value. */
    LATENCY_OVERFLOWS,
    /** Connects that failed (refused, unreachable, no port left). */
    CONNECT_FAILURES,
    /** Connects or response heads that did not finish within the connect timeout. */
    TIMEOUTS,
    /** Streams the server ended (EOF or the last chunk). */
    SERVER_CLOSES,
    /** Streams ended by a reset or another I/O error. */
    RESETS,
    /** Responses that were not HTTP, framing errors, events over the parser's limit. */
    PROTOCOL_ERRORS,
    /** Responses with a 2xx status other than 200 (e.g. 204: "stop reconnecting"). */
    STATUS_2XX_NOT_200,
    /** Responses with a 3xx status. */
    STATUS_3XX,
    /** Responses with a 4xx status. */
    STATUS_4XX,
    /** Responses with a 5xx status. */
    STATUS_5XX,
    /** 200 responses whose Content-Type is not text/event-stream (read anyway). */
    NOT_EVENT_STREAM,
    /** Streams the generator closed on purpose to reconnect (reconnect storm). */
    DROPS;

    public static final Counter[] ALL = values();

    /** {@code GAP_EVENTS} → {@code gapEvents}. */
    public String key() {
        StringBuilder out = new StringBuilder();
        boolean upper = false;
        for (char c : name().toCharArray()) {
            if (c == '_') {
                upper = true;
            } else {
                out.append(upper ? c : Character.toLowerCase(c));
                upper = false;
            }
        }
        return out.toString();
    }
}
