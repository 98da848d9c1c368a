package herald.server.auth;

import static herald.server.auth.TestTokens.EC;
import static herald.server.auth.TestTokens.NOW;
import static herald.server.auth.TestTokens.RSA;
import static herald.server.auth.TestTokens.SECRET;
import static herald.server.auth.TestTokens.b64;
import static herald.server.auth.TestTokens.handHs256;
import static herald.server.auth.TestTokens.hmac;
import static herald.server.auth.TestTokens.jcaSign;
import static herald.server.auth.TestTokens.signingInput;
import static herald.server.auth.TestTokens.validClaims;
import static herald.server.auth.TestTokens.validClaimsJson;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import herald.server.auth.InvalidTokenException.Reason;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JwtVerifierTest {
    @TempDir
    Path dir;

    private final InstantSource clock = InstantSource.fixed(NOW);

    private JwtVerifier secretVerifier() {
        return JwtVerifier.builder().hs256Secret(SECRET).clock(clock).build();
    }

    private JwtVerifier rsaVerifier() {
        return JwtVerifier.builder().publicKeyPem(TestTokens.writePem(dir, "rsa.pem", RSA.getPublic()))
                .clock(clock).build();
    }

    private JwtVerifier ecVerifier() {
        return JwtVerifier.builder().publicKeyPem(TestTokens.writePem(dir, "ec.pem", EC.getPublic()))
                .clock(clock).build();
    }

    private static void assertRejected(Reason expected, JwtVerifier verifier, String token) {
        InvalidTokenException e = assertThrows(InvalidTokenException.class, () -> verifier.verify(token));
        assertEquals(expected, e.reason(), e.getMessage());
        // Never the token, nor a piece of it long enough to matter.
        for (String part : token.split("\\.")) {
            if (part.length() >= 8) {
                assertFalse(e.getMessage().contains(part), e.getMessage());
            }
        }
    }

    private static void assertAccepted(JwtVerifier verifier, String token) throws InvalidTokenException {
        Claims claims = verifier.verify(token);
        assertEquals("user-42", claims.subject());
        assertEquals(NOW.plusSeconds(3600), claims.expiry());
    }

    // ---- tokens that verify ----

    @Test
    void shouldVerifyHs256TokenMintedByNimbus() throws Exception {
        Claims claims = secretVerifier().verify(TestTokens.hs256(validClaims().build()));
        assertEquals("user-42", claims.subject());
        assertEquals(NOW.plusSeconds(3600), claims.expiry());
        assertEquals(List.of(TopicPattern.of("users/42"), TopicPattern.of("dashboard/*")), claims.subscribe());
        assertEquals(List.of(TopicPattern.of("news/**")), claims.publish());
        assertTrue(claims.maySubscribe("dashboard/cpu"));
        assertFalse(claims.maySubscribe("users/43"));
        assertTrue(claims.mayPublish("news/eu/fr"));
        assertFalse(claims.mayPublish("users/42"));
    }

    @Test
    void shouldVerifyHs256SecretFileIgnoringOneTrailingNewline() throws Exception {
        Path file = dir.resolve("secret");
        byte[] withNewline = Arrays.copyOf(SECRET, SECRET.length + 1);
        withNewline[SECRET.length] = '\n';
        Files.write(file, withNewline);
        JwtVerifier verifier = JwtVerifier.builder().hs256SecretFile(file).clock(clock).build();
        assertAccepted(verifier, TestTokens.hs256(validClaims().build()));
    }

    @Test
    void shouldVerifyRs256TokenWithPemPublicKey() throws Exception {
        assertAccepted(rsaVerifier(), TestTokens.rs256(validClaims().build()));
    }

    @Test
    void shouldVerifyEs256TokenWithPemPublicKey() throws Exception {
        assertAccepted(ecVerifier(), TestTokens.es256(validClaims().build()));
    }

    @Test
    void shouldVerifyEachAlgorithmWhenAllKeysAreConfigured() throws Exception {
        JwtVerifier verifier = JwtVerifier.builder().hs256Secret(SECRET)
                .publicKeyPem(TestTokens.writePem(dir, "rsa.pem", RSA.getPublic()))
                .publicKeyPem(TestTokens.writePem(dir, "ec.pem", EC.getPublic()))
                .clock(clock).build();
        assertAccepted(verifier, TestTokens.hs256(validClaims().build()));
        assertAccepted(verifier, TestTokens.rs256(validClaims().build()));
        assertAccepted(verifier, TestTokens.es256(validClaims().build()));
    }

    @Test
    void shouldVerifyTokenMintedByTokensHelper() throws Exception {
        String token = Tokens.mintHs256(SECRET, "ops", List.of("users/42"), List.of("news/**"),
                Duration.ofHours(1), clock);
        Claims claims = secretVerifier().verify(token);
        assertEquals("ops", claims.subject());
        assertEquals(NOW.plusSeconds(3600), claims.expiry());
        assertTrue(claims.maySubscribe("users/42"));
        assertTrue(claims.mayPublish("news/1"));
        assertEquals("HS256", com.nimbusds.jwt.SignedJWT.parse(token).getHeader().getAlgorithm().getName());
        assertTrue(com.nimbusds.jwt.SignedJWT.parse(token).verify(new com.nimbusds.jose.crypto.MACVerifier(SECRET)));
    }

    @Test
    void shouldReadHeraldClaimUnderConfiguredName() throws Exception {
        JwtVerifier verifier = JwtVerifier.builder().hs256Secret(SECRET).claimName("https://example.com/herald")
                .clock(clock).build();
        Claims claims = verifier.verify(TestTokens.hs256(validClaims()
                .claim("https://example.com/herald", Map.of("subscribe", List.of("a/*"))).build()));
        assertTrue(claims.maySubscribe("a/b"));
        assertFalse(claims.maySubscribe("users/42"));
    }

    @Test
    void shouldGiveEmptyListsWithoutHeraldClaim() throws Exception {
        Claims claims = secretVerifier().verify(TestTokens.hs256(validClaims().claim("herald", null).build()));
        assertTrue(claims.subscribe().isEmpty());
        assertTrue(claims.publish().isEmpty());
        assertFalse(claims.maySubscribe("users/42"));
    }

    // ---- rejections: shape and encoding ----

    @Test
    void shouldRejectTokenOver8KiBWithTooLargeReason() {
        String big = TestTokens.hs256(validClaims().claim("pad", "x".repeat(8 * 1024)).build());
        assertRejected(Reason.TOO_LARGE, secretVerifier(), big);
    }

    @Test
    void shouldRejectTwoPartsWithMalformedReason() {
        String token = TestTokens.hs256(validClaims().build());
        assertRejected(Reason.MALFORMED, secretVerifier(), token.substring(0, token.lastIndexOf('.')));
    }

    @Test
    void shouldRejectFourPartsWithMalformedReason() {
        assertRejected(Reason.MALFORMED, secretVerifier(), TestTokens.hs256(validClaims().build()) + ".e30");
    }

    @Test
    void shouldRejectEmptyAndDotOnlyTokensWithMalformedReason() {
        assertRejected(Reason.MALFORMED, secretVerifier(), "");
        assertRejected(Reason.MALFORMED, secretVerifier(), "..");
        assertRejected(Reason.MALFORMED, secretVerifier(), "abc");
    }

    @Test
    void shouldRejectPaddedBase64WithMalformedBase64Reason() {
        // {"alg":"HS256"} is 15 bytes: its base64 ends in one '='.
        String input = b64("{\"alg\":\"HS256\"}") + "=." + b64(validClaimsJson());
        assertRejected(Reason.MALFORMED_BASE64, secretVerifier(), input + "." + b64(hmac(SECRET, input)));
    }

    @Test
    void shouldRejectIllegalBase64CharactersWithMalformedBase64Reason() {
        String token = TestTokens.hs256(validClaims().build());
        int dot = token.indexOf('.');
        for (String bad : List.of("+", "/", " ", "é", "\n")) {
            assertRejected(Reason.MALFORMED_BASE64, secretVerifier(),
                    token.substring(0, dot + 3) + bad + token.substring(dot + 4));
        }
    }

    @Test
    void shouldRejectNonCanonicalBase64SignatureTail() {
        // An HS256 signature is 32 bytes = 43 characters; the last one carries 2 unused bits.
        String token = TestTokens.hs256(validClaims().build());
        char last = token.charAt(token.length() - 1);
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        char sameBits = alphabet.charAt(alphabet.indexOf(last) ^ 1); // differs only in an unused bit
        assertRejected(Reason.MALFORMED_BASE64, secretVerifier(), token.substring(0, token.length() - 1) + sameBits);
    }

    @Test
    void shouldRejectMalformedHeaderJsonWithMalformedJsonReason() {
        assertRejected(Reason.MALFORMED_JSON, secretVerifier(),
                handHs256(SECRET, "{\"alg\":\"HS256\",}", validClaimsJson()));
        assertRejected(Reason.MALFORMED_JSON, secretVerifier(),
                handHs256(SECRET, "[\"HS256\"]", validClaimsJson()));
        assertRejected(Reason.MALFORMED_JSON, secretVerifier(),
                handHs256(SECRET, "{\"typ\":\"JWT\"}", validClaimsJson()));
        assertRejected(Reason.MALFORMED_JSON, secretVerifier(),
                handHs256(SECRET, "{\"alg\":\"HS256\",\"alg\":\"none\"}", validClaimsJson()));
    }

    @Test
    void shouldRejectMalformedClaimsJsonEvenWithValidSignature() {
        assertRejected(Reason.MALFORMED_JSON, secretVerifier(),
                handHs256(SECRET, "{\"alg\":\"HS256\"}", "{\"exp\":1e999}"));
        assertRejected(Reason.MALFORMED_JSON, secretVerifier(),
                handHs256(SECRET, "{\"alg\":\"HS256\"}", "{\"sub\":\"a\",\"sub\":\"admin\",\"exp\":1}"));
        assertRejected(Reason.MALFORMED_JSON, secretVerifier(),
                handHs256(SECRET, "{\"alg\":\"HS256\"}", "{\"a\":" + "[".repeat(40) + "]".repeat(40) + "}"));
    }

    @Test
    void shouldRejectInvalidUtf8InClaimsWithMalformedJsonReason() {
        String input = b64("{\"alg\":\"HS256\"}") + "." + b64(new byte[] {'{', '"', (byte) 0xC0, (byte) 0xAF, '"',
            ':', '1', '}'});
        assertRejected(Reason.MALFORMED_JSON, secretVerifier(), input + "." + b64(hmac(SECRET, input)));
    }

    // ---- rejections: algorithm and key ----

    @Test
    void shouldRejectAlgNoneWith401Reason() {
        for (String none : List.of("none", "None", "NONE", "nOnE")) {
            String input = signingInput("{\"alg\":\"" + none + "\",\"typ\":\"JWT\"}", validClaimsJson());
            assertRejected(Reason.ALG_NONE, secretVerifier(), input + ".");
            assertRejected(Reason.ALG_NONE, rsaVerifier(), input + ".");
            assertRejected(Reason.ALG_NONE, secretVerifier(), input + "." + b64(hmac(SECRET, input)));
        }
    }

    @Test
    void shouldRejectUnsupportedAlgWithAlgUnsupportedReason() throws Exception {
        String hs512 = TestTokens.nimbus(JWSAlgorithm.HS512, null, validClaims().build(),
                new MACSigner(Arrays.copyOf(SECRET, 64)));
        assertRejected(Reason.ALG_UNSUPPORTED, secretVerifier(), hs512);
        assertRejected(Reason.ALG_UNSUPPORTED, secretVerifier(),
                handHs256(SECRET, "{\"alg\":\"hs256\"}", validClaimsJson()));
    }

    @Test
    void shouldRejectHs256TokenAgainstRsaKeyAsAlgorithmConfusion() throws Exception {
        // The classic attack: sign HS256 with the verifier's public key bytes (the PEM file, or its DER).
        Path pem = TestTokens.writePem(dir, "rsa.pem", RSA.getPublic());
        JwtVerifier verifier = JwtVerifier.builder().publicKeyPem(pem).clock(clock).build();
        String header = "{\"alg\":\"HS256\",\"typ\":\"JWT\"}";
        assertRejected(Reason.ALG_KEY_MISMATCH, verifier, handHs256(Files.readAllBytes(pem), header, validClaimsJson()));
        assertRejected(Reason.ALG_KEY_MISMATCH, verifier,
                handHs256(RSA.getPublic().getEncoded(), header, validClaimsJson()));
    }

    @Test
    void shouldRejectHs256TokenAgainstEcKeyAsAlgorithmConfusion() throws Exception {
        Path pem = TestTokens.writePem(dir, "ec.pem", EC.getPublic());
        JwtVerifier verifier = JwtVerifier.builder().publicKeyPem(pem).clock(clock).build();
        assertRejected(Reason.ALG_KEY_MISMATCH, verifier,
                handHs256(Files.readAllBytes(pem), "{\"alg\":\"HS256\"}", validClaimsJson()));
    }

    @Test
    void shouldRejectHs256SignedWithPublicKeyBytesWhenASecretIsAlsoConfigured() throws Exception {
        Path pem = TestTokens.writePem(dir, "rsa.pem", RSA.getPublic());
        JwtVerifier verifier = JwtVerifier.builder().hs256Secret(SECRET).publicKeyPem(pem).clock(clock).build();
        assertRejected(Reason.BAD_SIGNATURE, verifier,
                handHs256(Files.readAllBytes(pem), "{\"alg\":\"HS256\"}", validClaimsJson()));
    }

    @Test
    void shouldRejectRs256TokenAgainstSecretOnlyWithAlgKeyMismatchReason() {
        assertRejected(Reason.ALG_KEY_MISMATCH, secretVerifier(), TestTokens.rs256(validClaims().build()));
        assertRejected(Reason.ALG_KEY_MISMATCH, rsaVerifier(), TestTokens.es256(validClaims().build()));
    }

    @Test
    void shouldRejectCritHeaderWithCritUnsupportedReason() {
        assertRejected(Reason.CRIT_UNSUPPORTED, secretVerifier(),
                handHs256(SECRET, "{\"alg\":\"HS256\",\"crit\":[\"exp\"],\"exp\":1}", validClaimsJson()));
        assertRejected(Reason.CRIT_UNSUPPORTED, secretVerifier(),
                handHs256(SECRET, "{\"alg\":\"HS256\",\"b64\":false,\"crit\":[\"b64\"]}", validClaimsJson()));
    }

    @Test
    void shouldRejectKidWithoutJwksAsUnknownKid() throws Exception {
        String token = TestTokens.nimbus(JWSAlgorithm.HS256, "k1", validClaims().build(), new MACSigner(SECRET));
        assertRejected(Reason.UNKNOWN_KID, secretVerifier(), token);
    }

    // ---- rejections: ES256 signature encoding (RFC 7518 section 3.4, CVE-2022-21449) ----

    private static String es256Input() {
        return signingInput("{\"alg\":\"ES256\"}", validClaimsJson());
    }

    private static byte[] p1363(String input) {
        return jcaSign("SHA256withECDSAinP1363Format", EC.getPrivate(), input);
    }

    @Test
    void shouldAcceptHandMadeP1363SignatureAsControl() throws Exception {
        String input = es256Input();
        ecVerifier().verify(input + "." + b64(p1363(input)));
    }

    @Test
    void shouldRejectDerEncodedEs256SignatureWithSignatureFormatReason() {
        String input = es256Input();
        byte[] der = jcaSign("SHA256withECDSA", EC.getPrivate(), input);
        assertRejected(Reason.SIGNATURE_FORMAT, ecVerifier(), input + "." + b64(der));
    }

    @Test
    void shouldRejectEs256SignatureOfWrongLengthWithSignatureFormatReason() {
        String input = es256Input();
        byte[] sig = p1363(input);
        assertRejected(Reason.SIGNATURE_FORMAT, ecVerifier(), input + "." + b64(Arrays.copyOf(sig, 63)));
        assertRejected(Reason.SIGNATURE_FORMAT, ecVerifier(), input + "." + b64(Arrays.copyOf(sig, 65)));
        assertRejected(Reason.SIGNATURE_FORMAT, ecVerifier(), input + ".");
    }

    @Test
    void shouldRejectEs256SignatureWithRAndSZeroAsCve202221449() {
        assertRejected(Reason.SIGNATURE_OUT_OF_RANGE, ecVerifier(), es256Input() + "." + b64(new byte[64]));
    }

    @Test
    void shouldRejectEs256SignatureWithRZero() {
        String input = es256Input();
        byte[] sig = p1363(input);
        Arrays.fill(sig, 0, 32, (byte) 0);
        assertRejected(Reason.SIGNATURE_OUT_OF_RANGE, ecVerifier(), input + "." + b64(sig));
    }

    @Test
    void shouldRejectEs256SignatureWithSZero() {
        String input = es256Input();
        byte[] sig = p1363(input);
        Arrays.fill(sig, 32, 64, (byte) 0);
        assertRejected(Reason.SIGNATURE_OUT_OF_RANGE, ecVerifier(), input + "." + b64(sig));
    }

    @Test
    void shouldRejectEs256SignatureWithROrSAtOrAboveCurveOrder() {
        String input = es256Input();
        byte[] order = unsigned32(KeyFiles.P256.getOrder());
        byte[] sig = p1363(input);
        System.arraycopy(order, 0, sig, 0, 32);                   // r = n
        assertRejected(Reason.SIGNATURE_OUT_OF_RANGE, ecVerifier(), input + "." + b64(sig));
        sig = p1363(input);
        Arrays.fill(sig, 32, 64, (byte) 0xff);                    // s = 2^256 - 1 > n
        assertRejected(Reason.SIGNATURE_OUT_OF_RANGE, ecVerifier(), input + "." + b64(sig));
    }

    @Test
    void shouldCheckScalarRangeAtTheBounds() {
        byte[] sig = new byte[64];
        assertFalse(JwtVerifier.inScalarRange(sig, 0));
        sig[31] = 1;
        assertTrue(JwtVerifier.inScalarRange(sig, 0));
        byte[] nMinus1 = unsigned32(KeyFiles.P256.getOrder().subtract(BigInteger.ONE));
        assertTrue(JwtVerifier.inScalarRange(nMinus1, 0));
        assertFalse(JwtVerifier.inScalarRange(unsigned32(KeyFiles.P256.getOrder()), 0));
    }

    private static byte[] unsigned32(BigInteger v) {
        byte[] bytes = v.toByteArray();
        byte[] out = new byte[32];
        int n = Math.min(32, bytes.length);
        System.arraycopy(bytes, bytes.length - n, out, 32 - n, n);
        return out;
    }

    @Test
    void shouldRejectRs256SignatureOfWrongLengthWithSignatureFormatReason() {
        String token = TestTokens.rs256(validClaims().build());
        String input = token.substring(0, token.lastIndexOf('.'));
        byte[] sig = Base64Url.decode(token.substring(token.lastIndexOf('.') + 1));
        assertRejected(Reason.SIGNATURE_FORMAT, rsaVerifier(), input + "." + b64(Arrays.copyOf(sig, 255)));
    }

    @Test
    void shouldRejectHs256SignatureOfWrongLengthWithSignatureFormatReason() {
        String input = signingInput("{\"alg\":\"HS256\"}", validClaimsJson());
        assertRejected(Reason.SIGNATURE_FORMAT, secretVerifier(), input + "." + b64(Arrays.copyOf(hmac(SECRET, input), 16)));
        assertRejected(Reason.SIGNATURE_FORMAT, secretVerifier(), input + ".");
    }

    // ---- rejections: tampering ----

    private static String replacePart(String token, int part, String json) {
        String[] parts = token.split("\\.", -1);
        parts[part] = b64(json);
        return String.join(".", parts);
    }

    @Test
    void shouldRejectTamperedPayloadWithBadSignatureReason() {
        String forged = "{\"sub\":\"user-42\",\"exp\":" + (NOW.getEpochSecond() + 3600)
                + ",\"herald\":{\"subscribe\":[\"**\"],\"publish\":[\"**\"]}}";
        assertRejected(Reason.BAD_SIGNATURE, secretVerifier(), replacePart(TestTokens.hs256(validClaims().build()), 1, forged));
        assertRejected(Reason.BAD_SIGNATURE, rsaVerifier(), replacePart(TestTokens.rs256(validClaims().build()), 1, forged));
        assertRejected(Reason.BAD_SIGNATURE, ecVerifier(), replacePart(TestTokens.es256(validClaims().build()), 1, forged));
    }

    @Test
    void shouldRejectTamperedHeaderWithBadSignatureReason() {
        assertRejected(Reason.BAD_SIGNATURE, secretVerifier(),
                replacePart(TestTokens.hs256(validClaims().build()), 0, "{\"alg\":\"HS256\",\"typ\":\"at+jwt\"}"));
        assertRejected(Reason.BAD_SIGNATURE, rsaVerifier(),
                replacePart(TestTokens.rs256(validClaims().build()), 0, "{\"alg\":\"RS256\",\"x\":1}"));
    }

    @Test
    void shouldRejectTokenSignedWithAnotherKeyWithBadSignatureReason() throws Exception {
        String other = TestTokens.nimbus(JWSAlgorithm.HS256, null, validClaims().build(),
                new MACSigner(Arrays.copyOf("another secret that is long enough!!".getBytes(StandardCharsets.US_ASCII), 36)));
        assertRejected(Reason.BAD_SIGNATURE, secretVerifier(), other);
        var otherEc = TestTokens.generate("EC", "secp256r1");
        String input = es256Input();
        assertRejected(Reason.BAD_SIGNATURE, ecVerifier(),
                input + "." + b64(jcaSign("SHA256withECDSAinP1363Format", otherEc.getPrivate(), input)));
    }

    // ---- rejections: time ----

    @Test
    void shouldRejectMissingExpWithMissingExpReason() {
        assertRejected(Reason.MISSING_EXP, secretVerifier(), TestTokens.hs256(validClaims().expirationTime(null).build()));
    }

    @Test
    void shouldRejectPastExpBeyondSkewWithExpiredReason() {
        assertRejected(Reason.EXPIRED, secretVerifier(),
                TestTokens.hs256(validClaims().expirationTime(Date.from(NOW.minusSeconds(31))).build()));
        assertRejected(Reason.EXPIRED, secretVerifier(),
                TestTokens.hs256(validClaims().expirationTime(Date.from(NOW.minusSeconds(30))).build()));
    }

    @Test
    void shouldAcceptPastExpWithinSkew() throws Exception {
        secretVerifier().verify(TestTokens.hs256(validClaims().expirationTime(Date.from(NOW.minusSeconds(29))).build()));
    }

    @Test
    void shouldRejectFutureNbfBeyondSkewWithNotYetValidReason() {
        assertRejected(Reason.NOT_YET_VALID, secretVerifier(),
                TestTokens.hs256(validClaims().notBeforeTime(Date.from(NOW.plusSeconds(31))).build()));
    }

    @Test
    void shouldAcceptFutureNbfWithinSkew() throws Exception {
        secretVerifier().verify(TestTokens.hs256(validClaims().notBeforeTime(Date.from(NOW.plusSeconds(30))).build()));
    }

    @Test
    void shouldRejectNonNumericExpWithInvalidClaimsReason() {
        assertRejected(Reason.INVALID_CLAIMS, secretVerifier(), handHs256(SECRET, "{\"alg\":\"HS256\"}",
                "{\"exp\":\"" + (NOW.getEpochSecond() + 60) + "\"}"));
    }

    @Test
    void shouldAcceptFractionalAndHugeExp() throws Exception {
        secretVerifier().verify(handHs256(SECRET, "{\"alg\":\"HS256\"}", "{\"exp\":" + (NOW.getEpochSecond() + 60) + ".5}"));
        Claims claims = secretVerifier().verify(handHs256(SECRET, "{\"alg\":\"HS256\"}", "{\"exp\":1e300}"));
        assertTrue(claims.expiry().isAfter(NOW));
    }

    // ---- rejections: issuer and audience ----

    private JwtVerifier issuerAudienceVerifier() {
        return JwtVerifier.builder().hs256Secret(SECRET).issuer("https://id.example").audience("herald")
                .clock(clock).build();
    }

    @Test
    void shouldAcceptConfiguredIssuerAndAudienceAsStringOrList() throws Exception {
        issuerAudienceVerifier().verify(TestTokens.hs256(validClaims().issuer("https://id.example")
                .audience("herald").build()));
        issuerAudienceVerifier().verify(TestTokens.hs256(validClaims().issuer("https://id.example")
                .audience(List.of("billing", "herald")).build()));
    }

    @Test
    void shouldRejectWrongIssuerWithWrongIssuerReason() {
        assertRejected(Reason.WRONG_ISSUER, issuerAudienceVerifier(),
                TestTokens.hs256(validClaims().issuer("https://evil.example").audience("herald").build()));
        assertRejected(Reason.WRONG_ISSUER, issuerAudienceVerifier(),
                TestTokens.hs256(validClaims().audience("herald").build()));
    }

    @Test
    void shouldRejectWrongAudienceStringWithWrongAudienceReason() {
        assertRejected(Reason.WRONG_AUDIENCE, issuerAudienceVerifier(),
                TestTokens.hs256(validClaims().issuer("https://id.example").audience("billing").build()));
    }

    @Test
    void shouldRejectAudienceListWithoutOursWithWrongAudienceReason() {
        assertRejected(Reason.WRONG_AUDIENCE, issuerAudienceVerifier(),
                TestTokens.hs256(validClaims().issuer("https://id.example").audience(List.of("a", "b")).build()));
        assertRejected(Reason.WRONG_AUDIENCE, issuerAudienceVerifier(),
                TestTokens.hs256(validClaims().issuer("https://id.example").build()));
    }

    @Test
    void shouldIgnoreIssuerAndAudienceWhenNotConfigured() throws Exception {
        secretVerifier().verify(TestTokens.hs256(validClaims().issuer("anyone").audience("anything").build()));
    }

    // ---- rejections: the Herald claim ----

    @Test
    void shouldRejectMalformedPatternInClaimWithInvalidClaimsReason() {
        assertRejected(Reason.INVALID_CLAIMS, secretVerifier(), TestTokens.hs256(validClaims()
                .claim("herald", Map.of("subscribe", List.of("ok", "a**b"))).build()));
        assertRejected(Reason.INVALID_CLAIMS, secretVerifier(), TestTokens.hs256(validClaims()
                .claim("herald", Map.of("publish", "news/**")).build()));
        assertRejected(Reason.INVALID_CLAIMS, secretVerifier(), TestTokens.hs256(validClaims()
                .claim("herald", List.of("news/**")).build()));
        assertRejected(Reason.INVALID_CLAIMS, secretVerifier(), TestTokens.hs256(validClaims()
                .claim("herald", Map.of("subscribe", List.of(42))).build()));
    }

    @Test
    void shouldNameIndexOfMalformedPatternNotItsText() {
        String token = TestTokens.hs256(validClaims()
                .claim("herald", Map.of("subscribe", List.of("ok", "secret-name//x"))).build());
        InvalidTokenException e = assertThrows(InvalidTokenException.class, () -> secretVerifier().verify(token));
        assertTrue(e.getMessage().contains("index=1"), e.getMessage());
        assertFalse(e.getMessage().contains("secret-name"), e.getMessage());
    }

    // ---- configuration errors ----

    @Test
    void shouldRefuseToBuildWithoutKeys() {
        assertThrows(IllegalArgumentException.class, () -> JwtVerifier.builder().build());
    }

    @Test
    void shouldRefuseShortSecretNamingTheFile() throws Exception {
        Path file = Files.writeString(dir.resolve("short"), "too short\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> JwtVerifier.builder().hs256SecretFile(file));
        assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("9 bytes"), e.getMessage());
        assertFalse(e.getMessage().contains("too short"), e.getMessage());
    }
}
