package herald.server.cluster;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static herald.server.cluster.RedisClientIT.PATIENT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The cluster's append script in a real redis-server ({@link RedisStreams#CLUSTER_APPEND_SCRIPT}): one epoch for every
 * topic, sequences from 1 per topic, and no id ever handed out twice when Redis loses a stream, its epoch key, or
 * everything.
 */
class ClusterEpochIT {

    private static StreamId append(RedisStreams streams, String topic, String data) {
        byte[] bytes = data.getBytes(StandardCharsets.UTF_8);
        return streams.appendInClusterEpoch(topic, null, bytes, 0, bytes.length, -1, System.currentTimeMillis());
    }

    @Test
    void shouldGiveEveryTopicTheClusterEpochAndItsOwnGapFreeSequences() throws Exception {
        try (RedisServer redis = RedisServer.start(); RedisClient client = new RedisClient(redis.url(), PATIENT, "it")) {
            assertTrue(client.start());
            RedisStreams streams = new RedisStreams(client, "herald:", 1_000);
            long epoch = streams.clusterEpoch();
            assertEquals(String.valueOf(epoch), redis.cli("GET", "herald:epoch"));
            assertEquals(epoch, streams.clusterEpoch(), "read, not made again");
            for (int i = 1; i <= 50; i++) {
                assertEquals(new StreamId(epoch, i), append(streams, "a", "a" + i));
                assertEquals(new StreamId(epoch, i), append(streams, "b", "b" + i));
            }
            List<StreamEntry> ends = streams.ends("a");
            assertEquals(List.of(new StreamId(epoch, 1), new StreamId(epoch, 50)), ends.stream().map(StreamEntry::id)
                    .toList());
            List<StreamEntry> range = streams.range("a", new StreamId(epoch, 10), new StreamId(epoch, 13), 100);
            assertEquals(List.of(11L, 12L, 13L), range.stream().map(e -> e.id().seq()).toList());
            assertEquals(List.of(), streams.ends("never"));
        }
    }

    @Test
    void shouldMoveTheClusterToANewEpochWhenOneStreamIsLostSoThatNoIdIsReused() throws Exception {
        try (RedisServer redis = RedisServer.start(); RedisClient client = new RedisClient(redis.url(), PATIENT, "it")) {
            assertTrue(client.start());
            RedisStreams streams = new RedisStreams(client, "herald:", 1_000);
            long epoch = append(streams, "a", "a1").epoch();
            append(streams, "a", "a2");
            append(streams, "b", "b1");
            assertEquals("1", redis.cli("DEL", "herald:{a}"));              // lost alone; its epoch key stays
            StreamId next = append(streams, "a", "a3");
            assertTrue(next.epoch() > epoch, "a new epoch: " + next);
            assertEquals(1, next.seq());
            assertEquals(String.valueOf(next.epoch()), redis.cli("GET", "herald:epoch"));
            StreamId other = append(streams, "b", "b2");
            assertEquals(new StreamId(next.epoch(), 1), other, "every topic goes on in the new epoch");
            assertEquals(new StreamId(next.epoch(), 2), append(streams, "b", "b3"));
            assertEquals(3, Long.parseLong(redis.cli("XLEN", "herald:{b}")), "the old entries stay, below");
        }
    }

    @Test
    void shouldMakeANewEpochAboveTheOldWhenRedisLostEverythingOrTheEpochKey() throws Exception {
        try (RedisServer redis = RedisServer.start(); RedisClient client = new RedisClient(redis.url(), PATIENT, "it")) {
            assertTrue(client.start());
            RedisStreams streams = new RedisStreams(client, "herald:", 1_000);
            StreamId first = append(streams, "a", "a1");
            Thread.sleep(5);
            assertEquals("1", redis.cli("DEL", "herald:epoch"));           // the epoch key alone
            StreamId rebased = append(streams, "a", "a2");
            assertTrue(rebased.epoch() > first.epoch(), rebased.toString());
            assertEquals(1, rebased.seq());
            Thread.sleep(5);
            assertEquals("OK", redis.cli("FLUSHALL"));                       // everything, as a restart without data
            StreamId fresh = append(streams, "a", "a3");
            assertTrue(fresh.epoch() > rebased.epoch(), fresh.toString());
            assertEquals(1, fresh.seq());
            assertNotEquals(streams.clusterEpoch(), first.epoch());
        }
    }
}
