package herald.server.cluster;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Stream ids, keys and entry replies as RedisStreams reads them, without Redis. */
class StreamRepliesTest {

    @Test
    void shouldParseAndOrderStreamIds() {
        assertEquals(new StreamId(1_733_400_000_000L, 42), StreamId.parse("1733400000000-42"));
        assertEquals("1733400000000-42", new StreamId(1_733_400_000_000L, 42).toString());
        assertTrue(new StreamId(5, 100).compareTo(new StreamId(6, 1)) < 0, "a later epoch is after every older entry");
        assertTrue(new StreamId(5, 2).compareTo(new StreamId(5, 10)) < 0);
        assertEquals(0, StreamId.ZERO.compareTo(new StreamId(0, 0)));
    }

    @Test
    void shouldRejectMalformedStreamIds() {
        for (String bad : new String[] {"", "-", "5", "5-", "-5", "a-1", "5-b", "5--1", "5-1-2",
                "123456789012345678901-1", "1-123456789012345678901"}) {
            RedisException e = assertThrows(RedisException.class, () -> StreamId.parse(bad), bad);
            assertEquals(RedisException.Reason.PROTOCOL, e.reason());
        }
        assertThrows(IllegalArgumentException.class, () -> new StreamId(-1, 0));
    }

    @Test
    void shouldNameKeysWithTheTopicAsHashTagAndReadThemBack() {
        RedisStreams streams = new RedisStreams(null, "herald:", 10);
        assertEquals("herald:{news/eu}", streams.streamKey("news/eu"));
        assertEquals("herald:{news/eu}:epoch", streams.epochKey("news/eu"));
        assertEquals("news/eu", streams.topicOf("herald:{news/eu}"));
        assertNull(streams.topicOf("other:{news}"));
        assertNull(streams.topicOf("herald:{news}:epoch"));
        assertNull(streams.topicOf("herald:{}"));
        assertThrows(IllegalArgumentException.class, () -> new RedisStreams(null, "her{ald", 10));
        assertThrows(IllegalArgumentException.class, () -> new RedisStreams(null, "herald:", 0));
    }

    @Test
    void shouldReadEntriesAndIgnoreUnknownFields() {
        Object reply = List.of(
                List.of(bytes("7-1"), List.of(bytes("t"), bytes("123"), bytes("e"), bytes("price"), bytes("r"), bytes("5"),
                        bytes("x-other"), bytes("?"), bytes("d"), bytes("data"))),
                List.of(bytes("7-2"), List.of(bytes("t"), bytes("not a number"))));
        List<StreamEntry> entries = RedisStreams.entries(reply);
        StreamEntry first = entries.get(0);
        assertEquals(new StreamId(7, 1), first.id());
        assertEquals(123, first.publishedMillis());
        assertArrayEquals(bytes("price"), first.eventType());
        assertEquals(5, first.retryMillis());
        assertArrayEquals(bytes("data"), first.data());
        StreamEntry second = entries.get(1);
        assertEquals(0, second.publishedMillis());
        assertNull(second.eventType());
        assertEquals(-1, second.retryMillis());
        assertArrayEquals(new byte[0], second.data());
        assertEquals(List.of(), RedisStreams.entries(null));
    }

    @Test
    void shouldRejectMalformedEntryReplies() {
        Object[] bad = {
            "OK",
            List.of("not a pair"),
            List.of(List.of(bytes("7-1"))),
            List.of(List.of(bytes("7-1"), List.of(bytes("t")))),
            List.of(List.of(bytes("7-1"), List.of(bytes("t"), 5L))),
            List.of(List.of(bytes("seven"), List.of())),
            List.of(List.of("7-1", List.of())),
        };
        for (Object reply : bad) {
            RedisException e = assertThrows(RedisException.class, () -> RedisStreams.entries(reply), reply.toString());
            assertEquals(RedisException.Reason.PROTOCOL, e.reason());
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
