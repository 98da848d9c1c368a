package herald.server.cluster;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Herald's RESP client against a real redis-server: pipelining, timeouts, failure and reconnection, AUTH, TLS. */
class RedisClientIT {
    static final RedisOptions FAST = RedisOptions.DEFAULTS.withCommandTimeout(Duration.ofMillis(500))
            .withConnectTimeout(Duration.ofMillis(500)).withReconnect(Duration.ofMillis(20), Duration.ofMillis(200));
    /** For tests not about timeouts: a loaded machine (or a TLS handshake on one) can take longer than FAST's. */
    static final RedisOptions PATIENT = FAST.withCommandTimeout(Duration.ofSeconds(10))
            .withConnectTimeout(Duration.ofSeconds(10));

    @Test
    void shouldAnswerPipelinedCommandsInOrder() throws Exception {
        try (RedisServer redis = RedisServer.start(); RedisClient client = new RedisClient(redis.url(), PATIENT, "it")) {
            assertTrue(client.start());
            client.call("SET", "text", "x");
            List<Object[]> commands = new ArrayList<>();
            for (int i = 0; i < 10_000; i++) {
                commands.add(switch (i % 3) {
                    case 0 -> new Object[] {"INCR", "counter"};
                    case 1 -> new Object[] {"ECHO", "echo-" + i};
                    default -> new Object[] {"INCR", "text"};            // an error reply keeps its place
                });
            }
            List<Object> replies = client.pipeline(commands);
            long counter = 0;
            for (int i = 0; i < replies.size(); i++) {
                Object reply = replies.get(i);
                switch (i % 3) {
                    case 0 -> assertEquals(++counter, reply, "i=" + i);
                    case 1 -> assertArrayEquals(("echo-" + i).getBytes(StandardCharsets.UTF_8), (byte[]) reply, "i=" + i);
                    default -> assertTrue(reply instanceof RespParser.ErrorReply e
                            && e.message().startsWith("ERR value is not an integer"), "i=" + i + " " + reply);
                }
            }
            RedisException e = assertThrows(RedisException.class, () -> client.call("INCR", "text"));
            assertEquals(RedisException.Reason.REPLY, e.reason());
            assertEquals("PONG", client.call("PING"), "the connection survives error replies");
        }
    }

