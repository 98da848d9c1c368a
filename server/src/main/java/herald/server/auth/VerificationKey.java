package herald.server.auth;

import java.security.Key;

/**
 * One key and the only algorithm it verifies: the algorithm comes from the key, never from the token.
 *
 * @param kid    the JWKS {@code kid}, or null (a secret file, a PEM file, a JWKS key without one)
 * @param alg    the algorithm this key verifies
 * @param key    a {@code SecretKey} (HS256), {@code RSAPublicKey} (RS256) or {@code ECPublicKey} on P-256 (ES256)
 * @param source where it came from, for messages ({@code "jwks /etc/herald/jwks.json kid=a1"})
 */
record VerificationKey(String kid, Alg alg, Key key, String source) {
    @Override
    public String toString() {
        return alg + " key from " + source; // never the key material
    }
}
