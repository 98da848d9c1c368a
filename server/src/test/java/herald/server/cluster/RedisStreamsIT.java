package herald.server.cluster;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static herald.server.cluster.RedisClientIT.FAST;
import static herald.server.cluster.RedisClientIT.PATIENT;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Topic streams in a real redis-server: the append script (epoch, gap-free sequences, trim), history, lost streams. */
class RedisStreamsIT {

    @Test
    void shouldCreateTheEpochFromRedisTimeAndNumberFromOne() throws Exception {
        try (RedisServer redis = RedisServer.start(); RedisClient client = new RedisClient(redis.url(), PATIENT, "it")) {
            assertTrue(client.start());
            RedisStreams streams = new RedisStreams(client, "herald:", 1_000);
            long before = System.currentTimeMillis();
            StreamId first = append(streams, "news", "one");
            assertEquals(1, first.seq());
            assertTrue(Math.abs(first.epoch() - before) < 60_000, "epoch is Redis's clock in ms: " + first.epoch());
            assertEquals(String.valueOf(first.epoch()), redis.cli("GET", "herald:{news}:epoch"));
            assertEquals(new StreamId(first.epoch(), 2), append(streams, "news", "two"));
            assertEquals("stream", redis.cli("TYPE", "herald:{news}"));
            StreamId other = append(streams, "sports", "x");
            assertEquals(1, other.seq(), "each topic has its own stream and sequences");
        }
    }

    @Test
    void shouldAppendGapFreeSequencesAndTrimToAboutMaxLength() throws Exception {
        try (RedisServer redis = RedisServer.start(); RedisClient client = new RedisClient(redis.url(), PATIENT, "it")) {
            assertTrue(client.start());
            RedisStreams streams = new RedisStreams(client, "herald:", 100);
            StreamId first = append(streams, "t", "0");
            for (int i = 1; i < 1_000; i++) {
                assertEquals(new StreamId(first.epoch(), i + 1), append(streams, "t", String.valueOf(i)));
            }
            long length = Long.parseLong(redis.cli("XLEN", "herald:{t}"));
            assertTrue(length >= 100 && length <= 300, "trimmed with MAXLEN ~ 100: " + length);
            List<StreamEntry> kept = streams.history("t", StreamId.ZERO, 10_000);
            assertEquals(length, kept.size());
            assertEquals(new StreamId(first.epoch(), 1_000), kept.get(kept.size() - 1).id());
            for (int i = 0; i < kept.size(); i++) {
                long seq = 1_000 - kept.size() + 1 + i;
                assertEquals(new StreamId(first.epoch(), seq), kept.get(i).id(), "the newest, gap-free");
                assertEquals(String.valueOf(seq - 1), new String(kept.get(i).data(), StandardCharsets.UTF_8));
            }
            assertEquals(kept.get(0).id(), streams.oldest("t"));
            assertNull(streams.oldest("never"));
        }
    }

    @Test
    void shouldReadHistoryAfterAnIdWithEveryField() throws Exception {
        try (RedisServer redis = RedisServer.start(); RedisClient client = new RedisClient(redis.url(), PATIENT, "it")) {
            assertTrue(client.start());
            RedisStreams streams = new RedisStreams(client, "herald:", 1_000);
            byte[] binary = {0, '\r', '\n', (byte) 0xff, 'd', 'a', 't', 'a'};
            StreamId a = streams.append("h", "price".getBytes(StandardCharsets.UTF_8), binary, 0, binary.length, 2_500,
                    1_700_000_000_123L);
            List<StreamId> ids = new ArrayList<>(List.of(a));
            for (int i = 0; i < 20; i++) {
                byte[] data = ("padding " + i + " ok").getBytes(StandardCharsets.UTF_8);
                ids.add(streams.append("h", null, data, 8, data.length - 8, -1, 42));     // a slice of the array
            }
            StreamEntry entry = streams.history("h", StreamId.ZERO, 1).get(0);
            assertEquals(a, entry.id());
            assertArrayEquals("price".getBytes(StandardCharsets.UTF_8), entry.eventType());
            assertArrayEquals(binary, entry.data());
            assertEquals(2_500, entry.retryMillis());
            assertEquals(1_700_000_000_123L, entry.publishedMillis());
            List<StreamEntry> after = streams.history("h", ids.get(5), 4);
            assertEquals(ids.subList(6, 10), after.stream().map(StreamEntry::id).toList());
            StreamEntry plain = after.get(0);
            assertNull(plain.eventType());
            assertEquals(-1, plain.retryMillis());
            assertEquals("5 ok", new String(plain.data(), StandardCharsets.UTF_8));
            assertEquals(List.of(), streams.history("h", ids.get(20), 10), "nothing after the newest");
            assertEquals(List.of(), streams.history("absent", StreamId.ZERO, 10), "no stream: no history");
            assertThrows(IllegalArgumentException.class, () -> streams.history("h", StreamId.ZERO, 0));
        }
    }

