package herald.server.auth;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECFieldFp;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.spec.SecretKeySpec;

/**
 * Reads keys from files: an HS256 secret, an SPKI PEM public key. Bad configuration is an
 * {@link IllegalArgumentException} whose one-line message names the file (never key material).
 */
final class KeyFiles {
    /** RFC 7518 section 3.2: an HS256 key "of the same size as the hash output (256 bits) or larger". */
    static final int MIN_SECRET_BYTES = 32;
    /** RFC 7518 section 3.3: "A key of size 2048 bits or larger MUST be used". */
    static final int MIN_RSA_BITS = 2048;
    /** A PEM or secret file is small; a larger one is a mistake (a log file, a keystore). */
    static final int MAX_KEY_FILE_BYTES = 64 * 1024;

    static final ECParameterSpec P256 = p256();

    private static final String PEM_BEGIN = "-----BEGIN PUBLIC KEY-----";
    private static final String PEM_END = "-----END PUBLIC KEY-----";

    private KeyFiles() {
    }

    /** The file's bytes, one trailing newline ({@code \n} or {@code \r\n}) removed. */
    static byte[] readSecret(Path file) {
        byte[] bytes = read(file, "jwt secret file");
        int length = bytes.length;
        if (length > 0 && bytes[length - 1] == '\n') {
            length--;
            if (length > 0 && bytes[length - 1] == '\r') {
                length--;
            }
        }
        return Arrays.copyOf(bytes, length);
    }

    static VerificationKey hs256(byte[] secret, String source) {
        return hs256(null, secret, source);
    }

    static VerificationKey hs256(String kid, byte[] secret, String source) {
        if (secret.length < MIN_SECRET_BYTES) {
            throw new IllegalArgumentException(source + ": HS256 secret has " + secret.length
                    + " bytes, needs at least " + MIN_SECRET_BYTES + " (RFC 7518 section 3.2)");
        }
        return new VerificationKey(kid, Alg.HS256, new SecretKeySpec(secret, "HmacSHA256"), source);
    }

    /** An SPKI PEM file ({@code -----BEGIN PUBLIC KEY-----}): RSA → RS256, EC P-256 → ES256. */
    static VerificationKey pem(Path file) {
        String source = "jwt public key " + file;
        String text = new String(read(file, "jwt public key"), StandardCharsets.US_ASCII);
        int begin = text.indexOf(PEM_BEGIN);
        int end = text.indexOf(PEM_END);
        if (begin < 0 || end < begin) {
            String found = text.contains("-----BEGIN RSA PUBLIC KEY-----") ? " (found PKCS#1 RSA PUBLIC KEY)"
                    : text.contains("PRIVATE KEY-----") ? " (found a private key)"
                    : text.contains("-----BEGIN CERTIFICATE-----") ? " (found a certificate)" : "";
            throw new IllegalArgumentException(source + ": expected a PEM " + PEM_BEGIN + " block (SPKI)" + found);
        }
        byte[] der;
        try {
            der = Base64.getMimeDecoder().decode(text.substring(begin + PEM_BEGIN.length(), end).strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(source + ": malformed base64 in the PEM block");
        }
        X509EncodedKeySpec spec = new X509EncodedKeySpec(der);
        PublicKey key = tryDecode("RSA", spec);
        if (key == null) {
            key = tryDecode("EC", spec);
        }
        if (key == null) {
            throw new IllegalArgumentException(source + ": unsupported key type " + keyTypeName(spec)
                    + " (supported: RSA for RS256, EC P-256 for ES256)");
        }
        return fromPublicKey(null, key, source);
    }

    /** Checks an RSA or EC public key and gives it its algorithm. */
    static VerificationKey fromPublicKey(String kid, PublicKey key, String source) {
        if (key instanceof RSAPublicKey rsa) {
            int bits = rsa.getModulus().bitLength();
            if (bits < MIN_RSA_BITS) {
                throw new IllegalArgumentException(source + ": RSA key has " + bits + " bits, RS256 needs at least "
                        + MIN_RSA_BITS + " (RFC 7518 section 3.3)");
            }
            return new VerificationKey(kid, Alg.RS256, key, source);
        }
        if (key instanceof ECPublicKey ec) {
            if (!isP256(ec.getParams())) {
                throw new IllegalArgumentException(source + ": EC key is not on curve P-256 (ES256 needs secp256r1)");
            }
            if (!onP256(ec.getW())) {
                throw new IllegalArgumentException(source + ": EC point is not on curve P-256");
            }
            return new VerificationKey(kid, Alg.ES256, key, source);
        }
        throw new IllegalArgumentException(source + ": unsupported key type " + key.getAlgorithm());
    }

    static boolean isP256(ECParameterSpec params) {
        return params.getCurve().equals(P256.getCurve()) && params.getOrder().equals(P256.getOrder())
                && params.getGenerator().equals(P256.getGenerator()) && params.getCofactor() == P256.getCofactor();
    }

    /** y² = x³ + ax + b (mod p), coordinates in [0, p). */
    static boolean onP256(ECPoint w) {
        if (w == ECPoint.POINT_INFINITY) {
            return false;
        }
        BigInteger p = ((ECFieldFp) P256.getCurve().getField()).getP();
        BigInteger x = w.getAffineX();
        BigInteger y = w.getAffineY();
        if (x.signum() < 0 || y.signum() < 0 || x.compareTo(p) >= 0 || y.compareTo(p) >= 0) {
            return false;
        }
        BigInteger right = x.pow(3).add(P256.getCurve().getA().multiply(x)).add(P256.getCurve().getB()).mod(p);
        return y.pow(2).mod(p).equals(right);
    }

    private static PublicKey tryDecode(String algorithm, X509EncodedKeySpec spec) {
        try {
            return KeyFactory.getInstance(algorithm).generatePublic(spec);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return null;
        }
    }

    /** Names an SPKI key Herald does not take, for the error message. */
    private static String keyTypeName(X509EncodedKeySpec spec) {
        for (String algorithm : new String[] {"Ed25519", "Ed448", "X25519", "X448", "DSA", "RSASSA-PSS"}) {
            if (tryDecode(algorithm, spec) != null) {
                return algorithm;
            }
        }
        return "(unrecognised SPKI)";
    }

    private static byte[] read(Path file, String what) {
        try {
            long size = Files.size(file);
            if (size > MAX_KEY_FILE_BYTES) {
                throw new IllegalArgumentException(what + " " + file + ": " + size + " bytes exceeds maxBytes="
                        + MAX_KEY_FILE_BYTES);
            }
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new IllegalArgumentException(what + " " + file + ": cannot read (" + e.getClass().getSimpleName()
                    + ")");
        }
    }

    private static ECParameterSpec p256() {
        try {
            AlgorithmParameters parameters = AlgorithmParameters.getInstance("EC");
            parameters.init(new ECGenParameterSpec("secp256r1"));
            return parameters.getParameterSpec(ECParameterSpec.class);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no secp256r1", e);
        }
    }
}
