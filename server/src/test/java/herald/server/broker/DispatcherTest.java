package herald.server.broker;

import herald.server.health.Supervisor;
import herald.server.metrics.Metrics;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The hand-off to the fan-out threads: queuing never loses a task nor blocks a dispatcher thread, a task that
 * fails does not stop its thread, each task's metric counts are flushed after it, and close ends the threads.
 */
class DispatcherTest {
    private static final long WAIT_SECONDS = 10;

    private final Metrics metrics = new Metrics();
    private final List<Throwable> fatal = new ArrayList<>();
    private final Supervisor supervisor = new Supervisor(fatal::add);

    @Test
    void shouldQueueTasksInOrderForATestToRun() {
        Dispatcher dispatcher = new Dispatcher(0, 4, metrics, supervisor);
        Runnable a = () -> { };
        Runnable b = () -> { };
        dispatcher.execute(a);
        dispatcher.execute(b);
        assertSame(a, dispatcher.poll());
        assertSame(b, dispatcher.poll());
        assertNull(dispatcher.poll());
    }

    @Test
    void shouldMakeAnotherThreadWaitForRoomWhenTheQueueIsFull() throws InterruptedException {
        Dispatcher dispatcher = new Dispatcher(0, 1, metrics, supervisor);
        Runnable first = () -> { };
        Runnable second = () -> { };
        dispatcher.execute(first);
        Thread publisher = Thread.ofPlatform().start(() -> dispatcher.execute(second));
        awaitState(publisher, Thread.State.WAITING);
        assertTrue(publisher.isAlive(), "waits for room");
        assertSame(first, dispatcher.poll());
        publisher.join(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
        assertFalse(publisher.isAlive());
        assertSame(second, dispatcher.poll(), "queued once there was room");
    }

    @Test
    void shouldDropTheTaskOfAnInterruptedWaiterAndKeepItsInterrupt() throws InterruptedException {
        Dispatcher dispatcher = new Dispatcher(0, 1, metrics, supervisor);
        Runnable first = () -> { };
        dispatcher.execute(first);
        AtomicReference<Boolean> interrupted = new AtomicReference<>();
        Thread publisher = Thread.ofPlatform().start(() -> {
            Thread.currentThread().interrupt();
            dispatcher.execute(() -> { });
            interrupted.set(Thread.currentThread().isInterrupted());
        });
        publisher.join(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
        assertEquals(Boolean.TRUE, interrupted.get());
        assertSame(first, dispatcher.poll());
        assertNull(dispatcher.poll(), "dropped");
    }

    @Test
    void shouldRunATaskOnTheDispatcherThreadItselfWhenItsQueueIsFull() throws InterruptedException {
        Dispatcher dispatcher = new Dispatcher(1, 1, metrics, supervisor);
        try {
            CountDownLatch release = new CountDownLatch(1);
            CountDownLatch blocked = new CountDownLatch(1);
            dispatcher.execute(() -> {                   // keeps the only thread busy while the queue fills
                blocked.countDown();
                await(release);
            });
            assertTrue(blocked.await(WAIT_SECONDS, TimeUnit.SECONDS));
            AtomicReference<Thread> ranOn = new AtomicReference<>();
            AtomicReference<Boolean> ranInline = new AtomicReference<>();
            Runnable filler = () -> { };
            dispatcher.execute(filler);                  // fills the queue of one
            CountDownLatch done = new CountDownLatch(1);
            release.countDown();
            // the filler now runs; queue a task that, on the dispatcher thread, queues two: the second finds the
            // queue full and runs at once, on that thread, before execute returns
            dispatcher.execute(() -> {
                boolean[] inline = new boolean[1];
                dispatcher.execute(() -> { });           // the queue's one place
                dispatcher.execute(() -> {
                    ranOn.set(Thread.currentThread());
                    inline[0] = true;
                });
                ranInline.set(inline[0]);
                done.countDown();
            });
            assertTrue(done.await(WAIT_SECONDS, TimeUnit.SECONDS));
            assertEquals(Boolean.TRUE, ranInline.get(), "ran before execute returned");
            assertTrue(ranOn.get() instanceof Dispatcher.DispatchThread, ranOn.get().getName());
            assertEquals("herald-dispatch-0", ranOn.get().getName());
        } finally {
            dispatcher.close();
        }
    }

    @Test
    void shouldKeepRunningTasksAfterOneFailsAndFlushEachTasksCounts() throws InterruptedException {
        Dispatcher dispatcher = new Dispatcher(1, 16, metrics, supervisor);
        try {
            CountDownLatch done = new CountDownLatch(1);
            AtomicReference<Long> writesSeenByNext = new AtomicReference<>();
            dispatcher.execute(() -> {
                DeliveryScratch scratch = Dispatcher.scratch();
                scratch.writes += 3;
                scratch.events += 5;
                scratch.bytes += 7;
                scratch.heartbeats += 2;
                throw new IllegalStateException("a bug in one delivery");
            });
            dispatcher.execute(() -> {
                writesSeenByNext.set(metrics.writes.sum());
                done.countDown();
            });
            assertTrue(done.await(WAIT_SECONDS, TimeUnit.SECONDS), "the thread goes on after a failed task");
            assertEquals(3, writesSeenByNext.get(), "flushed after the task, even a failed one");
            assertEquals(5, metrics.eventsDelivered.sum());
            assertEquals(7, metrics.bytesDelivered.sum());
            assertEquals(2, metrics.heartbeats.sum());
            assertEquals(List.of(), fatal);
            assertEquals(Supervisor.State.UP, supervisor.state());
        } finally {
            dispatcher.close();
        }
    }

    @Test
    void shouldReportOutOfMemoryInATaskAndCarryOn() throws InterruptedException {
        Dispatcher dispatcher = new Dispatcher(1, 16, metrics, supervisor);
        try {
            CountDownLatch done = new CountDownLatch(1);
            dispatcher.execute(() -> {
                throw new OutOfMemoryError("test");
            });
            dispatcher.execute(done::countDown);
            assertTrue(done.await(WAIT_SECONDS, TimeUnit.SECONDS));
            assertEquals(Supervisor.State.DEGRADED, supervisor.state());
            assertEquals(List.of(), fatal);
        } finally {
            dispatcher.close();
        }
    }

    @Test
    void shouldEndEveryThreadOnClose() throws InterruptedException {
        Dispatcher dispatcher = new Dispatcher(2, 16, metrics, supervisor);
        List<Thread> threads = dispatcherThreads(dispatcher, 2);
        for (Thread thread : threads) {
            assertTrue(thread.isDaemon(), "never keeps the JVM alive");
        }
        dispatcher.close();
        for (Thread thread : threads) {
            assertFalse(thread.isAlive(), thread.getName() + " ended");
        }
        assertEquals(List.of(), fatal);
    }

    @Test
    void shouldEndAThreadInterruptedWhileWaitingForATask() throws InterruptedException {
        Dispatcher dispatcher = new Dispatcher(1, 16, metrics, supervisor);
        Thread thread = dispatcherThreads(dispatcher, 1).getFirst();
        awaitState(thread, Thread.State.WAITING);
        thread.interrupt();
        thread.join(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
        assertFalse(thread.isAlive());
        dispatcher.close();
    }

    /** The threads of {@code dispatcher}, each caught running a task that holds it until all are caught. */
    private static List<Thread> dispatcherThreads(Dispatcher dispatcher, int count) throws InterruptedException {
        List<Thread> threads = new ArrayList<>();
        CountDownLatch all = new CountDownLatch(count);
        for (int i = 0; i < count; i++) {
            dispatcher.execute(() -> {
                synchronized (threads) {
                    threads.add(Thread.currentThread());
                }
                all.countDown();
                await(all);
            });
        }
        assertTrue(all.await(WAIT_SECONDS, TimeUnit.SECONDS));
        synchronized (threads) {
            assertEquals(count, threads.stream().distinct().count());
            return List.copyOf(threads);
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            assertTrue(latch.await(WAIT_SECONDS, TimeUnit.SECONDS));
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    private static void awaitState(Thread thread, Thread.State state) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (thread.getState() != state) {
            assertTrue(System.nanoTime() - deadline < 0, "never reached " + state + ": " + thread.getState());
            Thread.onSpinWait();
        }
    }
    @Test
    void shouldReportAnErrorThatEndsADispatcherThreadAsFatal() throws InterruptedException {
        Dispatcher dispatcher = new Dispatcher(1, 16, metrics, supervisor);
        try {
            Thread thread = dispatcherThreads(dispatcher, 1).getFirst();
            dispatcher.execute(() -> {
                throw new AssertionError("a bug the loop does not expect");
            });
            thread.join(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
            assertFalse(thread.isAlive());
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
            while (supervisor.state() != Supervisor.State.FAILED && System.nanoTime() - deadline < 0) {
                Thread.onSpinWait();
            }
            assertEquals(Supervisor.State.FAILED, supervisor.state());
            assertEquals("a bug the loop does not expect", supervisor.failure().getMessage());
        } finally {
            dispatcher.close();
        }
    }
}
