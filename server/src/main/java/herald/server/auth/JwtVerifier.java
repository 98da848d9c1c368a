package herald.server.auth;

// Longer than ~300 lines on purpose: every rejection rule of a token in one place, in the order they are checked, so
// that a review reads them together.

import herald.server.auth.InvalidTokenException.Reason;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.security.SignatureException;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.SecretKey;

/**
 * Verifies compact JWS tokens (RFC 7515, 7519) against configured keys: an HS256 secret, RSA and EC P-256
 * public keys from PEM files, a JWKS file (DESIGN.md section 4, "Auth (JWT)").
 *
 * <p><b>The algorithm comes from the key, never from the token.</b> The header's {@code alg} only selects
 * among configured keys of that algorithm (or, with a {@code kid}, must equal the named key's): so
 * {@code alg: none}, an HS256 token against RSA/EC keys (algorithm confusion: the public key's bytes as an
 * HMAC secret) and a {@code kid} of another key type are rejected before any signature is computed. Header
 * parameters that carry or point at keys ({@code jwk}, {@code jku}, {@code x5u}, {@code x5c}) are ignored:
 * keys come only from configuration. A token with a {@code kid} needs a JWKS key with that {@code kid}; the
 * secret and PEM keys verify tokens without one.
 *
 * <p>Order of checks, cheapest first, claims read only after the signature holds: length (8 KiB), three
 * parts, canonical base64url of every part, header JSON, {@code alg}/{@code crit}/{@code kid}, key,
 * signature length and range, signature, claims JSON, {@code exp} (required), {@code nbf}, {@code iss},
 * {@code aud}, the Herald claim.
 *
 * <p>Immutable and thread-safe; {@link #verify} may be called from any number of threads at once. It blocks
 * only when a JWKS file is due for its (at most once a second) check, on the thread that does the check.
 *
 * <pre>{@code
 * JwtVerifier verifier = JwtVerifier.builder()
 *         .jwks(Path.of("/etc/herald/jwks.json"))
 *         .issuer("https://id.example").audience("herald")
 *         .build();
 * try {
 *     Claims claims = verifier.verify(token);
 *     if (!claims.maySubscribe("users/42")) { ... 403 ... }
 * } catch (InvalidTokenException e) { ... 401, e.reason() to a metric; never log the token ... }
 * }</pre>
 */
public final class JwtVerifier {
    /** Longer tokens are rejected before any parsing: 8 KiB, as a header field line would be. */
    public static final int MAX_TOKEN_CHARS = 8 * 1024;
    public static final Duration DEFAULT_SKEW = Duration.ofSeconds(30);
    public static final String DEFAULT_CLAIM = "herald";
    public static final Duration DEFAULT_JWKS_CHECK_INTERVAL = Duration.ofSeconds(1);

    private static final BigInteger P256_ORDER = KeyFiles.P256.getOrder();

    private final List<VerificationKey> staticKeys;   // secret and PEM keys, none with a kid
    private final JwksSource jwks;                     // or null
    private final String issuer;
    private final String audience;
    private final String claim;
    private final InstantSource clock;
    private final long skewMillis;

