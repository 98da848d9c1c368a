package herald.bench.peer;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;

/**
 * Routes the Netty peer's requests: {@code GET /sub/{topic}} turns the connection into an event stream,
 * {@code POST /pub/{topic}} publishes, anything else gets 404 or 405. Keep-alive for everything but streams.
 */
final class BroadcastHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    static final String CODEC = "http-codec";
    static final String AGGREGATOR = "http-aggregator";
    private static final String SUB = "/sub/";
    private static final String PUB = "/pub/";

    private final NettyBroadcastServer.Topics topics;

    BroadcastHandler(NettyBroadcastServer.Topics topics) {
        this.topics = topics;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        if (!request.decoderResult().isSuccess()) {
            respond(ctx, request, HttpResponseStatus.BAD_REQUEST, "text/plain", "bad request\n", false);
            return;
        }
        String uri = request.uri();
        int query = uri.indexOf('?');
        String path = query < 0 ? uri : uri.substring(0, query);
        if (path.startsWith(SUB) && isTopic(path, SUB.length())) {
            if (request.method() == HttpMethod.GET) {
                subscribe(ctx, topics.get(path.substring(SUB.length())));
            } else {
                methodNotAllowed(ctx, request, "GET");
            }
        } else if (path.startsWith(PUB) && isTopic(path, PUB.length())) {
            if (request.method() == HttpMethod.POST) {
                long id = topics.get(path.substring(PUB.length())).publish(ctx.alloc(), request.content());
                respond(ctx, request, HttpResponseStatus.ACCEPTED, "application/json", "{\"id\":\"" + id + "\"}",
                        HttpUtil.isKeepAlive(request));
            } else {
                methodNotAllowed(ctx, request, "POST");
            }
        } else {
            respond(ctx, request, HttpResponseStatus.NOT_FOUND, "text/plain", "not found\n",
                    HttpUtil.isKeepAlive(request));
        }
    }

    private static void subscribe(ChannelHandlerContext ctx, Topic topic) {
        HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        head.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, "text/event-stream")
                .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_CACHE)
                .set("X-Accel-Buffering", "no")
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);   // the stream ends with the connection
        // Join first: deliveries to this channel are tasks of its own event loop, which runs them after this one,
        // so the head always goes out before the first event, and a client that has the head misses nothing.
        topic.subscribe(ctx.channel());
        ctx.writeAndFlush(head);
        // From here on the channel only carries event bytes out: drop HTTP (as a WebSocket upgrade does).
        ctx.pipeline().remove(AGGREGATOR);
        ctx.pipeline().remove(CODEC);
        ctx.pipeline().replace(ctx.handler(), "subscriber", new SubscriberHandler());
    }

    private static boolean isTopic(String path, int from) {
        return path.length() > from && path.indexOf('/', from) < 0;
    }

    private static void methodNotAllowed(ChannelHandlerContext ctx, FullHttpRequest request, String allow) {
        FullHttpResponse response = response(ctx, HttpResponseStatus.METHOD_NOT_ALLOWED, "text/plain",
                "method not allowed\n");
        response.headers().set(HttpHeaderNames.ALLOW, allow);
        send(ctx, response, HttpUtil.isKeepAlive(request));
    }

    private static void respond(ChannelHandlerContext ctx, FullHttpRequest request, HttpResponseStatus status,
                                String contentType, String body, boolean keepAlive) {
        send(ctx, response(ctx, status, contentType, body), keepAlive);
    }

    private static FullHttpResponse response(ChannelHandlerContext ctx, HttpResponseStatus status,
                                             String contentType, String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ByteBuf content = ctx.alloc().buffer(bytes.length).writeBytes(bytes);
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, content);
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, contentType)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, bytes.length);
        return response;
    }

    private static void send(ChannelHandlerContext ctx, FullHttpResponse response, boolean keepAlive) {
        if (keepAlive) {
            ctx.writeAndFlush(response, ctx.voidPromise());
        } else {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
