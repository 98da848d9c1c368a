package herald.server.broker;

// Longer than ~300 lines on purpose: the batch of a stream of several topics, its own id lines and its topic-typed
// event lines are one write layout; split, the buffers' indexes would be shared across files.

import herald.server.log.EventLog;
import herald.server.log.Run;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;

/**
 * A subscriber of several topics on one stream ({@code GET /events?topic=a&topic=b}). Its stream position is
 * one sequence per topic, so each event goes out as the shared record up to its {@code id:} line, followed
 * by this subscriber's own id line ({@code <epoch>-<seqA>_<seqB>}) and the blank line. The record bytes are
 * still written straight from log memory; only the id lines are this subscriber's.
 *
 * <p>Order: each topic's events in their order; between topics, in the order the subscriber finds them.
 *
 * <p>Typed by topic ({@code ?dispatch=topic}): each event's {@code event:} line is this stream's own, naming
 * the topic ({@code event: news} or {@code event: news:update}); the record is then written in two parts around
 * it (its {@code retry:} line, if any, then its data lines), four buffers per event instead of two.
 */
final class MultiTopicSubscriber extends Subscriber {
    private static final VarHandle POSITION = MethodHandles.arrayElementVarHandle(long[].class);
    /** Events per write: two buffers each (record, then id line). */
    static final int BATCH = DeliveryScratch.MAX_GATHER / 2;
    private static final byte[] ID = {'i', 'd', ':', ' '};
    private static final byte[] EVENT = {'e', 'v', 'e', 'n', 't', ':', ' '};
    private static final byte[] RETRY = {'r', 'e', 't', 'r', 'y', ':'};
    /** Events per write when typed by topic: four buffers each. */
    static final int TYPED_BATCH = DeliveryScratch.MAX_GATHER / 4;

    private final Topic[] topics;
    private final Shard[] shards;           // shards[t]: the shard of topics[t]; each guarded by its topic's lock
    private final long[] next;              // positions including the batch being written; written opaque, for
                                            // publishers reading positionIn
    private final byte[] idPrefix;
    private final ByteBuffer[] views = new ByteBuffer[BATCH];
    private final Object[] viewKeys = new Object[BATCH];
    private final ByteBuffer[] idLines = new ByteBuffer[BATCH];   // made when a batch first needs them
    private final byte[][] topicNames;      // typed by topic: each topic's name in UTF-8; else null
    private final ByteBuffer[] dataViews;   // typed by topic: the record's part after its event line
    private final Object[] dataViewKeys;
    private final ByteBuffer[] eventLines;  // typed by topic: this stream's event lines, made when first needed
    private int batchEvents;
    private int startTopic;                 // round-robin start, for fairness between topics

    MultiTopicSubscriber(SubscriberSink sink, Broker broker, Topic[] topics, long[] cursors, byte[] idPrefix,
                         boolean typedByTopic) {
        super(sink, broker, DeliveryScratch.MAX_GATHER, !allSystem(topics));
        this.topics = topics;
        this.shards = new Shard[topics.length];
        this.next = cursors.clone();
        this.idPrefix = idPrefix;
        if (typedByTopic) {
            topicNames = new byte[topics.length][];
            for (int t = 0; t < topics.length; t++) {
                topicNames[t] = topics[t].name.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            }
            dataViews = new ByteBuffer[TYPED_BATCH];
            dataViewKeys = new Object[TYPED_BATCH];
            eventLines = new ByteBuffer[TYPED_BATCH];
        } else {
            topicNames = null;
            dataViews = null;
            dataViewKeys = null;
            eventLines = null;
        }
    }

    private static boolean allSystem(Topic[] topics) {
        for (Topic topic : topics) {
            if (!TopicNames.isSystem(topic.name)) {
                return false;
            }
        }
        return true;
    }

    /** Up to {@link #BATCH} events, two buffers each (record up to its id line, this stream's id line), round robin. */
    @Override
    int nextBatch(DeliveryScratch scratch) {
        ByteBuffer[] gather = scratch.gather;
        Run run = scratch.run;
        int events = 0;
        int batch = topicNames == null ? BATCH : TYPED_BATCH;
        int buffers = 0;
        boolean progress = true;
        while (events < batch && progress) {
            progress = false;
            for (int k = 0; k < topics.length && events < batch; k++) {
                int t = (startTopic + k) % topics.length;
                EventLog log = topics[t].log();
                if (log == null) {
                    continue;
                }
                int status = log.read(next[t], run, RUN_BYTES, 1);
                if (status == EventLog.OVERTAKEN) {
                    return OVERTAKEN;
                }
                if (status == EventLog.RUN) {
                    long seq = run.lastSeq();
                    POSITION.setOpaque(next, t, seq);
                    if (events == 0) {
                        batchAppendNanos = run.firstAppendNanos();   // the batch's first event: round robin
                    }                                                 // makes it the oldest or close to it
                    ByteBuffer record = view(events, run);
                    record.limit(run.to() - 1 - log.idLineLength(seq));   // up to its own id line
                    if (topicNames == null) {
                        gather[buffers++] = record;
                    } else {
                        buffers = typedByTopic(gather, buffers, events, t, record, run);
                    }
                    gather[buffers++] = idLine(events);
                    events++;
                    progress = true;
                }
            }
            startTopic = (startTopic + 1) % topics.length;
        }
        batchEvents = events;
        return buffers;
    }

