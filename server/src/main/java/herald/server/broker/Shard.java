package herald.server.broker;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A slice of one topic's subscribers, and the dispatcher task that offers new events to them. Slicing lets
 * every dispatcher thread work on one busy topic at once. A shard is queued at most once at a time: a
 * publish while it waits in the queue costs one read.
 */
final class Shard implements Runnable {
    static final int CAPACITY = 128;
    private static final VarHandle QUEUED;

    static {
        try {
            QUEUED = MethodHandles.lookup().findVarHandle(Shard.class, "queued", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    volatile Subscriber[] members;        // copy-on-write, written under the topic's lock
    @SuppressWarnings("unused")           // accessed through QUEUED
    private volatile boolean queued;
    private final Dispatcher dispatcher;

    Shard(Dispatcher dispatcher, Subscriber[] members) {
        this.dispatcher = dispatcher;
        this.members = members;
    }

    /** Makes sure the members will be offered what is new, queuing this shard unless it already waits. */
    void signal() {
        if (!queued && QUEUED.compareAndSet(this, false, true)) {
            dispatcher.execute(this);
        }
    }

    @Override
    public void run() {
        run(Dispatcher.scratch());
    }

    /** {@link #run()} with a given scratch: tests drive delivery from their own thread. */
    void run(DeliveryScratch scratch) {
        queued = false;                   // before reading: a publish from now on queues the shard again
        for (Subscriber subscriber : members) {
            subscriber.offer(scratch);
        }
    }
}
