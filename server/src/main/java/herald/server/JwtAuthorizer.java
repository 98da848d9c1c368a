package herald.server;

import herald.server.auth.Claims;
import herald.server.auth.InvalidTokenException;
import herald.server.auth.JwtVerifier;
import herald.server.auth.TokenSource;
import herald.server.auth.TopicPattern;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The built-in {@link Authorizer}: JWT per DESIGN.md section 4 (the rules are on {@link Authorizer#jwt}).
 * Immutable and thread-safe. Never puts the token in a reason or a log.
 */
final class JwtAuthorizer implements Authorizer {
    private final JwtVerifier verifier;
    private final TokenSource tokens;
    private final List<TopicPattern> privateTopics;
    private final boolean openPublish;

    private JwtAuthorizer(JwtVerifier verifier, TokenSource tokens, List<TopicPattern> privateTopics,
                          boolean openPublish) {
        this.verifier = verifier;
        this.tokens = tokens;
        this.privateTopics = privateTopics;
        this.openPublish = openPublish;
    }

    /** Reads the keys of {@code auth}; a bad file is an IllegalArgumentException naming its option and file. */
    static JwtAuthorizer of(Auth auth, PublishAccess publish) {
        if (!auth.hasKeys()) {
            throw new IllegalArgumentException("jwt: no key (--jwt-secret-file, --jwt-public-key or --jwks)");
        }
        JwtVerifier.Builder builder = JwtVerifier.builder().claimName(auth.claim());
        if (auth.secretFile() != null) {
            key("--jwt-secret-file", auth.secretFile(), () -> builder.hs256SecretFile(auth.secretFile()));
        }
        for (Path file : auth.publicKeys()) {
            key("--jwt-public-key", file, () -> builder.publicKeyPem(file));
        }
        if (auth.jwks() != null) {
            builder.jwks(auth.jwks());      // read in build(), below
        }
        if (auth.issuer() != null) {
            builder.issuer(auth.issuer());
        }
        if (auth.audience() != null) {
            builder.audience(auth.audience());
        }
        JwtVerifier verifier;
        try {
            verifier = builder.build();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--jwks: " + e.getMessage(), e);
        }
        return new JwtAuthorizer(verifier, new TokenSource(auth.tokenCookie(), auth.tokenQuery()),
                TopicPattern.listOf(auth.privateTopics()), publish == PublishAccess.ANY);
    }

    private static void key(String option, Path file, Runnable read) {
        try {
            read.run();
        } catch (IllegalArgumentException e) {
            String message = e.getMessage();           // names the file already, never key material
            throw new IllegalArgumentException(option + ": " + (message.contains(file.toString()) ? message
                    : file + ": " + message), e);
        }
    }

    @Override
    public Decision authorize(Request request, Action action, List<String> topics) {
        TokenSource.Found found = tokens.find(new TokenSource.RequestView() {
            @Override
            public String header(String name) {
                return request.header(name);
            }

            @Override
            public String queryParam(String name) {
                return request.queryParam(name);
            }
        });
        Claims claims = null;
        if (found.present()) {
            try {
                claims = verifier.verify(found.token());
            } catch (InvalidTokenException e) {
                return Decision.invalid("invalid token", e.reason().name().toLowerCase(Locale.ROOT));
            }
        }
        return switch (action) {
            case STREAM -> allow(claims);
            case SUBSCRIBE -> subscribe(claims, topics);
            case PUBLISH, DELETE -> write(claims, topics);
        };
    }

    private Decision subscribe(Claims claims, List<String> topics) {
        for (int i = 0; i < topics.size(); i++) {
            String topic = topics.get(i);
            if (isPrivate(topic)) {
                if (claims == null) {
                    return Decision.unauthenticated("a token is needed to subscribe to this topic");
                }
                if (!claims.maySubscribe(topic)) {
                    return Decision.forbidden("the token does not allow subscribing to every topic of this stream");
                }
            }
        }
        return allow(claims);
    }

    private Decision write(Claims claims, List<String> topics) {
        if (openPublish) {
            return allow(claims);
        }
        if (claims == null) {
            return Decision.unauthenticated("a token is needed to publish or delete");
        }
        for (int i = 0; i < topics.size(); i++) {
            if (!claims.mayPublish(topics.get(i))) {
                return Decision.forbidden("the token does not allow publishing to or deleting this topic");
            }
        }
        return allow(claims);
    }

    private boolean isPrivate(String topic) {
        for (int i = 0; i < privateTopics.size(); i++) {
            if (privateTopics.get(i).matches(topic)) {
                return true;
            }
        }
        return false;
    }

    private static Decision allow(Claims claims) {
        return claims == null ? Decision.anonymous() : Decision.allow(claims.subject(), claims.expiry());
    }
}