    private JwtVerifier(Builder b) {
        this.staticKeys = List.copyOf(b.keys);
        this.jwks = b.jwksFile == null ? null : JwksSource.load(b.jwksFile, b.jwksCheckInterval, b.clock);
        this.issuer = b.issuer;
        this.audience = b.audience;
        this.claim = b.claim;
        this.clock = b.clock;
        this.skewMillis = b.skew.toMillis();
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Verifies a token and reads its claims.
     *
     * @param token the compact serialization, e.g. from {@link TokenSource}
     * @throws InvalidTokenException with the {@link Reason}; the message never holds the token
     */
    public Claims verify(String token) throws InvalidTokenException {
        if (token.length() > MAX_TOKEN_CHARS) {
            throw reject(Reason.TOO_LARGE, "length=" + token.length() + " exceeds maxChars=" + MAX_TOKEN_CHARS);
        }
        int dot1 = token.indexOf('.');
        int dot2 = dot1 < 0 ? -1 : token.indexOf('.', dot1 + 1);
        if (dot2 < 0 || token.indexOf('.', dot2 + 1) >= 0 || dot1 == 0 || dot2 == dot1 + 1) {
            // An empty signature passes here so that "alg":"none" is named as such, then fails on its length.
            throw reject(Reason.MALFORMED, "expected three parts, header and claims non-empty");
        }
        byte[] headerBytes = Base64Url.decode(token, 0, dot1);
        byte[] payloadBytes = Base64Url.decode(token, dot1 + 1, dot2);
        byte[] signature = Base64Url.decode(token, dot2 + 1, token.length());
        if (headerBytes == null || payloadBytes == null || signature == null) {
            throw reject(Reason.MALFORMED_BASE64, null);
        }
        Map<String, Object> header = object(headerBytes, "header");
        if (!(header.get("alg") instanceof String algName)) {
            throw reject(Reason.MALFORMED_JSON, "header has no string alg");
        }
        if (algName.equalsIgnoreCase("none")) {
            throw reject(Reason.ALG_NONE, null);
        }
        if (header.containsKey("crit")) {
            throw reject(Reason.CRIT_UNSUPPORTED, null);
        }
        Alg alg = Alg.of(algName);
        if (alg == null) {
            throw reject(Reason.ALG_UNSUPPORTED, null);
        }
        Object kid = header.get("kid");
        if (kid != null && !(kid instanceof String)) {
            throw reject(Reason.MALFORMED_JSON, "header kid is not a string");
        }
        // Only ASCII base64url characters got this far, so this is the JWS signing input byte for byte.
        byte[] signingInput = token.substring(0, dot2).getBytes(StandardCharsets.US_ASCII);
        if (kid != null) {
            VerificationKey key = jwks == null ? null : jwks.current().byKid((String) kid);
            if (key == null) {
                throw reject(Reason.UNKNOWN_KID, null);
            }
            if (key.alg() != alg) {
                throw reject(Reason.KID_KEY_MISMATCH, "kid names an " + key.alg() + " key, token alg=" + alg);
            }
            verifySignature(key, signingInput, signature);
        } else {
            verifyWithoutKid(alg, signingInput, signature);
        }
        return claims(object(payloadBytes, "claims"));
    }

    /** Tries every key of the token's algorithm that has no kid (e.g. two PEM files during a rotation). */
    private void verifyWithoutKid(Alg alg, byte[] signingInput, byte[] signature) throws InvalidTokenException {
        InvalidTokenException last = null;
        for (int round = 0; round < 2; round++) {
            List<VerificationKey> keys = round == 0 ? staticKeys
                    : jwks == null ? List.of() : jwks.current().withoutKid();
            for (int i = 0; i < keys.size(); i++) {
                VerificationKey key = keys.get(i);
                if (key.alg() != alg) {
                    continue;
                }
                try {
                    verifySignature(key, signingInput, signature);
                    return;
                } catch (InvalidTokenException e) {
                    last = e;
                }
            }
        }
        throw last != null ? last : reject(Reason.ALG_KEY_MISMATCH, "no key for alg=" + alg);
    }

    private static void verifySignature(VerificationKey key, byte[] signingInput, byte[] signature)
            throws InvalidTokenException {
        try {
            boolean valid = switch (key.alg()) {
                case HS256 -> verifyHmac((SecretKey) key.key(), signingInput, signature);
                case RS256 -> verifyRsa((RSAPublicKey) key.key(), signingInput, signature);
                case ES256 -> verifyEcdsa((PublicKey) key.key(), signingInput, signature);
            };
            if (!valid) {
                throw reject(Reason.BAD_SIGNATURE, null);
            }
        } catch (SignatureException e) {
            throw reject(Reason.BAD_SIGNATURE, null);
        } catch (GeneralSecurityException e) {
            // The keys were checked when loaded and the JDK has these algorithms: this is a bug, not a 401.
            throw new IllegalStateException("cannot verify with " + key, e);
        }
    }

    private static boolean verifyHmac(SecretKey key, byte[] signingInput, byte[] signature)
            throws GeneralSecurityException, InvalidTokenException {
        if (signature.length != 32) {
            throw reject(Reason.SIGNATURE_FORMAT, "HS256 signature length=" + signature.length + ", expected 32");
        }
        Mac mac = Mac.getInstance(Alg.HS256.jcaName);
        mac.init(key);
        return MessageDigest.isEqual(mac.doFinal(signingInput), signature); // constant time
    }

    private static boolean verifyRsa(RSAPublicKey key, byte[] signingInput, byte[] signature)
            throws GeneralSecurityException, InvalidTokenException {
        int expected = (key.getModulus().bitLength() + 7) / 8;
        if (signature.length != expected) {
            throw reject(Reason.SIGNATURE_FORMAT, "RS256 signature length=" + signature.length + ", expected "
                    + expected);
        }
        return verifyJca(Alg.RS256, key, signingInput, signature);
    }

    /**
     * ES256 as RFC 7518 section 3.4 has it: exactly 64 bytes, R‖S. A DER signature (what
     * {@code SHA256withECDSA} makes, 70 to 72 bytes) is rejected by length, and r and s are checked to lie in
     * [1, n-1] before the JDK sees them: JDK 15-18 accepted r = s = 0 for any message (CVE-2022-21449), and
     * the check costs nothing.
     */
    private static boolean verifyEcdsa(PublicKey key, byte[] signingInput, byte[] signature)
            throws GeneralSecurityException, InvalidTokenException {
        if (signature.length != 64) {
            throw reject(Reason.SIGNATURE_FORMAT, "ES256 signature length=" + signature.length
                    + ", expected 64 (R||S, not DER)");
        }
        if (!inScalarRange(signature, 0) || !inScalarRange(signature, 32)) {
            throw reject(Reason.SIGNATURE_OUT_OF_RANGE, null);
        }
        return verifyJca(Alg.ES256, key, signingInput, signature);
    }

    /** Whether the 32-byte big-endian integer at {@code offset} is in [1, n-1]. */
    static boolean inScalarRange(byte[] signature, int offset) {
        BigInteger v = new BigInteger(1, signature, offset, 32);
        return v.signum() > 0 && v.compareTo(P256_ORDER) < 0;
    }

    private static boolean verifyJca(Alg alg, PublicKey key, byte[] signingInput, byte[] signature)
            throws GeneralSecurityException {
        Signature verifier = Signature.getInstance(alg.jcaName);
        try {
            verifier.initVerify(key);
        } catch (InvalidKeyException e) {
            throw new IllegalStateException("key rejected by the JDK: " + alg, e);
        }
        verifier.update(signingInput);
        return verifier.verify(signature);
    }

    private Claims claims(Map<String, Object> claims) throws InvalidTokenException {
        long nowMillis = clock.millis();
        Object exp = claims.get("exp");
        if (exp == null) {
            throw reject(Reason.MISSING_EXP, null);
        }
        long expMillis = numericDateMillis(exp, "exp");
        if (nowMillis - skewMillis >= expMillis) {
            throw reject(Reason.EXPIRED, null);
        }
        Object nbf = claims.get("nbf");
        if (nbf != null && nowMillis + skewMillis < numericDateMillis(nbf, "nbf")) {
            throw reject(Reason.NOT_YET_VALID, null);
        }
        if (issuer != null && !issuer.equals(claims.get("iss"))) {
            throw reject(Reason.WRONG_ISSUER, null);
        }
        if (audience != null && !audienceMatches(claims.get("aud"))) {
            throw reject(Reason.WRONG_AUDIENCE, null);
        }
        Object sub = claims.get("sub");
        if (sub != null && !(sub instanceof String)) {
            throw reject(Reason.INVALID_CLAIMS, "sub is not a string");
        }
        Object herald = claims.get(claim);
        List<TopicPattern> subscribe = List.of();
        List<TopicPattern> publish = List.of();
        if (herald != null) {
            if (!(herald instanceof Map<?, ?> object)) {
                throw reject(Reason.INVALID_CLAIMS, "claim " + claim + " is not an object");
            }
            subscribe = patterns(object.get("subscribe"), "subscribe");
            publish = patterns(object.get("publish"), "publish");
        }
        return new Claims((String) sub, Instant.ofEpochMilli(expMillis), subscribe, publish);
    }

    private boolean audienceMatches(Object aud) {
        if (aud instanceof String s) {
            return s.equals(audience);
        }
        return aud instanceof List<?> list && list.contains(audience);
    }

    private List<TopicPattern> patterns(Object value, String name) throws InvalidTokenException {
        if (value == null) {
            return List.of();
        }
        if (!(value instanceof List<?> list)) {
            throw reject(Reason.INVALID_CLAIMS, claim + "." + name + " is not a list");
        }
        List<String> strings = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) {
            if (!(list.get(i) instanceof String s)) {
                throw reject(Reason.INVALID_CLAIMS, claim + "." + name + " index=" + i + " is not a string");
            }
            strings.add(s);
        }
        try {
            return TopicPattern.listOf(strings);
        } catch (IllegalArgumentException e) {
            throw reject(Reason.INVALID_CLAIMS, claim + "." + name + ": " + e.getMessage());
        }
    }

