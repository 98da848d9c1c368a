package herald.server.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class TopicPatternTest {
    @ParameterizedTest(name = "{0} ~ {1} = {2}")
    @CsvSource({
        "users/42,        users/42,          true",
        "users/42,        users/420,         false",
        "users/42,        users/4,           false",
        "users/42,        users/42/x,        false",
        "users/42,        users,             false",
        "dashboard/*,     dashboard/cpu,     true",
        "dashboard/*,     dashboard,         false",
        "dashboard/*,     dashboard/cpu/0,   false",
        "dashboard/*,     dashboardx/cpu,    false",
        "orders/**,       orders/1,          true",
        "orders/**,       orders/1/lines/2,  true",
        "orders/**,       orders,            false",
        "orders/**,       ordersx/1,         false",
        "**,              a,                 true",
        "**,              a/b/c,             true",
        "*,               a,                 true",
        "*,               a/b,               false",
        "*/x,             a/x,               true",
        "*/x,             a/y,               false",
        "a/**/z,          a/b/z,             true",
        "a/**/z,          a/b/c/z,           true",
        "a/**/z,          a/z,               false",
        "a/**/z,          a/b/z/y,           false",
        "a/**/z,          a/z/z,             true",
        "**/z,            a/b/z,             true",
        "**/z,            z,                 false",
        "a/**/b/**,       a/x/b/y,           true",
        "a/**/b/**,       a/x/b,             false",
        "a/**/b/**,       a/b/b/b,           true",
        "*/*,             a/b,               true",
        "*/*,             a,                 false",
        "a.b-c_d~e/*,     a.b-c_d~e/f,       true",
    })
    void shouldMatchAsTheTableSays(String pattern, String topic, boolean expected) {
        assertEquals(expected, TopicPattern.of(pattern).matches(topic), pattern + " ~ " + topic);
    }

    @Test
    void shouldNotMatchEmptyTopicOrEmptySegments() {
        assertFalse(TopicPattern.of("**").matches(""));
        assertFalse(TopicPattern.of("*").matches(""));
        assertFalse(TopicPattern.of("a/*").matches("a/"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "/", "/a", "a/", "a//b", "***", "a**b", "a*", "*a", "**a", "a/***/b", "a b",
        "a?", "ü"})
    void shouldRejectMalformedPatterns(String pattern) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TopicPattern.of(pattern));
        assertTrue(e.getMessage().startsWith("malformed topic pattern"), e.getMessage());
    }

    @Test
    void shouldNameIndexNotPatternWhenAListHasAMalformedOne() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TopicPattern.listOf(List.of("users/42", "news/**", "evil//secretname")));
        assertTrue(e.getMessage().contains("index=2"), e.getMessage());
        assertTrue(e.getMessage().contains("segment=1"), e.getMessage());
        assertFalse(e.getMessage().contains("secretname"), e.getMessage());
    }

    @Test
    void shouldRejectMixedStarSegmentNamingIt() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TopicPattern.listOf(List.of("a**b")));
        assertEquals("malformed topic pattern index=0: '*' mixed into segment=0 (only * or ** as a whole segment)",
                e.getMessage());
    }

    @Test
    void shouldCompareByPatternText() {
        assertEquals(TopicPattern.of("a/*"), TopicPattern.of("a/*"));
        assertEquals("orders/**", TopicPattern.of("orders/**").toString());
    }

    @Test
    void shouldMatchWithoutAllocating() {
        TopicPattern pattern = TopicPattern.of("a/**/z");
        var threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long id = Thread.currentThread().threadId();
        boolean sink = false;
        for (int i = 0; i < 20_000; i++) {
            sink ^= pattern.matches("a/b/c/z");     // warm up: inline, escape analysis
        }
        long before = threads.getThreadAllocatedBytes(id);
        for (int i = 0; i < 100_000; i++) {
            sink ^= pattern.matches("a/b/c/z");
        }
        long allocated = threads.getThreadAllocatedBytes(id) - before;
        assertTrue(allocated < 10_000, "allocated=" + allocated + " sink=" + sink);
    }
}
