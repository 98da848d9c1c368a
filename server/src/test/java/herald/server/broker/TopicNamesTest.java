package herald.server.broker;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

class TopicNamesTest {
    @ParameterizedTest
    @ValueSource(strings = {"news", "users/42", "a.b-c_d~e", "A/B/C", "x", "."})
    void shouldAcceptValidNames(String name) {
        assertNull(TopicNames.problem(name));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "/a", "a/", "a//b", "..", "a/../b", "a b", "a?b", "a%2Fb", "ü", "a\nb"})
    void shouldRejectInvalidNames(String name) {
        assertNotNull(TopicNames.problem(name));
    }

    @org.junit.jupiter.api.Test
    void shouldBoundTheLength() {
        assertNull(TopicNames.problem("t".repeat(200)));
        assertNotNull(TopicNames.problem("t".repeat(201)));
    }
}
