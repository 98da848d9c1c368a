package herald.server.broker;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A subscription resolved but not yet attached: the topics, where the stream starts in each, and what the
 * client must be told first. Made by {@link Broker#subscribe}, consumed by {@link Broker#attach}.
 */
public final class Subscription {
    /** The event type of the gap signal. */
    public static final String GAP_EVENT = "herald-gap";

    final Topic[] topics;
    final long[] cursors;
    private final List<Gap> gaps;
    private final String position;
    private final long retryMillis;
    private boolean typedByTopic;
    long expiresAtMillis;                   // 0: never; set before attach, by the request's thread

    Subscription(Topic[] topics, long[] cursors, List<Gap> gaps, String position, long retryMillis) {
        this.topics = topics;
        this.cursors = cursors;
        this.gaps = gaps;
        this.position = position;
        this.retryMillis = retryMillis;
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
