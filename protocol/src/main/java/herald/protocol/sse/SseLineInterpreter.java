package herald.protocol.sse;

/**
 * The second stage of {@link SseStreamParser}: processes whole lines (without their line ends, BOM removed) as
 * 9.2.6 says "lines must be processed, in the order they are received", keeping the data, event type and last
 * event ID buffers, the last event ID string and the reconnection time.
 *
 * <p>Lines arrive as UTF-8 bytes. Field names are compared as bytes: an ASCII name's UTF-8 bytes are the name, and
 * no other byte sequence decodes to ASCII, so this equals comparing decoded strings. Values are decoded into the
 * buffers; decoding a line alone equals decoding the stream because a line end, being ASCII, always ends a pending
 * UTF-8 sequence. Likewise U+0000 in a value means the byte 0x00 in the line, and nothing else.
 */
final class SseLineInterpreter {
    private static final byte COLON = ':';
    private static final byte SPACE = ' ';
    private static final byte NUL = 0;
    private static final byte[] DATA = {'d', 'a', 't', 'a'};
    private static final byte[] EVENT = {'e', 'v', 'e', 'n', 't'};
    private static final byte[] ID = {'i', 'd'};
    private static final byte[] RETRY = {'r', 'e', 't', 'r', 'y'};

    private final SseListener listener;
    private final int maxDataChars;

    private final TextBuffer data = new TextBuffer();
    private final TextBuffer eventType = new TextBuffer();
    private final TextBuffer lastEventIdBuffer = new TextBuffer();
    private final TextBuffer lastEventId = new TextBuffer();   // the "last event ID string", set at dispatch
    private TextBuffer comment;                                 // created at the first comment

    private boolean lastEventIdBufferSet;   // an id field ran since the last dispatch: the buffer may differ
    private String lastEventIdString = "";  // lastEventId as a String for callers; null until asked again
    private long reconnectionTime = -1;

    SseLineInterpreter(SseListener listener, int maxDataChars) {
        this.listener = listener;
        this.maxDataChars = maxDataChars;
    }

    /** One line, {@code a[from, to)}. */
    void line(byte[] a, int from, int to) {
        if (from == to) {
            dispatch();                                     // "If the line is empty (a blank line)"
            return;
        }
        if (a[from] == COLON) {
            comment(a, from + 1, to);                       // "If the line starts with a U+003A COLON character"
            return;
        }
        int colon = from + 1;
        while (colon < to && a[colon] != COLON) {
            colon++;
        }
        int valueFrom = colon;                              // no colon: "the empty string as the field value"
        if (colon < to) {
            valueFrom++;
            if (valueFrom < to && a[valueFrom] == SPACE) {
                valueFrom++;                                // "If value starts with a U+0020 SPACE ..., remove it"
            }
        }
        field(a, from, colon, valueFrom, to);
    }

    private void field(byte[] a, int nameFrom, int nameTo, int valueFrom, int valueTo) {
        switch (nameTo - nameFrom) {
            case 4 -> {
                if (startsWith(a, nameFrom, DATA)) {
                    data.appendUtf8(a, valueFrom, valueTo);
                    data.append('\n');
                    if (data.length() > maxDataChars) {
                        throw new SseLimitException("data", maxDataChars);
                    }
                }
            }
            case 5 -> {
                if (startsWith(a, nameFrom, EVENT)) {
                    eventType.setUtf8(a, valueFrom, valueTo);
                } else if (startsWith(a, nameFrom, RETRY)) {
                    retry(a, valueFrom, valueTo);
                }
            }
            case 2 -> {
                if (startsWith(a, nameFrom, ID) && !contains(a, valueFrom, valueTo, NUL)) {
                    lastEventIdBuffer.setUtf8(a, valueFrom, valueTo);   // the empty value resets it
                    lastEventIdBufferSet = true;
                }
            }
            default -> {
                // "Otherwise: The field is ignored."
            }
        }
    }

    /**
     * "If the field value consists of only ASCII digits, then interpret the field value as an integer in base ten,
     * and set the event stream's reconnection time to that integer. Otherwise, ignore the field." The empty value
     * and a value beyond {@code Long.MAX_VALUE} (no integer we can hold) are ignored.
     */
    private void retry(byte[] a, int from, int to) {
        if (from == to) {
            return;
        }
        long value = 0;
        for (int i = from; i < to; i++) {
            int digit = a[i] - '0';
            if (digit < 0 || digit > 9) {
                return;
            }
            if (value > (Long.MAX_VALUE - digit) / 10) {
                return;
            }
            value = value * 10 + digit;
        }
        reconnectionTime = value;
        listener.onRetry(value);
    }

    /** Browsers ignore comments; the text after the colon, one leading space removed, goes to the listener. */
    private void comment(byte[] a, int from, int to) {
        if (from < to && a[from] == SPACE) {
            from++;
        }
        TextBuffer text = comment;
        if (text == null) {
            text = new TextBuffer();
            comment = text;
        }
        text.setUtf8(a, from, to);
        listener.onComment(text);
    }

    /** 9.2.6 "dispatch the event": steps 1 to 7; step 8 (queue a task) is the listener's call. */
    private void dispatch() {
        if (lastEventIdBufferSet) {                         // 1. last event ID string := last event ID buffer
            lastEventIdBufferSet = false;
            if (!lastEventId.contentEquals(lastEventIdBuffer)) {
                lastEventId.set(lastEventIdBuffer);
                lastEventIdString = null;
            }
        }
        if (data.length() == 0) {                           // 2. no data: reset data and type buffers, return
            eventType.clear();
            return;
        }
        if (data.last() == '\n') {                          // 3. always true: each data line appended an LF
            data.removeLast();
        }
        CharSequence type = eventType.length() == 0 ? SseEvent.DEFAULT_TYPE : eventType;   // 5, 6
        try {
            listener.onEvent(type, data, lastEventId);
        } finally {
            data.clear();                                   // 7.
            eventType.clear();
        }
    }

    /**
     * The stream ended: drops the data and type buffers. A new stream's last event ID buffer starts from the last
     * event ID string, as Chromium's does on reconnection.
     */
    void endOfStream() {
        data.clear();
        eventType.clear();
        lastEventIdBuffer.set(lastEventId);
        lastEventIdBufferSet = false;
    }

    /** Back to a new stream with {@code id} as the last event ID, giving back storage above {@code keepChars}. */
    void reset(String id, int keepChars) {
        data.clearAndTrim(keepChars);
        eventType.clearAndTrim(keepChars);
        lastEventId.clearAndTrim(keepChars);
        lastEventId.set(id);
        lastEventIdBuffer.clearAndTrim(keepChars);
        lastEventIdBuffer.set(id);
        lastEventIdBufferSet = false;
        lastEventIdString = id;
        comment = null;
    }

    void clearReconnectionTime() {
        reconnectionTime = -1;
    }

    String lastEventId() {
        String s = lastEventIdString;
        if (s == null) {
            s = lastEventId.toString();
            lastEventIdString = s;
        }
        return s;
    }

    long reconnectionTime() {
        return reconnectionTime;
    }

    /** Whether {@code a} holds {@code name} from {@code from}; the caller has checked the length. */
    private static boolean startsWith(byte[] a, int from, byte[] name) {
        for (int k = 0; k < name.length; k++) {
            if (a[from + k] != name[k]) {
                return false;
            }
        }
        return true;
    }

    private static boolean contains(byte[] a, int from, int to, byte b) {
        for (int i = from; i < to; i++) {
            if (a[i] == b) {
                return true;
            }
        }
        return false;
    }
}
