package herald.bench.log;

import java.util.Queue;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Control;

/**
 * The producer and consumer of the queue peers ({@link MpscArrayQueueBenchmark}, {@link ArrayBlockingQueueBenchmark}):
 * the producer {@code offer}s a reference to one immutable {@code byte[]} holding the encoded event (96 bytes, encoded
 * once), backing off ({@link Backoff}) while the queue is full; the consumer {@code poll}s one element per call and
 * reads its length, backing off while it is empty. Neither blocks in {@code put} or {@code take}: a parked thread
 * could not leave the iteration when its peer stopped. Each JMH fork runs one queue type, so these call sites stay
 * monomorphic.
 */
public final class QueuePeer {
    static final byte[] EVENT = LogEvents.encoded(LogEvents.FIRST_SEQ);

    private QueuePeer() {
    }

    @State(Scope.Thread)
    public static class Producer {
        long published;

        boolean publish(Queue<byte[]> queue, Control control) {
            for (int round = 0; !queue.offer(EVENT); round++) {
                if (control.stopMeasurement) {
                    return false;
                }
                Backoff.idle(round);
            }
            published++;
            return true;
        }
    }

    @State(Scope.Thread)
    public static class Consumer {
        long events;
        long bytes;

        int consume(Queue<byte[]> queue, Control control) {
            byte[] event;
            for (int round = 0; (event = queue.poll()) == null; round++) {
                if (control.stopMeasurement) {
                    return 0;
                }
                Backoff.idle(round);
            }
            events++;
            bytes += event.length;
            return event.length;
        }
    }
}
