package herald.loadtest;

/** Defaults shared by several options. */
final class Defaults {
    /** Herald's subscribe and publish URL for one topic, on its default port. */
    static final String URL = "http://127.0.0.1:8080/topics/load";
    static final String OUT = "results/loadtest";
    static final String WORKER_JVM_ARGS = "-Xss256k -Xms64m -Xmx1g -XX:+UseSerialGC";
    static final int MAX_PER_PROCESS = 18_000;

    private Defaults() {
    }
}
