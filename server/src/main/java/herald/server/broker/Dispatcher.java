package herald.server.broker;

import herald.server.health.Supervisor;
import herald.server.metrics.Metrics;

import java.lang.System.Logger.Level;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * The fan-out threads: a few platform threads that write events to subscribers with non-blocking writes.
 *
 * <p>Tasks are {@link Shard}s (a slice of a topic's subscribers, queued by a publish) and single
 * {@link Subscriber}s (queued when their sink becomes writable again or they yielded a long backlog).
 * A task never blocks: a subscriber whose sink is full waits for its writable event, not on this thread.
 * The queue is an array, so queuing allocates nothing.
 */
final class Dispatcher implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Dispatcher.class.getName());
    private static final Runnable STOP = () -> { };

    private final BlockingQueue<Runnable> queue;
    private final DispatchThread[] threads;

    Dispatcher(int threadCount, int queueCapacity, Metrics metrics, Supervisor supervisor) {
        this.queue = new ArrayBlockingQueue<>(queueCapacity);
        this.threads = new DispatchThread[threadCount];
        for (int i = 0; i < threadCount; i++) {
            threads[i] = new DispatchThread(this, "herald-dispatch-" + i, new DeliveryScratch(metrics), supervisor);
            threads[i].start();
        }
    }

    /**
     * Queues a task. When the queue is full, a dispatch thread runs the task itself (tasks never block, and
     * waiting for room in a queue only dispatch threads drain could deadlock them all); any other thread (a
     * publisher, a watcher, the timer) waits until there is room. A caller interrupted while waiting drops the
     * task and keeps its interrupt status.
     */
    void execute(Runnable task) {
        if (!queue.offer(task)) {
            Thread current = Thread.currentThread();
            if (current instanceof DispatchThread dispatch) {
                dispatch.runTask(task);
            } else {
                try {
                    queue.put(task);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    Runnable take() throws InterruptedException {
        return queue.take();
    }

    /** The next queued task, or null: for tests that run a dispatcher of no threads on their own thread. */
    Runnable poll() {
        return queue.poll();
    }

    boolean isStop(Runnable task) {
        return task == STOP;
    }

    @Override
    public void close() {
        for (int i = 0; i < threads.length; i++) {
            queue.offer(STOP);
        }
        for (DispatchThread thread : threads) {
            try {
                thread.join(2_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** A dispatcher thread, carrying the reusable state that delivery needs so that it allocates nothing. */
    static final class DispatchThread extends Thread {
        private final Dispatcher dispatcher;
        private final Supervisor supervisor;
        final DeliveryScratch scratch;

        DispatchThread(Dispatcher dispatcher, String name, DeliveryScratch scratch, Supervisor supervisor) {
            super(name);
            this.dispatcher = dispatcher;
            this.scratch = scratch;
            this.supervisor = supervisor;
            setDaemon(true);
            setUncaughtExceptionHandler(supervisor.uncaughtHandler());
        }

        @Override
        public void run() {
            while (true) {
                Runnable task;
                try {
                    task = dispatcher.take();
                } catch (InterruptedException e) {
                    return;
                }
                if (dispatcher.isStop(task)) {
                    return;
                }
                runTask(task);
            }
        }

        void runTask(Runnable task) {
            try {
                task.run();
            } catch (RuntimeException e) {          // a bug in one delivery must not stop the fan-out
                LOG.log(Level.ERROR, "fan-out task failed", e);
            } catch (OutOfMemoryError e) {
                supervisor.outOfMemory(getName(), e);
            } finally {
                scratch.flushMetrics();
            }
        }
    }

    /** The scratch of the calling dispatcher thread. */
    static DeliveryScratch scratch() {
        return ((DispatchThread) Thread.currentThread()).scratch;
    }
}