    /** A NumericDate (RFC 7519 section 2: seconds, possibly fractional) in milliseconds, saturating. */
    private static long numericDateMillis(Object value, String name) throws InvalidTokenException {
        if (value instanceof Long seconds) {
            if (seconds < 0) {
                throw reject(Reason.INVALID_CLAIMS, name + " is negative");
            }
            return seconds > Long.MAX_VALUE / 1000 ? Long.MAX_VALUE : seconds * 1000;
        }
        if (value instanceof Double seconds && seconds >= 0) {
            return (long) (seconds * 1000); // saturates at Long.MAX_VALUE
        }
        throw reject(Reason.INVALID_CLAIMS, name + " is not a non-negative number");
    }

    private static Map<String, Object> object(byte[] utf8, String part) throws InvalidTokenException {
        String text = Utf8.decode(utf8);
        if (text == null) {
            throw reject(Reason.MALFORMED_JSON, part + " is not UTF-8");
        }
        try {
            return Json.parseObject(text, MAX_TOKEN_CHARS);
        } catch (Json.JsonException e) {
            throw reject(Reason.MALFORMED_JSON, part + ": " + e.getMessage());
        }
    }

    private static InvalidTokenException reject(Reason reason, String detail) {
        return new InvalidTokenException(reason, detail);
    }