    @Test
    void shouldGiveALostStreamANewEpoch() throws Exception {
        try (RedisServer redis = RedisServer.start(); RedisClient client = new RedisClient(redis.url(), PATIENT, "it")) {
            assertTrue(client.start());
            RedisStreams streams = new RedisStreams(client, "herald:", 1_000);
            append(streams, "lost", "a");
            StreamId before = append(streams, "lost", "b");
            redis.cli("FLUSHALL");                                 // everything gone: the clock decides
            StreamId flushed = append(streams, "lost", "c");
            assertEquals(1, flushed.seq());
            assertTrue(flushed.epoch() > before.epoch(), before + " then " + flushed);

            redis.cli("SET", "herald:{lost}:epoch", String.valueOf(flushed.epoch() + 1_000_000));   // an epoch from the future
            redis.cli("DEL", "herald:{lost}");                     // the stream alone lost (evicted)
            StreamId evicted = append(streams, "lost", "d");
            assertEquals(new StreamId(flushed.epoch() + 1_000_001, 1), evicted, "above the last epoch, clock or not");

            redis.cli("DEL", "herald:{lost}:epoch");               // the epoch key alone lost: the stream decides
            assertEquals(new StreamId(evicted.epoch(), 2), append(streams, "lost", "e"));
            assertEquals(String.valueOf(evicted.epoch()), redis.cli("GET", "herald:{lost}:epoch"));
        }
    }

    @Test
    void shouldRunTheScriptAgainAfterRedisForgotIt() throws Exception {
        try (RedisServer redis = RedisServer.start(); RedisClient client = new RedisClient(redis.url(), PATIENT, "it")) {
            assertTrue(client.start());
            RedisStreams streams = new RedisStreams(client, "herald:", 1_000);
            StreamId first = append(streams, "s", "a");             // EVALSHA: NOSCRIPT, then EVAL
            assertEquals("1", redis.cli("SCRIPT", "EXISTS", sha1()));
            redis.cli("SCRIPT", "FLUSH");
            assertEquals(new StreamId(first.epoch(), 2), append(streams, "s", "b"));
            assertEquals(new StreamId(first.epoch(), 3), append(streams, "s", "c"));
        }
    }

    @Test
    void shouldRefuseAppendsToAKeyOfAnotherTypeWithoutWritingAnything() throws Exception {
        try (RedisServer redis = RedisServer.start(); RedisClient client = new RedisClient(redis.url(), PATIENT, "it")) {
            assertTrue(client.start());
            RedisStreams streams = new RedisStreams(client, "herald:", 1_000);
            redis.cli("SET", "herald:{wrong}", "a string");
            RedisException e = assertThrows(RedisException.class, () -> append(streams, "wrong", "x"));
            assertEquals(RedisException.Reason.REPLY, e.reason());
            assertTrue(e.getMessage().contains("WRONGTYPE"), e.getMessage());
            assertEquals("a string", redis.cli("GET", "herald:{wrong}"));
        }
    }

    @Test
    void shouldFailAppendsWithTimeoutWhileRedisIsPausedAndCarryOnAfter() throws Exception {
        try (RedisServer redis = RedisServer.start(); RedisClient client = new RedisClient(redis.url(), FAST, "it")) {
            assertTrue(client.start());
            RedisStreams streams = new RedisStreams(client, "herald:", 1_000);
            StreamId first = append(streams, "p", "a");
            redis.cli("CLIENT", "PAUSE", "1000", "WRITE");
            RedisException e = assertThrows(RedisException.class, () -> append(streams, "p", "b"));
            assertEquals(RedisException.Reason.TIMEOUT, e.reason());
            assertTrue(RedisClientIT.eventually(Duration.ofSeconds(10), () -> {
                try {
                    append(streams, "p", "c");
                    return true;
                } catch (RedisException notYet) {
                    return false;
                }
            }));
            List<StreamEntry> all = streams.history("p", StreamId.ZERO, 100);
            for (int i = 0; i < all.size(); i++) {
                assertEquals(new StreamId(first.epoch(), i + 1), all.get(i).id(), "gap-free after the timeout");
            }
        }
    }

    static StreamId append(RedisStreams streams, String topic, String data) {
        byte[] bytes = data.getBytes(StandardCharsets.UTF_8);
        return streams.append(topic, null, bytes, 0, bytes.length, -1, System.currentTimeMillis());
    }

    private static String sha1() throws Exception {
        return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-1")
                .digest(RedisStreams.APPEND_SCRIPT.getBytes(StandardCharsets.UTF_8)));
    }
}
