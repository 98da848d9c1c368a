package herald.server.cluster;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real {@code redis-server} (Debian's) for a test: a free loopback port, a temp dir, no persistence
 * ({@code --save '' --appendonly no}), stopped by its PID with SIGKILL. {@link #kill()} and {@link #restart()} restart
 * it on the same port. Missing binary: the test fails and says to run {@code ops/test.sh}, which installs it.
 */
public final class RedisServer implements AutoCloseable {
    private static final String[] BINARIES = {"/usr/bin/redis-server", "/usr/local/bin/redis-server"};

    private final Path dir;
    private final int port;
    private final List<String> extraArgs;
    private final boolean tlsOnly;
    private Process process;

    private RedisServer(Path dir, int port, boolean tlsOnly, List<String> extraArgs) {
        this.dir = dir;
        this.port = port;
        this.tlsOnly = tlsOnly;
        this.extraArgs = extraArgs;
    }

    /** Starts a plain server; {@code extraArgs} are more {@code --name value} options. */
    public static RedisServer start(String... extraArgs) throws IOException, InterruptedException {
        return started(new RedisServer(Files.createTempDirectory("herald-redis"), freePort(), false,
                List.of(extraArgs)));
    }

    private static RedisServer started(RedisServer server) throws IOException, InterruptedException {
        try {
            server.restart();
            return server;
        } catch (RuntimeException | IOException | InterruptedException e) {
            server.close();
            throw e;
        }
    }

    /** Starts a plain server on {@code port}. */
    static RedisServer startOn(int port) throws IOException, InterruptedException {
        return started(new RedisServer(Files.createTempDirectory("herald-redis"), port, false, List.of()));
    }

    /** Starts a server that speaks only TLS on its port, with a fresh self-signed certificate for 127.0.0.1. */
    public static RedisServer startTls() throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("herald-redis-tls");
        run(dir, "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1", "-days", "1",
                "-keyout", dir.resolve("redis.key").toString(), "-out", dir.resolve("redis.crt").toString());
        int port = freePort();
        RedisServer server = new RedisServer(dir, port, true, List.of("--port", "0", "--tls-port", String.valueOf(port),
                "--tls-cert-file", dir.resolve("redis.crt").toString(), "--tls-key-file",
                dir.resolve("redis.key").toString(), "--tls-ca-cert-file", dir.resolve("redis.crt").toString(),
                "--tls-auth-clients", "no"));
        return started(server);
    }

    /** Starts (again) on this server's port; returns once it answers PING. */
    public void restart() throws IOException, InterruptedException {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException("redis-server already running, pid=" + process.pid());
        }
        List<String> command = new ArrayList<>(List.of(binary(), "--bind", "127.0.0.1", "--port", String.valueOf(port),
                "--save", "", "--appendonly", "no", "--dir", dir.toString(), "--daemonize", "no",
                "--logfile", dir.resolve("redis.log").toString()));
        command.addAll(extraArgs);
        process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve("stdout.log").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!answersPing()) {
            if (!process.isAlive() || System.nanoTime() - deadline > 0) {
                String log = log();
                kill();                                   // never leave a half-started server behind
                throw new IllegalStateException("redis-server did not start: " + log);
            }
            Thread.sleep(20);
        }
    }

    /** SIGKILL by PID, and waits for the process to end. */
    public void kill() throws InterruptedException {
        if (process == null) {
            return;
        }
        ProcessHandle.of(process.pid()).ifPresent(ProcessHandle::destroyForcibly);
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            throw new IllegalStateException("redis-server pid=" + process.pid() + " outlived SIGKILL");
        }
    }

    public int port() {
        return port;
    }

    public Path dir() {
        return dir;
    }

    public RedisUrl url() {
        return RedisUrl.parse((tlsOnly ? "rediss" : "redis") + "://127.0.0.1:" + port);
    }

    /** Runs {@code redis-cli} against this server (plain servers only) and returns its output, trimmed. */
    public String cli(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("redis-cli", "-h", "127.0.0.1", "-p", String.valueOf(port)));
        command.addAll(List.of(args));
        return run(dir, command.toArray(String[]::new)).trim();
    }

    public String log() {
        try {
            return Files.readString(dir.resolve("redis.log")) + Files.readString(dir.resolve("stdout.log"));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() throws IOException {
        try {
            kill();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try (var files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private boolean answersPing() {
        if (tlsOnly) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return true;                       // accepting; the TLS tests' own client checks the rest
            } catch (IOException e) {
                return false;
            }
        }
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
            socket.setSoTimeout(1_000);
            OutputStream out = socket.getOutputStream();
            out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            byte[] reply = new byte[7];
            int n = in.readNBytes(reply, 0, 7);
            String line = new String(reply, 0, n, StandardCharsets.US_ASCII);
            return line.equals("+PONG\r\n") || line.equals("-NOAUTH");   // up, with a password
        } catch (IOException e) {
            return false;
        }
    }

    private static String binary() {
        for (String path : BINARIES) {
            if (new File(path).canExecute()) {
                return path;
            }
        }
        throw new AssertionError("redis-server is missing: run ops/test.sh, which installs it");
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    static String run(Path dir, String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + ": " + out);
        }
        return out;
    }
}