    /** Collects keys and options; {@link #build()} checks them. Not thread-safe. */
    public static final class Builder {
        private final List<VerificationKey> keys = new ArrayList<>();
        private Path jwksFile;
        private Duration jwksCheckInterval = DEFAULT_JWKS_CHECK_INTERVAL;
        private String issuer;
        private String audience;
        private String claim = DEFAULT_CLAIM;
        private InstantSource clock = InstantSource.system();
        private Duration skew = DEFAULT_SKEW;

        private Builder() {
        }

        /** An HS256 secret: the file's bytes, one trailing newline ignored; at least 32 bytes. */
        public Builder hs256SecretFile(Path file) {
            keys.add(KeyFiles.hs256(KeyFiles.readSecret(file), "jwt secret file " + file));
            return this;
        }

        /** An HS256 secret of at least 32 bytes (copied). */
        public Builder hs256Secret(byte[] secret) {
            keys.add(KeyFiles.hs256(secret.clone(), "jwt secret"));
            return this;
        }

        /** An SPKI PEM file: RSA (2048 bits or more) verifies RS256, EC P-256 verifies ES256. Repeatable. */
        public Builder publicKeyPem(Path file) {
            keys.add(KeyFiles.pem(file));
            return this;
        }

        /** An RSA or EC P-256 public key, as {@link #publicKeyPem} would read it. Repeatable. */
        public Builder publicKey(PublicKey key) {
            keys.add(KeyFiles.fromPublicKey(null, key, "jwt public key " + key.getAlgorithm()));
            return this;
        }

        /** A JWKS file, checked for changes at most once a second. */
        public Builder jwks(Path file) {
            return jwks(file, DEFAULT_JWKS_CHECK_INTERVAL);
        }

        public Builder jwks(Path file, Duration checkInterval) {
            this.jwksFile = file;
            this.jwksCheckInterval = checkInterval;
            return this;
        }

        /** Required {@code iss} when set. */
        public Builder issuer(String issuer) {
            this.issuer = issuer;
            return this;
        }

        /** Required member of {@code aud} (a string or a list) when set. */
        public Builder audience(String audience) {
            this.audience = audience;
            return this;
        }

        /** The name of the claim object holding {@code subscribe} and {@code publish}; default "herald". */
        public Builder claimName(String claim) {
            if (claim == null || claim.isEmpty()) {
                throw new IllegalArgumentException("jwt claim name is empty");
            }
            this.claim = claim;
            return this;
        }

        public Builder clock(InstantSource clock) {
            this.clock = clock;
            return this;
        }

        /** Allowance for clocks that disagree, applied to {@code exp} and {@code nbf}; default 30 s. */
        public Builder skew(Duration skew) {
            if (skew.isNegative()) {
                throw new IllegalArgumentException("jwt skew is negative: " + skew);
            }
            this.skew = skew;
            return this;
        }

        /**
         * @throws IllegalArgumentException no key, or a JWKS file that cannot be read (naming it)
         */
        public JwtVerifier build() {
            if (keys.isEmpty() && jwksFile == null) {
                throw new IllegalArgumentException("jwt: no key (a secret file, a public key or a JWKS file)");
            }
            return new JwtVerifier(this);
        }
    }
}
