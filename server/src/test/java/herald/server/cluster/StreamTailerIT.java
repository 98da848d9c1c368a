package herald.server.cluster;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static herald.server.cluster.RedisClientIT.FAST;
import static herald.server.cluster.RedisClientIT.eventually;
import static herald.server.cluster.RedisStreamsIT.append;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The tailing reader against a real redis-server: many topics per blocking read, adding while blocked, restarts. */
public class StreamTailerIT {
    /** The commands an ACL user for Herald needs (server/README.md, "Cluster foundation"). */
    public static final String ACL_COMMANDS = "+ping +client|setname +client|id +client|unblock +evalsha +eval +xadd +xrange"
            + " +xread +xinfo|stream +exists +get +set +time";

    /** What a listener saw, per topic, in order; fails the test on a repeat or a step back. */
    static final class Seen implements StreamTailer.Listener {
        final Map<String, List<StreamEntry>> byTopic = new ConcurrentHashMap<>();
        final List<String> problems = Collections.synchronizedList(new ArrayList<>());
        final AtomicInteger total = new AtomicInteger();

        @Override
        public void onEntries(String topic, List<StreamEntry> entries) {
            List<StreamEntry> list = byTopic.computeIfAbsent(topic, t -> Collections.synchronizedList(new ArrayList<>()));
            for (StreamEntry entry : entries) {
                if (!list.isEmpty() && list.get(list.size() - 1).id().compareTo(entry.id()) >= 0) {
                    problems.add(topic + ": " + entry.id() + " after " + list.get(list.size() - 1).id());
                }
                list.add(entry);
            }
            total.addAndGet(entries.size());
        }

        List<String> data(String topic) {
            List<StreamEntry> list = byTopic.getOrDefault(topic, List.of());
            synchronized (list) {
                return list.stream().map(e -> new String(e.data(), StandardCharsets.UTF_8)).toList();
            }
        }

        List<StreamId> ids(String topic) {
            List<StreamEntry> list = byTopic.getOrDefault(topic, List.of());
            synchronized (list) {
                return list.stream().map(StreamEntry::id).toList();
            }
        }
    }

    @Test
    void shouldTailManyTopicsOnAFewConnectionsInOrderWithoutLossOrRepeats() throws Exception {
        try (RedisServer redis = RedisServer.start(); RedisClient client = new RedisClient(redis.url(), FAST, "it")) {
            assertTrue(client.start());
            RedisStreams streams = new RedisStreams(client, "herald:", 10_000);
            Seen seen = new Seen();
            int topics = 300;
            try (StreamTailer tailer = new StreamTailer(streams, 3, Duration.ofSeconds(2), 50, seen)) {
                for (int t = 0; t < topics; t++) {
                    append(streams, "topic-" + t, "before-0");      // before the tailer follows it: from ZERO
                    tailer.add("topic-" + t, StreamId.ZERO);
                }
                List<Thread> publishers = new ArrayList<>();
                for (int p = 0; p < 4; p++) {
                    int publisher = p;
                    publishers.add(Thread.ofVirtual().start(() -> {
                        for (int round = 1; round <= 10; round++) {
                            for (int t = publisher; t < topics; t += 4) {
                                append(streams, "topic-" + t, "e-" + round);
                            }
                        }
                    }));
                }
                for (Thread publisher : publishers) {
                    assertTrue(publisher.join(Duration.ofSeconds(60)));
                }
                assertTrue(eventually(Duration.ofSeconds(20), () -> seen.total.get() == topics * 11),
                        "delivered " + seen.total.get() + " of " + topics * 11);
                List<String> expected = new ArrayList<>(List.of("before-0"));
                for (int round = 1; round <= 10; round++) {
                    expected.add("e-" + round);
                }
                for (int t = 0; t < topics; t++) {
                    assertEquals(expected, seen.data("topic-" + t), "topic-" + t);
                    List<StreamId> ids = seen.ids("topic-" + t);
                    assertEquals(ids.get(10), tailer.position("topic-" + t));
                    for (int i = 0; i < ids.size(); i++) {
                        assertEquals(i + 1, ids.get(i).seq(), "gap-free");
                    }
                }
                assertEquals(List.of(), seen.problems);
                assertTrue(tailer.reads() < seen.total.get(), "many entries per read: reads=" + tailer.reads()
                        + " entries=" + seen.total.get());
                long readers = redis.cli("CLIENT", "LIST").lines().filter(l -> l.contains("name=herald-it-tail")).count();
                assertEquals(3, readers, "one connection per partition, not per topic");
                assertTrue(tailer.lastLagMillis() >= 0 && tailer.entriesRead() == topics * 11);
            }
        }
    }

