package herald.loadtest.client;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Subscriptions spread over worker processes, because one process holds at most ~19,900 sockets here (the
 * open-file limit is 20,000 and cannot be raised). Each worker is this jar's {@code herald.loadtest.Worker}
 * ({@link #WORKER_MAIN}) with a share of the connections, of the connect rate and of the source addresses (so
 * workers do not compete for one address's ports); the coordinator asks each for its {@link FleetStatus}
 * (counters and an encoded HdrHistogram) and adds them up.
 *
 * <p><b>Bounded.</b> Every answer is awaited at most {@value #ANSWER_SECONDS} s; workers carry a deadline and
 * stop on EOF of their stdin; {@link #close} ends them by their PID (SIGTERM, then SIGKILL) if they do not exit
 * after {@code stop}, and a shutdown hook does the same if the coordinator is interrupted.
 */
public final class WorkerFleet implements SubscriberFleet {
    /** The worker process's main class, started from this process's class path. */
    public static final String WORKER_MAIN = "herald.loadtest.Worker";
    /** Starts every line of the worker protocol on the worker's stdout; other lines are passed through. */
    public static final String PREFIX = "@herald ";
    static final long ANSWER_SECONDS = 30;

    private final List<Process> processes = new ArrayList<>();
    private final List<BlockingQueue<String>> answers = new ArrayList<>();
    private final Thread shutdownHook;
    private volatile long opened;
    private volatile long lastEvents;

    /**
     * @param base      the whole generator's config; each worker gets a share of its addresses and connect rate
     * @param workers   how many processes
     * @param jvmArgs   JVM options of each worker
     */
    public WorkerFleet(GeneratorConfig base, int workers, List<String> jvmArgs) {
        this.shutdownHook = new Thread(this::destroyAll, "herald-workers-cleanup");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classpath = System.getProperty("java.class.path");
        try {
            for (int w = 0; w < workers; w++) {
                List<InetAddress> addresses = SourceAddresses.share(base.sourceAddresses(), w, workers);
                GeneratorConfig share = base.withShare(addresses, base.connectsPerSecond() / workers);
                List<String> command = new ArrayList<>();
                command.add(java);
                command.addAll(jvmArgs);
                command.add("-cp");
                command.add(classpath);
                command.add(WORKER_MAIN);
                command.addAll(share.toArgs());
                Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
                processes.add(p);
                BlockingQueue<String> queue = new LinkedBlockingQueue<>();
                answers.add(queue);
                int index = w;
                Thread reader = new Thread(() -> pump(p, queue, index), "herald-worker-" + w);
                reader.setDaemon(true);
                reader.start();
            }
            for (int w = 0; w < workers; w++) {
                expect(w, "ready");
            }
        } catch (IOException | RuntimeException e) {
            close();
            throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
        }
    }

    /** PIDs of the workers (for the record and for ending them). */
    List<Long> pids() {
        return processes.stream().map(Process::pid).toList();
    }

    @Override
    public void open(int count, boolean stalled) {
        int n = processes.size();
        for (int w = 0; w < n; w++) {
            int share = count / n + (w < count % n ? 1 : 0);
            send(w, "open " + share + " " + stalled);
        }
        for (int w = 0; w < n; w++) {
            expect(w, "ok");
        }
        opened += count;
    }

    @Override
    public FleetStatus status() {
        broadcast("status");
        FleetStatus sum = FleetStatus.empty();
        for (int w = 0; w < processes.size(); w++) {
            sum = sum.plus(FleetStatus.decode(expect(w, "status")));
        }
        lastEvents = sum.get(Counter.EVENTS);
        return sum;
    }

    @Override
    public long dropAll(double connectsPerSecond) {
        broadcast("drop " + connectsPerSecond / processes.size());
        return sumAnswers("dropped");
    }

    @Override
    public long moveToResumeUrls() {
        broadcast("move");
        return sumAnswers("moved");
    }

    @Override
    public long caughtUp(long seq) {
        broadcast("caughtup " + seq);
        return sumAnswers("caughtup");
    }

    @Override
    public long[] missingAtEnd(long[][] lastSeqPerUrlPerLane) {
        broadcast("missing " + encodeSeqs(lastSeqPerUrlPerLane));
        long[] out = new long[3];
        for (int w = 0; w < processes.size(); w++) {
            String[] p = expect(w, "missing").split(" ");
            for (int i = 0; i < 3; i++) {
                out[i] += Long.parseLong(p[i]);
            }
        }
        return out;
    }

    @Override
    public long deliveredPerSubscriber() {
        return lastEvents / Math.max(1, opened);
    }

    @Override
    public long opened() {
        return opened;
    }

    @Override
    public void close() {
        for (int w = 0; w < processes.size(); w++) {
            try {
                send(w, "stop");
            } catch (RuntimeException ignored) {
                // already gone
            }
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        for (Process p : processes) {
            try {
                long left = Math.max(0, deadline - System.nanoTime());
                if (!p.waitFor(left, TimeUnit.NANOSECONDS)) {
                    end(p);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                end(p);
            }
        }
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException ignored) {
            // shutting down already: the hook runs
        }
    }

    private void destroyAll() {
        for (Process p : processes) {
            end(p);
        }
    }

    /** Ends one worker we started, by its PID: SIGTERM, then SIGKILL after 5 s. */
    private static void end(Process p) {
        if (!p.isAlive()) {
            return;
        }
        p.destroy();
        try {
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private long sumAnswers(String word) {
        long total = 0;
        for (int w = 0; w < processes.size(); w++) {
            total += Long.parseLong(expect(w, word).trim());
        }
        return total;
    }

    private void broadcast(String command) {
        for (int w = 0; w < processes.size(); w++) {
            send(w, command);
        }
    }

    private void send(int w, String command) {
        try {
            OutputStream in = processes.get(w).getOutputStream();
            in.write((command + "\n").getBytes(StandardCharsets.UTF_8));
            in.flush();
        } catch (IOException e) {
            throw new IllegalStateException("worker " + w + " (pid " + processes.get(w).pid() + ") is gone");
        }
    }

    /** The next answer of worker {@code w}, which must start with {@code word}; returns the rest. */
    private String expect(int w, String word) {
        String line;
        try {
            line = answers.get(w).poll(ANSWER_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted waiting for worker " + w);
        }
        if (line == null) {
            throw new IllegalStateException("worker " + w + " (pid " + processes.get(w).pid() + ") did not answer "
                    + word + " within " + ANSWER_SECONDS + " s");
        }
        if (line.equals("exit")) {
            throw new IllegalStateException("worker " + w + " (pid " + processes.get(w).pid() + ") exited");
        }
        if (line.startsWith("error ")) {
            throw new IllegalStateException("worker " + w + ": " + line.substring(6));
        }
        if (!line.startsWith(word)) {
            throw new IllegalStateException("worker " + w + " answered '" + line.split(" ")[0] + "' to " + word);
        }
        return line.substring(word.length()).trim();
    }

    /** Reads a worker's stdout: answers to the queue, anything else to our stderr. */
    private static void pump(Process p, BlockingQueue<String> queue, int w) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (line.startsWith(PREFIX)) {
                    queue.add(line.substring(PREFIX.length()));
                } else {
                    System.err.println("[worker " + w + "] " + line);
                }
            }
        } catch (IOException ignored) {
            // the process ended
        }
        queue.add("exit");
    }

    static String encodeSeqs(long[][] seqs) {
        StringBuilder s = new StringBuilder();
        for (int u = 0; u < seqs.length; u++) {
            if (u > 0) {
                s.append(';');
            }
            for (int l = 0; l < seqs[u].length; l++) {
                if (l > 0) {
                    s.append(',');
                }
                s.append(seqs[u][l]);
            }
        }
        return s.toString();
    }

    public static long[][] decodeSeqs(String text) {
        if (text.isEmpty()) {
            return new long[][]{{0}};
        }
        String[] urls = text.split(";");
        long[][] out = new long[urls.length][];
        for (int u = 0; u < urls.length; u++) {
            String[] lanes = urls[u].split(",");
            out[u] = new long[lanes.length];
            for (int l = 0; l < lanes.length; l++) {
                out[u][l] = Long.parseLong(lanes[l]);
            }
        }
        return out;
    }
}