    @Test
    void shouldMatchRepliesToCallersWhenManyThreadsShareTheConnection() throws Exception {
        try (RedisServer redis = RedisServer.start(); RedisClient client = new RedisClient(redis.url(), PATIENT, "it")) {
            assertTrue(client.start());
            ConcurrentLinkedQueue<String> wrong = new ConcurrentLinkedQueue<>();
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < 16; t++) {
                int thread = t;
                threads.add(Thread.ofVirtual().start(() -> {
                    for (int i = 0; i < 500; i++) {
                        String mine = "t" + thread + "-" + i;
                        try {
                            String got = new String((byte[]) client.call("ECHO", mine), StandardCharsets.UTF_8);
                            if (!got.equals(mine)) {
                                wrong.add(mine + " got " + got);
                            }
                        } catch (RedisException e) {
                            wrong.add(mine + " failed: " + e.getMessage());
                        }
                    }
                }));
            }
            for (Thread thread : threads) {
                assertTrue(thread.join(Duration.ofSeconds(60)));
            }
            assertEquals(List.of(), List.copyOf(wrong));
            assertTrue(client.roundTrips() >= 8_000, "round trips counted: " + client.roundTrips());
            assertTrue(client.roundTripNanosTotal() > 0 && client.lastRoundTripNanos() > 0);
        }
    }

    @Test
    void shouldTimeOutALateReplyThenReconnect() throws Exception {
        try (RedisServer redis = RedisServer.start(); RedisClient client = new RedisClient(redis.url(), FAST, "it")) {
            assertTrue(client.start());
            redis.cli("CLIENT", "PAUSE", "1500", "ALL");
            long start = System.nanoTime();
            RedisException e = assertThrows(RedisException.class, () -> client.call("PING"));
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertEquals(RedisException.Reason.TIMEOUT, e.reason(), e.getMessage());
            assertTrue(e.getMessage().contains("timeoutMillis=500"), e.getMessage());
            assertTrue(millis >= 450 && millis < 1_400, "timed out after " + millis + " ms");
            RedisException next = assertThrows(RedisException.class, () -> client.call("PING"));
            assertEquals(RedisException.Reason.UNAVAILABLE, next.reason(), "the timed-out connection is closed");
            assertTrue(eventually(Duration.ofSeconds(10), () -> ping(client)), "back once the pause ends");
            assertTrue(client.reconnects() >= 1);
        }
    }

    @Test
    void shouldFailFastWhileRedisIsDownAndReconnectWhenItIsBack() throws Exception {
        try (RedisServer redis = RedisServer.start(); RedisClient client = new RedisClient(redis.url(), FAST, "it")) {
            assertTrue(client.start());
            redis.kill();
            assertTrue(eventually(Duration.ofSeconds(5), () -> !client.isConnected()), "the client notices");
            for (int i = 0; i < 50; i++) {
                long start = System.nanoTime();
                RedisException e = assertThrows(RedisException.class, () -> client.call("PING"));
                long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                assertEquals(RedisException.Reason.UNAVAILABLE, e.reason());
                assertTrue(e.getMessage().startsWith("redis unavailable"), e.getMessage());
                assertTrue(millis < 100, "failed fast: " + millis + " ms");
            }
            assertTrue(eventually(Duration.ofSeconds(5), () -> client.connectFailures() >= 2),
                    "kept trying in the background");
            redis.restart();
            assertTrue(eventually(Duration.ofSeconds(10), () -> ping(client)), "reconnected on its own");
        }
    }

    @Test
    void shouldStartDisconnectedAndConnectWhenRedisAppears() throws Exception {
        int port = RedisServer.freePort();
        try (RedisClient client = new RedisClient(RedisUrl.parse("redis://127.0.0.1:" + port), FAST, "it")) {
            assertFalse(client.start());
            RedisException e = assertThrows(RedisException.class, () -> client.call("PING"));
            assertTrue(e.getMessage().contains("unreachable"), e.getMessage());
            try (RedisServer redis = RedisServer.startOn(port)) {
                assertTrue(eventually(Duration.ofSeconds(10), () -> ping(client)), "connected on its own");
                assertTrue(redis.cli("CLIENT", "LIST").contains("name=herald-it-cmd"));
            }
        }
    }

    @Test
    void shouldTimeOutTheHandshakeOfAServerThatNeverAnswers() throws Exception {
        ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        List<Socket> accepted = new ArrayList<>();
        Thread acceptor = Thread.ofVirtual().start(() -> {
            try {
                while (true) {
                    accepted.add(silent.accept());
                }
            } catch (IOException ignored) {
                // closed at the end of the test
            }
        });
        RedisUrl url = RedisUrl.parse("redis://127.0.0.1:" + silent.getLocalPort());
        try (RedisClient client = new RedisClient(url, FAST, "it")) {
            long start = System.nanoTime();
            assertFalse(client.start());
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertTrue(millis >= 450 && millis < 2_000, "handshake gave up after " + millis + " ms");
            RedisException e = assertThrows(RedisException.class, () -> client.call("PING"));
            assertTrue(e.getMessage().contains("timeoutMillis=500"), e.getMessage());
        } finally {
            silent.close();
            acceptor.join(Duration.ofSeconds(5));
            for (Socket socket : accepted) {
                socket.close();
            }
        }
    }

    @Test
    void shouldAuthenticateAsAnAclUserAndSelectTheDatabase() throws Exception {
        try (RedisServer redis = RedisServer.start()) {
            assertEquals("OK", redis.cli("ACL", "SETUSER", "herald", "on", ">s3cret", "~herald:*", "resetchannels",
                    "-@all", "+ping", "+select", "+client|setname", "+client|id", "+client|unblock", "+set", "+get"));
            RedisUrl url = RedisUrl.parse("redis://herald:s3cret@127.0.0.1:" + redis.port() + "/2");
            try (RedisClient client = new RedisClient(url, PATIENT, "it")) {
                assertTrue(client.start());
                assertEquals("OK", client.call("SET", "herald:k", "v"));
                assertEquals("v", redis.cli("-n", "2", "GET", "herald:k"));
                assertEquals("", redis.cli("-n", "0", "GET", "herald:k"), "database 0 untouched");
                RedisException denied = assertThrows(RedisException.class, () -> client.call("SET", "other", "v"));
                assertTrue(denied.isReply("NOPERM"), denied.getMessage());
                assertTrue(redis.cli("CLIENT", "LIST").contains("user=herald"), "connected as the ACL user");
            }
            RedisUrl wrong = RedisUrl.parse("redis://herald:WRONGPW@127.0.0.1:" + redis.port());
            try (RedisClient client = new RedisClient(wrong, PATIENT, "it")) {
                assertFalse(client.start());
                RedisException e = assertThrows(RedisException.class, () -> client.call("PING"));
                assertEquals(RedisException.Reason.UNAVAILABLE, e.reason());
                assertTrue(e.getMessage().contains("AUTH refused: WRONGPASS"), e.getMessage());
                assertFalse(e.getMessage().contains("WRONGPW"), "never the password");
            }
        }
    }

    @Test
    void shouldAuthenticateWithAPasswordOnly() throws Exception {
        try (RedisServer redis = RedisServer.start("--requirepass", "pw0")) {
            try (RedisClient client = new RedisClient(RedisUrl.parse("redis://:pw0@127.0.0.1:" + redis.port()), PATIENT, "it")) {
                assertTrue(client.start());
                assertEquals("PONG", client.call("PING"));
            }
            try (RedisClient client = new RedisClient(RedisUrl.parse("redis://127.0.0.1:" + redis.port()), PATIENT, "it")) {
                assertFalse(client.start(), "no AUTH: CLIENT SETNAME is refused with NOAUTH");
                assertTrue(assertThrows(RedisException.class, () -> client.call("PING")).getMessage().contains("NOAUTH"));
            }
        }
    }

    @Test
    void shouldSpeakTlsToRedissWithATrustStore() throws Exception {
        try (RedisServer redis = RedisServer.startTls()) {
            RedisOptions trusting = PATIENT.withTrustStore(redis.dir().resolve("redis.crt"), null);
            try (RedisClient client = new RedisClient(redis.url(), trusting, "it")) {
                assertTrue(client.start());
                assertEquals("PONG", client.call("PING"));
                List<Object[]> many = new ArrayList<>();
                for (int i = 0; i < 1_000; i++) {
                    many.add(new Object[] {"ECHO", "x".repeat(i)});
                }
                List<Object> replies = client.pipeline(many);
                assertEquals(999, ((byte[]) replies.get(999)).length);
            }
            try (RedisClient client = new RedisClient(redis.url(), FAST, "it")) {       // the JDK's trust: refused
                assertFalse(client.start());
                RedisException e = assertThrows(RedisException.class, () -> client.call("PING"));
                assertTrue(e.getMessage().contains("unreachable: SSLHandshakeException"), e.getMessage());
            }
            RedisUrl plain = RedisUrl.parse("redis://127.0.0.1:" + redis.port());
            try (RedisClient client = new RedisClient(plain, FAST, "it")) {
                assertFalse(client.start(), "plain RESP to a TLS port fails");
            }
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new RedisClient(
                RedisUrl.parse("rediss://h"), FAST.withTrustStore(java.nio.file.Path.of("/nonexistent.pem"), null), "it"));
        assertTrue(e.getMessage().startsWith("redis trust store /nonexistent.pem unreadable"), e.getMessage());
    }

    @Test
    void shouldComputeTheSlotsARealClusterNodeComputes() throws Exception {
        try (RedisServer redis = RedisServer.start("--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf");
             RedisClient client = new RedisClient(redis.url(), PATIENT, "it")) {
            assertTrue(client.start());
            long seed = Long.getLong("herald.seed", System.nanoTime());
            System.out.println("RedisClientIT slots seed=" + seed + " (rerun with -Dherald.seed=" + seed + ")");
            Random random = new Random(seed);
            String alphabet = "abcxyz09{}{}/:-_";
            List<Object[]> commands = new ArrayList<>();
            List<String> keys = new ArrayList<>();
            for (int i = 0; i < 2_000; i++) {
                StringBuilder key = new StringBuilder();
                for (int n = random.nextInt(12); n > 0; n--) {
                    key.append(alphabet.charAt(random.nextInt(alphabet.length())));
                }
                keys.add(key.toString());
                commands.add(new Object[] {"CLUSTER", "KEYSLOT", key.toString()});
            }
            keys.add("herald:{news/eu}");
            commands.add(new Object[] {"CLUSTER", "KEYSLOT", "herald:{news/eu}"});
            List<Object> slots = client.pipeline(commands);
            for (int i = 0; i < keys.size(); i++) {
                assertEquals(slots.get(i), (long) ClusterSlots.slot(keys.get(i)), "key=" + keys.get(i));
            }
        }
    }

    static boolean ping(RedisClient client) {
        try {
            return "PONG".equals(client.call("PING"));
        } catch (RedisException e) {
            return false;
        }
    }

    static boolean eventually(Duration limit, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() - deadline < 0) {
            if (condition.getAsBoolean()) {
                return true;
            }
            Thread.sleep(10);
        }
        return condition.getAsBoolean();
    }
}
