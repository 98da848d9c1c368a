package herald.server.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** Keys and tokens for the auth tests: well-formed ones from nimbus-jose-jwt, hostile ones by hand. */
final class TestTokens {
    static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");
    static final byte[] SECRET = "0123456789abcdef0123456789abcdef-herald".getBytes(StandardCharsets.US_ASCII);
    static final KeyPair RSA = generate("RSA", null);
    static final KeyPair EC = generate("EC", "secp256r1");

    private TestTokens() {
    }

    /** A clock the test moves by hand. */
    static final class ManualClock implements InstantSource {
        private final AtomicLong millis = new AtomicLong(NOW.toEpochMilli());

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis.get());
        }

        @Override
        public long millis() {
            return millis.get();
        }

        void advanceMillis(long delta) {
            millis.addAndGet(delta);
        }
    }

    static KeyPair generate(String algorithm, String curve) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm);
            if (curve == null) {
                generator.initialize(2048);
            } else {
                generator.initialize(new ECGenParameterSpec(curve));
            }
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Claims that pass: an hour left, subscribe users/42 and dashboard/*, publish news/**. */
    static JWTClaimsSet.Builder validClaims() {
        return new JWTClaimsSet.Builder()
                .subject("user-42")
                .issueTime(Date.from(NOW))
                .expirationTime(Date.from(NOW.plusSeconds(3600)))
                .claim("herald", Map.of("subscribe", List.of("users/42", "dashboard/*"),
                        "publish", List.of("news/**")));
    }

    static String nimbus(JWSAlgorithm alg, String kid, JWTClaimsSet claims, JWSSigner signer) {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(alg).keyID(kid).build(), claims);
        try {
            jwt.sign(signer);
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
        return jwt.serialize();
    }

    static String hs256(JWTClaimsSet claims) {
        try {
            return nimbus(JWSAlgorithm.HS256, null, claims, new MACSigner(SECRET));
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    static String rs256(JWTClaimsSet claims) {
        return nimbus(JWSAlgorithm.RS256, null, claims, new RSASSASigner(RSA.getPrivate()));
    }

    static String es256(JWTClaimsSet claims) {
        try {
            return nimbus(JWSAlgorithm.ES256, null, claims, new ECDSASigner(EC.getPrivate(), com.nimbusds.jose.jwk.Curve.P_256));
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    static String b64(String text) {
        return b64(text.getBytes(StandardCharsets.UTF_8));
    }

    static String b64(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** {@code header.payload} as JSON text, base64url-encoded, not yet signed. */
    static String signingInput(String headerJson, String claimsJson) {
        return b64(headerJson) + "." + b64(claimsJson);
    }

    static byte[] hmac(byte[] secret, String signingInput) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** An HS256 token over any header and claims text, signed by hand (nimbus refuses odd headers). */
    static String handHs256(byte[] secret, String headerJson, String claimsJson) {
        String input = signingInput(headerJson, claimsJson);
        return input + "." + b64(hmac(secret, input));
    }

    static byte[] jcaSign(String algorithm, PrivateKey key, String signingInput) {
        try {
            Signature signature = Signature.getInstance(algorithm);
            signature.initSign(key);
            signature.update(signingInput.getBytes(StandardCharsets.US_ASCII));
            return signature.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static String validClaimsJson() {
        long now = NOW.getEpochSecond();
        return "{\"sub\":\"user-42\",\"exp\":" + (now + 3600) + ",\"herald\":{\"subscribe\":[\"users/42\"]}}";
    }

    static Path writePem(Path dir, String name, PublicKey key) {
        String pem = "-----BEGIN PUBLIC KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(key.getEncoded())
                + "\n-----END PUBLIC KEY-----\n";
        return write(dir.resolve(name), pem);
    }

    static Path write(Path file, String text) {
        try {
            return Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
