package herald.server.cluster;

import herald.server.broker.Broker;
import herald.server.broker.BrokerException;
import herald.server.broker.EventIds;
import herald.server.broker.Upstream;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The broker's {@link Upstream} over Redis Streams: cluster mode (DESIGN.md section 5). A publish on any node is one
 * round trip, {@link RedisStreams#appendInClusterEpoch}; each node follows the streams of the topics it has
 * subscribers for with one {@link StreamTailer} and hands what it reads to {@link Broker#replicate}, so the fan-out
 * stays local (each event is encoded once per node) and every node's copy of a topic holds the stream's ids exactly.
 *
 * <p><b>Epochs.</b> One epoch for the whole cluster (the key {@code herald:epoch}), so that the id of a stream of
 * several topics ({@code <epoch>-<seqA>_<seqB>}) resumes on any node. The epoch changes only when Redis lost data:
 * all of it (a restart without persistence: the epoch key is gone too, the next append makes a new one) or one
 * topic's stream (its epoch key survives and says so: the append script moves the cluster to a new epoch rather than
 * hand an id out twice). A node learns the new epoch from an append's reply or from an entry its tailer reads, reads
 * it back, and starts every topic again in it ({@link Broker#changeEpoch}): clients resume with ids of the old epoch
 * and get the gap signal, reason {@code unknown}.
 *
 * <p>What this relies on in Redis: {@code maxmemory-policy noeviction} (an evicted stream or epoch key would be data
 * lost without a restart) and either no persistence or persistence that loses nothing acknowledged
 * ({@code appendonly yes} with {@code appendfsync always}). A restart from an older snapshot (RDB, or AOF
 * {@code everysec} after a crash) keeps the epoch key but rolls streams back, and ids would then be handed out a
 * second time; Herald does not detect that.
 *
 * <p>Threads: {@link Upstream}'s methods from any thread; entries arrive on the tailer's threads; a node that learns
 * of a new epoch reads it on a virtual thread of its own ({@code herald-redis-epoch}).
 */
public final class ClusterBridge implements Upstream, AutoCloseable {
    private static final System.Logger LOG = System.getLogger(ClusterBridge.class.getName());
    /** Key prefix of every key Herald writes. */
    public static final String PREFIX = "herald:";
    private static final AtomicLong NODES = new AtomicLong();

    private final RedisClient client;
    private final RedisStreams streams;
    private final StreamTailer tailer;
    private final LongAdder publishFailures = new LongAdder();
    private final LongAdder epochChanges = new LongAdder();
    private final AtomicBoolean refreshing = new AtomicBoolean();
    private final ReentrantLock epochLock = new ReentrantLock();
    private volatile long epoch;
    private volatile Broker broker;
    private volatile boolean closed;

    private ClusterBridge(RedisClient client, long maxLength) {
        this.client = client;
        this.streams = new RedisStreams(client, PREFIX, maxLength);
        this.epoch = streams.clusterEpoch();
        this.tailer = new StreamTailer(streams, 2, Duration.ofSeconds(5), 256, this::onEntries);
    }

    /**
     * Connects to Redis and reads (or makes) the cluster's epoch.
     *
     * @param maxLength entries each topic's stream keeps (about: {@code MAXLEN ~})
     * @throws IllegalStateException    when Redis cannot be reached or answers wrongly now, in one line
     * @throws IllegalArgumentException when the trust store ({@code --redis-ca}) cannot be read
     */
    public static ClusterBridge start(RedisUrl url, RedisOptions options, long maxLength) {
        String name = ProcessHandle.current().pid() + "-" + NODES.incrementAndGet();
        RedisClient client;
        try {
            client = new RedisClient(url, options, name);
        } catch (IllegalArgumentException e) {       // the trust store cannot be read
            throw new IllegalArgumentException("--redis-ca: " + e.getMessage(), e);
        }
        try {
            if (!client.start()) {
                throw RedisException.unavailable("cannot connect");
            }
            return new ClusterBridge(client, maxLength);
        } catch (RedisException e) {
            client.close();
            throw new IllegalStateException("--redis " + url + ": " + e.getMessage());
        }
    }

    /** The ids of the cluster's epoch now. */
    public EventIds ids() {
        return EventIds.cluster(epoch);
    }

    /** Hands entries read to {@code target}; before this they are dropped (nothing is followed before it). */
    public void bind(Broker target) {
        this.broker = target;
    }

    /** Whether the command connection to Redis is up ({@code /health} says {@code degraded} while it is not). */
    public boolean connected() {
        return client.isConnected();
    }

    // ---- Upstream --------------------------------------------------------------------------------------

    @Override
    public String append(String topic, byte[] eventType, byte[] data, int offset, int length, long retryMillis) {
        StreamId id;
        try {
            id = streams.appendInClusterEpoch(topic, eventType, data, offset, length, retryMillis,
                    System.currentTimeMillis());
        } catch (RedisException e) {
            publishFailures.increment();
            throw BrokerException.unavailable("redis did not acknowledge the event (" + reason(e) + "): "
                    + e.getMessage());
        }
        if (id.epoch() != epoch) {
            refreshEpochSoon();                      // the cluster moved on: every topic starts again here
        }
        return id.toString();
    }

    @Override
    public Window window(String topic, EventIds ids) {
        long at = epochOf(ids);
        List<StreamEntry> ends;
        try {
            ends = streams.ends(topic);
        } catch (RedisException e) {
            throw BrokerException.unavailable("redis did not answer (" + reason(e) + "): " + e.getMessage());
        }
        if (ends.isEmpty()) {
            return new Window(1, 0);
        }
        StreamId first = ends.get(0).id();
        StreamId last = ends.get(ends.size() - 1).id();
        if (last.epoch() > at) {
            refreshEpochSoon();
            throw BrokerException.unavailable("the cluster moved to a new epoch; try again");
        }
        if (last.epoch() < at) {
            return new Window(1, 0);                 // an earlier epoch's stream: nothing of this one yet
        }
        return new Window(first.epoch() == at ? first.seq() : 1, last.seq());
    }

    @Override
    public List<Event> history(String topic, EventIds ids, long after, long upTo, int max) {
        long at = epochOf(ids);
        List<StreamEntry> entries;
        try {
            entries = streams.range(topic, new StreamId(at, after), new StreamId(at, upTo), max);
        } catch (RedisException e) {
            throw BrokerException.unavailable("redis did not answer (" + reason(e) + "): " + e.getMessage());
        }
        List<Event> events = new ArrayList<>(entries.size());
        for (StreamEntry entry : entries) {
            events.add(new Event(entry.id().seq(), entry.eventType(), entry.data(), entry.retryMillis()));
        }
        return events;
    }

    @Override
    public void follow(String topic, EventIds ids, long afterSeq) {
        tailer.add(topic, new StreamId(epochOf(ids), afterSeq));
    }

    @Override
    public void unfollow(String topic) {
        tailer.remove(topic);
    }

    @Override
    public void catchUpWithEpoch(String seen) {
        long later;
        try {
            later = Long.parseLong(seen);
        } catch (NumberFormatException e) {
            return;                                  // not a cluster id: the resume gets the gap signal
        }
        if (later <= epoch) {
            return;
        }
        try {
            changeEpochTo(streams.clusterEpoch());
        } catch (RedisException e) {
            // Redis away: the resume gets the gap signal, as for any id this node cannot place
        }
    }

    private static long epochOf(EventIds ids) {
        return Long.parseLong(ids.epoch());
    }

    private static String reason(RedisException e) {
        return e.reason().name().toLowerCase(Locale.ROOT);
    }

    // ---- following ---------------------------------------------------------------------------------------

    /** On a tailer thread: one topic's new entries, in order. Never blocks. */
    private void onEntries(String topic, List<StreamEntry> entries) {
        Broker target = broker;
        if (target == null) {
            return;
        }
        long current = epoch;
        for (StreamEntry entry : entries) {
            if (entry.id().epoch() != current) {
                refreshEpochSoon();                  // the topic starts again in the new epoch
                return;
            }
            if (!target.replicate(topic, entry.id().seq(), entry.eventType(), entry.data(), entry.retryMillis())) {
                return;                              // the copy ended (resync): the rest is not needed
            }
        }
    }

    /**
     * Reads the cluster's epoch on a thread of its own, and starts every topic again if it changed. Tries again
     * (100 ms, doubling to 1 s) while Redis does not answer: the entry that told of the new epoch is not read twice.
     */
    private void refreshEpochSoon() {
        if (!refreshing.compareAndSet(false, true)) {
            return;
        }
        Thread.ofVirtual().name("herald-redis-epoch").start(() -> {
            long pauseMillis = 100;
            try {
                while (!closed) {
                    try {
                        changeEpochTo(streams.clusterEpoch());
                        return;
                    } catch (RedisException e) {
                        LOG.log(System.Logger.Level.DEBUG, "redis epoch: {0}", e.getMessage());
                    }
                    Thread.sleep(pauseMillis);
                    pauseMillis = Math.min(1_000, 2 * pauseMillis);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                refreshing.set(false);
            }
        });
    }

    private void changeEpochTo(long now) {
        epochLock.lock();                            // one change at a time: a second would end the new incarnations
        try {
            Broker target = broker;
            if (now != epoch && target != null) {
                LOG.log(System.Logger.Level.WARNING, "redis: the cluster moved from epoch " + epoch + " to " + now
                        + " (Redis lost data); every topic starts again, clients get herald-gap");
                epoch = now;
                epochChanges.increment();
                target.changeEpoch(EventIds.cluster(now));
            }
        } finally {
            epochLock.unlock();
        }
    }

    // ---- metrics -------------------------------------------------------------------------------------------

    /** The {@code herald_redis_*} metrics, Prometheus text; {@code resyncs} from the broker's metrics. */
    public void writePrometheus(StringBuilder out, long resyncs) {
        metric(out, "herald_redis_connected", "gauge", "Whether the command connection to Redis is up (1) or not (0)",
                connected() ? "1" : "0");
        metric(out, "herald_redis_round_trips_total", "counter", "Redis commands answered on the command connection",
                Long.toString(client.roundTrips()));
        metric(out, "herald_redis_round_trip_seconds_total", "counter",
                "Time from sending to the reply of those commands, summed",
                seconds(client.roundTripNanosTotal()));
        metric(out, "herald_redis_reconnects_total", "counter",
                "Connections to Redis opened again after a failure (command and tail connections)",
                Long.toString(client.reconnects() + tailer.reconnects()));
        metric(out, "herald_redis_publish_failures_total", "counter",
                "Publishes answered 503 because Redis did not acknowledge them", Long.toString(publishFailures.sum()));
        metric(out, "herald_redis_tail_reads_total", "counter", "Blocking stream reads completed by this node's tailer",
                Long.toString(tailer.reads()));
        metric(out, "herald_redis_tail_entries_total", "counter", "Stream entries this node's tailer read",
                Long.toString(tailer.entriesRead()));
        metric(out, "herald_redis_tail_lag_seconds", "gauge",
                "From publish (publishing node's clock) to this node reading the newest entry it read",
                seconds(tailer.lastLagMillis() * 1_000_000));
        metric(out, "herald_redis_followed_topics", "gauge", "Topics whose streams this node follows now",
                Integer.toString(tailer.followed()));
        metric(out, "herald_redis_resyncs_total", "counter",
                "Topic copies ended because they could not continue (their streams end; clients resume)",
                Long.toString(resyncs));
        metric(out, "herald_redis_epoch_changes_total", "counter",
                "Times this node saw the cluster move to a new epoch (Redis lost data)",
                Long.toString(epochChanges.sum()));
    }

    private static String seconds(long nanos) {
        return Double.toString(nanos / 1e9);
    }

    private static void metric(StringBuilder out, String name, String type, String help, String value) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
        out.append(name).append(' ').append(value).append('\n');
    }

    /** Stops following and closes the connections. */
    @Override
    public void close() {
        closed = true;
        tailer.close();
        client.close();
    }
}
