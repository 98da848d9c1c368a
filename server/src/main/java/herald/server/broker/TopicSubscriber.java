package herald.server.broker;

import herald.server.log.EventLog;
import herald.server.log.Run;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/**
 * A subscriber of one topic. Its stream is the topic's records byte for byte, so a backlog of any length goes
 * out as one or two contiguous regions of log memory per write: replay after a reconnect and live delivery
 * are this same code.
 *
 * <p>Per subscriber it keeps a cursor and two read-only views of log segments, made once per segment and
 * repositioned for every write after that; delivering allocates nothing.
 */
final class TopicSubscriber extends Subscriber {
    private final Topic topic;
    private Shard shard;                  // guarded by the topic's lock
    private long cursor;                  // last sequence fully written; writer thread only
    private ByteBuffer viewA;
    private ByteBuffer viewB;
    private Object keyA;
    private Object keyB;
    private ByteBuffer pending0;           // a write in progress: up to two views with bytes left
    private ByteBuffer pending1;
    private long pendingLast;             // read by overtaken() after the state moved to WAITING
    private int pendingEvents;
    private boolean heartbeatTail;        // a heartbeat's colon went out, its line feed not yet

    TopicSubscriber(SocketChannel channel, Broker broker, Topic topic, long cursor) {
        super(channel, broker);
        this.topic = topic;
        this.cursor = cursor;
        this.pendingLast = cursor;
    }

    @Override
    int writeAvailable(DeliveryScratch scratch) throws IOException {
        ByteBuffer[] gather = scratch.gather;
        if (heartbeatTail || pending0 != null) {
            int n = 0;
            if (heartbeatTail) {
                gather[n++] = scratch.newline();
            }
            if (pending0 != null) {
                gather[n++] = pending0;
                if (pending1 != null) {
                    gather[n++] = pending1;
                }
            }
            long written = channel.write(gather, 0, n);
            scratch.writes++;
            scratch.bytes += written;
            heartbeatTail = heartbeatTail && gather[0].hasRemaining();
            if (gather[n - 1].hasRemaining()) {
                return BLOCKED;
            }
            wrote();
            if (pending0 != null) {
                cursor = pendingLast;
                scratch.events += pendingEvents;
                pending0 = null;
                pending1 = null;
            }
        }
        EventLog log = topic.log();
        boolean wroteEvents = false;
        if (log != null) {
            Run run = scratch.run;
            long budget = TURN_BYTES;
            while (true) {
                int status = log.read(cursor, run, RUN_BYTES, Integer.MAX_VALUE);
                if (status == EventLog.NONE) {
                    break;
                }
                if (status == EventLog.OVERTAKEN) {
                    close(CloseReason.CUT_OFF);
                    return GONE;
                }
                ByteBuffer first = view(run, null);
                long last = run.lastSeq();
                int events = run.eventCount();
                gather[0] = first;
                int n = 1;
                if (run.more() && first.remaining() < RUN_BYTES
                        && log.read(last, run, RUN_BYTES, Integer.MAX_VALUE) == EventLog.RUN) {
                    gather[n++] = view(run, first);     // the backlog continues in the next segment
                    last = run.lastSeq();
                    events += run.eventCount();
                }
                boolean more = run.more();
                long written = n == 1 ? channel.write(first) : channel.write(gather, 0, n);   // write(2) over writev(2)
                scratch.writes++;
                scratch.bytes += written;
                if (gather[n - 1].hasRemaining()) {
                    pendingLast = last;
                    pendingEvents = events;
                    pending0 = first.hasRemaining() ? first : gather[1];
                    pending1 = pending0 == first && n == 2 ? gather[1] : null;
                    if (written > 0) {
                        wrote();
                    }
                    return BLOCKED;
                }
                wrote();
                wroteEvents = true;
                cursor = last;
                pendingLast = last;
                scratch.events += events;
                budget -= written;
                if (!more) {
                    break;                              // nothing newer yet: its publish will offer us again
                }
                if (budget <= 0) {
                    return YIELD;
                }
            }
        }
        if (!wroteEvents && heartbeatDue) {
            return writeHeartbeat(scratch);
        }
        return DONE;
    }

    @Override
    int gatherSlots() {
        return 3;
    }

    private int writeHeartbeat(DeliveryScratch scratch) throws IOException {
        ByteBuffer heartbeat = scratch.heartbeat();
        int written = channel.write(heartbeat);
        scratch.writes++;
        scratch.bytes += written;
        if (written == 0) {
            return BLOCKED;                       // full socket: nothing is half-written, just wait
        }
        scratch.heartbeats++;
        wrote();
        heartbeatTail = heartbeat.hasRemaining();
        return heartbeatTail ? BLOCKED : DONE;
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
        return log != null && log.isOvertaken(pendingLast);
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
