package herald.server.cluster;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Follows the streams of many topics with a few blocking reads: topics are spread over {@code partitions} reader
 * threads by their slot ({@link ClusterSlots#slot}), and each reader asks for all of its topics in one
 * {@code XREAD COUNT n BLOCK ms STREAMS k1 k2 … id1 id2 …} on a connection of its own, always from the last id it
 * delivered per topic (never {@code $}: entries appended between two reads would be lost).
 *
 * <p><b>Adding a topic</b> ({@link #add}) does not wait for the blocked read to time out: the reader's connection is
 * unblocked with {@code CLIENT UNBLOCK <id>} (its {@code TIMEOUT} mode: the read returns as if it had timed out)
 * from the client's command connection, and the next read includes the new topic. An unblock can arrive before
 * the read it targets blocks (two connections, no order between them): it then returns 0 and is tried again,
 * a millisecond later and then less often, until the reader has started a read that includes the topic.
 *
 * <p><b>Failure.</b> A reader whose connection fails (Redis down, a timeout) opens a new one with exponential
 * backoff and jitter and reads on from its last ids; nothing is skipped and nothing delivered twice. A stream that
 * Redis lost comes back with a higher epoch, so reading on after the old epoch's ids returns the new entries.
 *
 * <p><b>Threading.</b> {@link #add}, {@link #remove} and the counters: any thread. The {@link Listener} is called on
 * the topic's reader thread, with each topic's entries in order and never twice; it must not block, and must not
 * throw (an exception ends its reader thread, as any unexpected one ends a Herald loop).
 *
 * <pre>{@code
 * RedisClient client = new RedisClient(RedisUrl.parse("redis://127.0.0.1:6379"), RedisOptions.DEFAULTS, "node1");
 * client.start();
 * RedisStreams streams = new RedisStreams(client, "herald:", 10_000);
 * try (StreamTailer tailer = new StreamTailer(streams, 2, Duration.ofSeconds(5), 256,
 *         (topic, entries) -> log(topic).appendAll(entries))) {
 *     tailer.add("news", lastIdTheNodeHas);          // StreamId.ZERO: everything the stream keeps
 *     ...
 * }
 * }</pre>
 */
public final class StreamTailer implements AutoCloseable {
    /** Receives what the readers read. */
    public interface Listener {
        /** New entries of {@code topic}, oldest first, all after the position it was added with or last given. */
        void onEntries(String topic, List<StreamEntry> entries);
    }

    private static final System.Logger LOG = System.getLogger(StreamTailer.class.getName());

    private final RedisStreams streams;
    private final RedisClient client;
    private final Listener listener;
    private final long blockMillis;
    private final int count;
    private final Partition[] partitions;
    private final LongAdder reads = new LongAdder();
    private final LongAdder entriesRead = new LongAdder();
    private final LongAdder reconnects = new LongAdder();
    private final LongAdder unblocks = new LongAdder();
    private volatile long lastLagMillis;
    private volatile boolean closed;

    /**
     * Starts the reader threads ({@code herald-redis-tail-N}); each connects when it first has a topic.
     *
     * @param block how long one read blocks when nothing is new (a read returns earlier with new entries)
     * @param count most entries per topic per read
     */
    public StreamTailer(RedisStreams streams, int partitions, Duration block, int count, Listener listener) {
        if (partitions < 1 || count < 1 || block.toMillis() < 1) {
            throw new IllegalArgumentException("partitions=" + partitions + " count=" + count + " block=" + block);
        }
        this.streams = streams;
        this.client = streams.client();
        this.listener = listener;
        this.blockMillis = block.toMillis();
        this.count = count;
        this.partitions = new Partition[partitions];
        for (int i = 0; i < partitions; i++) {
            this.partitions[i] = new Partition(i);
        }
        for (Partition partition : this.partitions) {
            Thread.ofPlatform().name("herald-redis-tail-" + partition.index).daemon().start(partition::run);
        }
    }

    /**
     * Follows {@code topic} from after {@code after} ({@link StreamId#ZERO}: from the oldest entry kept). Replaces
     * the position of a topic already followed.
     */
    public void add(String topic, StreamId after) {
        Partition partition = partitionOf(topic);
        partition.positions.put(topic, after);
        partition.changed();
    }

    /** Stops following {@code topic}; entries of a read already under way are dropped. */
    public void remove(String topic) {
        partitionOf(topic).positions.remove(topic);
    }

    /** The last id delivered for {@code topic} (or the one it was added with), null when not followed. */
    public StreamId position(String topic) {
        return partitionOf(topic).positions.get(topic);
    }

    private Partition partitionOf(String topic) {
        return partitions[ClusterSlots.slot(streams.streamKey(topic)) % partitions.length];
    }

    /** Topics followed now. */
    public int followed() {
        int n = 0;
        for (Partition partition : partitions) {
            n += partition.positions.size();
        }
        return n;
    }

    /** Blocking reads completed (with entries, timed out or unblocked). */
    public long reads() {
        return reads.sum();
    }

    public long entriesRead() {
        return entriesRead.sum();
    }

    /** Reader connections re-opened after a failure. */
    public long reconnects() {
        return reconnects.sum();
    }

    /** {@code CLIENT UNBLOCK}s that woke a reader. */
    public long unblocks() {
        return unblocks.sum();
    }

    /** Milliseconds from publish ({@code t}, the publishing node's clock) to delivery of the newest entry read. */
    public long lastLagMillis() {
        return lastLagMillis;
    }

    @Override
    public void close() {
        closed = true;
        for (Partition partition : partitions) {
            partition.stop();
        }
    }

    /** One reader: its topics, its connection, its thread. */
    private final class Partition {
        final int index;
        final Map<String, StreamId> positions = new ConcurrentHashMap<>();
        final AtomicLong generation = new AtomicLong();     // bumped by add(); a read includes all before its own
        final ReentrantLock lock = new ReentrantLock();
        final Condition topicsAdded = lock.newCondition();
        volatile long readingGeneration = -1;              // generation of the read under way, -1 when none
        volatile RedisConnection connection;              // written by this partition's thread
        final AtomicBoolean waking = new AtomicBoolean();

        Partition(int index) {
            this.index = index;
        }

        void changed() {
            long wanted = generation.incrementAndGet();
            lock.lock();
            try {
                topicsAdded.signal();
            } finally {
                lock.unlock();
            }
            if (readingGeneration >= 0 && readingGeneration < wanted && waking.compareAndSet(false, true)) {
                Thread.ofVirtual().name("herald-redis-unblock-" + index).start(this::unblock);
            }
        }

        /** Unblocks the read under way until one that includes every added topic has started. */
        private void unblock() {
            try {
                long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(blockMillis);
                long pause = TimeUnit.MILLISECONDS.toNanos(1);
                while (!closed && System.nanoTime() - deadline < 0) {
                    long reading = readingGeneration;
                    RedisConnection reader = connection;
                    if (reading < 0 || reading >= generation.get() || reader == null) {
                        return;                     // no read under way, or it already includes the new topics
                    }
                    try {
                        if (Long.valueOf(1).equals(client.call("CLIENT", "UNBLOCK", reader.clientId()))) {
                            unblocks.increment();
                            return;
                        }
                    } catch (RedisException e) {
                        return;                     // Redis away: the reader reconnects and reads the new topics then
                    }
                    LockSupport.parkNanos(pause);   // the read has not reached Redis yet
                    pause = Math.min(pause * 2, TimeUnit.MILLISECONDS.toNanos(50));
                }
            } finally {
                waking.set(false);
                if (readingGeneration >= 0 && readingGeneration < generation.get() && !closed
                        && waking.compareAndSet(false, true)) {
                    Thread.ofVirtual().name("herald-redis-unblock-" + index).start(this::unblock);
                }
            }
        }

        void run() {
            Backoff backoff = new Backoff(client.options().reconnectMin().toNanos(),
                    client.options().reconnectMax().toNanos(), ThreadLocalRandom.current());
            List<String> topics = new ArrayList<>();
            while (!closed) {
                long startedGeneration = generation.get();
                topics.clear();
                topics.addAll(positions.keySet());
                if (topics.isEmpty()) {
                    awaitTopics(startedGeneration);
                    continue;
                }
                try {
                    RedisConnection reader = connection;
                    if (reader == null || !reader.isOpen()) {
                        boolean first = reader == null;
                        reader = client.openDedicated("tail" + index);
                        connection = reader;
                        if (!first) {
                            reconnects.increment();
                        }
                    }
                    backoff.reset();
                    readOnce(reader, topics, startedGeneration);
                } catch (RedisException e) {
                    readingGeneration = -1;
                    RedisConnection reader = connection;
                    if (reader != null) {
                        reader.close();
                    }
                    if (!closed) {
                        LOG.log(System.Logger.Level.DEBUG, "redis tail {0}: {1}", index, e.getMessage());
                        LockSupport.parkNanos(backoff.nextDelayNanos());
                    }
                }
            }
        }

        private void readOnce(RedisConnection reader, List<String> topics, long startedGeneration) {
            StreamId[] after = new StreamId[topics.size()];
            int n = 0;
            for (String topic : topics) {
                StreamId position = positions.get(topic);
                if (position != null) {             // null: removed since the snapshot
                    topics.set(n, topic);
                    after[n++] = position;
                }
            }
            if (n == 0) {
                return;
            }
            Object[] args = new Object[6 + 2 * n];
            args[0] = "XREAD";
            args[1] = "COUNT";
            args[2] = count;
            args[3] = "BLOCK";
            args[4] = blockMillis;
            args[5] = "STREAMS";
            for (int i = 0; i < n; i++) {
                args[6 + i] = streams.streamKey(topics.get(i));
                args[6 + n + i] = after[i].toString();
            }
            readingGeneration = startedGeneration;
            if (generation.get() != startedGeneration) {
                readingGeneration = -1;             // a topic came meanwhile and add() saw no read to unblock
                return;
            }
            Object reply;
            try {
                long timeout = TimeUnit.MILLISECONDS.toNanos(blockMillis)
                        + client.options().commandTimeout().toNanos();
                reply = reader.await(reader.send(timeout, args));
            } finally {
                readingGeneration = -1;
            }
            reads.increment();
            if (reply instanceof RespParser.ErrorReply error) {
                throw RedisException.reply(error.message());
            }
            if (reply == null) {
                return;                             // timed out or unblocked: nothing new
            }
            if (!(reply instanceof List<?> perStream)) {
                throw RedisException.protocol("redis XREAD reply is not an array");
            }
            long now = System.currentTimeMillis();
            for (Object item : perStream) {
                if (!(item instanceof List<?> pair) || pair.size() != 2 || !(pair.get(0) instanceof byte[] key)) {
                    throw RedisException.protocol("redis XREAD reply is malformed");
                }
                String topic = streams.topicOf(new String(key, StandardCharsets.UTF_8));
                deliver(topic, RedisStreams.entries(pair.get(1)), now);
            }
        }

        private void deliver(String topic, List<StreamEntry> entries, long now) {
            StreamId position = topic == null ? null : positions.get(topic);
            if (position == null || entries.isEmpty()) {
                return;                             // removed while the read was under way
            }
            int from = 0;
            while (from < entries.size() && entries.get(from).id().compareTo(position) <= 0) {
                from++;                             // re-added further on while the read was under way
            }
            if (from == entries.size()) {
                return;
            }
            List<StreamEntry> fresh = from == 0 ? entries : entries.subList(from, entries.size());
            StreamEntry last = fresh.get(fresh.size() - 1);
            if (!positions.replace(topic, position, last.id())) {
                return;                             // moved by add() meanwhile: the next read starts there
            }
            entriesRead.add(fresh.size());
            if (last.publishedMillis() > 0) {
                lastLagMillis = Math.max(0, now - last.publishedMillis());
            }
            listener.onEntries(topic, fresh);
        }

        private void awaitTopics(long seenGeneration) {
            lock.lock();
            try {
                while (!closed && generation.get() == seenGeneration) {
                    topicsAdded.await(1, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                lock.unlock();
            }
        }

        void stop() {
            lock.lock();
            try {
                topicsAdded.signalAll();
            } finally {
                lock.unlock();
            }
            RedisConnection reader = connection;
            if (reader != null) {
                reader.close();
            }
        }
    }
}
