package herald.server.auth;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import org.junit.jupiter.api.Test;

class TokensTest {
    private final InstantSource clock = InstantSource.fixed(TestTokens.NOW);

    @Test
    void shouldRefuseShortSecretShortTtlAndMalformedPatternNamingIndex() {
        assertThrows(IllegalArgumentException.class, () -> Tokens.mintHs256(new byte[31], "s", List.of(), List.of(),
                Duration.ofHours(1), clock));
        assertThrows(IllegalArgumentException.class, () -> Tokens.mintHs256(TestTokens.SECRET, "s", List.of(),
                List.of(), Duration.ofMillis(500), clock));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Tokens.mintHs256(
                TestTokens.SECRET, "s", List.of("a", "b//c"), List.of(), Duration.ofHours(1), clock));
        assertTrue(e.getMessage().contains("index=1"), e.getMessage());
    }

    @Test
    void shouldEscapeSubjectSoTheTokenStillVerifies() throws Exception {
        String subject = "quote\" back\\ nl\n ctl\u0001 é😀";
        String token = Tokens.mintHs256(TestTokens.SECRET, subject, List.of("**"), List.of(), Duration.ofMinutes(5),
                clock);
        Claims claims = JwtVerifier.builder().hs256Secret(TestTokens.SECRET).clock(clock).build().verify(token);
        assertTrue(claims.subject().equals(subject));
        assertTrue(claims.maySubscribe("any/topic"));
        assertFalse(claims.mayPublish("any/topic"));
    }
}
