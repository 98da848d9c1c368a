package herald.server;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * Who a client is: the JWT keys and rules of DESIGN.md section 4, "Auth (JWT)". With no key configured
 * ({@link #hasKeys()} false) Herald runs as before: anyone subscribes, loopback publishes. Once a key is
 * configured, {@link Authorizer#jwt} guards every topic request (see there for the rules). Key files are
 * named here and read when the server starts (or by {@link Authorizer#jwt}); a file that cannot be read or is
 * not a key stops start-up with one line naming its option and the file.
 *
 * @param secretFile    HS256 secret ({@code --jwt-secret-file}): the file's bytes, one trailing newline
 *                      ignored, at least 32 bytes; or null
 * @param publicKeys    SPKI PEM public keys ({@code --jwt-public-key}, repeatable): RSA → RS256, EC P-256 → ES256
 * @param jwks          a JWKS file ({@code --jwks}), re-read when it changes; or null
 * @param issuer        the required {@code iss}, or null for any
 * @param audience      the required {@code aud} (a string or one of a list), or null for any
 * @param claim         the name of the claim object holding {@code subscribe} and {@code publish} ({@code herald})
 * @param tokenCookie   the cookie that may carry the token ({@code herald_token})
 * @param tokenQuery    the query parameter that may carry the token ({@code access_token}); null: none
 *                      ({@code --token-query off})
 * @param privateTopics topic patterns that need a token to subscribe (none)
 */
public record Auth(Path secretFile, List<Path> publicKeys, Path jwks, String issuer, String audience, String claim,
                   String tokenCookie, String tokenQuery, List<String> privateTopics) {
    public static final Auth DEFAULTS = new Auth(null, List.of(), null, null, null, "herald", "herald_token",
            "access_token", List.of());

    public Auth {
        publicKeys = List.copyOf(publicKeys);
        privateTopics = List.copyOf(privateTopics);
        Objects.requireNonNull(claim, "claim");
        Objects.requireNonNull(tokenCookie, "tokenCookie");
        if (claim.isEmpty()) {
            throw new IllegalArgumentException("jwtClaim must not be empty");
        }
        if (issuer != null && issuer.isEmpty() || audience != null && audience.isEmpty()) {
            throw new IllegalArgumentException("jwtIssuer and jwtAudience are null (any) or not empty");
        }
        new herald.server.auth.TokenSource(tokenCookie, tokenQuery);          // checks both names
        for (int i = 0; i < privateTopics.size(); i++) {
            try {
                herald.server.auth.TopicPattern.of(privateTopics.get(i));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("privateTopics index=" + i + ": " + e.getMessage());
            }
        }
        boolean keys = secretFile != null || !publicKeys.isEmpty() || jwks != null;  // fields are set after this
        if (!privateTopics.isEmpty() && !keys) {
            throw new IllegalArgumentException("privateTopics need a key to check tokens with (a secret file, a "
                    + "public key or a JWKS file)");
        }
    }

    /** Whether any key is configured: then tokens are checked, and publishing needs one. */
    public boolean hasKeys() {
        return secretFile != null || !publicKeys.isEmpty() || jwks != null;
    }

    public Auth withSecretFile(Path value) {
        return new Auth(value, publicKeys, jwks, issuer, audience, claim, tokenCookie, tokenQuery, privateTopics);
    }

    public Auth withPublicKeys(List<Path> value) {
        return new Auth(secretFile, value, jwks, issuer, audience, claim, tokenCookie, tokenQuery, privateTopics);
    }

    public Auth withJwks(Path value) {
        return new Auth(secretFile, publicKeys, value, issuer, audience, claim, tokenCookie, tokenQuery, privateTopics);
    }

    public Auth withIssuer(String value) {
        return new Auth(secretFile, publicKeys, jwks, value, audience, claim, tokenCookie, tokenQuery, privateTopics);
    }

    public Auth withAudience(String value) {
        return new Auth(secretFile, publicKeys, jwks, issuer, value, claim, tokenCookie, tokenQuery, privateTopics);
    }

    public Auth withClaim(String value) {
        return new Auth(secretFile, publicKeys, jwks, issuer, audience, value, tokenCookie, tokenQuery, privateTopics);
    }

    public Auth withTokenCookie(String value) {
        return new Auth(secretFile, publicKeys, jwks, issuer, audience, claim, value, tokenQuery, privateTopics);
    }

    public Auth withTokenQuery(String value) {
        return new Auth(secretFile, publicKeys, jwks, issuer, audience, claim, tokenCookie, value, privateTopics);
    }

    public Auth withPrivateTopics(List<String> value) {
        return new Auth(secretFile, publicKeys, jwks, issuer, audience, claim, tokenCookie, tokenQuery, value);
    }
}
