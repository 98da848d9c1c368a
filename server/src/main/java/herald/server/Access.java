package herald.server;

import java.util.List;
import java.util.Objects;

/**
 * Who may do what, and what is served beyond the API.
 *
 * @param publish     who may publish and delete when no {@link Authorizer} decides ({@link PublishAccess#LOOPBACK});
 *                    {@link PublishAccess#ANY} ({@code --open-publish}) also opens publishing when one does
 * @param examples    whether the browser examples are served under {@code /examples/} (off)
 * @param corsOrigins the CORS allowlist ({@code --cors-origins}): empty for the open mode (any origin reads
 *                    streams, without credentials); else exactly these origins ({@code https://a.example}) are
 *                    echoed, with credentials, and any other origin gets 403 on streams and publishes. A lone
 *                    {@code *} is the open mode, said explicitly; {@code *} among origins is refused, since
 *                    credentials are never allowed for any origin
 */
public record Access(PublishAccess publish, boolean examples, List<String> corsOrigins) {
    public static final Access DEFAULTS = new Access(PublishAccess.LOOPBACK, false, List.of());

    public Access {
        Objects.requireNonNull(publish, "publish");
        corsOrigins = List.copyOf(corsOrigins);
        if (corsOrigins.size() > 1 && corsOrigins.contains("*")) {
            throw new IllegalArgumentException("corsOrigins: '*' is accepted only alone (without credentials), "
                    + "not among origins: " + String.join(",", corsOrigins));
        }
        for (String origin : corsOrigins) {
            if (!origin.equals("*") && !isSerializedOrigin(origin)) {
                throw new IllegalArgumentException("corsOrigins: not an origin (scheme://host[:port], no path): "
                        + origin);
            }
        }
    }

    public Access(PublishAccess publish, boolean examples) {
        this(publish, examples, List.of());
    }

    /** Whether an allowlist is configured ({@code *} alone is the open mode). */
    public boolean hasCorsAllowlist() {
        return !corsOrigins.isEmpty() && !corsOrigins.equals(List.of("*"));
    }

    public Access withPublish(PublishAccess value) {
        return new Access(value, examples, corsOrigins);
    }

    public Access withExamples(boolean value) {
        return new Access(publish, value, corsOrigins);
    }

    public Access withCorsOrigins(List<String> value) {
        return new Access(publish, examples, value);
    }

    /** {@code scheme://host[:port]} as a browser sends it in {@code Origin} (RFC 6454 section 6.2). */
    private static boolean isSerializedOrigin(String origin) {
        int scheme = origin.indexOf("://");
        if (scheme <= 0 || scheme + 3 == origin.length() || origin.endsWith("/")) {
            return false;
        }
        for (int i = 0; i < origin.length(); i++) {
            char c = origin.charAt(i);
            if (c <= ' ' || c >= 0x7f || c == '/' && (i < scheme + 1 || i > scheme + 2) || c == '?' || c == '#'
                    || c == '@' || c == ',') {
                return false;
            }
        }
        return true;
    }
}
