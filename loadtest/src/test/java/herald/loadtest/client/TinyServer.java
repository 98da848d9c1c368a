package herald.loadtest.client;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A loopback server for tests: each accepted connection is handed to a {@link Handler} on its own thread.
 * Reads time out after 10 s and {@link #close} closes everything, so no test can hang on it.
 */
final class TinyServer implements AutoCloseable {

    interface Handler {
        /** Serves one connection; {@code index} counts connections from 0. */
        void serve(TinyServer server, int index, Socket socket, InputStream in, OutputStream out)
                throws IOException;
    }

    private final ServerSocket server;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    final List<String> remoteAddresses = new CopyOnWriteArrayList<>();
    final List<String> requestHeads = new CopyOnWriteArrayList<>();
    final List<Throwable> failures = new CopyOnWriteArrayList<>();

    TinyServer(Handler handler) throws IOException {
        server = new ServerSocket();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 512);
        Thread acceptor = new Thread(() -> {
            int index = 0;
            while (!server.isClosed()) {
                try {
                    Socket s = server.accept();
                    s.setSoTimeout(10_000);
                    sockets.add(s);
                    remoteAddresses.add(s.getInetAddress().getHostAddress());
                    int i = index++;
                    Thread t = new Thread(() -> {
                        try (s) {
                            handler.serve(this, i, s, s.getInputStream(), s.getOutputStream());
                        } catch (IOException ignored) {
                            // the client went away
                        } catch (Throwable e) {
                            failures.add(e);
                        }
                    }, "tiny-server-" + i);
                    t.setDaemon(true);
                    t.start();
                } catch (IOException e) {
                    return;
                }
            }
        }, "tiny-server-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return server.getLocalPort();
    }

    String url(String path) {
        return "http://127.0.0.1:" + port() + path;
    }

    /** Reads one request head (up to the blank line), records it and returns it. */
    String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int ends = 0;
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed before a request head");
            }
            head.write(b);
            if (b == '\n') {
                if (++ends == 2) {
                    break;
                }
            } else if (b != '\r') {
                ends = 0;
            }
        }
        String text = head.toString(StandardCharsets.ISO_8859_1);
        requestHeads.add(text);
        return text;
    }

    static String header(String head, String name) {
        for (String line : head.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).equalsIgnoreCase(name)) {
                return line.substring(colon + 1).trim();
            }
        }
        return null;
    }

    static void write(OutputStream out, String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** An event of the load generator's payload, sent {@code ageNanos} ago by the receiver's clock. */
    static String event(long seq, long ageNanos) {
        return "data: " + seq + " " + (System.nanoTime() - ageNanos) + " xxxx\n\n";
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket s : sockets) {
            s.close();
        }
    }
}
