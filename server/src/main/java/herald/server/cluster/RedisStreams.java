package herald.server.cluster;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * The topic streams in Redis: appending an event, reading history. Keys, with the topic as hash tag so that a
 * topic's keys share a Redis Cluster slot ({@link ClusterSlots}):
 * <pre>
 *   &lt;prefix&gt;{&lt;topic&gt;}         the stream: entries &lt;epoch&gt;-&lt;seq&gt;, fields t, e, r, d ({@link StreamEntry})
 *   &lt;prefix&gt;{&lt;topic&gt;}:epoch   the epoch the stream was last created with (decimal milliseconds)
 * </pre>
 *
 * <p><b>Append</b> is one Lua script ({@link #APPEND_SCRIPT}), so the epoch, the entry and the trim happen together
 * or not at all. When the stream does not exist (never did, or Redis lost it: a restart without persistence, an
 * eviction, {@code FLUSHALL}) the script picks a new epoch, Redis's clock in milliseconds, raised above the last
 * epoch when the epoch key survived, writes it to the epoch key, and adds entry {@code <epoch>-1}. Otherwise it
 * adds {@code <epoch>-*} (Redis 7.0+: the next sequence of that millisecond), so sequences are gap-free within an
 * epoch, and trims to about {@code maxLength} entries ({@code MAXLEN ~}: whole nodes, so a few more may stay).
 * The script is run by {@code EVALSHA}; after {@code NOSCRIPT} (a restarted Redis) by {@code EVAL}, which caches it again.
 *
 * <p>A new epoch differs from the lost one as long as Redis's clock, across the loss, did not go back to before the
 * lost stream was created (or the epoch key survived). Thread-safe.
 */
public final class RedisStreams {
    /** The append script: KEYS stream, epoch key; ARGV max length, then field/value pairs. Returns the entry id. */
    public static final String APPEND_SCRIPT = """
            local epoch = redis.call('GET', KEYS[2])
            local id
            if redis.call('EXISTS', KEYS[1]) == 0 then
              local now = redis.call('TIME')
              local ms = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
              if epoch and tonumber(epoch) >= ms then ms = tonumber(epoch) + 1 end
              epoch = string.format('%.0f', ms)
              redis.call('SET', KEYS[2], epoch)
              id = epoch .. '-1'
            else
              if not epoch then
                local last = redis.call('XINFO', 'STREAM', KEYS[1])
                for i = 1, #last, 2 do
                  if last[i] == 'last-generated-id' then epoch = string.match(last[i + 1], '^(%d+)-') end
                end
                redis.call('SET', KEYS[2], epoch)
              end
              id = epoch .. '-*'
            end
            return redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], id, unpack(ARGV, 2))
            """;
    private static final String APPEND_SHA = sha1(APPEND_SCRIPT);

    /**
     * The cluster's append script: one epoch for every topic, so that an id of a stream of several topics names one
     * position in each. KEYS stream, the topic's epoch key, the cluster's epoch key; ARGV max length, then field/value
     * pairs. Returns the entry id.
     *
     * <ul>
     *   <li>No cluster epoch (a new cluster, or Redis lost its data): a new one, Redis's clock in milliseconds.</li>
     *   <li>The topic's stream is in the cluster's epoch: {@code XADD <epoch>-*}, the next sequence.</li>
     *   <li>A new stream, or one of an earlier epoch: its entries go on at {@code <epoch>-1}.</li>
     *   <li>The stream is gone although its epoch key says it was made in the cluster's epoch (deleted, or lost
     *       alone): the cluster moves to a new epoch, above the old one, so that no id is ever handed out twice.</li>
     * </ul>
     */
    public static final String CLUSTER_APPEND_SCRIPT = """
            local function now()
              local t = redis.call('TIME')
              return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
            end
            local epoch = redis.call('GET', KEYS[3])
            if not epoch then
              epoch = string.format('%.0f', now())
              redis.call('SET', KEYS[3], epoch)
            end
            local id = epoch .. '-*'
            if redis.call('GET', KEYS[2]) ~= epoch then
              if redis.call('EXISTS', KEYS[1]) == 1 then
                local info = redis.call('XINFO', 'STREAM', KEYS[1])
                local last = 0
                for i = 1, #info, 2 do
                  if info[i] == 'last-generated-id' then last = tonumber(string.match(info[i + 1], '^(%d+)-')) end
                end
                if last > tonumber(epoch) then
                  epoch = string.format('%.0f', last + 1)
                  redis.call('SET', KEYS[3], epoch)
                end
                if last ~= tonumber(epoch) then id = epoch .. '-1' end
              else
                id = epoch .. '-1'
              end
              redis.call('SET', KEYS[2], epoch)
            elseif redis.call('EXISTS', KEYS[1]) == 0 then
              epoch = string.format('%.0f', math.max(now(), tonumber(epoch) + 1))
              redis.call('SET', KEYS[3], epoch)
              redis.call('SET', KEYS[2], epoch)
              id = epoch .. '-1'
            end
            return redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], id, unpack(ARGV, 2))
            """;
    private static final String CLUSTER_APPEND_SHA = sha1(CLUSTER_APPEND_SCRIPT);
    /** KEYS the cluster's epoch key. Returns the cluster's epoch, made (Redis's clock in ms) when there is none. */
    static final String CLUSTER_EPOCH_SCRIPT = """
            local epoch = redis.call('GET', KEYS[1])
            if not epoch then
              local t = redis.call('TIME')
              epoch = string.format('%.0f', tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000))
              redis.call('SET', KEYS[1], epoch)
            end
            return epoch
            """;
    private static final byte[] T = {'t'};
    private static final byte[] E = {'e'};
    private static final byte[] R = {'r'};
    private static final byte[] D = {'d'};

    private final RedisClient client;
    private final String prefix;
    private final long maxLength;

    /**
     * @param prefix    start of every key (e.g. {@code herald:}); no braces
     * @param maxLength entries a stream keeps (about: see the trim above)
     */
    public RedisStreams(RedisClient client, String prefix, long maxLength) {
        if (prefix.indexOf('{') >= 0 || prefix.indexOf('}') >= 0) {
            throw new IllegalArgumentException("redis key prefix must not hold braces");
        }
        if (maxLength < 1) {
            throw new IllegalArgumentException("maxLength=" + maxLength);
        }
        this.client = client;
        this.prefix = prefix;
        this.maxLength = maxLength;
    }

    public RedisClient client() {
        return client;
    }

    /** The stream's key; topic names never hold braces (TopicNames), so the whole name is the hash tag. */
    public String streamKey(String topic) {
        return prefix + "{" + topic + "}";
    }

    /** The topic of a stream key, or null when the key is not one of this prefix's streams. */
    String topicOf(String key) {
        if (key.length() < prefix.length() + 3 || !key.startsWith(prefix) || key.charAt(prefix.length()) != '{'
                || key.charAt(key.length() - 1) != '}') {
            return null;
        }
        return key.substring(prefix.length() + 1, key.length() - 1);
    }

    String epochKey(String topic) {
        return prefix + "{" + topic + "}:epoch";
    }

    /**
     * Appends one event to the topic's stream, creating the stream (and its epoch) when needed, trimming it.
     *
     * @param eventType   null for none
     * @param retryMillis -1 for none
     * @return the entry's id: Herald's event id
     * @throws RedisException {@code UNAVAILABLE} (at once when not connected) or {@code TIMEOUT}: the event may or
     *                        may not be in the stream (the connection broke after sending); {@code REPLY} when Redis
     *                        refused it (e.g. the key holds another type, out of memory): it is not
     */
    public StreamId append(String topic, byte[] eventType, byte[] data, int offset, int length, long retryMillis,
                           long publishedMillis) {
        Object[] args = appendArgs(topic, eventType, data, offset, length, retryMillis, publishedMillis);
        Object reply;
        try {
            reply = client.call(args);
        } catch (RedisException e) {
            if (!e.isReply("NOSCRIPT")) {
                throw e;
            }
            args[0] = "EVAL";
            args[1] = APPEND_SCRIPT;
            reply = client.call(args);
        }
        if (!(reply instanceof byte[] id)) {
            throw RedisException.protocol("redis append returned no entry id");
        }
        return StreamId.parse(id);
    }

    private Object[] appendArgs(String topic, byte[] eventType, byte[] data, int offset, int length, long retryMillis,
                                long publishedMillis) {
        int fields = 2 + (eventType != null ? 1 : 0) + (retryMillis >= 0 ? 1 : 0);
        Object[] args = new Object[6 + 2 * fields];
        int at = 0;
        args[at++] = "EVALSHA";
        args[at++] = APPEND_SHA;
        args[at++] = 2;
        args[at++] = streamKey(topic);
        args[at++] = epochKey(topic);
        args[at++] = maxLength;
        args[at++] = T;
        args[at++] = publishedMillis;
        if (eventType != null) {
            args[at++] = E;
            args[at++] = eventType;
        }
        if (retryMillis >= 0) {
            args[at++] = R;
            args[at++] = retryMillis;
        }
        args[at++] = D;
        args[at] = offset == 0 && length == data.length ? data : Arrays.copyOfRange(data, offset, offset + length);
        return args;
    }

    /** The key of the cluster's epoch ({@link #CLUSTER_APPEND_SCRIPT}). */
    public String clusterEpochKey() {
        return prefix + "epoch";
    }

    /**
     * The cluster's epoch, made now when Redis has none (a new cluster, or Redis lost its data).
     *
     * @throws RedisException as {@link RedisClient#call}
     */
    public long clusterEpoch() {
        Object reply = client.call("EVAL", CLUSTER_EPOCH_SCRIPT, 1, clusterEpochKey());
        if (!(reply instanceof byte[] epoch)) {
            throw RedisException.protocol("redis returned no cluster epoch");
        }
        try {
            return Long.parseLong(new String(epoch, StandardCharsets.US_ASCII));
        } catch (NumberFormatException e) {
            throw RedisException.protocol("redis cluster epoch is not a number");
        }
    }

    /**
     * Appends one event to the topic's stream in the cluster's epoch ({@link #CLUSTER_APPEND_SCRIPT}): as
     * {@link #append}, with one epoch for all topics.
     */
    public StreamId appendInClusterEpoch(String topic, byte[] eventType, byte[] data, int offset, int length,
                                         long retryMillis, long publishedMillis) {
        Object[] stream = appendArgs(topic, eventType, data, offset, length, retryMillis, publishedMillis);
        Object[] args = new Object[stream.length + 1];
        args[0] = "EVALSHA";
        args[1] = CLUSTER_APPEND_SHA;
        args[2] = 3;
        args[3] = stream[3];
        args[4] = stream[4];
        args[5] = clusterEpochKey();
        System.arraycopy(stream, 5, args, 6, stream.length - 5);
        Object reply;
        try {
            reply = client.call(args);
        } catch (RedisException e) {
            if (!e.isReply("NOSCRIPT")) {
                throw e;
            }
            args[0] = "EVAL";
            args[1] = CLUSTER_APPEND_SCRIPT;
            reply = client.call(args);
        }
        if (!(reply instanceof byte[] id)) {
            throw RedisException.protocol("redis append returned no entry id");
        }
        return StreamId.parse(id);
    }

    /** The first and the last entry the stream keeps (one round trip); empty when there is no stream. */
    public List<StreamEntry> ends(String topic) {
        List<Object> replies = client.pipeline(List.of(
                new Object[] {"XRANGE", streamKey(topic), "-", "+", "COUNT", 1},
                new Object[] {"XREVRANGE", streamKey(topic), "+", "-", "COUNT", 1}));
        List<StreamEntry> ends = new ArrayList<>(2);
        for (Object reply : replies) {
            if (reply instanceof RespParser.ErrorReply error) {
                throw RedisException.reply(error.message());
            }
            ends.addAll(entries(reply));
        }
        return ends;
    }

    /** Up to {@code count} entries with {@code after < id <= upTo}, oldest first. */
    public List<StreamEntry> range(String topic, StreamId after, StreamId upTo, int count) {
        if (count < 1) {
            throw new IllegalArgumentException("count=" + count);
        }
        return entries(client.call("XRANGE", streamKey(topic), "(" + after, upTo.toString(), "COUNT", count));
    }

    /**
     * Up to {@code count} entries after {@code after} (exclusive), oldest first ({@code XRANGE key (after + COUNT n}).
     * An empty list: nothing newer, or no stream. Entries of a later epoch come after every entry of an earlier one.
     */
    public List<StreamEntry> history(String topic, StreamId after, int count) {
        if (count < 1) {
            throw new IllegalArgumentException("count=" + count);
        }
        Object reply = client.call("XRANGE", streamKey(topic), "(" + after, "+", "COUNT", count);
        return entries(reply);
    }

    /** The oldest entry the stream still keeps, or null when there is no stream. */
    public StreamId oldest(String topic) {
        List<StreamEntry> first = entries(client.call("XRANGE", streamKey(topic), "-", "+", "COUNT", 1));
        return first.isEmpty() ? null : first.get(0).id();
    }

    /** Parses an XRANGE reply, or one stream's entries of an XREAD reply. */
    static List<StreamEntry> entries(Object reply) {
        if (reply == null) {
            return List.of();
        }
        if (!(reply instanceof List<?> list)) {
            throw RedisException.protocol("redis stream entries are not an array");
        }
        List<StreamEntry> entries = new ArrayList<>(list.size());
        for (Object item : list) {
            if (!(item instanceof List<?> pair) || pair.size() != 2 || !(pair.get(0) instanceof byte[] id)
                    || !(pair.get(1) instanceof List<?> fields) || fields.size() % 2 != 0) {
                throw RedisException.protocol("redis stream entry is malformed");
            }
            entries.add(entry(StreamId.parse(id), fields));
        }
        return entries;
    }

    private static StreamEntry entry(StreamId id, List<?> fields) {
        long published = 0;
        byte[] type = null;
        byte[] data = null;
        long retry = -1;
        for (int i = 0; i < fields.size(); i += 2) {
            if (!(fields.get(i) instanceof byte[] name) || !(fields.get(i + 1) instanceof byte[] value)) {
                throw RedisException.protocol("redis stream entry field is not a bulk string");
            }
            if (name.length != 1) {
                continue;
            }
            switch (name[0]) {
                case 't' -> published = number(value, 0);
                case 'e' -> type = value;
                case 'r' -> retry = number(value, -1);
                case 'd' -> data = value;
                default -> {
                    // a field of someone else's: ignored
                }
            }
        }
        return new StreamEntry(id, published, type, data == null ? new byte[0] : data, retry);
    }

    private static long number(byte[] value, long otherwise) {
        try {
            return Long.parseLong(new String(value, StandardCharsets.US_ASCII));
        } catch (NumberFormatException e) {
            return otherwise;
        }
    }

    private static String sha1(String script) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1")
                    .digest(script.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
