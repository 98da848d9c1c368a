package herald.server;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@link AttackIT}'s attacker, in a process of its own so that its threads, carriers and garbage are not the
 * measuring JVM's: from 127.0.0.2, 1,000 slowloris sockets (a header line a second) and a connection flood
 * ({@code GET /health}, 4 threads, one connection each at a time, paced at {@value #FLOOD_PER_SECOND} connects a
 * second together: 20 times what {@link AbuseLimits#DEFAULTS} admit from one address, without the attacker's
 * own busy loop taking the CPU the server and the measuring clients share with it on one machine) against
 * 127.0.0.1:PORT. It starts at the line {@code go} on stdin, attacks for MILLIS, then prints one line of
 * counts and exits.
 *
 * <pre>
 * java -cp server/target/test-classes herald.server.AttackClient PORT MILLIS
 * </pre>
 */
final class AttackClient {
    static final String RESULT = "attack-result";
    private static final int SLOWLORIS = 1_000;
    private static final int FLOOD_THREADS = 4;
    private static final int FLOOD_PER_SECOND = 1_000;
    private static final int FLOOD_MAX_CONNECTIONS = 20_000;

    private final int port;
    private final long end;
    private final AtomicLong floodConnects = new AtomicLong();
    private final AtomicLong flood429 = new AtomicLong();
    private final AtomicLong flood200 = new AtomicLong();
    private final AtomicLong floodOther = new AtomicLong();
    private final AtomicInteger slowlorisOpened = new AtomicInteger();
    private final AtomicInteger slowloris429 = new AtomicInteger();
    private final AtomicInteger slowlorisEnded = new AtomicInteger();
    private final AtomicInteger slowlorisHeld = new AtomicInteger();

    private AttackClient(int port, long end) {
        this.port = port;
        this.end = end;
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        long millis = Long.parseLong(args[1]);
        System.out.println("ready");
        String line = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII)).readLine();
        if (!"go".equals(line)) {
            System.out.println("AttackClient: no 'go' on stdin, nothing done");
            return;
        }
        AttackClient attack = new AttackClient(port, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis));
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < SLOWLORIS; i++) {
            threads.add(Thread.ofVirtual().start(attack::slowloris));
        }
        for (int i = 0; i < FLOOD_THREADS; i++) {
            threads.add(Thread.ofPlatform().name("attack-flood-" + i).start(attack::flood));
        }
        for (Thread thread : threads) {
            thread.join(millis + 30_000);
        }
        System.out.printf("%s floodConnects=%d flood429=%d flood200=%d floodOther=%d slowlorisOpened=%d "
                        + "slowloris429=%d slowlorisEnded=%d slowlorisHeld=%d%n", RESULT, attack.floodConnects.get(),
                attack.flood429.get(), attack.flood200.get(), attack.floodOther.get(), attack.slowlorisOpened.get(),
                attack.slowloris429.get(), attack.slowlorisEnded.get(), attack.slowlorisHeld.get());
    }

    private void slowloris() {
        try (Socket socket = TestHttp.connectFrom("127.0.0.2", port)) {
            slowlorisOpened.incrementAndGet();
            TestHttp.write(socket, "GET /topics/attack HTTP/1.1\r\nHost: h\r\n");
            socket.setSoTimeout(1_000);
            InputStream in = socket.getInputStream();
            while (System.nanoTime() < end) {
                try {
                    byte[] answer = in.readNBytes(12);
                    if (new String(answer, StandardCharsets.ISO_8859_1).equals("HTTP/1.1 429")) {
                        slowloris429.incrementAndGet();
                    } else {
                        slowlorisEnded.incrementAndGet();
                    }
                    return;
                } catch (SocketTimeoutException e) {
                    TestHttp.write(socket, "X-Trickle: 1\r\n");
                }
            }
            slowlorisHeld.incrementAndGet();
        } catch (IOException e) {
            slowlorisEnded.incrementAndGet();        // refused with a reset, or the connect itself failed
        }
    }

    private void flood() {
        byte[] request = "GET /health HTTP/1.1\r\nHost: h\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        long interval = TimeUnit.SECONDS.toNanos(FLOOD_THREADS) / FLOOD_PER_SECOND;
        long due = System.nanoTime();
        while (System.nanoTime() < end && floodConnects.incrementAndGet() <= FLOOD_MAX_CONNECTIONS) {
            due = Math.max(due + interval, System.nanoTime() - TimeUnit.MILLISECONDS.toNanos(100));   // no burst
            long wait = due - System.nanoTime();
            if (wait > 0) {
                try {
                    TimeUnit.NANOSECONDS.sleep(wait);
                } catch (InterruptedException e) {
                    return;
                }
            }
            try (Socket socket = TestHttp.connectFrom("127.0.0.2", port)) {
                socket.getOutputStream().write(request);
                byte[] status = socket.getInputStream().readNBytes(12);
                String text = new String(status, StandardCharsets.ISO_8859_1);
                if (text.equals("HTTP/1.1 429")) {
                    flood429.incrementAndGet();
                } else if (text.equals("HTTP/1.1 200")) {
                    flood200.incrementAndGet();
                } else {
                    floodOther.incrementAndGet();
                }
            } catch (IOException e) {
                floodOther.incrementAndGet();
            }
        }
    }
}
