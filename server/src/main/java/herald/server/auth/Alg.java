package herald.server.auth;

/** The JWS algorithms Herald verifies (RFC 7518 section 3.1); each key has exactly one. */
enum Alg {
    HS256("HmacSHA256"),
    RS256("SHA256withRSA"),
    /** R‖S, 32 bytes each (RFC 7518 section 3.4), never DER: hence the JDK's P1363 format. */
    ES256("SHA256withECDSAinP1363Format");

    final String jcaName;

    Alg(String jcaName) {
        this.jcaName = jcaName;
    }

    /** The algorithm named by a header's {@code alg}, or null when Herald does not verify it. */
    static Alg of(String name) {
        return switch (name) {
            case "HS256" -> HS256;
            case "RS256" -> RS256;
            case "ES256" -> ES256;
            default -> null;
        };
    }
}
