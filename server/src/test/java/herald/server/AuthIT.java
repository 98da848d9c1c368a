package herald.server;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Auth over real sockets (DESIGN.md section 4, "Auth (JWT)"): every rejection as its own test, tokens minted by
 * nimbus-jose-jwt with the server's HS256 secret. Private topics here: {@code users/*} and {@code private/**}.
 */
class AuthIT {
    static final byte[] SECRET = "0123456789abcdef0123456789abcdef-authit".getBytes(StandardCharsets.US_ASCII);
    private static final Duration WAIT = Duration.ofSeconds(5);

    @TempDir
    Path dir;
    private Path secretFile;
    private Herald herald;

    @BeforeEach
    void writeSecret() throws IOException {
        secretFile = Files.write(dir.resolve("secret"), (new String(SECRET, StandardCharsets.US_ASCII) + "\n")
                .getBytes(StandardCharsets.US_ASCII));
    }

    @AfterEach
    void stop() {
        if (herald != null) {
            herald.close();
        }
    }

    private int start(UnaryOperator<Auth> auth) {
        return start(auth, b -> b);
    }

    private int start(UnaryOperator<Auth> auth, UnaryOperator<Herald.Builder> more) {
        Auth configured = auth.apply(Auth.DEFAULTS.withSecretFile(secretFile)
                .withPrivateTopics(List.of("users/*", "private/**")));
        herald = TestServer.start(b -> more.apply(b.auth(configured)));
        return herald.port();
    }

