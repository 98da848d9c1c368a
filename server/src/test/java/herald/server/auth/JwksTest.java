package herald.server.auth;

import static herald.server.auth.TestTokens.NOW;
import static herald.server.auth.TestTokens.validClaims;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.OctetSequenceKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import herald.server.auth.InvalidTokenException.Reason;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JwksTest {
    static RSAKey rsa;
    static RSAKey rsa2;
    static ECKey ec;
    static OctetSequenceKey oct;

    @TempDir
    Path dir;

    @BeforeAll
    static void keys() throws Exception {
        rsa = new RSAKeyGenerator(2048).keyID("rsa-1").algorithm(JWSAlgorithm.RS256).generate();
        rsa2 = new RSAKeyGenerator(2048).keyID("rsa-2").generate();
        ec = new ECKeyGenerator(Curve.P_256).keyID("ec-1").generate();
        oct = new OctetSequenceKeyGenerator(256).keyID("oct-1").algorithm(JWSAlgorithm.HS256).generate();
    }

    private static String jwks(JWK... keys) {
        List<JWK> published = new java.util.ArrayList<>();
        for (JWK key : keys) {
            published.add(key instanceof OctetSequenceKey ? key : key.toPublicJWK());
        }
        return new JWKSet(published).toString(false);
    }

    private static String rsaToken(RSAKey key) throws Exception {
        return TestTokens.nimbus(JWSAlgorithm.RS256, key.getKeyID(), validClaims().build(), new RSASSASigner(key));
    }

    private static String ecToken() throws Exception {
        return TestTokens.nimbus(JWSAlgorithm.ES256, ec.getKeyID(), validClaims().build(), new ECDSASigner(ec));
    }

    private static String octToken() throws Exception {
        return TestTokens.nimbus(JWSAlgorithm.HS256, oct.getKeyID(), validClaims().build(), new MACSigner(oct));
    }

    private JwtVerifier verifier(Path file, InstantSource clock) {
        return JwtVerifier.builder().jwks(file).clock(clock).build();
    }

    private static void assertRejected(Reason reason, JwtVerifier verifier, String token) {
        InvalidTokenException e = assertThrows(InvalidTokenException.class, () -> verifier.verify(token));
        assertEquals(reason, e.reason(), e.getMessage());
    }

    @Test
    void shouldVerifyTokensForEveryKeyOfAJwksWithRsaEcAndOctKeys() throws Exception {
        Path file = TestTokens.write(dir.resolve("jwks.json"), jwks(rsa, rsa2, ec, oct));
        JwtVerifier verifier = verifier(file, InstantSource.fixed(NOW));
        for (String token : List.of(rsaToken(rsa), rsaToken(rsa2), ecToken(), octToken())) {
            assertEquals("user-42", verifier.verify(token).subject());
        }
    }

    @Test
    void shouldRejectUnknownKid() throws Exception {
        Path file = TestTokens.write(dir.resolve("jwks.json"), jwks(rsa, ec));
        assertRejected(Reason.UNKNOWN_KID, verifier(file, InstantSource.fixed(NOW)), rsaToken(rsa2));
    }

    @Test
    void shouldRejectKidNamingKeyOfAnotherTypeWithKidKeyMismatchReason() throws Exception {
        Path file = TestTokens.write(dir.resolve("jwks.json"), jwks(rsa, ec, oct));
        JwtVerifier verifier = verifier(file, InstantSource.fixed(NOW));
        // HS256 "signed" with the RSA key's published modulus, naming the RSA key: algorithm confusion by kid.
        String confused = TestTokens.handHs256(rsa.getModulus().decode(),
                "{\"alg\":\"HS256\",\"kid\":\"rsa-1\"}", TestTokens.validClaimsJson());
        assertRejected(Reason.KID_KEY_MISMATCH, verifier, confused);
        // An ES256 token naming the RSA key, an RS256 token naming the EC key.
        String es = TestTokens.nimbus(JWSAlgorithm.ES256, "rsa-1", validClaims().build(), new ECDSASigner(ec));
        assertRejected(Reason.KID_KEY_MISMATCH, verifier, es);
        String rs = TestTokens.nimbus(JWSAlgorithm.RS256, "ec-1", validClaims().build(), new RSASSASigner(rsa));
        assertRejected(Reason.KID_KEY_MISMATCH, verifier, rs);
    }

    @Test
    void shouldRejectTokenWithoutKidWhenEveryJwksKeyHasOne() throws Exception {
        Path file = TestTokens.write(dir.resolve("jwks.json"), jwks(rsa));
        String noKid = TestTokens.nimbus(JWSAlgorithm.RS256, null, validClaims().build(), new RSASSASigner(rsa));
        assertRejected(Reason.ALG_KEY_MISMATCH, verifier(file, InstantSource.fixed(NOW)), noKid);
    }

    @Test
    void shouldReloadChangedFileAfterIntervalAndKeepLastGoodSetOnBrokenRewrite() throws Exception {
        TestTokens.ManualClock clock = new TestTokens.ManualClock();
        Path file = TestTokens.write(dir.resolve("jwks.json"), jwks(rsa));
        JwtVerifier verifier = JwtVerifier.builder().jwks(file, Duration.ofSeconds(1)).clock(clock).build();
        String oldToken = rsaToken(rsa);
        String newToken = ecToken();
        verifier.verify(oldToken);
        assertRejected(Reason.UNKNOWN_KID, verifier, newToken);

        rewrite(file, jwks(ec), 1);
        clock.advanceMillis(999);                       // not yet due: the old set still answers
        verifier.verify(oldToken);
        clock.advanceMillis(1);
        verifier.verify(newToken);                      // due: re-read, the new key verifies
        assertRejected(Reason.UNKNOWN_KID, verifier, oldToken);

        rewrite(file, "{\"keys\":[{\"kty\":\"EC\",\"crv\":\"P-256\"", 2);   // broken: truncated
        clock.advanceMillis(1_000);
        verifier.verify(newToken);                      // last good set kept
        assertRejected(Reason.UNKNOWN_KID, verifier, oldToken);

        Files.delete(file);                             // gone: still the last good set
        clock.advanceMillis(1_000);
        verifier.verify(newToken);

        rewrite(file, jwks(rsa, ec), 3);                // fixed: both
        clock.advanceMillis(1_000);
        verifier.verify(newToken);
        verifier.verify(oldToken);
    }

    @Test
    void shouldCountReloadsAndFailuresOncePerChange() throws Exception {
        TestTokens.ManualClock clock = new TestTokens.ManualClock();
        Path file = TestTokens.write(dir.resolve("jwks.json"), jwks(rsa));
        JwksSource source = JwksSource.load(file, Duration.ofSeconds(1), clock);
        rewrite(file, "not json", 1);
        for (int i = 0; i < 5; i++) {
            clock.advanceMillis(1_000);
            assertEquals(1, source.current().size());
        }
        assertEquals(1, source.failures());           // one failure (and one log line) per change, not per check
        rewrite(file, jwks(rsa, ec), 2);
        clock.advanceMillis(1_000);
        assertEquals(2, source.current().size());
        assertEquals(1, source.reloads());
    }

    /** Writes through a temporary file and a rename, with a distinct modification time. */
    private static void rewrite(Path file, String text, int generation) throws Exception {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, text);
        Files.setLastModifiedTime(tmp, FileTime.fromMillis(NOW.toEpochMilli() + generation * 10_000L));
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    // ---- the key set's own rules ----

    private static String jwksError(String json) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Jwks.parse(json, "jwks F"));
        assertTrue(e.getMessage().startsWith("jwks F"), e.getMessage());
        return e.getMessage();
    }

    @Test
    void shouldRefuseKeysWhoseAlgDoesNotFitTheirType() throws Exception {
        String rsaPublic = rsa.toPublicJWK().toJSONString();
        String asEs256 = rsaPublic.replace("\"alg\":\"RS256\"", "\"alg\":\"ES256\"");
        assertTrue(jwksError("{\"keys\":[" + asEs256 + "]}").contains("keys[0]"));
        String ecPublic = ec.toPublicJWK().toJSONString();
        jwksError("{\"keys\":[" + ecPublic.replace("{", "{\"alg\":\"HS256\",") + "]}");
        jwksError("{\"keys\":[{\"kty\":\"oct\",\"alg\":\"RS256\",\"k\":\"" + oct.getKeyValue() + "\"}]}");
        jwksError("{\"keys\":[{\"kty\":\"EC\",\"crv\":\"P-384\",\"alg\":\"ES256\",\"x\":\"AA\",\"y\":\"AA\"}]}");
    }

    @Test
    void shouldRefuseShortSecretsOffCurvePointsAndDuplicateKids() {
        jwksError("{\"keys\":[{\"kty\":\"oct\",\"k\":\"c2hvcnQ\"}]}");
        String ecPublic = ec.toPublicJWK().toJSONString();
        String y = ec.getY().toString();
        String otherY = TestTokens.b64(new byte[32]);
        jwksError("{\"keys\":[" + ecPublic.replace(y, otherY) + "]}");
        String rsaPublic = rsa.toPublicJWK().toJSONString();
        assertTrue(jwksError("{\"keys\":[" + rsaPublic + "," + rsaPublic + "]}").contains("kid=rsa-1"));
        jwksError("{\"keys\":{}}");
        jwksError("[]");
    }

    @Test
    void shouldSkipKeysForOtherAlgorithmsAndUses() throws Exception {
        RSAKey rs512 = new RSAKeyGenerator(2048).keyID("rs512").algorithm(JWSAlgorithm.RS512).generate();
        RSAKey enc = new RSAKeyGenerator(2048).keyID("enc").keyUse(com.nimbusds.jose.jwk.KeyUse.ENCRYPTION).generate();
        ECKey p384 = new ECKeyGenerator(Curve.P_384).keyID("p384").generate();
        String ed25519 = "{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"kid\":\"ed\","
                + "\"x\":\"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo\"}";
        String json = jwks(rsa, rs512, enc, p384);
        Jwks.Parsed parsed = Jwks.parse(json.substring(0, json.length() - 2) + "," + ed25519 + "]}", "jwks F");
        assertEquals(1, parsed.keys().size());
        assertEquals(4, parsed.skipped());
    }

    @Test
    void shouldRefuseUnreadableJwksAtStartNamingTheFile() {
        Path missing = dir.resolve("missing.json");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> JwtVerifier.builder().jwks(missing).build());
        assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());
    }
}
