package herald.server.auth;

import static herald.server.auth.TestTokens.NOW;
import static herald.server.auth.TestTokens.validClaims;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Path;
import java.time.InstantSource;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Property: any single change to a valid token — one character replaced (by a base64url character or any
 * byte value), or two different neighbours swapped — is rejected with {@link InvalidTokenException}, never
 * accepted and never another exception.
 *
 * <p>Seeded: the seed is printed; rerun one with {@code -Dherald.seed=N}; more iterations with
 * {@code -Dherald.iterations=N} (default 2,000).
 */
class JwtMutationTest {
    private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

    @TempDir
    Path dir;

    @Test
    void shouldRejectEverySingleCharacterChangeOrSwapInValidTokens() throws Exception {
        long seed = Long.getLong("herald.seed", System.nanoTime());
        int iterations = Integer.getInteger("herald.iterations", 2_000);
        System.out.println("JwtMutationTest seed=" + seed + " iterations=" + iterations
                + " (rerun with -Dherald.seed=" + seed + ")");
        Random random = new Random(seed);
        JwtVerifier verifier = JwtVerifier.builder().hs256Secret(TestTokens.SECRET)
                .publicKeyPem(TestTokens.writePem(dir, "rsa.pem", TestTokens.RSA.getPublic()))
                .publicKeyPem(TestTokens.writePem(dir, "ec.pem", TestTokens.EC.getPublic()))
                .clock(InstantSource.fixed(NOW)).build();
        String[] tokens = {
            TestTokens.hs256(validClaims().build()),
            TestTokens.rs256(validClaims().build()),
            TestTokens.es256(validClaims().build()),
        };
        for (String token : tokens) {
            verifier.verify(token); // each original verifies
        }
        for (int i = 0; i < iterations; i++) {
            String token = tokens[random.nextInt(tokens.length)];
            char[] chars = token.toCharArray();
            String how;
            int at = random.nextInt(chars.length);
            switch (random.nextInt(3)) {
                case 0 -> {
                    char c;
                    do {
                        c = ALPHABET.charAt(random.nextInt(ALPHABET.length()));
                    } while (c == chars[at]);
                    how = "replace with base64url char at=" + at;
                    chars[at] = c;
                }
                case 1 -> {
                    char c;
                    do {
                        c = (char) random.nextInt(256);
                    } while (c == chars[at]);
                    how = "replace with byte " + (int) c + " at=" + at;
                    chars[at] = c;
                }
                default -> {
                    while (at + 1 >= chars.length || chars[at] == chars[at + 1]) {
                        at = random.nextInt(chars.length);
                    }
                    how = "swap at=" + at;
                    char c = chars[at];
                    chars[at] = chars[at + 1];
                    chars[at + 1] = c;
                }
            }
            String mutated = new String(chars);
            try {
                verifier.verify(mutated);
                fail("accepted a changed token: seed=" + seed + " iteration=" + i + " " + how);
            } catch (InvalidTokenException expected) {
                // the only acceptable outcome
            } catch (RuntimeException e) {
                throw new AssertionError("seed=" + seed + " iteration=" + i + " " + how + ": " + e, e);
            }
        }
    }
}
