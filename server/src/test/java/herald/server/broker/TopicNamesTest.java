package herald.server.broker;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class TopicNamesTest {
    private static final String CHARACTERS = "topic name may hold only letters, digits and - _ . ~ /";

    @ParameterizedTest
    @ValueSource(strings = {"news", "users/42", "a.b-c_d~e", "A/B/C", "x", ".", "az", "AZ", "09", "z", "Z", "0", "9",
        "abcdefghijklmnopqrstuvwxyz/ABCDEFGHIJKLMNOPQRSTUVWXYZ/0123456789", "...", ".a", "a..", "~/-/_"})
    void shouldAcceptValidNames(String name) {
        assertNull(TopicNames.problem(name));
    }

    /** Each reason, and the characters just outside each allowed range ('`' '{' '@' '[' '/' ':'). */
    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "\"\"    | topic name is empty",
        "/a      | topic name has an empty segment",
        "a/      | topic name has an empty segment",
        "a//b    | topic name has an empty segment",
        "/       | topic name has an empty segment",
        "..      | topic name has a '..' segment",
        "a/../b  | topic name has a '..' segment",
        "a/..    | topic name has a '..' segment",
        "a b     | " + CHARACTERS,
        "a?b     | " + CHARACTERS,
        "a%2Fb   | " + CHARACTERS,
        "ü       | " + CHARACTERS,
        "a`      | " + CHARACTERS,
        "a{      | " + CHARACTERS,
        "a@      | " + CHARACTERS,
        "a[      | " + CHARACTERS,
        "a:      | " + CHARACTERS,
        "a+      | " + CHARACTERS})
    void shouldRejectInvalidNamesWithTheirReason(String name, String reason) {
        assertEquals(reason, TopicNames.problem(name == null ? "" : name));
    }

    @ParameterizedTest
    @ValueSource(strings = {"a\nb", "a\u0000", "\u007f"})
    void shouldRejectControlCharacters(String name) {
        assertEquals(CHARACTERS, TopicNames.problem(name));
    }

    @org.junit.jupiter.api.Test
    void shouldBoundTheLength() {
        assertNull(TopicNames.problem("t".repeat(200)));
        assertEquals("topic name exceeds maxLength=200", TopicNames.problem("t".repeat(201)));
        assertEquals("topic name is empty", TopicNames.problem(null));
    }
}
