package herald.server.http;

// Longer than ~300 lines on purpose: subscribe, publish and delete with their checks in the order a reader must see
// them (name, origin, auth, limits, the broker's answer).

import herald.protocol.http1.HttpException;
import herald.protocol.http1.QueryParams;
import herald.protocol.http1.RequestHead;
import herald.protocol.http1.ResponseHead;
import herald.protocol.sse.SseEncoder;
import herald.server.Authorizer;
import herald.server.HeraldConfig;
import herald.server.PublishAccess;
import herald.server.Refusal;
import herald.server.SubscribeHook;
import herald.server.broker.Broker;
import herald.server.broker.EventTypes;
import herald.server.broker.Subscription;
import herald.server.broker.TopicNames;
import herald.server.metrics.Metrics;
import herald.server.transport.RateLimiter;
import herald.server.exchange.Client;
import herald.server.exchange.Exchange;
import herald.server.exchange.Response;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Subscribe, publish and delete: the broker's HTTP face. */
final class TopicRoutes {
    /** Largest accepted {@code retry}: one day. */
    static final long MAX_RETRY_MILLIS = 86_400_000L;
    /** Smallest accepted {@code retry}, the same floor as the server's own. */
    static final long MIN_RETRY_MILLIS = HeraldConfig.MIN_RETRY_MILLIS;
    private static final byte[] NO_BYTES = {};

    private final Broker broker;
    private final Metrics metrics;
    private final PublishAccess access;
    private final SubscribeHook hook;
    private final int publishRate;
    private final RateLimiter<Object> publishes;        // per principal (String) or address; null: no limit
    private final Guard guard;

    TopicRoutes(Broker broker, Metrics metrics, PublishAccess access, SubscribeHook hook, int publishRate,
                Guard guard) {
        this.broker = broker;
        this.metrics = metrics;
        this.access = access;
        this.hook = hook;
        this.publishRate = publishRate;
        this.publishes = publishRate > 0 ? new RateLimiter<>(publishRate, System.nanoTime()) : null;
        this.guard = guard;
    }

    // ---- GET / HEAD: subscribe ----------------------------------------------------------------------------

    void subscribe(Exchange exchange, RequestHead head, List<String> topics) throws IOException {
        if (topics.isEmpty()) {
            throw HttpException.badRequest("name at least one topic: /events?topic=a&topic=b");
        }
        for (String topic : topics) {
            String problem = TopicNames.problem(topic);
            if (problem != null) {
                throw HttpException.badRequest(problem);
            }
        }
        Authorizer.Decision decision = guard.authorize(exchange, head, Authorizer.Action.SUBSCRIBE, topics);
        if (decision == null) {
            return;                                     // refused: answered
        }
        exchange = Guard.withPrincipal(exchange, decision);
        String lastEventId = head.header("Last-Event-ID");
        if (lastEventId == null) {
            lastEventId = head.queryParams().first("lastEventId");
        }
        boolean typedByTopic = typedByTopic(head.queryParams().first("dispatch"));
        if ("HEAD".equals(head.method())) {             // what GET would answer, without a stream
            if (!broker.canSubscribe(topics)) {
                exchange.response().begin(204).sendWithoutBody();
                return;
            }
            if (hook != null) {
                runHook(exchange, head, topics, lastEventId, NO_BYTES);
            }
            streamHead(exchange, 200).sendWithoutBody();
            return;
        }
        Subscription subscription = broker.subscribe(topics, lastEventId);
        if (subscription == null) {
            exchange.response().begin(204).sendWithoutBody();   // deleted: EventSource stops reconnecting
            return;
        }
        subscription.typedByTopic(typedByTopic);
        if (decision.expiresAt() != null) {
            subscription.expireAt(decision.expiresAt().toEpochMilli());   // the stream ends at the token's exp
        }
        byte[] first = subscription.preamble();
        if (hook != null) {
            first = runHook(exchange, head, topics, lastEventId, first);
        }
        streamHead(exchange, 200).sendStreamHead(first);
        for (byte[] page = subscription.nextHistory(); page != null; page = subscription.nextHistory()) {
            exchange.write(new ByteBuffer[] {ByteBuffer.wrap(page)}, 1);   // cluster mode: older than this node holds
        }
        exchange.attach(broker, subscription);
    }

