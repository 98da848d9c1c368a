package herald.server;

import java.time.Duration;

/**
 * The deadline of each phase of a connection, each its own: no other call clears it.
 *
 * @param head  a whole request head must arrive within this (10 s)
 * @param idle  a keep-alive connection may wait this long for its next request (60 s)
 * @param body  a request body must arrive within this (30 s)
 * @param write one blocking write (response, handler stream) must finish within this (30 s)
 * @param shutdown stopping ({@code Herald.close()}, SIGTERM) returns within this: streams drain and get their
 *              shutdown event, then requests in progress finish, then what is still open is closed (10 s)
 */
public record Timeouts(Duration head, Duration idle, Duration body, Duration write, Duration shutdown) {
    /** The default shutdown deadline, 10 s. */
    public static final Duration SHUTDOWN = Duration.ofSeconds(10);
    public static final Timeouts DEFAULTS = new Timeouts(Duration.ofSeconds(10), Duration.ofSeconds(60),
            Duration.ofSeconds(30), Duration.ofSeconds(30), SHUTDOWN);

    public Timeouts {
        Checks.positive("headTimeout", head);
        Checks.positive("idleTimeout", idle);
        Checks.positive("bodyTimeout", body);
        Checks.positive("writeTimeout", write);
        Checks.positive("shutdownTimeout", shutdown);
    }

    /** Without a shutdown deadline: the default one. */
    public Timeouts(Duration head, Duration idle, Duration body, Duration write) {
        this(head, idle, body, write, SHUTDOWN);
    }

    public Timeouts withHead(Duration value) {
        return new Timeouts(value, idle, body, write, shutdown);
    }

    public Timeouts withIdle(Duration value) {
        return new Timeouts(head, value, body, write, shutdown);
    }

    public Timeouts withBody(Duration value) {
        return new Timeouts(head, idle, value, write, shutdown);
    }

    public Timeouts withWrite(Duration value) {
        return new Timeouts(head, idle, body, value, shutdown);
    }

    public Timeouts withShutdown(Duration value) {
        return new Timeouts(head, idle, body, write, value);
    }
}
