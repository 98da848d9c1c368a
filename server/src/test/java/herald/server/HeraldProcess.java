package herald.server;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Herald node in a process of its own ({@code herald.server.Main} on this test's class path, {@code -Xmx256m}) on a
 * free loopback port, for tests that kill a node with SIGKILL. Stopped by its PID only; {@link #close()} kills it if
 * the test did not.
 */
final class HeraldProcess implements AutoCloseable {
    private static final Pattern PORT = Pattern.compile(" on port (\\d+)\\.");
    private static final int KEPT_LINES = 40;

    private final Process process;
    private final int port;
    private final ArrayDeque<String> lastLines = new ArrayDeque<>();   // guarded by itself

    private HeraldProcess(Process process) throws IOException {
        this.process = process;
        this.port = readPort();
    }

    /** Starts {@code herald.server.Main --host 127.0.0.1 --port 0} with {@code options}; returns once it listens. */
    static HeraldProcess start(String... options) throws IOException {
        String classPath = String.join(File.pathSeparator,
                System.getProperty("jdk.module.path", ""), System.getProperty("java.class.path", ""));
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-Xmx256m", "-cp", classPath, "herald.server.Main", "--host", "127.0.0.1", "--port", "0"));
        command.addAll(List.of(options));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            return new HeraldProcess(process);
        } catch (IOException | RuntimeException | Error e) {
            process.destroyForcibly();
            throw e;
        }
    }

    int port() {
        return port;
    }

    long pid() {
        return process.pid();
    }

    /** SIGKILL by PID; returns once the process has ended, with the status SIGKILL gives (137). */
    int kill() throws InterruptedException {
        ProcessHandle.of(process.pid()).ifPresent(ProcessHandle::destroyForcibly);
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            throw new IllegalStateException("herald pid=" + process.pid() + " outlived SIGKILL");
        }
        return process.exitValue();
    }

    /** The last lines the process printed, for a failure's message. */
    String output() {
        synchronized (lastLines) {
            return String.join("\n", lastLines);
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            try {
                kill();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Reads the output up to the start-up line that names the port (killing the process if that takes over 30 s),
     * then drains the rest on a virtual thread.
     */
    private int readPort() throws IOException {
        java.util.concurrent.CountDownLatch started = new java.util.concurrent.CountDownLatch(1);
        Thread.ofVirtual().start(() -> {
            try {
                if (!started.await(30, TimeUnit.SECONDS)) {
                    process.destroyForcibly();             // the read below then ends
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        try {
            return readPortLine();
        } finally {
            started.countDown();
        }
    }

    private int readPortLine() throws IOException {
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8));
        for (String line = out.readLine(); line != null; line = out.readLine()) {
            keep(line);
            Matcher port = PORT.matcher(line);
            if (port.find()) {
                Thread.ofVirtual().start(() -> {
                    try {
                        for (String more = out.readLine(); more != null; more = out.readLine()) {
                            keep(more);
                        }
                    } catch (IOException e) {
                        // the process ended
                    }
                });
                return Integer.parseInt(port.group(1));
            }
        }
        throw new AssertionError("the node process printed no port:\n" + output());
    }

    private void keep(String line) {
        synchronized (lastLines) {
            if (lastLines.size() == KEPT_LINES) {
                lastLines.removeFirst();
            }
            lastLines.addLast(line);
        }
    }
}
