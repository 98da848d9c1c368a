package herald.server.transport;

import herald.server.metrics.Metrics;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link TlsChannel}'s record buffers: taken for a read or write in progress, given back when they hold nothing,
 * so a connection between requests holds none; and every byte still arrives whatever the records' sizes and
 * however TCP splits them (a relay with random cuts, seed printed).
 */
@Timeout(60)        // a blocked read is interrupted, which closes its channel
class TlsChannelTest {
    private static TlsContext context;

    @BeforeAll
    static void identity(@TempDir Path dir) throws Exception {
        Path cert = dir.resolve("c.pem");
        Path key = dir.resolve("k.pem");
        Process openssl = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                "ec_paramgen_curve:P-256", "-nodes", "-subj", "/CN=localhost", "-days", "1",
                "-keyout", key.toString(), "-out", cert.toString()).redirectErrorStream(true).start();
        String output = new String(openssl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(openssl.waitFor(60, TimeUnit.SECONDS) && openssl.exitValue() == 0,
                "openssl (run ops/test.sh, which installs it): " + output);
        context = TlsContext.ofPem(cert, key);
    }

    @AfterAll
    static void forget() {
        context = null;
    }

    /** A server side accepted from {@code listener} and a client socket, handshake not yet run. */
    private record Pair(TlsChannel server, SocketChannel serverSocket, SSLSocket client) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            client.close();
            serverSocket.close();
        }
    }

    private static Pair connect(ServerSocketChannel listener, int port) throws Exception {
        Socket plain = new Socket();
        plain.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        plain.setTcpNoDelay(true);
        plain.setSoTimeout(10_000);
        SSLSocket client = (SSLSocket) trustAll().getSocketFactory().createSocket(plain, "localhost", port, true);
        SocketChannel accepted = listener.accept();
        accepted.configureBlocking(true);
        return new Pair(new TlsChannel(accepted, context, new Metrics()), accepted, client);
    }

    @Test
    void shouldHoldNoRecordBufferBetweenRequestsAndReuseThePooledOnes() throws Exception {
        TlsBuffers pool = context.buffers();
        try (ServerSocketChannel listener = listen()) {
            int port = ((InetSocketAddress) listener.getLocalAddress()).getPort();
            try (Pair pair = connect(listener, port)) {
                Thread handshake = Thread.ofVirtual().start(() -> {
                    try {
                        pair.client().startHandshake();
                    } catch (IOException e) {
                        throw new AssertionError(e);
                    }
                });
                ByteBuffer in = ByteBuffer.allocate(4_096);
                for (int i = 0; i < 5; i++) {
                    byte[] request = ("GET /r" + i + " HTTP/1.1\r\nHost: x\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
                    if (i > 0) {
                        pair.client().getOutputStream().write(request);
                    } else {
                        Thread.ofVirtual().start(() -> {
                            try {
                                handshake.join();
                                pair.client().getOutputStream().write(request);
                            } catch (Exception e) {
                                throw new AssertionError(e);
                            }
                        });
                    }
                    in.clear();
                    while (in.position() < request.length) {
                        assertTrue(pair.server().read(in) > 0);
                    }
                    assertArrayEquals(request, Arrays.copyOf(in.array(), in.position()));
                    assertFalse(pair.server().holdsBuffers(), "nothing buffered after request " + i);
                    int pooled = pool.pooled();
                    byte[] answer = ("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n" + i).getBytes(StandardCharsets.US_ASCII);
                    pair.server().write(ByteBuffer.wrap(answer));
                    assertEquals(pooled, pool.pooled(), "the write gave its record buffer back");
                    assertArrayEquals(answer, pair.client().getInputStream().readNBytes(answer.length));
                }
                assertTrue(pool.pooled() >= 2, "the handshake's buffers went back to the pool: " + pool.pooled());
            }
        }
    }

    @Test
    void shouldDeliverEveryByteWhateverTheRecordSizesAndTcpCuts() throws Exception {
        long seed = System.nanoTime();
        System.out.println("TlsChannelTest seed " + seed);
        Random random = new Random(seed);
        try (ServerSocketChannel listener = listen();
             ServerSocketChannel relayListener = listen()) {
            int port = ((InetSocketAddress) listener.getLocalAddress()).getPort();
            int relayPort = ((InetSocketAddress) relayListener.getLocalAddress()).getPort();
            // client -> relay (random cuts, each written on its own) -> server; the answers back as they come
            Thread relay = Thread.ofPlatform().start(() -> {
                Random cuts = new Random(seed + 1);
                try (SocketChannel from = relayListener.accept();
                     Socket to = new Socket("127.0.0.1", port)) {
                    to.setTcpNoDelay(true);
                    Thread back = Thread.ofPlatform().start(() -> {
                        try {
                            to.getInputStream().transferTo(from.socket().getOutputStream());
                        } catch (IOException e) {
                            // the test ends the connections
                        }
                    });
                    InputStream in = from.socket().getInputStream();
                    OutputStream out = to.getOutputStream();
                    byte[] buffer = new byte[40_000];
                    for (int n; (n = in.read(buffer)) > 0; ) {
                        for (int at = 0; at < n; ) {
                            int cut = Math.min(n - at, 1 + cuts.nextInt(cuts.nextBoolean() ? 7 : 3_000));
                            out.write(buffer, at, cut);
                            out.flush();
                            at += cut;
                            if (cuts.nextInt(8) == 0) {
                                Thread.sleep(1);
                            }
                        }
                    }
                    to.shutdownOutput();
                    back.join(10_000);
                } catch (IOException | InterruptedException e) {
                    // the test ends the connections
                }
            });
            try (Pair pair = connect(listener, relayPort)) {
                for (int round = 0; round < 20; round++) {
                    // 1 byte to several records (16 KiB each at most); read into buffers of random sizes
                    byte[] sent = new byte[1 + random.nextInt(random.nextBoolean() ? 64 : 50_000)];
                    random.nextBytes(sent);
                    Thread writer = Thread.ofVirtual().start(() -> {
                        try {
                            pair.client().getOutputStream().write(sent);
                            pair.client().getOutputStream().flush();
                        } catch (IOException e) {
                            throw new AssertionError(e);
                        }
                    });
                    byte[] got = new byte[sent.length];
                    int at = 0;
                    while (at < sent.length) {
                        ByteBuffer dst = ByteBuffer.allocate(1 + random.nextInt(random.nextBoolean() ? 16 : 20_000));
                        int n = pair.server().read(dst);
                        assertTrue(n > 0, "seed " + seed + ": read answered " + n);
                        assertTrue(at + n <= sent.length, "seed " + seed + ": more bytes than sent");
                        System.arraycopy(dst.array(), 0, got, at, n);
                        at += n;
                    }
                    writer.join();
                    assertArrayEquals(sent, got, "seed " + seed + ", round " + round);
                    assertFalse(pair.server().holdsBuffers(), "seed " + seed + ": nothing buffered after round "
                            + round);
                    byte[] echo = Arrays.copyOf(sent, Math.min(sent.length, 70_000));
                    Thread answer = Thread.ofVirtual().start(() -> {
                        try {
                            pair.server().write(ByteBuffer.wrap(echo));
                        } catch (IOException e) {
                            throw new AssertionError(e);
                        }
                    });
                    assertArrayEquals(echo, pair.client().getInputStream().readNBytes(echo.length),
                            "seed " + seed + ": the answer of round " + round);
                    answer.join();
                }
                pair.client().close();
                assertEquals(-1, pair.server().read(ByteBuffer.allocate(10)), "the client's close reads as -1");
            }
            relay.join(10_000);
        }
    }

    private static ServerSocketChannel listen() throws IOException {
        return ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
    }

    private static SSLContext trustAll() throws Exception {
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, new TrustManager[] {new X509TrustManager() {
            public void checkClientTrusted(X509Certificate[] chain, String type) { }

            public void checkServerTrusted(X509Certificate[] chain, String type) { }

            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        }}, null);
        return tls;
    }
}
