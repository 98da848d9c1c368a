package herald.loadtest.scenario;

/** Defaults shared by several options. */
public final class Defaults {
    /** Herald's subscribe and publish URL for one topic, on its default port. */
    static final String URL = "http://127.0.0.1:8080/topics/load";
    public static final String OUT = "results/loadtest";
    static final String WORKER_JVM_ARGS = "-Xss256k -Xms64m -Xmx1g -XX:+UseSerialGC";
    static final int MAX_PER_PROCESS = 18_000;

    // option defaults read in more than one place (the getters and --help use these)
    static final int SUBSCRIBERS = 1000;
    static final int RATE = 100;
    static final String DURATION = "10s";
    static final String WARMUP = "2s";
    static final String SETTLE = "3s";
    static final String DRAIN = "5s";
    static final String RECOVER_TIMEOUT = "60s";
    static final int CONNECT_RATE = 5000;
    static final String CONNECT_TIMEOUT = "10s";
    static final String RECONNECT_DELAY = "1s";
    static final int THREADS = 2;
    static final int PUBLISH_CONNECTIONS = 2;
    static final int PIPELINE = 16;
    static final int MAX_AHEAD = 1000;
    static final String STALLED_RCVBUF = "4KiB";

    private Defaults() {
    }
}
