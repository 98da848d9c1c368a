package herald.server.auth;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Mints HS256 tokens for operators ({@code herald token --secret-file F --subscribe 'users/42' --publish
 * 'news/**' --ttl 1h}) and for trying Herald out. Production tokens come from the application's own issuer;
 * this is the minimal one that {@link JwtVerifier} accepts.
 */
public final class Tokens {
    private static final String HEADER = Base64Url.encode("{\"alg\":\"HS256\",\"typ\":\"JWT\"}"
            .getBytes(StandardCharsets.US_ASCII));

    private Tokens() {
    }

    /** The bytes of a secret file as {@link JwtVerifier.Builder#hs256SecretFile} reads them. */
    public static byte[] readSecretFile(Path file) {
        return KeyFiles.readSecret(file);
    }

    /** {@link #mintHs256(byte[], String, List, List, Duration, InstantSource, String)} with claim "herald". */
    public static String mintHs256(byte[] secret, String subject, List<String> subscribe, List<String> publish,
            Duration ttl, InstantSource clock) {
        return mintHs256(secret, subject, subscribe, publish, ttl, clock, JwtVerifier.DEFAULT_CLAIM);
    }

    /**
     * A compact JWT: header {@code {"alg":"HS256","typ":"JWT"}}, claims {@code sub} (when not null),
     * {@code iat}, {@code exp} = now + ttl (whole seconds) and {@code <claim>: {subscribe: [...], publish:
     * [...]}}.
     *
     * @throws IllegalArgumentException a secret under 32 bytes, a ttl under one second, a malformed pattern
     *         (naming its index)
     */
    public static String mintHs256(byte[] secret, String subject, List<String> subscribe, List<String> publish,
            Duration ttl, InstantSource clock, String claim) {
        KeyFiles.hs256(secret, "jwt secret"); // the same checks as the verifier's
        if (ttl.toSeconds() < 1) {
            throw new IllegalArgumentException("token ttl under one second: " + ttl);
        }
        TopicPattern.listOf(subscribe);
        TopicPattern.listOf(publish);
        long iat = clock.instant().getEpochSecond();
        StringBuilder json = new StringBuilder(128).append('{');
        if (subject != null) {
            string(json.append("\"sub\":"), subject).append(',');
        }
        json.append("\"iat\":").append(iat).append(",\"exp\":").append(Math.addExact(iat, ttl.toSeconds()));
        string(json.append(','), claim).append(":{\"subscribe\":");
        array(json, subscribe).append(",\"publish\":");
        array(json, publish).append("}}");
        String signingInput = HEADER + '.' + Base64Url.encode(json.toString().getBytes(StandardCharsets.UTF_8));
        try {
            Mac mac = Mac.getInstance(Alg.HS256.jcaName);
            mac.init(new SecretKeySpec(secret, Alg.HS256.jcaName));
            byte[] signature = mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII));
            return signingInput + '.' + Base64Url.encode(signature);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no HmacSHA256", e);
        }
    }

    private static StringBuilder array(StringBuilder out, List<String> values) {
        out.append('[');
        for (int i = 0; i < values.size(); i++) {
            string(i == 0 ? out : out.append(','), values.get(i));
        }
        return out.append(']');
    }

    /** A JSON string (RFC 8259 section 7): quotes, backslash and control characters escaped. */
    static StringBuilder string(StringBuilder out, String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.append('"');
    }
}
