package herald.server.cluster;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/** Values from the Redis Cluster specification and the CLUSTER KEYSLOT documentation (RedisIT checks more against a real server). */
class ClusterSlotsTest {

    @Test
    void shouldComputeTheSpecsCrc16CheckValue() {
        byte[] check = "123456789".getBytes(StandardCharsets.US_ASCII);
        assertEquals(0x31C3, ClusterSlots.crc16(check, 0, check.length));
    }

    @Test
    void shouldMapDocumentedKeysToTheirSlots() {
        assertEquals(11058, ClusterSlots.slot("somekey"));       // CLUSTER KEYSLOT somekey
        assertEquals(2515, ClusterSlots.slot("foo{hash_tag}"));   // CLUSTER KEYSLOT foo{hash_tag}
        assertEquals(2515, ClusterSlots.slot("bar{hash_tag}"));
        assertEquals(12182, ClusterSlots.slot("foo"));
        assertEquals(0, ClusterSlots.slot(""));
    }

    @Test
    void shouldHashOnlyTheFirstNonEmptyHashTag() {
        assertEquals(ClusterSlots.slot("user1000"), ClusterSlots.slot("{user1000}.following"));
        assertEquals(ClusterSlots.slot("{user1000}.following"), ClusterSlots.slot("{user1000}.followers"));
        assertEquals(ClusterSlots.slot("bar"), ClusterSlots.slot("foo{bar}{zap}"));
        assertEquals(ClusterSlots.slot("{bar"), ClusterSlots.slot("foo{{bar}}zap"));
        byte[] emptyTag = "foo{}{bar}".getBytes(StandardCharsets.US_ASCII);
        assertEquals(ClusterSlots.crc16(emptyTag, 0, emptyTag.length) & 16383, ClusterSlots.slot("foo{}{bar}"));
        assertNotEquals(ClusterSlots.slot("bar"), ClusterSlots.slot("foo{}{bar}"));
        byte[] open = "foo{bar".getBytes(StandardCharsets.US_ASCII);
        assertEquals(ClusterSlots.crc16(open, 0, open.length) & 16383, ClusterSlots.slot("foo{bar"));
    }

    @Test
    void shouldPutEveryKeyOfATopicInTheTopicsSlot() {
        RedisStreams streams = new RedisStreams(null, "herald:", 100);
        assertEquals(ClusterSlots.slot("news/eu"), ClusterSlots.slot(streams.streamKey("news/eu")));
        assertEquals(ClusterSlots.slot(streams.streamKey("news/eu")), ClusterSlots.slot(streams.epochKey("news/eu")));
    }
}