    static String token(byte[] secret, String subject, List<String> subscribe, List<String> publish, Instant exp) {
        JWTClaimsSet claims = new JWTClaimsSet.Builder().subject(subject).expirationTime(Date.from(exp))
                .issueTime(new Date()).claim("herald", Map.of("subscribe", subscribe, "publish", publish)).build();
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
        try {
            jwt.sign(new MACSigner(secret));
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
        return jwt.serialize();
    }

    static String token(String subject, List<String> subscribe, List<String> publish) {
        return token(SECRET, subject, subscribe, publish, Instant.now().plusSeconds(600));
    }

    private static String bearer(String token) {
        return "Authorization: Bearer " + token;
    }

    private static TestHttp.Response get(int port, String target, String... headers) throws IOException {
        return TestHttp.request(port, "GET", target, null, headers);
    }

    private long rejections(String reason) {
        return herald.metricsText().lines()
                .filter(l -> l.startsWith("herald_auth_rejections_total{reason=\"" + reason + "\"} "))
                .mapToLong(l -> Long.parseLong(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    // ---- subscribe ------------------------------------------------------------------------------------------

    @Test
    void shouldRefuseAPrivateTopicWithoutATokenWith401AndABearerChallenge() throws IOException {
        int port = start(a -> a);
        TestHttp.Response response = get(port, "/topics/users/42");
        assertEquals(401, response.status());
        assertEquals("Bearer", response.header("WWW-Authenticate"));
        assertEquals(1, rejections("missing_token"));
    }

    @Test
    void shouldRefuseAPrivateTopicWithAnInvalidTokenWith401InvalidTokenWithoutEchoingIt() throws IOException {
        int port = start(a -> a);
        String forged = token("0123456789abcdef0123456789abcdef-other".getBytes(StandardCharsets.US_ASCII), "u42",
                List.of("users/42"), List.of(), Instant.now().plusSeconds(600));
        TestHttp.Response response = get(port, "/topics/users/42", bearer(forged));
        assertEquals(401, response.status());
        assertEquals("Bearer error=\"invalid_token\"", response.header("WWW-Authenticate"));
        assertFalse(response.body().contains(forged.substring(forged.lastIndexOf('.') + 1)), response.body());
        assertFalse(response.body().contains(forged.substring(0, 20)), response.body());
        assertEquals(1, rejections("bad_signature"));
    }

    @Test
    void shouldRefuseAPublicTopicWithAnInvalidTokenWith401() throws IOException {
        int port = start(a -> a);
        assertEquals(200, TestHttp.request(port, "HEAD", "/topics/news", null).status());
        TestHttp.Response response = get(port, "/topics/news", bearer("not.a.token"));
        assertEquals(401, response.status());
        assertEquals("Bearer error=\"invalid_token\"", response.header("WWW-Authenticate"));
        assertFalse(response.body().contains("not.a.token"));
    }

    @Test
    void shouldRefuseAnExpiredTokenWith401() throws IOException {
        int port = start(a -> a);
        String expired = token(SECRET, "u42", List.of("users/42"), List.of(), Instant.now().minusSeconds(120));
        assertEquals(401, get(port, "/topics/users/42", bearer(expired)).status());
        assertEquals(1, rejections("expired"));
    }

    @Test
    void shouldRefuseAValidTokenWithoutAMatchingSubscribePatternWith403() throws IOException {
        int port = start(a -> a);
        TestHttp.Response response = get(port, "/topics/users/43", bearer(token("u42", List.of("users/42"), List.of())));
        assertEquals(403, response.status());
        assertFalse(response.body().contains("users/43"), response.body());
        assertEquals(1, rejections("forbidden"));
    }

    @Test
    void shouldRefuseAStreamOfSeveralTopicsWhenOneIsForbiddenWith403NamingNone() throws IOException {
        int port = start(a -> a);
        String token = token("u42", List.of("users/42", "private/a/**"), List.of());
        TestHttp.Response response = get(port, "/events?topic=users/42&topic=news&topic=private/b/c",
                bearer(token));
        assertEquals(403, response.status());
        assertFalse(response.body().contains("private/b"), response.body());
        assertFalse(response.body().contains("users/42"), response.body());
        try (SseClient ok = SseClient.open(port, "/events?topic=users/42&topic=news&topic=private/a/c",
                bearer(token))) {
            assertEquals(200, ok.status());
        }
    }

    @Test
    void shouldStreamAPrivateTopicWithAMatchingTokenInTheHeader() throws Exception {
        int port = start(a -> a);
        try (SseClient client = SseClient.open(port, "/topics/users/42",
                bearer(token("u42", List.of("users/*"), List.of())))) {
            assertEquals(200, client.status());
            herald.publish("users/42", "hello");
            assertEquals("hello", client.next(WAIT).data());
        }
    }

    @Test
    void shouldTakeTheTokenFromTheCookie() throws Exception {
        int port = start(a -> a);
        String token = token("u42", List.of("users/42"), List.of());
        try (SseClient client = SseClient.open(port, "/topics/users/42", "Cookie: theme=dark; herald_token=" + token)) {
            assertEquals(200, client.status());
            herald.publish("users/42", "by cookie");
            assertEquals("by cookie", client.next(WAIT).data());
        }
        assertEquals(401, get(port, "/topics/users/42", "Cookie: herald_token=garbage").status());
    }

    @Test
    void shouldTakeTheTokenFromACustomCookieName() throws Exception {
        int port = start(a -> a.withTokenCookie("sess"));
        String token = token("u42", List.of("users/42"), List.of());
        assertEquals(401, get(port, "/topics/users/42", "Cookie: herald_token=" + token).status());
        try (SseClient client = SseClient.open(port, "/topics/users/42", "Cookie: sess=" + token)) {
            assertEquals(200, client.status());
        }
    }

    @Test
    void shouldTakeTheTokenFromTheAccessTokenQueryParameter() throws Exception {
        int port = start(a -> a);
        String token = token("u42", List.of("users/42"), List.of());
        try (SseClient client = SseClient.open(port, "/topics/users/42?access_token=" + token)) {
            assertEquals(200, client.status());
        }
        assertEquals(401, get(port, "/topics/news?access_token=garbage").status());
    }

    @Test
    void shouldIgnoreTheAccessTokenQueryParameterWhenTokenQueryIsOff() throws Exception {
        int port = start(a -> a.withTokenQuery(null));
        String token = token("u42", List.of("users/42"), List.of());
        TestHttp.Response response = get(port, "/topics/users/42?access_token=" + token);
        assertEquals(401, response.status());
        assertEquals("Bearer", response.header("WWW-Authenticate"));   // as if no token came
        assertEquals(200, TestHttp.request(port, "HEAD", "/topics/news?access_token=garbage", null).status());
    }

    @Test
    void shouldEndAStreamAtItsTokensExpiry() throws Exception {
        int port = start(a -> a, b -> b.heartbeat(Duration.ofMillis(400)));
        Instant exp = Instant.now().plusSeconds(5).truncatedTo(java.time.temporal.ChronoUnit.SECONDS); // NumericDate
        try (SseClient client = SseClient.open(port, "/topics/users/42",
                bearer(token(SECRET, "u42", List.of("users/42"), List.of(), exp)))) {
            assertEquals(200, client.status());
            herald.publish("users/42", "before exp");
            assertEquals("before exp", client.next(WAIT).data());
            assertTrue(client.awaitEnd(Duration.ofSeconds(9)), "the stream did not end at exp");
            long lateMillis = System.currentTimeMillis() - exp.toEpochMilli();
            assertTrue(lateMillis >= -50 && lateMillis < 3_000, "ended " + lateMillis + " ms after exp");
        }
        assertTrue(herald.metricsText().contains("herald_streams_expired_total 1"));
    }

    // ---- publish and delete ---------------------------------------------------------------------------------

    @Test
    void shouldRefuseAPublishWithoutATokenFromLoopbackWith401() throws IOException {
        int port = start(a -> a);
        TestHttp.Response response = TestHttp.request(port, "POST", "/topics/news", "hi");
        assertEquals(401, response.status());
        assertEquals("Bearer", response.header("WWW-Authenticate"));
        assertEquals(401, TestHttp.request(port, "DELETE", "/topics/news", null).status());
    }

    @Test
    void shouldRefuseAPublishWithASubscribeOnlyTokenWith403() throws IOException {
        int port = start(a -> a);
        String token = token("u42", List.of("news", "**"), List.of());
        assertEquals(403, TestHttp.request(port, "POST", "/topics/news", "hi", bearer(token)).status());
        assertEquals(403, TestHttp.request(port, "DELETE", "/topics/news", null, bearer(token)).status());
    }

    @Test
    void shouldPublishAndDeleteWithAMatchingPublishPattern() throws Exception {
        int port = start(a -> a);
        String token = token("ops", List.of(), List.of("news/**"));
        try (SseClient client = SseClient.open(port, "/topics/news/eu")) {
            TestHttp.Response published = TestHttp.request(port, "POST", "/topics/news/eu", "hi", bearer(token));
            assertEquals(202, published.status());
            assertEquals("hi", client.next(WAIT).data());
        }
        assertEquals(403, TestHttp.request(port, "POST", "/topics/sport", "hi", bearer(token)).status());
        assertEquals(204, TestHttp.request(port, "DELETE", "/topics/news/eu", null, bearer(token)).status());
    }

    @Test
    void shouldOpenPublishingWithOpenPublishButStillRefuseAnInvalidToken() throws IOException {
        int port = start(a -> a, b -> b.publishAccess(PublishAccess.ANY));
        assertEquals(202, TestHttp.request(port, "POST", "/topics/news", "hi").status());
        assertEquals(401, TestHttp.request(port, "POST", "/topics/news", "hi", bearer("x.y.z")).status());
    }

    // ---- principal, embedding -------------------------------------------------------------------------------

    @Test
    void shouldHandTheTokensSubjectToTheSubscribeHookAndStreamHandlers() throws Exception {
        BlockingQueue<String> seen = new ArrayBlockingQueue<>(4);
        int port = start(a -> a, b -> b
                .onSubscribe(subscribe -> seen.add("hook:" + subscribe.principal()))
                .stream("GET", "/whoami", (request, stream) -> stream.send(String.valueOf(request.principal()))));
        try (SseClient client = SseClient.open(port, "/topics/users/42",
                bearer(token("user-42", List.of("users/42"), List.of())))) {
            assertEquals(200, client.status());
        }
        assertEquals("hook:user-42", seen.poll(5, TimeUnit.SECONDS));
        try (SseClient anonymous = SseClient.open(port, "/topics/news")) {
            assertEquals(200, anonymous.status());
        }
        assertEquals("hook:null", seen.poll(5, TimeUnit.SECONDS));
        try (SseClient who = SseClient.open(port, "/whoami", bearer(token("user-7", List.of(), List.of())))) {
            assertEquals("user-7", who.next(WAIT).data());
        }
        assertEquals(401, get(port, "/whoami", bearer("bad")).status());
    }

    @Test
    void shouldLetAnEmbeddersAuthorizerReplaceJwt() throws Exception {
        Authorizer sessions = (request, action, topics) -> {
            String session = request.header("X-Session");
            if (session == null) {
                return Authorizer.Decision.unauthenticated("log in first");
            }
            if (action != Authorizer.Action.SUBSCRIBE && action != Authorizer.Action.STREAM) {
                return Authorizer.Decision.forbidden("read only");
            }
            return Authorizer.Decision.allow("session-" + session);
        };
        BlockingQueue<String> seen = new ArrayBlockingQueue<>(2);
        herald = TestServer.start(b -> b.authorizer(sessions)
                .onSubscribe(subscribe -> seen.add(String.valueOf(subscribe.principal()))));
        int port = herald.port();
        assertEquals(401, get(port, "/topics/news").status());
        assertEquals(403, TestHttp.request(port, "POST", "/topics/news", "hi", "X-Session: 9").status());
        try (SseClient client = SseClient.open(port, "/topics/news", "X-Session: 9")) {
            assertEquals(200, client.status());
        }
        assertEquals("session-9", seen.poll(5, TimeUnit.SECONDS));
        assertEquals(1, rejections("missing_token"));
        assertEquals(1, rejections("forbidden"));
    }

    @Test
    void shouldKeepTodaysOpenModeWithoutAKey() throws Exception {
        herald = TestServer.start();
        int port = herald.port();
        assertEquals(202, TestHttp.request(port, "POST", "/topics/users/42", "hi", bearer("garbage")).status());
        TestHttp.Response response = TestHttp.request(port, "HEAD", "/topics/users/42", null, bearer("garbage"));
        assertEquals(200, response.status());
        assertNull(response.header("WWW-Authenticate"));
    }
}
