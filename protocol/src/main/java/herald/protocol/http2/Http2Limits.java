package herald.protocol.http2;

/**
 * Every limit of Herald's HTTP/2 server connection in one value, validated at construction. The first six are
 * announced to the client in Herald's SETTINGS frame or its first WINDOW_UPDATE; the last four bound the known
 * attacks and are Herald's own.
 *
 * @param maxConcurrentStreams      SETTINGS_MAX_CONCURRENT_STREAMS ({@code --h2-max-streams}); default 100; a
 *                                  stream opened beyond it is refused with RST_STREAM REFUSED_STREAM
 * @param initialWindowBytes        SETTINGS_INITIAL_WINDOW_SIZE: each stream's receive window for request bodies;
 *                                  default 65,535
 * @param connectionWindowBytes     the connection's receive window, raised from 65,535 by a WINDOW_UPDATE sent with
 *                                  the SETTINGS; default 1 MiB ({@code 1_048_576})
 * @param maxFrameBytes             SETTINGS_MAX_FRAME_SIZE: the largest frame payload accepted; default 16,384;
 *                                  FRAME_SIZE_ERROR beyond
 * @param maxHeaderListBytes        SETTINGS_MAX_HEADER_LIST_SIZE: a request's decoded field list, counted as RFC
 *                                  7541 section 4.1 does (name + value + 32 per field); default 16 KiB
 *                                  ({@code 16_384}); a request over it is answered 431. Also the most bytes of an
 *                                  encoded field block that are buffered across HEADERS and CONTINUATION frames:
 *                                  beyond, the block is cut off and the connection closed with ENHANCE_YOUR_CALM
 *                                  (CVE-2024-27316)
 * @param headerTableBytes          SETTINGS_HEADER_TABLE_SIZE: the HPACK decoder's dynamic table; default 4,096
 * @param maxPendingControlFrames   answers the client caused (SETTINGS and PING acknowledgements, RST_STREAM) that
 *                                  may wait in the output before the transport drains it; default 1,000; beyond,
 *                                  ENHANCE_YOUR_CALM (SETTINGS, PING and reset floods)
 * @param rapidResetWindowStreams   streams per window of the rapid-reset count; default 1,000
 * @param maxRapidResets            streams the client may reset before Herald sent their response head, per window
 *                                  of {@code rapidResetWindowStreams} streams opened; default 200; beyond,
 *                                  ENHANCE_YOUR_CALM (CVE-2023-44487)
 * @param maxConsecutiveEmptyFrames frames in a row that carry nothing (DATA without data or END_STREAM, field
 *                                  block fragments without bytes or END_HEADERS, PRIORITY, unknown types); default
 *                                  100; beyond, ENHANCE_YOUR_CALM
 */
