package herald.server;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Decides who may subscribe, publish and delete: the JWT rules of DESIGN.md section 4 ({@link #jwt}), or an
 * application's own (a session lookup). Set with {@link Herald.Builder#authorizer}; it then <b>replaces</b> the
 * built-in one, and the loopback rule for publishing (only {@code --open-publish}, which skips the authorizer
 * for publish and delete, and the CORS origin checks still apply). To add a check after JWT, compose:
 *
 * <pre>{@code
 * Authorizer jwt = Authorizer.jwt(config);
 * builder.authorizer((request, action, topics) -> {
 *     Authorizer.Decision decision = jwt.authorize(request, action, topics);
 *     if (!decision.allowed() || sessions.isRevoked(decision.principal())) {
 *         return decision.allowed() ? Authorizer.Decision.forbidden("session revoked") : decision;
 *     }
 *     return decision;
 * });
 * }</pre>
 *
 * <p>Called on the request's virtual thread (block freely, briefly), before the subscribe hook and before a
 * publish reads its body; for {@link Action#STREAM} before an embedded stream handler runs. The principal of
 * an allowing decision is what {@link Request#principal()} returns to the hook and the handler. A decision
 * with an {@link Decision#expiresAt()} ends a topic stream at that instant (within a second): its client
 * reconnects, with a fresh token if it has one. Must be thread-safe.
 */
@FunctionalInterface
public interface Authorizer {

    /** What a request asks to do. */
    enum Action {
        /** {@code GET}/{@code HEAD} of a topic stream; {@code topics} are the stream's, in request order. */
        SUBSCRIBE,
        /** {@code POST /topics/{topic}}; one topic. */
        PUBLISH,
        /** {@code DELETE /topics/{topic}}; one topic. */
        DELETE,
        /** A request to an embedded {@link StreamHandler}; no topics. */
        STREAM
    }

    /**
     * @param request the request (its body is not read yet; do not read it here)
     * @param action  what it asks to do
     * @param topics  the topics it names (valid names), empty for {@link Action#STREAM}
     * @return the decision; never null
     */
    Decision authorize(Request request, Action action, List<String> topics);

    /**
     * The built-in JWT authorizer for {@code config.auth()} (keys read now): a token from
     * {@code Authorization: Bearer}, the cookie or the query parameter; present but invalid → 401 (any topic,
     * any action); absent on a private topic, or on publish and delete → 401; valid without a matching pattern
     * → 403 (subscribe: for every private topic of the stream; public topics need no claim; publish and delete:
     * a {@code publish} pattern). With {@code --open-publish}, publish and delete need no token (a present one
     * must still be valid). {@link Action#STREAM}: a present token must be valid; none is anonymous.
     *
     * @throws IllegalArgumentException in one line naming the option and the file, when a key file cannot be
     *                                  read or holds no usable key, or when no key is configured
     */
    static Authorizer jwt(HeraldConfig config) {
        return JwtAuthorizer.of(config.auth(), config.access().publish());
    }

    /**
     * An answer: allow (with a principal, or anonymous), or refuse with 401 or 403.
     *
     * @param status    0 to allow; 401 or 403 to refuse
     * @param principal who the client is (an allowing decision), or null for anonymous
     * @param expiresAt when the client's credentials end (a topic stream ends then), or null
     * @param reason    one line for the refused client; never a token or a secret
     * @param label     the {@code reason} label of {@code herald_auth_rejections_total} (a small fixed set)
     * @param presented whether a credential was presented (401: {@code WWW-Authenticate} says
     *                  {@code error="invalid_token"})
     */
    record Decision(int status, String principal, Instant expiresAt, String reason, String label,
                    boolean presented) {
        private static final Decision ANONYMOUS = new Decision(0, null, null, null, null, false);

        public Decision {
            if (status != 0 && status != 401 && status != 403) {
                throw new IllegalArgumentException("a decision allows (0) or refuses with 401 or 403: status=" + status);
            }
            if (status != 0) {
                Objects.requireNonNull(reason, "reason");
                Objects.requireNonNull(label, "label");
                if (reason.indexOf('\n') >= 0 || reason.indexOf('\r') >= 0) {
                    throw new IllegalArgumentException("a decision's reason is one line of text");
                }
            }
        }

        /** Allowed, no principal. */
        public static Decision anonymous() {
            return ANONYMOUS;
        }

        /** Allowed as {@code principal} (may be null). */
        public static Decision allow(String principal) {
            return new Decision(0, principal, null, null, null, false);
        }

        /** Allowed as {@code principal} until {@code expiresAt} (a topic stream ends then). */
        public static Decision allow(String principal, Instant expiresAt) {
            return new Decision(0, principal, expiresAt, null, null, false);
        }

        /** 401, no credentials presented: {@code WWW-Authenticate: Bearer}. */
        public static Decision unauthenticated(String reason) {
            return new Decision(401, null, null, reason, "missing_token", false);
        }

        /** 401, the presented credentials are not valid: {@code error="invalid_token"}; label e.g. "expired". */
        public static Decision invalid(String reason, String label) {
            return new Decision(401, null, null, reason, label, true);
        }

        /** 403: who the client is is known, and it may not do this. */
        public static Decision forbidden(String reason) {
            return new Decision(403, null, null, reason, "forbidden", true);
        }

        public boolean allowed() {
            return status == 0;
        }
    }
}