    /**
     * {@code dispatch=topic}: a stream of several topics dispatches each event as type {@code <topic>} or
     * {@code <topic>:<type>}; {@code dispatch=event} (the default): as published.
     */
    private static boolean typedByTopic(String dispatch) {
        if (dispatch == null || "event".equals(dispatch)) {
            return false;
        }
        if ("topic".equals(dispatch)) {
            return true;
        }
        throw HttpException.badRequest("dispatch must be 'event' or 'topic'");
    }

    private static Response streamHead(Exchange exchange, int status) {
        return exchange.response().begin(status)
                .header(ResponseHead.CONTENT_TYPE_EVENT_STREAM)
                .header(ResponseHead.CACHE_CONTROL_NO_CACHE)
                .header(ResponseHead.X_ACCEL_BUFFERING_NO);
    }

    private byte[] runHook(Exchange exchange, RequestHead head, List<String> topics, String lastEventId,
                           byte[] preamble) throws IOException {
        SubscribeView view = new SubscribeView(exchange, head, topics, lastEventId);
        try {
            hook.onSubscribe(view);
        } catch (Refusal e) {                                  // the hook refuses the subscription
            throw Refusals.status(e);
        } catch (IOException | RuntimeException e) {          // HttpException refuses it too
            throw e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw HttpException.retryLater(503, "interrupted", 1);
        } catch (Exception e) {
            throw new IllegalStateException("subscribe hook failed", e);
        }
        if (view.first.isEmpty()) {
            return preamble;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(preamble.length + 256);
        out.writeBytes(preamble);
        for (String[] event : view.first) {
            out.writeBytes(SseEncoder.toBytes(event[0], event[1], null, -1));
        }
        return out.toByteArray();
    }

    private static final class SubscribeView extends RequestView implements SubscribeHook.Subscribe {
        private final List<String> topics;
        private final String lastEventId;
        final List<String[]> first = new ArrayList<>(0);

        SubscribeView(Exchange exchange, RequestHead head, List<String> topics,
                      String lastEventId) {
            super(exchange, head);
            this.topics = List.copyOf(topics);
            this.lastEventId = lastEventId;
        }

        @Override
        public List<String> topics() {
            return topics;
        }

        @Override
        public String lastEventId() {
            return lastEventId;
        }

        @Override
        public void sendFirst(String eventType, String data) {
            if (data == null) {
                throw new IllegalArgumentException("data must not be null");
            }
            if (eventType != null) {
                EventTypes.encode(eventType);
            }
            first.add(new String[] {eventType, data});
        }
    }

    // ---- POST: publish ----------------------------------------------------------------------------------

    void publish(Exchange request, RequestHead head, String topic) throws IOException {
        Exchange exchange = checkWriteAccess(request, head, topic, Authorizer.Action.PUBLISH);
        if (exchange == null) {
            return;                                     // refused: answered
        }
        checkPublishRate(exchange);                     // per principal, else per address
        QueryParams params = head.queryParams();
        byte[] eventType = null;
        long retry = -1;
        for (int i = 0; i < params.size(); i++) {
            String name = params.name(i);
            String value = params.value(i);
            switch (name) {
                case "event" -> eventType = eventType(value);
                case "retry" -> retry = retry(value);
                case "id" -> throw HttpException.badRequest("event ids are assigned by the server; remove 'id'");
                default -> throw HttpException.badRequest("unknown query parameter; publish takes 'event' and 'retry'");
            }
        }
        byte[] data = exchange.readBody();
        if (data.length == 0) {
            throw HttpException.badRequest("empty body: the body is the event's data");
        }
        if (!SseEncoder.isValidUtf8(data, 0, data.length)) {
            throw HttpException.badRequest("body is not valid UTF-8");
        }
        String id = broker.publishId(topic, eventType, data, 0, data.length, retry, -1);
        exchange.response().begin(202)
                .header(ResponseHead.CONTENT_TYPE_JSON)
                .send(("{\"id\":\"" + id + "\"}\n").getBytes(StandardCharsets.US_ASCII));
    }

    private static byte[] eventType(String value) {
        try {
            return EventTypes.encode(value);
        } catch (IllegalArgumentException e) {
            throw HttpException.badRequest(e.getMessage());
        }
    }

    private static long retry(String value) {
        if (value.isEmpty() || value.length() > 18) {
            throw HttpException.badRequest("retry must be 1 to 18 ASCII digits (milliseconds)");
        }
        long millis = 0;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < '0' || c > '9') {
                throw HttpException.badRequest("retry must be ASCII digits (milliseconds)");
            }
            millis = millis * 10 + (c - '0');
        }
        if (millis > MAX_RETRY_MILLIS) {
            throw HttpException.badRequest("retry exceeds maxMillis=" + MAX_RETRY_MILLIS);
        }
        if (millis < MIN_RETRY_MILLIS) {
            throw HttpException.badRequest("retry must be at least minMillis=" + MIN_RETRY_MILLIS);
        }
        return millis;
    }

    // ---- DELETE -----------------------------------------------------------------------------------------

    void delete(Exchange request, RequestHead head, String topic) throws IOException {
        Exchange exchange = checkWriteAccess(request, head, topic, Authorizer.Action.DELETE);
        if (exchange == null) {
            return;                                     // refused: answered
        }
        checkPublishRate(exchange);                     // per principal, else per address
        if (!head.queryParams().isEmpty()) {
            throw HttpException.badRequest("delete takes no query parameters");
        }
        if (!broker.delete(topic)) {
            throw HttpException.of(404, "unknown topic");
        }
        exchange.response().begin(204).sendWithoutBody();
    }

    /**
     * {@code --publish-rate}: a token per publish or delete, from the bucket of the client's principal, or of its
     * address (the forwarded one behind trusted proxies) when it has none. Taken after the access checks, so a
     * refused request costs nobody a token, and before the body is read, so a refused one is not read at all.
     * Deletes count because a delete and publish loop churns topics as much as publishes do.
     */
    private void checkPublishRate(Exchange exchange) {
        if (publishes == null) {
            return;
        }
        Client client = exchange.client();
        Object key = client.principal() != null ? client.principal() : client.address();
        if (!publishes.tryTake(key, System.nanoTime())) {
            metrics.recordRejection(Metrics.Rejection.PUBLISH_RATE);
            throw HttpException.retryLater(429, "too many publishes: publishRate=" + publishRate + " per second", 1);
        }
    }

    /**
     * Whether this client may publish to or delete {@code topic}. The origin goes before the client's address:
     * a browser on the Herald host is a loopback client, so its page's origin is what tells a cross-site
     * request from a local tool's; an origin of the {@code --cors-origins} allowlist may write too. With an
     * {@link Authorizer} (a key configured, or the embedder's), it decides instead of the loopback rule.
     *
     * @return the exchange to go on with (with the principal), or null when refused and answered
     */
    private Exchange checkWriteAccess(Exchange exchange, RequestHead head, String topic, Authorizer.Action action)
            throws IOException {
        String problem = TopicNames.problem(topic);
        if (problem != null) {
            throw HttpException.badRequest(problem);
        }
        String origin = head.header("Origin");         // absent: not a browser page (curl, a server)
        if (origin != null && !Cors.isSameOrigin(origin, head.header("Host")) && !guard.isListed(origin)) {
            if (guard.hasAllowlist()) {
                guard.refuseOrigin(exchange);
                return null;
            }
            throw HttpException.of(403, "publishing and deleting are allowed from the server's own origin only");
        }
        Exchange checked = exchange;
        if (guard.hasAuthorizer()) {
            Authorizer.Decision decision = guard.authorize(exchange, head, action, List.of(topic));
            if (decision == null) {
                return null;
            }
            checked = Guard.withPrincipal(exchange, decision);
        } else if (!access.permits(exchange.client().address())) {
            throw HttpException.of(403, "publishing and deleting are allowed from loopback clients only");
        }
        if (TopicNames.isSystem(topic)) {
            throw HttpException.of(403, "topics under " + TopicNames.SYSTEM_PREFIX + " are Herald's own");
        }
        return checked;
    }
}
