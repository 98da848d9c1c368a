package herald.bench.fanout;

import herald.server.log.EventLog;
import herald.server.log.Run;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.GatheringByteChannel;

/**
 * A subscriber cursor reduced to what the log requires of a delivery: one {@code read}, one kept view of the
 * run's segment (made again only when the segment changes, as a subscriber keeps its views), one write.
 */
final class Cursor {
    private long position;
    private ByteBuffer view;
    private Object viewMemory;
    long events;

    Cursor(long position) {
        this.position = position;
    }

    /** Writes what is new to {@code channel}; returns the bytes written. */
    long deliver(EventLog log, Run run, GatheringByteChannel channel) throws IOException {
        int status = log.read(position, run, 256 << 10, Integer.MAX_VALUE);
        if (status != EventLog.RUN) {
            throw new IllegalStateException("no run after " + position + ": " + status);
        }
        if (run.memoryKey() != viewMemory) {
            view = run.newView();
            viewMemory = run.memoryKey();
        }
        long written = channel.write(run.positionView(view));
        events += run.eventCount();
        position = run.lastSeq();
        return written;
    }

    long position() {
        return position;
    }
}
