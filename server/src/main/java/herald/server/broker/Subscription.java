package herald.server.broker;

import herald.protocol.sse.SseEncoder;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A subscription resolved but not yet attached: the topics, where the stream starts in each, and what the
 * client must be told first. Made by {@link Broker#subscribe}, consumed by {@link Broker#attach}.
 */
public final class Subscription {
    /** The event type of the gap signal. */
    public static final String GAP_EVENT = "herald-gap";
    private static final byte[] ID = "id: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NO_RETRY = new byte[0];
    /** The last {@code retry:} line made: every stream of a server has the same, so one is kept. */
    private static volatile RetryLine lastRetry = new RetryLine(-1, NO_RETRY);

    final Topic[] topics;
    final long[] cursors;
    private final List<Gap> gaps;
    private final String position;
    private final long retryMillis;
    final EventIds ids;                     // the epoch the positions are in
    private boolean typedByTopic;
    long expiresAtMillis;                   // 0: never; set before attach, by the request's thread
    private Upstream upstream;              // cluster mode, with a replay from the shared log; else null
    private long[] historyUpTo;             // per topic: replay (cursor, historyUpTo] first; -1 none
    private int historyTopic;               // the topic being replayed

    /**
     * Events per page of a replay from the shared log (one round trip, one write): small enough that a page of the
     * largest events (1 MiB bodies) stays within 64 MiB, and many resumes at once within the heap.
     */
    static final int HISTORY_PAGE = 64;

    Subscription(Topic[] topics, long[] cursors, List<Gap> gaps, String position, long retryMillis, EventIds ids) {
        this.topics = topics;
        this.cursors = cursors;
        this.gaps = gaps;
        this.position = position;
        this.retryMillis = retryMillis;
        this.ids = ids;
    }

    /** Cluster mode: the stream first replays {@code (cursor, upTo[i]]} of each topic from the shared log. */
    void replayFrom(Upstream from, long[] upTo) {
        this.upstream = from;
        this.historyUpTo = upTo;
    }

    /**
     * Cluster mode: the next page of events the stream replays from the shared log before it is attached (events
     * older than this node's copy holds, {@link ResumeResolver}), encoded with this stream's ids; null when there is
     * nothing (more) to replay. The request's thread writes each page after the preamble, then attaches. One round
     * trip per call. Topics are replayed one after the other, each in order, each event once; the stream's position
     * moves with them. A replay that cannot go on (the shared log became unreachable, or trimmed what was left) ends
     * early: the stream then continues from the last event replayed, finds the next one gone from the node's copy,
     * and is cut off, and its client resumes from there (exactly, or with the gap signal).
     */
    public byte[] nextHistory() {
        if (historyUpTo == null) {
            return null;
        }
        while (historyTopic < topics.length) {
            int t = historyTopic;
            long upTo = historyUpTo[t];
            if (upTo < 0 || cursors[t] >= upTo) {
                historyTopic++;
                continue;
            }
            List<Upstream.Event> page;
            try {
                page = upstream.history(topics[t].name, ids, cursors[t], upTo, HISTORY_PAGE);
            } catch (BrokerException e) {
                page = List.of();
            }
            if (page.isEmpty()) {
                historyTopic++;                     // cannot go on: see above
                continue;
            }
            return encode(t, page);
        }
        historyUpTo = null;
        return null;
    }

    private byte[] encode(int t, List<Upstream.Event> page) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(page.size() * 128);
        boolean typed = typedByTopic();
        for (Upstream.Event event : page) {
            if (event.seq() != cursors[t] + 1) {
                historyUpTo[t] = -1;                // not the next one (trimmed meanwhile): stop this topic here
                break;
            }
            cursors[t] = event.seq();
            String id = topics.length == 1 ? ids.format(cursors[t]) : ids.format(cursors);
            String type = event.eventType() == null ? null
                    : new String(event.eventType(), StandardCharsets.UTF_8);
            if (typed) {
                type = type == null ? topics[t].name : topics[t].name + ":" + type;
            }
            out.writeBytes(SseEncoder.toBytes(type, new String(event.data(), StandardCharsets.UTF_8), id,
                    event.retryMillis()));
        }
        return out.toByteArray();
    }

    /**
     * Dispatches this stream's events (of several topics) as type {@code <topic>} for an event without a type
     * and {@code <topic>:<type>} for one with, so that a plain {@code EventSource} can tell the topics apart
     * with {@code addEventListener}. Off by default (types as published). No effect on a stream of one topic.
     */
    public Subscription typedByTopic(boolean on) {
        this.typedByTopic = on;
        return this;
    }

    boolean typedByTopic() {
        return typedByTopic && topics.length > 1;
    }

    /**
     * Ends the stream at {@code epochMillis} (the token's {@code exp}), within a tick of the broker's timer
     * (at most a second): the client reconnects after its {@code retry}, with a fresh token. Call before
     * {@link Broker#attach}.
     */
    public void expireAt(long epochMillis) {
        this.expiresAtMillis = Math.max(1, epochMillis);
    }

    /**
     * The first bytes of the stream: {@code retry:}, one gap event per topic whose resume position was
     * lost, and an {@code id:} line with no data that sets the client's last event id to the starting
     * position (so that a client that drops before its first event still resumes without loss).
     */
    public byte[] preamble() {
        if (!gaps.isEmpty()) {
            return preambleWithGaps();
        }
        byte[] retry = retryLine(retryMillis);
        int n = position.length();
        byte[] out = new byte[retry.length + ID.length + n + 2];
        System.arraycopy(retry, 0, out, 0, retry.length);
        System.arraycopy(ID, 0, out, retry.length, ID.length);
        int at = retry.length + ID.length;
        for (int i = 0; i < n; i++) {
            char c = position.charAt(i);
            out[at++] = c < 0x80 ? (byte) c : (byte) '?';     // as US-ASCII encodes it (ids are ASCII)
        }
        out[at++] = '\n';
        out[at] = '\n';
        return out;
    }

    private record RetryLine(long millis, byte[] bytes) {
    }

    private static byte[] retryLine(long millis) {
        if (millis < 0) {
            return NO_RETRY;
        }
        RetryLine line = lastRetry;
        if (line.millis != millis) {
            line = new RetryLine(millis, ("retry: " + millis + "\n").getBytes(StandardCharsets.US_ASCII));
            lastRetry = line;
        }
        return line.bytes;
    }

    private byte[] preambleWithGaps() {
        StringBuilder out = new StringBuilder(64 + gaps.size() * 96);
        if (retryMillis >= 0) {
            out.append("retry: ").append(retryMillis).append('\n');
        }
        for (Gap gap : gaps) {
            out.append("event: ").append(GAP_EVENT).append('\n')
                    .append("data: {\"topic\":\"").append(gap.topic())
                    .append("\",\"reason\":\"").append(gap.reason().wire())
                    .append("\",\"resumeAfter\":\"").append(gap.resumeAfter()).append("\"}\n\n");
        }
        out.append("id: ").append(position).append("\n\n");
        return out.toString().getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * Events a client missed and cannot get: its id is older than the retained window, or not from this
     * server run. {@code resumeAfter} is the id (of the topic alone) after which the stream continues.
     */
    public record Gap(String topic, Reason reason, String resumeAfter) {
    }

    public enum Reason {
        /** The id is older than what the topic's log retains. */
        EVICTED("evicted"),
        /** The id is not one this server run handed out (another epoch, malformed, or ahead of the log). */
        UNKNOWN("unknown");

        private final String wire;

        Reason(String wire) {
            this.wire = wire;
        }

        public String wire() {
            return wire;
        }
    }
}