    @Test
    void shouldDeliverATopicAddedWhileTheReadIsBlockedWithoutWaitingForItsTimeout() throws Exception {
        try (RedisServer redis = RedisServer.start(); RedisClient client = new RedisClient(redis.url(), FAST, "it")) {
            assertTrue(client.start());
            RedisStreams streams = new RedisStreams(client, "herald:", 10_000);
            Seen seen = new Seen();
            Duration block = Duration.ofSeconds(30);
            try (StreamTailer tailer = new StreamTailer(streams, 1, block, 100, seen)) {
                tailer.add("quiet", StreamId.ZERO);
                for (int round = 0; round < 5; round++) {
                    assertTrue(eventually(Duration.ofSeconds(10), () -> blockedReaders(redis) == 1), "reader blocked");
                    String topic = "late-" + round;
                    append(streams, topic, "waiting");
                    long start = System.nanoTime();
                    tailer.add(topic, StreamId.ZERO);
                    assertTrue(eventually(Duration.ofSeconds(5), () -> seen.data(topic).size() == 1),
                            "delivered long before the 30 s block ends");
                    append(streams, topic, "live");
                    assertTrue(eventually(Duration.ofSeconds(5), () -> seen.data(topic).size() == 2));
                    System.out.println("StreamTailerIT: added while blocked, delivered after "
                            + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) + " ms");
                }
                assertTrue(tailer.unblocks() >= 5, "woken by CLIENT UNBLOCK: " + tailer.unblocks());
                assertEquals(List.of(), seen.problems);
            }
        }
    }

    @Test
    void shouldWorkAsAnAclUserAllowedOnlyWhatHeraldNeeds() throws Exception {
        try (RedisServer redis = RedisServer.start()) {
            List<String> acl = new ArrayList<>(List.of("ACL", "SETUSER", "herald", "on", ">pw", "~herald:*",
                    "resetchannels", "-@all"));
            acl.addAll(List.of(ACL_COMMANDS.split(" ")));               // the README's list
            assertEquals("OK", redis.cli(acl.toArray(String[]::new)));
            RedisUrl url = RedisUrl.parse("redis://herald:pw@127.0.0.1:" + redis.port());
            try (RedisClient client = new RedisClient(url, FAST, "it")) {
                assertTrue(client.start());
                RedisStreams streams = new RedisStreams(client, "herald:", 100);
                Seen seen = new Seen();
                try (StreamTailer tailer = new StreamTailer(streams, 1, Duration.ofSeconds(30), 10, seen)) {
                    tailer.add("first", StreamId.ZERO);
                    assertTrue(eventually(Duration.ofSeconds(10), () -> blockedReaders(redis) == 1));
                    StreamId id = append(streams, "acl", "x");
                    tailer.add("acl", StreamId.ZERO);                   // CLIENT UNBLOCK
                    assertTrue(eventually(Duration.ofSeconds(5), () -> seen.ids("acl").equals(List.of(id))));
                    redis.cli("DEL", "herald:{acl}:epoch");              // XINFO STREAM in the script
                    assertEquals(2, append(streams, "acl", "y").seq());
                    assertEquals(2, streams.history("acl", StreamId.ZERO, 10).size());
                    assertTrue(tailer.unblocks() >= 1);
                }
                RedisException denied = assertThrows(RedisException.class, () -> client.call("FLUSHALL"));
                assertTrue(denied.isReply("NOPERM"), denied.getMessage());
            }
        }
    }

    @Test
    void shouldStopDeliveringARemovedTopicAndStartWhereAskedWhenReAdded() throws Exception {
        try (RedisServer redis = RedisServer.start(); RedisClient client = new RedisClient(redis.url(), FAST, "it")) {
            assertTrue(client.start());
            RedisStreams streams = new RedisStreams(client, "herald:", 10_000);
            Seen seen = new Seen();
            try (StreamTailer tailer = new StreamTailer(streams, 2, Duration.ofMillis(200), 100, seen)) {
                StreamId first = append(streams, "r", "1");
                append(streams, "r", "2");
                tailer.add("r", first);                             // mid-stream: after 1
                assertTrue(eventually(Duration.ofSeconds(5), () -> seen.data("r").equals(List.of("2"))));
                tailer.remove("r");
                assertEquals(null, tailer.position("r"));
                append(streams, "r", "3");
                append(streams, "other", "x");
                tailer.add("other", StreamId.ZERO);
                assertTrue(eventually(Duration.ofSeconds(5), () -> seen.data("other").size() == 1));
                Thread.sleep(500);                                    // reads went on: nothing for r
                assertEquals(List.of("2"), seen.data("r"));
            }
        }
    }

    @Test
    void shouldResumeFromTheLastIdsAfterRedisRestartsWhilePublishing() throws Exception {
        try (RedisServer redis = RedisServer.start(); RedisClient client = new RedisClient(redis.url(), FAST, "it")) {
            assertTrue(client.start());
            RedisStreams streams = new RedisStreams(client, "herald:", 100_000);
            Seen seen = new Seen();
            String[] topics = {"a", "b", "c", "d"};
            Map<String, List<StreamId>> acknowledged = new ConcurrentHashMap<>();
            AtomicInteger failed = new AtomicInteger();
            AtomicInteger unknown = new AtomicInteger();
            AtomicBoolean publishing = new AtomicBoolean(true);
            try (StreamTailer tailer = new StreamTailer(streams, 2, Duration.ofMillis(500), 100, seen)) {
                for (String topic : topics) {
                    acknowledged.put(topic, Collections.synchronizedList(new ArrayList<>()));
                    tailer.add(topic, StreamId.ZERO);
                }
                List<Thread> publishers = new ArrayList<>();
                for (String topic : topics) {
                    publishers.add(Thread.ofVirtual().start(() -> {
                        for (int i = 0; publishing.get() && i < 100_000; i++) {
                            try {
                                acknowledged.get(topic).add(append(streams, topic, topic + i));
                            } catch (RedisException e) {
                                failed.incrementAndGet();
                                if (e.reason() != RedisException.Reason.UNAVAILABLE || !e.getMessage()
                                        .startsWith("redis unavailable")) {
                                    unknown.incrementAndGet();      // sent, then the connection broke: effect unknown
                                }
                                try {
                                    Thread.sleep(5);
                                } catch (InterruptedException interrupted) {
                                    return;
                                }
                            }
                        }
                    }));
                }
                assertTrue(eventually(Duration.ofSeconds(10), () -> seen.total.get() > 200), "flowing before");
                redis.kill();
                Thread.sleep(300);
                int failedWhileDown = failed.get();
                redis.restart();                                     // same port, empty: every stream lost
                assertTrue(eventually(Duration.ofSeconds(15), () -> client.isConnected()
                        && acknowledged.values().stream().allMatch(l -> epochs(l) == 2 && inLastEpoch(l) >= 10)),
                        "publishing again, in new epochs");
                publishing.set(false);
                for (Thread publisher : publishers) {
                    assertTrue(publisher.join(Duration.ofSeconds(10)));
                }
                assertTrue(failedWhileDown > 0, "appends failed while Redis was down");
                for (String topic : topics) {
                    List<StreamId> acked = List.copyOf(acknowledged.get(topic));
                    long newEpoch = acked.get(acked.size() - 1).epoch();
                    List<StreamEntry> stream = streams.history(topic, StreamId.ZERO, 1_000_000);
                    List<StreamId> inRedis = stream.stream().map(StreamEntry::id).toList();
                    List<StreamId> ackedNew = acked.stream().filter(id -> id.epoch() == newEpoch).toList();
                    for (int i = 0; i < inRedis.size(); i++) {
                        assertEquals(new StreamId(newEpoch, i + 1), inRedis.get(i), topic + ": gap-free new epoch");
                        assertTrue(stream.get(i).data().length > 0 && stream.get(i).publishedMillis() > 0,
                                topic + ": every entry whole");
                    }
                    assertTrue(inRedis.containsAll(ackedNew), topic + ": every acknowledged append is in the stream");
                    assertTrue(inRedis.size() - ackedNew.size() <= unknown.get(),
                            topic + ": entries nobody was told about come only from appends of unknown outcome");
                    assertTrue(eventually(Duration.ofSeconds(10), () -> seen.ids(topic).containsAll(inRedis)),
                            topic + ": the tailer caught up with the new epoch");
                    List<StreamId> delivered = seen.ids(topic);
                    List<StreamId> oldEpoch = delivered.stream().filter(id -> id.epoch() != newEpoch).toList();
                    for (int i = 0; i < oldEpoch.size(); i++) {
                        assertEquals(i + 1, oldEpoch.get(i).seq(), topic + ": the old epoch gap-free up to the loss");
                    }
                    assertEquals(inRedis, delivered.subList(oldEpoch.size(), delivered.size()), topic);
                    System.out.println("StreamTailerIT restart: topic " + topic + " delivered " + oldEpoch.size()
                            + " before the loss and " + inRedis.size() + " after; appends failed " + failed.get()
                            + " (unknown outcome " + unknown.get() + ")");
                }
                assertEquals(List.of(), seen.problems);
                assertTrue(tailer.reconnects() >= 1, "readers reconnected: " + tailer.reconnects());
                assertTrue(client.reconnects() >= 1);
            } finally {
                publishing.set(false);
            }
        }
    }

    private static long epochs(List<StreamId> ids) {
        synchronized (ids) {
            return ids.stream().mapToLong(StreamId::epoch).distinct().count();
        }
    }

    private static long inLastEpoch(List<StreamId> ids) {
        synchronized (ids) {
            long last = ids.get(ids.size() - 1).epoch();
            return ids.stream().filter(id -> id.epoch() == last).count();
        }
    }

    private static long blockedReaders(RedisServer redis) {
        try {
            return redis.cli("CLIENT", "LIST").lines()
                    .filter(l -> l.contains("name=herald-it-tail") && l.contains("cmd=xread") && l.contains("flags=b"))
                    .count();
        } catch (Exception e) {
            return -1;
        }
    }
}