public record Http2Limits(int maxConcurrentStreams, int initialWindowBytes, int connectionWindowBytes,
                          int maxFrameBytes, int maxHeaderListBytes, int headerTableBytes,
                          int maxPendingControlFrames, int rapidResetWindowStreams, int maxRapidResets,
                          int maxConsecutiveEmptyFrames) {

    /** The defaults listed above. */
    public static final Http2Limits DEFAULTS = new Http2Limits(100, 65_535, 1_048_576, 16_384, 16_384, 4_096,
            1_000, 1_000, 200, 100);

    /**
     * Validates every limit.
     *
     * @throws IllegalArgumentException naming the first value out of range
     */
    public Http2Limits {
        check("maxConcurrentStreams", maxConcurrentStreams, 1, Integer.MAX_VALUE);
        check("initialWindowBytes", initialWindowBytes, 1, FrameDescriptor.MAX_WINDOW_BYTES);
        check("connectionWindowBytes", connectionWindowBytes, FrameDescriptor.DEFAULT_WINDOW_BYTES,
                FrameDescriptor.MAX_WINDOW_BYTES);
        check("maxFrameBytes", maxFrameBytes, FrameDescriptor.DEFAULT_MAX_FRAME_BYTES,
                FrameDescriptor.MAX_MAX_FRAME_BYTES);
        check("maxHeaderListBytes", maxHeaderListBytes, 1, 268_435_456);
        check("headerTableBytes", headerTableBytes, 0, Integer.MAX_VALUE);
        check("maxPendingControlFrames", maxPendingControlFrames, 1, 1_000_000);
        check("rapidResetWindowStreams", rapidResetWindowStreams, 1, Integer.MAX_VALUE);
        check("maxRapidResets", maxRapidResets, 0, Integer.MAX_VALUE);
        check("maxConsecutiveEmptyFrames", maxConsecutiveEmptyFrames, 0, Integer.MAX_VALUE);
    }

    private static void check(String name, int value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(name + "=" + value + " (must be " + min + ".." + max + ")");
        }
    }

    public Http2Limits withMaxConcurrentStreams(int value) {
        return new Http2Limits(value, initialWindowBytes, connectionWindowBytes, maxFrameBytes, maxHeaderListBytes,
                headerTableBytes, maxPendingControlFrames, rapidResetWindowStreams, maxRapidResets,
                maxConsecutiveEmptyFrames);
    }

    public Http2Limits withInitialWindowBytes(int value) {
        return new Http2Limits(maxConcurrentStreams, value, connectionWindowBytes, maxFrameBytes, maxHeaderListBytes,
                headerTableBytes, maxPendingControlFrames, rapidResetWindowStreams, maxRapidResets,
                maxConsecutiveEmptyFrames);
    }

    public Http2Limits withConnectionWindowBytes(int value) {
        return new Http2Limits(maxConcurrentStreams, initialWindowBytes, value, maxFrameBytes, maxHeaderListBytes,
                headerTableBytes, maxPendingControlFrames, rapidResetWindowStreams, maxRapidResets,
                maxConsecutiveEmptyFrames);
    }

    public Http2Limits withMaxFrameBytes(int value) {
        return new Http2Limits(maxConcurrentStreams, initialWindowBytes, connectionWindowBytes, value,
                maxHeaderListBytes, headerTableBytes, maxPendingControlFrames, rapidResetWindowStreams,
                maxRapidResets, maxConsecutiveEmptyFrames);
    }

    public Http2Limits withMaxHeaderListBytes(int value) {
        return new Http2Limits(maxConcurrentStreams, initialWindowBytes, connectionWindowBytes, maxFrameBytes, value,
                headerTableBytes, maxPendingControlFrames, rapidResetWindowStreams, maxRapidResets,
                maxConsecutiveEmptyFrames);
    }

    public Http2Limits withHeaderTableBytes(int value) {
        return new Http2Limits(maxConcurrentStreams, initialWindowBytes, connectionWindowBytes, maxFrameBytes,
                maxHeaderListBytes, value, maxPendingControlFrames, rapidResetWindowStreams, maxRapidResets,
                maxConsecutiveEmptyFrames);
    }

    public Http2Limits withMaxPendingControlFrames(int value) {
        return new Http2Limits(maxConcurrentStreams, initialWindowBytes, connectionWindowBytes, maxFrameBytes,
                maxHeaderListBytes, headerTableBytes, value, rapidResetWindowStreams, maxRapidResets,
                maxConsecutiveEmptyFrames);
    }

    /** The rapid-reset bound: at most {@code maxResets} early resets per {@code windowStreams} streams opened. */
    public Http2Limits withRapidResets(int maxResets, int windowStreams) {
        return new Http2Limits(maxConcurrentStreams, initialWindowBytes, connectionWindowBytes, maxFrameBytes,
                maxHeaderListBytes, headerTableBytes, maxPendingControlFrames, windowStreams, maxResets,
                maxConsecutiveEmptyFrames);
    }

    public Http2Limits withMaxConsecutiveEmptyFrames(int value) {
        return new Http2Limits(maxConcurrentStreams, initialWindowBytes, connectionWindowBytes, maxFrameBytes,
                maxHeaderListBytes, headerTableBytes, maxPendingControlFrames, rapidResetWindowStreams,
                maxRapidResets, value);
    }
}
