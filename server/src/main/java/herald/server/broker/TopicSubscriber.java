package herald.server.broker;

import herald.server.log.EventLog;
import herald.server.log.Run;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;

/**
 * A subscriber of one topic. Its stream is the topic's records byte for byte, so a backlog of any length goes
 * out as one or two contiguous regions of log memory per write: replay after a reconnect and live delivery
 * are this same code.
 *
 * <p>Per subscriber it keeps a cursor and two read-only views of log segments, made once per segment and
 * repositioned for every write after that; delivering allocates nothing.
 */
final class TopicSubscriber extends Subscriber {
    private static final VarHandle BATCH_LAST;

    static {
        try {
            BATCH_LAST = MethodHandles.lookup().findVarHandle(TopicSubscriber.class, "batchLast", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Topic topic;
    private Shard shard;                  // guarded by the topic's lock
    private long cursor;                  // last sequence fully written; writer thread only
    private ByteBuffer viewA;
    private ByteBuffer viewB;
    private Object keyA;
    private Object keyB;
    private long batchLast;               // the cursor once the batch is written; overtaken() reads it when WAITING,
                                          // publishers (positionIn) at any time: written opaque
    private int batchEvents;
    private boolean batchMore;            // more may be readable right after the batch

    TopicSubscriber(SubscriberSink sink, Broker broker, Topic topic, long cursor) {
        super(sink, broker, 2, !TopicNames.isSystem(topic.name));
        this.topic = topic;
        this.cursor = cursor;
        this.batchLast = cursor;
    }

    Topic topic() {
        return topic;
    }

    /** One or two contiguous runs of log memory: the backlog continues in the next segment. */
    @Override
    int nextBatch(DeliveryScratch scratch) {
        EventLog log = topic.log();
        if (log == null) {
            return 0;
        }
        Run run = scratch.run;
        int status = log.read(cursor, run, RUN_BYTES, Integer.MAX_VALUE);
        if (status != EventLog.RUN) {
            return status == EventLog.OVERTAKEN ? OVERTAKEN : 0;
        }
        ByteBuffer[] gather = scratch.gather;
        ByteBuffer first = view(run, null);
        long appendNanos = run.firstAppendNanos();
        long last = run.lastSeq();
        int events = run.eventCount();
        gather[0] = first;
        int n = 1;
        if (run.more() && first.remaining() < RUN_BYTES
                && log.read(last, run, RUN_BYTES, Integer.MAX_VALUE) == EventLog.RUN) {
            gather[n++] = view(run, first);
            last = run.lastSeq();
            events += run.eventCount();
        }
        BATCH_LAST.setOpaque(this, last);  // a plain store on x86 and ARM; only tearing is ruled out
        batchEvents = events;
        batchAppendNanos = appendNanos;
        batchMore = run.more();
        return n;
    }

    @Override
    boolean batchWritten(DeliveryScratch scratch) {
        cursor = batchLast;
        if (counted) {
            scratch.events += batchEvents;
        }
        return batchMore;
    }

    /** A view positioned on {@code run}: one of the two kept views, rebound only when the segment changed. */
    private ByteBuffer view(Run run, ByteBuffer inUse) {
        Object memory = run.memoryKey();
        if (memory == keyA && viewA != inUse) {
            return run.positionView(viewA);
        }
        if (memory == keyB && viewB != inUse) {
            return run.positionView(viewB);
        }
        if (viewA == inUse) {
            viewB = run.newView();
            keyB = memory;
            return run.positionView(viewB);
        }
        viewA = run.newView();
        keyA = memory;
        return run.positionView(viewA);
    }

    @Override
    boolean overtaken() {
        EventLog log = topic.log();
        return log != null && log.isOvertaken(batchLast);
    }

    @Override
    long positionIn(Topic topic) {
        return (long) BATCH_LAST.getOpaque(this);
    }

    @Override
    void detach() {
        topic.remove(this);
    }

    @Override
    void joined(Topic topic, Shard shard) {
        this.shard = shard;
    }

    @Override
    Shard shardIn(Topic topic) {
        return shard;
    }
}
