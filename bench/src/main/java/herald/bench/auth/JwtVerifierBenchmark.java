package herald.bench.auth;

import herald.server.auth.Claims;
import herald.server.auth.InvalidTokenException;
import herald.server.auth.JwtVerifier;
import herald.server.auth.Tokens;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@link JwtVerifier#verify} of one valid token, as a subscribe or publish with a token will do once per
 * request: parse, base64url-decode, header JSON, key choice, signature, claims JSON, {@code exp}, the Herald
 * claim's two patterns.
 *
 * <ul>
 *   <li><b>hs256</b>: HMAC-SHA256 with a 40-byte secret.</li>
 *   <li><b>rs256</b>: RSA 2048 PKCS#1 v1.5 verification (public exponent 65537).</li>
 *   <li><b>es256</b>: ECDSA P-256, R‖S signature (the JDK's {@code SHA256withECDSAinP1363Format}).</li>
 *   <li><b>rejectTamperedHs256</b>: a token whose payload was changed: the cost of a refused token.</li>
 * </ul>
 *
 * <pre>
 * mvn -B -ntp -q -DskipTests package -pl protocol,server,bench -am
 * java -jar bench/target/benchmarks.jar JwtVerifierBenchmark -prof gc
 * </pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@State(Scope.Benchmark)
public class JwtVerifierBenchmark {
    private static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");
    private static final byte[] SECRET = "0123456789abcdef0123456789abcdef-herald".getBytes(StandardCharsets.US_ASCII);

    JwtVerifier verifier;
    String hs256;
    String rs256;
    String es256;
    String tamperedHs256;

    @Setup
    public void setUp() throws GeneralSecurityException, InvalidTokenException {
        KeyPair rsa = generate("RSA", null);
        KeyPair ec = generate("EC", "secp256r1");
        InstantSource clock = InstantSource.fixed(NOW);
        verifier = JwtVerifier.builder().hs256Secret(SECRET).publicKey(rsa.getPublic()).publicKey(ec.getPublic())
                .clock(clock).build();
        hs256 = Tokens.mintHs256(SECRET, "user-42", List.of("users/42", "dashboard/*"), List.of("news/**"),
                Duration.ofHours(1), clock);
        String claims = hs256.substring(hs256.indexOf('.') + 1, hs256.lastIndexOf('.'));
        rs256 = sign("{\"alg\":\"RS256\",\"typ\":\"JWT\"}", claims, "SHA256withRSA", rsa);
        es256 = sign("{\"alg\":\"ES256\",\"typ\":\"JWT\"}", claims, "SHA256withECDSAinP1363Format", ec);
        char[] chars = hs256.toCharArray();
        int at = hs256.indexOf('.') + 5;
        chars[at] = chars[at] == 'A' ? 'B' : 'A';
        tamperedHs256 = new String(chars);
        for (String token : List.of(hs256, rs256, es256)) {
            verifier.verify(token); // each one verifies, or the benchmark measures a rejection
        }
    }

    @Benchmark
    public Claims hs256() throws InvalidTokenException {
        return verifier.verify(hs256);
    }

    @Benchmark
    public Claims rs256() throws InvalidTokenException {
        return verifier.verify(rs256);
    }

    @Benchmark
    public Claims es256() throws InvalidTokenException {
        return verifier.verify(es256);
    }

    @Benchmark
    public Object rejectTamperedHs256() {
        try {
            return verifier.verify(tamperedHs256);
        } catch (InvalidTokenException e) {
            return e.reason();
        }
    }

    private static KeyPair generate(String algorithm, String curve) throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm);
        if (curve == null) {
            generator.initialize(2048);
        } else {
            generator.initialize(new ECGenParameterSpec(curve));
        }
        return generator.generateKeyPair();
    }

    private static String sign(String header, String encodedClaims, String algorithm, KeyPair keys)
            throws GeneralSecurityException {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String input = b64.encodeToString(header.getBytes(StandardCharsets.US_ASCII)) + "." + encodedClaims;
        Signature signature = Signature.getInstance(algorithm);
        signature.initSign(keys.getPrivate());
        signature.update(input.getBytes(StandardCharsets.US_ASCII));
        return input + "." + b64.encodeToString(signature.sign());
    }
}
