package herald.protocol.http1;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The header section stage: validates each field line, records its offsets, and reads the fields that decide how
 * the message is framed and handled — {@code Host}, {@code Content-Length}, {@code Transfer-Encoding},
 * {@code Connection}, {@code Expect} — without creating strings ({@link FieldValues}, {@link TransferCodings}).
 * {@link #finish} applies the rules that need the whole section. One per {@link RequestParser}, reused for every
 * request; not thread-safe.
 *
 * <p>Precedence at the end of the head: Host (400: missing in HTTP/1.1, repeated, or not
 * {@code uri-host [ ":" port ]}), then framing ({@link TransferCodings}: 400, then 501), then 413 for a
 * Content-Length above {@code maxBodyBytes}, then 417 for an expectation other than {@code 100-continue}. A
 * malformed Content-Length, Connection or Transfer-Encoding value is a 400 at its own line, and so is a second
 * Content-Length field line or a list as its value, even of identical values ({@code 5, 5}): nginx refuses both,
 * and a recipient may (RFC 9110 §8.6, RFC 9112 §6.3), so no proxy in front can frame a request otherwise.
 */
final class HeaderParser {
    private static final byte[] HOST = lower("host");
    private static final byte[] EXPECT = lower("expect");
    private static final byte[] CONNECTION = lower("connection");
    private static final byte[] CONTENT_LENGTH = lower("content-length");
    private static final byte[] TRANSFER_ENCODING = lower("transfer-encoding");

    private final HttpLimits limits;
    private final TransferCodings transferCodings = new TransferCodings();

    private int base;                   // offsets are relative to the start of the request line
    private static final int INITIAL_FIELDS = 16;
    private int[] offsets = new int[INITIAL_FIELDS * FieldLines.SLOT];
    private int count;

    private int hostIndex;
    private int hostCount;
    private long contentLength;
    private int connectionOptions;      // FieldValues.CLOSE | FieldValues.KEEP_ALIVE
    private int expectations;           // FieldValues.CONTINUE | FieldValues.OTHER_EXPECTATION

    HeaderParser(HttpLimits limits) {
        this.limits = limits;
    }

    /** Starts a header section whose offsets are taken relative to {@code base}. */
    void reset(int base) {
        this.base = base;
        count = 0;
        hostIndex = -1;
        hostCount = 0;
        contentLength = -1;
        connectionOptions = 0;
        expectations = 0;
        transferCodings.reset();
    }

    /**
     * Parses the field line {@code b[start..lf]}, its LF at {@code lf}: the strict path, for any line the fast
     * path declined.
     */
    void parseLine(byte[] b, int start, int lf) {
        if (count == limits.maxHeaderCount()) {
            throw HttpException.tooManyHeaderFields(limits.maxHeaderCount());
        }
        int slot = count * FieldLines.SLOT;
        if (slot == offsets.length) {
            offsets = Arrays.copyOf(offsets, 2 * offsets.length);
        }
        FieldLines.parse(b, start, lf, base, offsets, slot);
        count++;
        fieldParsed(b, start, offsets[slot] + base, lf - 1);
    }

    /**
     * The fast path: parses the complete, valid field lines from {@code b[pos]} on, one pass each (name up to the
     * colon, then the value scanned for controls up to the CRLF), as long as each ends before {@code bound} (the
     * data's end or the header section's limit). Returns the start of the first line it did not take — the empty
     * line, a line not yet complete, one crossing the limit, or one with anything unusual — for the caller's strict
     * path, which then judges it exactly as if this method had not run. Requires a sentinel at the data's end: a
     * byte that is neither a tchar nor CR.
     */
    int parseLines(byte[] b, int pos, int bound) {
        int maxCount = limits.maxHeaderCount();
        int n = count;
        int[] o = offsets;
        while (b[pos] != AsciiTable.CR && n < maxCount) {
            // Both scans start at the line start, so they overlap in the CPU instead of waiting for each other;
            // the next line waits only for the CR. A tchar is no control, so the colon comes before the CR.
            int cr = ByteScan.indexOfControl(b, pos, bound);           // SP is no control, obs-text neither
            while (cr < bound && b[cr] == AsciiTable.HTAB) {
                cr = ByteScan.indexOfControl(b, cr + 1, bound);
            }
            int colon = ByteScan.indexOfNonNameChar(b, pos, bound);    // letters, digits, '-': eight at a time
            while (AsciiTable.is(b[colon], AsciiTable.TCHAR)) {         // the rest of tchar; the sentinel stops it
                colon++;
            }
            if (colon == pos || b[colon] != ':' || cr + 1 >= bound || b[cr] != AsciiTable.CR
                    || b[cr + 1] != AsciiTable.LF) {
                break;
            }
            int slot = n * FieldLines.SLOT;
            if (slot == o.length) {
                o = offsets = Arrays.copyOf(o, 2 * o.length);
            }
            o[slot] = colon - base;
            o[slot + 1] = cr - base;
            count = ++n;
            fieldParsed(b, pos, colon, cr);
            pos = cr + 2;
        }
        return pos;
    }

    /** Reads the fields that frame and steer the request, matching names by length first. */
    private void fieldParsed(byte[] b, int start, int colon, int cr) {
        switch (colon - start) {
            case 4 -> {
                if (AsciiTable.equalsLowerCase(b, start, HOST) && hostCount++ == 0) {
                    hostIndex = count - 1;
                }
            }
            case 6 -> {
                if (AsciiTable.equalsLowerCase(b, start, EXPECT)) {
                    int from = FieldLines.valueStart(b, colon, cr);
                    expectations |= FieldValues.expectations(b, from, FieldLines.valueEnd(b, from, cr));
                }
            }
            case 10 -> {
                if (AsciiTable.equalsLowerCase(b, start, CONNECTION)) {
                    int from = FieldLines.valueStart(b, colon, cr);
                    connectionOptions |= FieldValues.connectionOptions(b, from, FieldLines.valueEnd(b, from, cr));
                }
            }
            case 14 -> {
                if (AsciiTable.equalsLowerCase(b, start, CONTENT_LENGTH)) {
                    int from = FieldLines.valueStart(b, colon, cr);
                    if (contentLength >= 0) {       // even an identical one: RFC 9110 §8.6 lets us refuse it
                        throw HttpException.badRequest("more than one Content-Length field line");
                    }
                    contentLength = FieldValues.contentLength(b, from, FieldLines.valueEnd(b, from, cr));
                }
            }
            case 17 -> {
                if (AsciiTable.equalsLowerCase(b, start, TRANSFER_ENCODING)) {
                    int from = FieldLines.valueStart(b, colon, cr);
                    transferCodings.add(b, from, FieldLines.valueEnd(b, from, cr));
                }
            }
            default -> {
            }
        }
    }

    /** Applies the rules that need the whole header section; see the class comment for their order. */
    void finish(byte[] b, HttpVersion version) {
        if (hostCount > 1) {
            throw HttpException.badRequest("more than one Host field line");
        }
        if (hostCount == 0) {
            if (version == HttpVersion.HTTP_1_1) {
                throw HttpException.badRequest("HTTP/1.1 request without Host");
            }
        } else {
            int cr = offsets[hostIndex * FieldLines.SLOT + 1] + base;
            int from = FieldLines.valueStart(b, offsets[hostIndex * FieldLines.SLOT] + base, cr);
            if (!HostValidator.isValid(b, from, FieldLines.valueEnd(b, from, cr), false)) {
                throw HttpException.badRequest("Host is not a valid uri-host [ \":\" port ]");
            }
        }
        if (transferCodings.present()) {
            transferCodings.check(version, contentLength >= 0);
        }
        if (contentLength > limits.maxBodyBytes()) {
            throw HttpException.contentTooLarge(limits.maxBodyBytes());
        }
        if ((expectations & FieldValues.OTHER_EXPECTATION) != 0) {
            throw HttpException.expectationFailed();
        }
    }

    boolean grown() {
        return offsets.length > INITIAL_FIELDS * FieldLines.SLOT;
    }

    int[] offsets() {
        return offsets;
    }

    int count() {
        return count;
    }

    int hostIndex() {
        return hostIndex;
    }

    long contentLength() {
        return contentLength;
    }

    boolean chunked() {
        return transferCodings.present();   // finish() let nothing but a lone, final chunked through
    }

    boolean keepAlive(HttpVersion version) {
        return (connectionOptions & FieldValues.CLOSE) == 0
                && (version == HttpVersion.HTTP_1_1 || (connectionOptions & FieldValues.KEEP_ALIVE) != 0);
    }

    /** RFC 9110 §10.1.1: a server ignores a 100-continue expectation in an HTTP/1.0 request. */
    boolean expectsContinue(HttpVersion version) {
        return (expectations & FieldValues.CONTINUE) != 0 && version == HttpVersion.HTTP_1_1;
    }

    private static byte[] lower(String name) {
        return name.getBytes(StandardCharsets.US_ASCII);
    }
}
