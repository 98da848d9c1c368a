package herald.server.broker;

import herald.server.health.Supervisor;

import java.lang.System.Logger.Level;
import java.time.Duration;

/**
 * The broker's clock, on one platform thread ({@code herald-timer}): it counts ticks (a subscriber's last write
 * and attach time are in ticks), marks streams idle for the heartbeat interval so that the dispatchers write a
 * heartbeat, ends streams past their maximum age (their clients reconnect and resume), and every ten seconds
 * forgets topics nobody uses.
 */
final class StreamSweeper {
    private static final System.Logger LOG = System.getLogger(StreamSweeper.class.getName());

    private final TopicRegistry topics;
    private final Supervisor supervisor;
    private final Thread thread;
    private final long tickMillis;
    private final long heartbeatTicks;
    private final long maxAgeTicks;               // 0: streams never age out
    private volatile long tick;
    private volatile boolean stopped;

    StreamSweeper(TopicRegistry topics, Duration heartbeat, Duration maxStreamAge, Supervisor supervisor) {
        this.topics = topics;
        this.supervisor = supervisor;
        long heartbeatMillis = heartbeat.toMillis();
        long ageMillis = maxStreamAge.toMillis();
        long finest = Math.min(heartbeatMillis, ageMillis > 0 ? ageMillis : Long.MAX_VALUE);
        this.tickMillis = Math.max(10, Math.min(1_000, finest / 4));
        this.heartbeatTicks = Math.max(1, heartbeatMillis / tickMillis);
        this.maxAgeTicks = ageMillis > 0 ? Math.max(1, ageMillis / tickMillis) : 0;
        this.thread = Thread.ofPlatform().daemon().name("herald-timer")
                .uncaughtExceptionHandler(supervisor.uncaughtHandler()).unstarted(this::run);
    }

    void start() {
        thread.start();
    }

    long tick() {
        return tick;
    }

    void stop() {
        stopped = true;
        thread.interrupt();
    }

    private void run() {
        long sweepEvery = Math.max(1, 10_000 / tickMillis);
        while (!stopped) {
            try {
                Thread.sleep(tickMillis);
            } catch (InterruptedException e) {
                return;
            }
            long now = ++tick;
            try {
                sweepStreams(now);
                if (now % sweepEvery == 0) {
                    topics.forgetUnused();
                }
            } catch (OutOfMemoryError e) {
                supervisor.outOfMemory("herald-timer", e);
            } catch (RuntimeException e) {
                LOG.log(Level.ERROR, "broker timer round failed; continuing", e);
            }
        }
    }

    /**
     * Ends streams past their maximum age or their token's expiry, and marks idle ones for a heartbeat. The
     * expiry is checked here, once a tick, never on the write path.
     */
    private void sweepStreams(long now) {
        long nowMillis = System.currentTimeMillis();
        for (Topic topic : topics.all()) {
            topic.forEachShard(shard -> {
                boolean due = false;
                for (Subscriber subscriber : shard.members) {
                    if (maxAgeTicks > 0 && now - subscriber.attachedTick >= maxAgeTicks) {
                        subscriber.close(Subscriber.CloseReason.MAX_AGE);   // its client reconnects and resumes
                        continue;
                    }
                    long expires = subscriber.expiresAtMillis;
                    if (expires != 0 && nowMillis >= expires) {
                        subscriber.close(Subscriber.CloseReason.EXPIRED);   // reconnects with a fresh token
                        continue;
                    }
                    if (now - subscriber.lastWriteTick() >= heartbeatTicks && !subscriber.heartbeatDue) {
                        subscriber.heartbeatDue = true;
                        due = true;
                    }
                }
                if (due) {
                    shard.signal();
                }
            });
        }
    }
}
