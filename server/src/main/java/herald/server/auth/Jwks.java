package herald.server.auth;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads a JWK Set (RFC 7517 section 5) into a {@link KeySet}.
 *
 * <p>Each key's {@code kty}, {@code crv} and {@code alg} must fit one of Herald's algorithms: {@code RSA} →
 * RS256, {@code EC} with {@code crv: P-256} → ES256, {@code oct} → HS256. A key that claims one of those
 * algorithms but does not fit it ({@code "alg":"ES256"} on an RSA key, {@code "alg":"HS256"} with a P-256
 * curve, a short modulus or secret, a point off the curve) makes the whole file invalid: it is a broken file,
 * not a key to ignore. A key meant for something else (another {@code alg} such as RS512 or RSA-OAEP,
 * {@code use} other than {@code sig}, another {@code kty} or curve without an {@code alg}) is skipped and
 * counted, since identity providers publish such keys beside the ones Herald can use.
 */
final class Jwks {
    /** A JWKS file of a few dozen keys is a few dozen KiB; far beyond that is not a key set. */
    static final int MAX_CHARS = 1024 * 1024;

    /** The keys and how many were skipped. */
    record Parsed(KeySet keys, int skipped) {
    }

    private Jwks() {
    }

    /** @throws IllegalArgumentException malformed, naming {@code source} and the key's index */
    static Parsed parse(String json, String source) {
        Map<String, Object> root;
        try {
            root = Json.parseObject(json, MAX_CHARS);
        } catch (Json.JsonException e) {
            throw new IllegalArgumentException(source + ": " + e.getMessage());
        }
        if (!(root.get("keys") instanceof List<?> keys)) {
            throw new IllegalArgumentException(source + ": expected an object with a \"keys\" array");
        }
        List<VerificationKey> out = new ArrayList<>();
        int skipped = 0;
        for (int i = 0; i < keys.size(); i++) {
            String where = source + " keys[" + i + "]";
            if (!(keys.get(i) instanceof Map<?, ?> jwk)) {
                throw new IllegalArgumentException(where + ": not an object");
            }
            VerificationKey key = key(jwk, where);
            if (key == null) {
                skipped++;
            } else {
                out.add(key);
            }
        }
        return new Parsed(new KeySet(out), skipped);
    }

    /** The key, or null when it is for something Herald does not verify. */
    private static VerificationKey key(Map<?, ?> jwk, String where) {
        String kty = string(jwk, "kty", where, true);
        String algName = string(jwk, "alg", where, false);
        String use = string(jwk, "use", where, false);
        String kid = string(jwk, "kid", where, false);
        if (use != null && !use.equals("sig")) {
            return null;
        }
        Alg alg = null;
        if (algName != null) {
            alg = Alg.of(algName);
            if (alg == null) {
                return null; // RS512, PS256, RSA-OAEP, ...: not Herald's
            }
        }
        String source = kid == null ? where : where + " kid=" + kid;
        switch (kty) {
            case "RSA" -> {
                requireAlg(alg, Alg.RS256, where);
                BigInteger n = unsigned(jwk, "n", where);
                BigInteger e = unsigned(jwk, "e", where);
                return KeyFiles.fromPublicKey(kid, generate("RSA", new RSAPublicKeySpec(n, e), where), source);
            }
            case "EC" -> {
                String crv = string(jwk, "crv", where, true);
                if (!crv.equals("P-256")) {
                    if (alg == null) {
                        return null; // P-384 or P-521 for ES384/ES512
                    }
                    throw new IllegalArgumentException(where + ": alg=" + algName + " needs crv=P-256");
                }
                requireAlg(alg, Alg.ES256, where);
                BigInteger x = coordinate(jwk, "x", where);
                BigInteger y = coordinate(jwk, "y", where);
                ECPublicKeySpec spec = new ECPublicKeySpec(new ECPoint(x, y), KeyFiles.P256);
                if (!KeyFiles.onP256(spec.getW())) {
                    throw new IllegalArgumentException(where + ": EC point is not on curve P-256");
                }
                return KeyFiles.fromPublicKey(kid, generate("EC", spec, where), source);
            }
            case "oct" -> {
                requireAlg(alg, Alg.HS256, where);
                byte[] k = bytes(jwk, "k", where);
                return KeyFiles.hs256(kid, k, source);
            }
            default -> {
                if (alg != null) {
                    throw new IllegalArgumentException(where + ": alg=" + algName + " does not fit kty=" + kty);
                }
                return null; // OKP and others
            }
        }
    }

    private static void requireAlg(Alg alg, Alg expected, String where) {
        if (alg != null && alg != expected) {
            throw new IllegalArgumentException(where + ": alg=" + alg + " does not fit the key, expected "
                    + expected);
        }
    }

    private static String string(Map<?, ?> jwk, String name, String where, boolean required) {
        Object value = jwk.get(name);
        if (value == null && !required) {
            return null;
        }
        if (!(value instanceof String s)) {
            throw new IllegalArgumentException(where + ": \"" + name + "\" must be a string");
        }
        return s;
    }

    private static byte[] bytes(Map<?, ?> jwk, String name, String where) {
        byte[] bytes = Base64Url.decode(string(jwk, name, where, true));
        if (bytes == null || bytes.length == 0) {
            throw new IllegalArgumentException(where + ": \"" + name + "\" is not base64url");
        }
        return bytes;
    }

    private static BigInteger unsigned(Map<?, ?> jwk, String name, String where) {
        return new BigInteger(1, bytes(jwk, name, where));
    }

    /** RFC 7518 section 6.2.1.2: a P-256 coordinate is exactly 32 bytes. */
    private static BigInteger coordinate(Map<?, ?> jwk, String name, String where) {
        byte[] bytes = bytes(jwk, name, where);
        if (bytes.length != 32) {
            throw new IllegalArgumentException(where + ": \"" + name + "\" has " + bytes.length
                    + " bytes, P-256 needs 32");
        }
        return new BigInteger(1, bytes);
    }

    private static PublicKey generate(String algorithm, java.security.spec.KeySpec spec, String where) {
        try {
            return KeyFactory.getInstance(algorithm).generatePublic(spec);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(where + ": invalid " + algorithm + " key");
        }
    }
}