    /**
     * Splits {@code record} around its event line: its {@code retry:} line (if any), this stream's
     * {@code event: <topic>[:<type>]} line, then the rest of the record up to its id line. Adds three buffers.
     */
    private int typedByTopic(ByteBuffer[] gather, int at, int slot, int topic, ByteBuffer record, Run run) {
        int start = record.position();
        int end = record.limit();
        int afterRetry = startsWith(record, start, RETRY) ? lineEnd(record, start) : start;
        int typeFrom = -1;
        int afterEvent = afterRetry;
        if (startsWith(record, afterRetry, EVENT)) {
            typeFrom = afterRetry + EVENT.length;
            afterEvent = lineEnd(record, afterRetry);
        }
        ByteBuffer data = dataView(slot, run);
        data.limit(end).position(afterEvent);
        gather[at + 1] = eventLine(slot, topic, record, typeFrom, afterEvent - 1);   // reads the type first
        record.limit(afterRetry);                       // then the record is cut to its retry line, or nothing
        gather[at] = record;
        gather[at + 2] = data;
        return at + 3;
    }

    private static boolean startsWith(ByteBuffer record, int at, byte[] prefix) {
        if (record.limit() - at < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (record.get(at + i) != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    /** The index just past the line feed of the line starting at {@code at} (encoded records end lines with LF). */
    private static int lineEnd(ByteBuffer record, int at) {
        int i = at;
        while (record.get(i) != '\n') {
            i++;
        }
        return i + 1;
    }

    private ByteBuffer dataView(int index, Run run) {
        Object memory = run.memoryKey();
        if (dataViewKeys[index] != memory) {
            dataViews[index] = run.newView();
            dataViewKeys[index] = memory;
        }
        return dataViews[index].clear();
    }

    /** {@code event: <topic>\n}, or {@code event: <topic>:<type>\n} with the type at {@code [typeFrom, typeTo)}. */
    private ByteBuffer eventLine(int index, int topic, ByteBuffer record, int typeFrom, int typeTo) {
        byte[] name = topicNames[topic];
        int length = EVENT.length + name.length + 1 + (typeFrom < 0 ? 0 : 1 + typeTo - typeFrom);
        ByteBuffer line = eventLines[index];
        if (line == null || line.capacity() < length) {
            line = ByteBuffer.allocateDirect(Math.max(length, 64));      // rarely: a longer name or type
            eventLines[index] = line;
        }
        line.clear().put(EVENT).put(name);
        if (typeFrom >= 0) {
            line.put((byte) ':');
            for (int i = typeFrom; i < typeTo; i++) {
                line.put(record.get(i));
            }
        }
        line.put((byte) '\n');
        return line.flip();
    }

    @Override
    boolean batchWritten(DeliveryScratch scratch) {
        if (counted) {
            scratch.events += batchEvents;
        }
        return true;
    }

    private ByteBuffer view(int index, Run run) {
        Object memory = run.memoryKey();
        if (viewKeys[index] != memory) {
            views[index] = run.newView();
            viewKeys[index] = memory;
        }
        return run.positionView(views[index]);
    }

    /**
     * {@code id: <epoch>-<next[0]>_<next[1]>…\n\n} into the index-th id buffer. The buffers are made as batches
     * first need them and sized to the line (with room for the positions to grow), so an idle stream of many
     * topics holds none and a busy one only as many as its largest batch.
     */
    private ByteBuffer idLine(int index) {
        int length = ID.length + idPrefix.length + next.length + 1;     // separators and the two line feeds
        for (long position : next) {
            length += decimalLength(position);
        }
        ByteBuffer line = idLines[index];
        if (line == null || line.capacity() < length) {
            line = ByteBuffer.allocateDirect(length + 4 * next.length);  // rarely: a position gained a digit
            idLines[index] = line;
        }
        line.clear();
        line.put(ID).put(idPrefix);
        for (int t = 0; t < next.length; t++) {
            if (t > 0) {
                line.put((byte) EventIds.POSITION_SEPARATOR);
            }
            putDecimal(line, next[t]);
        }
        line.put((byte) '\n').put((byte) '\n');
        return line.flip();
    }

    private static int decimalLength(long value) {
        int digits = 1;
        while (value >= 10) {
            value /= 10;
            digits++;
        }
        return digits;
    }

    private static void putDecimal(ByteBuffer out, long value) {
        if (value == 0) {
            out.put((byte) '0');
            return;
        }
        int start = out.position();
        while (value > 0) {
            out.put((byte) ('0' + value % 10));
            value /= 10;
        }
        for (int i = start, j = out.position() - 1; i < j; i++, j--) {
            byte b = out.get(i);
            out.put(i, out.get(j));
            out.put(j, b);
        }
    }

    @Override
    boolean overtaken() {
        for (int t = 0; t < topics.length; t++) {
            EventLog log = topics[t].log();
            if (log != null && log.isOvertaken(next[t])) {
                return true;
            }
        }
        return false;
    }

    @Override
    void detach() {
        for (Topic topic : topics) {
            topic.remove(this);
        }
    }

    @Override
    void joined(Topic topic, Shard shard) {
        shards[indexOf(topic)] = shard;
    }

    @Override
    long positionIn(Topic topic) {
        return (long) POSITION.getOpaque(next, indexOf(topic));
    }

    @Override
    Shard shardIn(Topic topic) {
        return shards[indexOf(topic)];
    }

    private int indexOf(Topic topic) {
        int t = 0;
        while (topics[t] != topic) {
            t++;
        }
        return t;
    }
}
