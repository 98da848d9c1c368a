package herald.server.transport;

import herald.protocol.http1.HeaderLine;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** The {@code Date} header field (RFC 9110 §5.6.7 IMF-fixdate), formatted at most once per second. */
public final class DateHeader {
    private static final DateTimeFormatter IMF_FIXDATE =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.ENGLISH).withZone(ZoneOffset.UTC);

    private volatile Cached cached = new Cached(-1, null);

    private record Cached(long second, HeaderLine line) {
    }

    /** The current field line; shared and immutable. */
    public HeaderLine line() {
        long second = System.currentTimeMillis() / 1_000;
        Cached current = cached;
        if (current.second != second) {
            current = new Cached(second, HeaderLine.of("Date", IMF_FIXDATE.format(Instant.ofEpochSecond(second))));
            cached = current;
        }
        return current.line;
    }
}
