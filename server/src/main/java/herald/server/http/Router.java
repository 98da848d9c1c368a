package herald.server.http;

// Longer than ~300 lines on purpose: the route table and the Allow/CORS rules of every path sit together, so that
// what a path answers is read in one place.

import herald.protocol.http1.HttpException;
import herald.protocol.http1.RequestHead;
import herald.protocol.http1.ResponseHead;
import herald.server.Authorizer;
import herald.server.BuiltIn;
import herald.server.Herald;
import herald.server.PublishAccess;
import herald.server.StreamHandler;
import herald.server.SubscribeHook;
import herald.server.broker.Broker;
import herald.server.broker.BrokerException;
import herald.server.metrics.Metrics;
import herald.server.exchange.Exchange;
import herald.server.transport.RequestHandler;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Maps requests to Herald's routes (DESIGN.md section 2) and to embedded stream handlers:
 *
 * <pre>
 *   GET|HEAD /topics/{topic}       subscribe              POST /topics/{topic}    publish
 *   GET|HEAD /events?topic=a&amp;…    subscribe to several   DELETE /topics/{topic}  delete
 *   GET|HEAD /health  /metrics  /  health, Prometheus, dashboard
 *   GET|HEAD /herald.js            the browser client (DESIGN.md section 7)
 *   GET|HEAD /examples/…           pages using it, when examples are on; POST /examples/chat their demo stream
 *   OPTIONS  any of them, and *    Allow; CORS preflight
 * </pre>
 *
 * Embedded stream routes are matched first, by method and exact path (or prefix for a path ending in
 * {@code /*}). A known path with another method answers 405 with {@code Allow}, which lists Herald's own
 * methods on the path and those of the embedded routes matching it; an unknown path 404. A CORS preflight's
 * {@code Access-Control-Allow-Methods} lists what the origin may do: from another origin than the server's
 * own, Herald's routes only read (publish and delete refuse it), embedded routes are the application's.
 */
public final class Router implements RequestHandler {
    static final String TOPICS = "/topics/";
    private static final String ALLOW_TOPIC = "GET, HEAD, POST, DELETE, OPTIONS";
    private static final String ALLOW_READ = "GET, HEAD, OPTIONS";
    private static final String ALLOW_ALL = "GET, HEAD, POST, DELETE, OPTIONS";

    /** An embedded stream route. */
    public record StreamRoute(String method, String path, StreamHandler handler) {
        public StreamRoute {
            if (!path.startsWith("/")) {
                throw new IllegalArgumentException("a route path starts with '/': path=" + path);
            }
        }

        boolean matches(String requestPath) {
            return path.endsWith("/*")
                    ? requestPath.startsWith(path.substring(0, path.length() - 1))
                    : path.equals(requestPath);
        }
    }

    private final Broker broker;
    private final Metrics metrics;
    private final TopicRoutes topics;
    private final List<StreamRoute> streams;
    private final byte[] dashboard;
    private final Assets assets;
    private final Supplier<Herald.Health> health;
    private final Set<BuiltIn> builtIns;
    private final Guard guard;

    /**
     * {@code examples}: serve {@code /examples/} ({@link Examples}), with their stream route and hook;
     * {@code publishRate}: publishes and deletes per second per principal or address, 0 for no limit.
     */
    public Router(Broker broker, Metrics metrics, PublishAccess access, List<StreamRoute> streams,
                  SubscribeHook hook, Supplier<Herald.Health> health, Set<BuiltIn> builtIns, boolean examples) {
        this(broker, metrics, access, streams, hook, health, builtIns, examples, 0, null, List.of());
    }

    /**
     * {@code publishRate}: publishes and deletes per second per principal or address (0: no limit);
     * {@code authorizer}: decides every topic request and checks embedded stream requests (null: none, everyone
     * is anonymous and publishing follows {@code access}); {@code corsOrigins}: the CORS allowlist (empty: the
     * open mode).
     */
    public Router(Broker broker, Metrics metrics, PublishAccess access, List<StreamRoute> streams,
                  SubscribeHook hook, Supplier<Herald.Health> health, Set<BuiltIn> builtIns, boolean examples,
                  int publishRate, Authorizer authorizer, List<String> corsOrigins) {
        this.broker = broker;
        this.metrics = metrics;
        this.guard = new Guard(authorizer, corsOrigins, metrics);
        this.topics = new TopicRoutes(broker, metrics, access, examples ? Examples.hook(hook) : hook, publishRate,
                guard);
        this.streams = List.copyOf(examples ? Examples.routes(streams) : streams);
        this.dashboard = Dashboard.html();
        this.assets = new Assets(examples);
        this.health = health;
        this.builtIns = Set.copyOf(builtIns);
    }

    /** Whether {@code path} is one of Herald's own routes that this server serves. */
    private boolean serves(String path) {
        BuiltIn group;
        if (path.startsWith(TOPICS) || "/events".equals(path)) {
            group = BuiltIn.BROKER;
        } else {
            group = switch (path) {
                case "/" -> BuiltIn.DASHBOARD;
                case "/metrics" -> BuiltIn.METRICS;
                case "/health" -> BuiltIn.HEALTH;
                case "/herald.js" -> BuiltIn.CLIENT;
                default -> null;
            };
        }
        return group != null ? builtIns.contains(group) : assets.find(path) != null;   // examples, when on
    }

    @Override
    public void handle(Exchange exchange) throws IOException {
        try {
            route(exchange);
        } catch (BrokerException e) {
            throw status(e);
        }
    }

    /** The HTTP answer to a broker's refusal: 400 for a wrong request, else 503 with its Retry-After. */
    static HttpException status(BrokerException e) {
        return e.reason() == BrokerException.Reason.INVALID
                ? HttpException.badRequest(e.getMessage())
                : HttpException.retryLater(503, e.getMessage(), e.retryAfterSeconds());
    }

    private void route(Exchange exchange) throws IOException {
        RequestHead head = exchange.head();
        String origin;
        boolean foreign = false;                      // allowlist mode: an origin neither listed nor our own
        if (guard.hasAllowlist()) {
            String field = head.header("Origin");
            origin = guard.isListed(field) ? field : null;
            exchange.response().allowOriginWithCredentials(origin);
            foreign = field != null && origin == null && !Cors.isSameOrigin(field, head.header("Host"));
        } else {
            origin = Cors.allowedOrigin(head.header("Origin"));
            exchange.response().allowOrigin(origin);
        }
        String method = head.method();
        String path = head.path();
        if ("*".equals(path)) {                      // never a browser preflight: a browser cannot send "*"
            allow(exchange, ALLOW_ALL, origin == null ? null : ownMethods(head, ALLOW_ALL, guard));
            return;
        }
        if (health.get() == Herald.Health.STOPPING && !"/health".equals(path) && !"/metrics".equals(path)) {
            throw HttpException.retryLater(503, "server is stopping", 5);   // never 204 or 202 now
        }
        Set<String> streamMethods = null;              // methods of the embedded routes on this path
        for (StreamRoute route : streams) {
            if (route.matches(path)) {
                if (route.method().equals(method)) {
                    serveStream(exchange, head, route, foreign);
                    return;
                }
                if (streamMethods == null) {
                    streamMethods = new LinkedHashSet<>();
                }
                streamMethods.add(route.method());
            }
        }
        if (streamMethods != null) {
            String builtIn = serves(path) ? builtInAllow(path) : null;
            if (builtIn == null || !List.of(builtIn.split(", ")).contains(method) || "OPTIONS".equals(method)) {
                other(exchange, method, allowBoth(builtIn, streamMethods),
                        origin == null ? null : allowBoth(ownMethods(head, builtIn, guard), streamMethods));
                return;
            }
        }
        if (!serves(path)) {
            throw HttpException.of(404, "no such route");
        }
        if (path.startsWith(TOPICS)) {
            if (foreign && !"OPTIONS".equals(method)) {
                guard.refuseOrigin(exchange);         // streams and writes: 403, no CORS fields
                return;
            }
            topicRequest(exchange, head, method, path.substring(TOPICS.length()), origin != null);
            return;
        }
        switch (path) {
            case "/events" -> {
                if (foreign && isRead(method)) {
                    guard.refuseOrigin(exchange);
                } else if (isRead(method)) {
                    topics.subscribe(exchange, head, head.queryParams().all("topic"));
                } else {
                    other(exchange, method, ALLOW_READ, origin == null ? null : ALLOW_READ);
                }
            }
            case "/health" -> readOnly(exchange, method, origin != null, () -> health(exchange));
            case "/metrics" -> readOnly(exchange, method, origin != null, () -> metrics(exchange));
            case "/" -> readOnly(exchange, method, origin != null, () -> exchange.response().begin(200)
                    .header(ResponseHead.CONTENT_TYPE_HTML)
                    .header(ResponseHead.CACHE_CONTROL_NO_CACHE)
                    .send(dashboard));
            default -> {
                Assets.Asset asset = assets.find(path);
                if (asset == null) {
                    throw HttpException.of(404, "no such route");
                }
                readOnly(exchange, method, origin != null, () -> Assets.serve(exchange, head, asset));
            }
        }
    }

    private void topicRequest(Exchange exchange, RequestHead head, String method, String topic, boolean cors)
            throws IOException {
        switch (method) {
            case "GET", "HEAD" -> topics.subscribe(exchange, head, List.of(topic));
            case "POST" -> topics.publish(exchange, head, topic);
            case "DELETE" -> topics.delete(exchange, head, topic);
            case "OPTIONS" -> allow(exchange, ALLOW_TOPIC, cors ? ownMethods(head, ALLOW_TOPIC, guard) : null);
            default -> methodNotAllowed(exchange, ALLOW_TOPIC);
        }
    }

    private interface Action {
        void run() throws IOException;
    }

    private void readOnly(Exchange exchange, String method, boolean cors, Action action) throws IOException {
        if (isRead(method)) {
            action.run();
        } else {
            other(exchange, method, ALLOW_READ, cors ? ALLOW_READ : null);
        }
    }

    /** {@code corsMethods}: what a preflight's origin may do, or null when the request is no preflight. */
    private void other(Exchange exchange, String method, String allow, String corsMethods) throws IOException {
        if ("OPTIONS".equals(method)) {
            allow(exchange, allow, corsMethods);
        } else {
            methodNotAllowed(exchange, allow);
        }
    }

    /** The methods Herald itself answers on {@code path}, or null when it is not one of Herald's paths. */
    private static String builtInAllow(String path) {
        if (path.startsWith(TOPICS)) {
            return ALLOW_TOPIC;
        }
        return switch (path) {
            case "/events", "/health", "/metrics", "/", "/herald.js" -> ALLOW_READ;
            default -> null;
        };
    }

    /** {@code Allow} for a path with embedded routes: Herald's methods there (if any), theirs, OPTIONS. */
    private static String allowBoth(String builtIn, Set<String> streamMethods) {
        Set<String> methods = new LinkedHashSet<>();
        if (builtIn != null) {
            methods.addAll(List.of(builtIn.split(", ")));
            methods.remove("OPTIONS");
        }
        methods.addAll(streamMethods);
        methods.add("OPTIONS");
        return String.join(", ", methods);
    }

    /**
     * An embedded stream route: 403 to a foreign origin (allowlist mode); with an authorizer, a present token
     * must be valid ({@link Authorizer.Action#STREAM}) and its principal reaches the handler.
     */
    private void serveStream(Exchange exchange, RequestHead head, StreamRoute route, boolean foreign)
            throws IOException {
        if (foreign) {
            guard.refuseOrigin(exchange);
            return;
        }
        Authorizer.Decision decision = guard.authorize(exchange, head, Authorizer.Action.STREAM, List.of());
        if (decision != null) {
            HandlerStreams.serve(Guard.withPrincipal(exchange, decision), head, route.handler(), metrics);
        }
    }

    /**
     * Herald's own methods on a path ({@code builtIn}, may be null) that the request's origin may use there:
     * all of them for the server's own origin and the allowlisted ones, only reading for any other (publish and
     * delete refuse it).
     */
    private static String ownMethods(RequestHead head, String builtIn, Guard guard) {
        if (builtIn == null || ALLOW_READ.equals(builtIn) || guard.isListed(head.header("Origin"))
                || Cors.isSameOrigin(head.header("Origin"), head.header("Host"))) {
            return builtIn;
        }
        return ALLOW_READ;
    }

    private static boolean isRead(String method) {
        return "GET".equals(method) || "HEAD".equals(method);
    }

    /**
     * 204 with {@code Allow}; for a CORS preflight ({@code corsMethods} not null) also the
     * {@code Access-Control-Allow-*} fields, allowing {@code corsMethods}.
     */
    private static void allow(Exchange exchange, String allow, String corsMethods) throws IOException {
        var response = exchange.response().begin(204).header("Allow", allow);
        if (corsMethods != null) {
            Cors.preflight(response, corsMethods);
        }
        response.sendWithoutBody();
    }

    private void methodNotAllowed(Exchange exchange, String allow) throws IOException {
        metrics.recordError(405);
        exchange.response().text(405, "method not allowed here", "Allow", allow);
    }

    private void health(Exchange exchange) throws IOException {
        Herald.Health now = health.get();
        boolean up = now == Herald.Health.UP;
        String body = "{\"status\":\"" + now.name().toLowerCase(java.util.Locale.ROOT) + "\",\"topics\":"
                + broker.userTopicCount()
                + ",\"subscribers\":" + metrics.subscribers.sum() + "}\n";
        exchange.response().begin(up ? 200 : 503)
                .header(ResponseHead.CONTENT_TYPE_JSON)
                .header(ResponseHead.CACHE_CONTROL_NO_STORE)
                .send(body.getBytes(StandardCharsets.US_ASCII));
    }

    private void metrics(Exchange exchange) throws IOException {
        StringBuilder text = new StringBuilder(4_096);
        metrics.writePrometheus(text, broker.userTopicCount());
        exchange.response().begin(200)
                .header("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
                .header(ResponseHead.CACHE_CONTROL_NO_STORE)
                .send(text.toString().getBytes(StandardCharsets.UTF_8));
    }
}
