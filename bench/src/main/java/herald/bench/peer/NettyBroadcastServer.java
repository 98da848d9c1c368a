package herald.bench.peer;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.util.Version;
import io.netty.util.concurrent.EventExecutor;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A small Netty 4 SSE broadcast server, the peer Herald's load tests compare against. Not Herald code: written to
 * be what a competent Netty user would deploy for this job.
 *
 * <pre>
 * GET  /sub/{topic}   200 text/event-stream (Cache-Control: no-cache, Connection: close; the stream ends when either
 *                     side closes), then every event published to the topic from then on
 * POST /pub/{topic}   body (at most 1 MiB) = the event's data; encoded once as
 *                     "id: n\ndata: line1\ndata: line2\n...\n\n" (lines split at CRLF, LF, CR; ids per topic from 1)
 *                     and written to every subscriber; answers 202 {"id":"n"}
 * </pre>
 *
 * <p><b>Shape.</b> Native epoll transport (NIO with a warning when epoll is unavailable), {@code --threads} I/O
 * event loops (default: the number of CPUs) and one acceptor thread, pooled direct buffers, {@code TCP_NODELAY}.
 * A subscriber's channel drops its HTTP codec once the response head is out (as a WebSocket handshake does), so
 * events go to the socket as they are. Each topic keeps one {@code ChannelGroup} per event loop; a publish encodes the
 * event once into a pooled {@code ByteBuf}, takes the topic's next id, and hands the buffer to each loop that has
 * subscribers (one task per loop, queued in id order under the topic's lock, so every subscriber gets ids in
 * order); the loop writes {@code retainedDuplicate()}s to its own channels with void promises: no cross-thread
 * hop per channel, no future per write.
 *
 * <p><b>Slow clients.</b> Write buffer watermarks 32/64 KiB. A subscriber that stays unwritable (over 64 KiB queued
 * in Netty beyond what the kernel took) for {@value SubscriberHandler#UNWRITABLE_CLOSE_SECONDS} s is closed, and so
 * is one with more than {@value Topic#MAX_QUEUED_BYTES} bytes queued at any publish. A closed subscriber's events
 * are lost to it (no replay here: a reconnecting EventSource gets only new events).
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar herald.bench.peer.NettyBroadcastServer --port 8081 [--threads 2]
 * </pre>
 * SIGTERM (or Ctrl-C) closes the listener and every connection and exits.
 */
public final class NettyBroadcastServer implements AutoCloseable {
    static final int MAX_BODY_BYTES = 1 << 20;

    private final EventLoopGroup acceptor;
    private final EventLoopGroup workers;
    private final Channel listener;
    private final boolean epoll;
    private final int threads;
    private final CountDownLatch closed = new CountDownLatch(1);

    private NettyBroadcastServer(String host, int port, int threads) throws InterruptedException {
        this.threads = threads;
        this.epoll = Epoll.isAvailable();
        IoHandlerFactory io;
        Class<? extends ServerChannel> channelType;
        if (epoll) {
            io = EpollIoHandler.newFactory();
            channelType = EpollServerSocketChannel.class;
        } else {
            System.err.println("WARNING: native epoll unavailable (" + Epoll.unavailabilityCause()
                    + "); falling back to NIO");
            io = NioIoHandler.newFactory();
            channelType = NioServerSocketChannel.class;
        }
        acceptor = new MultiThreadIoEventLoopGroup(1, io);
        workers = new MultiThreadIoEventLoopGroup(threads, io);
        List<EventLoop> loops = new ArrayList<>(threads);
        for (EventExecutor executor : workers) {
            loops.add((EventLoop) executor);
        }
        Topics topics = new Topics(loops.toArray(new EventLoop[0]));
        try {
            ServerBootstrap bootstrap = new ServerBootstrap()
                    .group(acceptor, workers)
                    .channel(channelType)
                    .option(ChannelOption.SO_BACKLOG, 4_096)
                    .option(ChannelOption.SO_REUSEADDR, true)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childOption(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
                    .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(32 << 10, 64 << 10))
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel channel) {
                            channel.pipeline()
                                    .addLast(BroadcastHandler.CODEC, new HttpServerCodec())
                                    .addLast(BroadcastHandler.AGGREGATOR, new HttpObjectAggregator(MAX_BODY_BYTES))
                                    .addLast(new BroadcastHandler(topics));
                        }
                    });
            listener = bootstrap.bind(host, port).sync().channel();
        } catch (InterruptedException | RuntimeException e) {
            shutDown();
            throw e;
        }
    }

    /** Starts a server listening on {@code host:port} (0 for any free port) with {@code threads} I/O loops. */
    public static NettyBroadcastServer start(String host, int port, int threads) throws InterruptedException {
        return new NettyBroadcastServer(host, port, threads);
    }

    public int port() {
        return ((InetSocketAddress) listener.localAddress()).getPort();
    }

    public boolean isEpoll() {
        return epoll;
    }

    @Override
    public void close() {
        listener.close().syncUninterruptibly();
        shutDown();
        closed.countDown();
    }

    private void shutDown() {
        acceptor.shutdownGracefully(0, 2, TimeUnit.SECONDS);
        workers.shutdownGracefully(0, 2, TimeUnit.SECONDS);
        acceptor.terminationFuture().syncUninterruptibly();
        workers.terminationFuture().syncUninterruptibly();
    }

    public static void main(String[] args) throws InterruptedException {
        int port = 8081;
        int threads = Runtime.getRuntime().availableProcessors();
        String host = "0.0.0.0";
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--port" -> port = Integer.parseInt(value(args, ++i));
                case "--threads" -> threads = Integer.parseInt(value(args, ++i));
                case "--host" -> host = value(args, ++i);
                default -> {
                    System.err.println("usage: NettyBroadcastServer [--port 8081] [--threads N] [--host 0.0.0.0]");
                    System.exit(2);
                }
            }
        }
        NettyBroadcastServer server = start(host, port, threads);
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "netty-broadcast-shutdown"));
        System.out.println("netty-broadcast listening on " + host + ":" + server.port() + " ("
                + (server.epoll ? "epoll" : "nio") + ", " + server.threads + " I/O threads, Netty "
                + nettyVersion() + ")");
        server.closed.await();
    }

    private static String nettyVersion() {
        Version version = Version.identify().get("netty-transport");
        return version == null ? "4.x" : version.artifactVersion();
    }

    private static String value(String[] args, int i) {
        if (i >= args.length) {
            throw new IllegalArgumentException("missing value after " + args[i - 1]);
        }
        return args[i];
    }

    /** Topics by name; each holds a channel group per event loop. */
    static final class Topics {
        private final EventLoop[] loops;
        private final ConcurrentHashMap<String, Topic> byName = new ConcurrentHashMap<>();

        Topics(EventLoop[] loops) {
            this.loops = loops;
        }

        Topic get(String name) {
            Topic topic = byName.get(name);
            return topic != null ? topic : byName.computeIfAbsent(name, n -> new Topic(n, loops));
        }
    }
}
