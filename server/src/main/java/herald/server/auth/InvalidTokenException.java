package herald.server.auth;

/**
 * A token that is present but not acceptable: answered {@code 401}, also on a public topic. The message
 * names the reason and, where useful, an offset or a limit; never the token or any of its bytes.
 * Stackless: hostile input is normal traffic.
 */
public final class InvalidTokenException extends Exception {
    private static final long serialVersionUID = 1L;

    /** Why a token was rejected; each one is its own test in {@code JwtVerifierTest}. */
    public enum Reason {
        /** Longer than {@link JwtVerifier#MAX_TOKEN_CHARS}. */
        TOO_LARGE,
        /** Not three dot-separated parts, or an empty header or claims part. */
        MALFORMED,
        /** A part is not canonical unpadded base64url (RFC 7515 section 2). */
        MALFORMED_BASE64,
        /** The header or claims are not a strict JSON object in UTF-8, or the header lacks {@code alg}. */
        MALFORMED_JSON,
        /** {@code "alg": "none"} in any letter case (RFC 7518 section 3.6: an unsecured JWS). */
        ALG_NONE,
        /** An {@code alg} Herald does not verify (only HS256, RS256, ES256). */
        ALG_UNSUPPORTED,
        /** No configured key verifies the token's {@code alg}: e.g. HS256 against RSA or EC keys only. */
        ALG_KEY_MISMATCH,
        /** A {@code crit} header: no extension is understood (RFC 7515 section 4.1.11). */
        CRIT_UNSUPPORTED,
        /** A {@code kid} that names no key. */
        UNKNOWN_KID,
        /** A {@code kid} that names a key of another algorithm than the token's {@code alg}. */
        KID_KEY_MISMATCH,
        /** A signature of the wrong length for the key: e.g. a DER-encoded ES256 signature. */
        SIGNATURE_FORMAT,
        /** An ES256 signature with r or s zero or not below the curve order (CVE-2022-21449). */
        SIGNATURE_OUT_OF_RANGE,
        /** The signature does not verify: a changed header or payload, or another key. */
        BAD_SIGNATURE,
        /** No {@code exp}: Herald accepts no token that never expires. */
        MISSING_EXP,
        /** {@code exp} is more than the skew in the past. */
        EXPIRED,
        /** {@code nbf} is more than the skew in the future. */
        NOT_YET_VALID,
        /** {@code iss} differs from the configured issuer. */
        WRONG_ISSUER,
        /** {@code aud} (a string or a list) does not hold the configured audience. */
        WRONG_AUDIENCE,
        /** A claim of the wrong type ({@code exp} not a number, {@code herald} not an object, a bad pattern). */
        INVALID_CLAIMS
    }

    private final Reason reason;

    InvalidTokenException(Reason reason, String detail) {
        super(detail == null ? "invalid token: " + reason : "invalid token: " + reason + ": " + detail, null,
                false, false);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
