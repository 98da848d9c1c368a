package herald.server.http;

import herald.protocol.http1.RequestHead;
import herald.server.Authorizer;
import herald.server.exchange.ClientExchange;
import herald.server.exchange.Exchange;
import herald.server.metrics.Metrics;

import java.io.IOException;
import java.util.List;
import java.util.Set;

/**
 * The routes' door: the {@link Authorizer} (or none: everyone is anonymous) and the CORS allowlist (empty: the
 * open mode). A refusal is answered here, counted in {@code herald_auth_rejections_total{reason}}, and never
 * quotes the token. Immutable; any thread.
 */
final class Guard {
    private final Authorizer authorizer;     // null: no auth configured
    private final Set<String> corsOrigins;   // empty: the open mode
    private final Metrics metrics;

    Guard(Authorizer authorizer, List<String> corsOrigins, Metrics metrics) {
        this.authorizer = authorizer;
        this.corsOrigins = corsOrigins.equals(List.of("*")) ? Set.of() : Set.copyOf(corsOrigins);
        this.metrics = metrics;
    }

    boolean hasAuthorizer() {
        return authorizer != null;
    }

    boolean hasAllowlist() {
        return !corsOrigins.isEmpty();
    }

    /** Whether {@code origin} (may be null) is on the allowlist, compared exactly. */
    boolean isListed(String origin) {
        return origin != null && corsOrigins.contains(origin);
    }

    /**
     * Asks the authorizer; a refusal is answered (401 with {@code WWW-Authenticate: Bearer}, or 403) and gives
     * null. Without an authorizer every request is allowed anonymously.
     */
    Authorizer.Decision authorize(Exchange exchange, RequestHead head, Authorizer.Action action, List<String> topics)
            throws IOException {
        if (authorizer == null) {
            return Authorizer.Decision.anonymous();
        }
        Authorizer.Decision decision = authorizer.authorize(new RequestView(exchange, head), action, topics);
        if (decision == null) {
            throw new IllegalStateException("the authorizer returned no decision for " + action);
        }
        if (decision.allowed()) {
            return decision;
        }
        metrics.recordAuthRejection(decision.label());
        metrics.recordError(decision.status());
        if (decision.status() == 401) {
            exchange.response().text(401, decision.reason(), "WWW-Authenticate",
                    decision.presented() ? "Bearer error=\"invalid_token\"" : "Bearer");
        } else if (decision.presented()) {
            exchange.response().text(403, decision.reason(), "WWW-Authenticate", "Bearer error=\"insufficient_scope\"");
        } else {
            exchange.response().text(403, decision.reason());
        }
        return null;
    }

    /** 403 to a stream or a write from an origin that is neither listed nor the server's own. */
    void refuseOrigin(Exchange exchange) throws IOException {
        metrics.recordAuthRejection("origin");
        metrics.recordError(403);
        exchange.response().text(403, "this origin is not allowed here");
    }

    /** The exchange as seen with the decision's principal (the same one when there is none). */
    static Exchange withPrincipal(Exchange exchange, Authorizer.Decision decision) {
        String principal = decision.principal();
        return principal == null ? exchange
                : new ClientExchange(exchange, exchange.client().withPrincipal(principal));
    }
}
