package herald.bench.transport;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * What one idle connection costs on the heap in three server shapes; the measurement behind Herald's choice
 * to hold idle subscribers without a thread (server/README.md).
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar herald.bench.transport.IdleConnectionCost server vtread 10000 9300 &amp;
 * java -cp bench/target/benchmarks.jar herald.bench.transport.IdleConnectionCost client 10000 9300
 * </pre>
 *
 * Shapes: {@code vtread} a virtual thread per connection blocked in {@code read()}; {@code vtpark} a parked
 * virtual thread per connection plus the channel registered with a selector; {@code selector} the channel
 * registered with a selector and no thread. The server prints heap used after full GC per connection. Run
 * the client in another process (the file-descriptor limit counts both ends).
 */
public final class IdleConnectionCost {
    private IdleConnectionCost() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 3 && args[0].equals("client")) {
            client(Integer.parseInt(args[1]), Integer.parseInt(args[2]));
        } else if (args.length == 4 && args[0].equals("server")) {
            server(args[1], Integer.parseInt(args[2]), Integer.parseInt(args[3]));
        } else {
            System.err.println("usage: IdleConnectionCost server vtread|vtpark|selector N PORT | client N PORT");
            System.exit(2);
        }
    }

    private static long heapAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static void server(String shape, int count, int port) throws IOException, InterruptedException {
        List<Object> held = new ArrayList<>(count);
        try (ServerSocketChannel server = ServerSocketChannel.open(); Selector selector = Selector.open()) {
            server.bind(new InetSocketAddress("127.0.0.1", port), 4_096);
            long before = heapAfterGc();
            System.out.println("listening; start the client");
            for (int i = 0; i < count; i++) {
                SocketChannel channel = server.accept();
                switch (shape) {
                    case "vtread" -> {
                        Thread.ofVirtual().start(() -> {
                            try {
                                channel.read(ByteBuffer.allocate(1));
                            } catch (IOException e) {
                                // the client went away: nothing to measure any more
                            }
                        });
                        held.add(channel);
                    }
                    case "vtpark" -> {
                        channel.configureBlocking(false);
                        channel.register(selector, SelectionKey.OP_READ);
                        held.add(Thread.ofVirtual().start(LockSupport::park));
                    }
                    case "selector" -> {
                        channel.configureBlocking(false);
                        channel.register(selector, SelectionKey.OP_READ);
                        held.add(channel);
                    }
                    default -> throw new IllegalArgumentException("unknown shape " + shape);
                }
            }
            selector.selectNow();
            Thread.sleep(2_000);
            long after = heapAfterGc();
            System.out.printf("%s: %d connections, heap after GC %d B per connection%n", shape, count,
                    (after - before) / count);
            System.exit(0);
        }
    }

    private static void client(int count, int port) throws IOException, InterruptedException {
        List<SocketChannel> channels = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            SocketChannel channel = SocketChannel.open();
            channel.bind(new InetSocketAddress("127.0.0." + (2 + i / 20_000), 0));
            channel.connect(new InetSocketAddress("127.0.0.1", port));
            channels.add(channel);
        }
        System.out.println("connected " + channels.size());
        Thread.sleep(30_000);
    }
}
