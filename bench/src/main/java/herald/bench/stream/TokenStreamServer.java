package herald.bench.stream;

import herald.server.AbuseLimits;
import herald.server.Herald;
import herald.server.Refusal;
import herald.server.StreamHandler;

import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Herald with one embedded {@link StreamHandler}, the per-request stream ("LLM shape") the load tests measure:
 * {@code POST /stream} with {@code {"tokens":N,"intervalMs":MS}} answers an SSE stream of N events
 * {@code data: token 1} ... {@code data: token N}, the first at once (with the response head: the handler does not
 * open the stream before its first token) and each next one MS ms after the previous (a {@code Thread.sleep} on the
 * handler's virtual thread, as a model loop would wait for its next token), then, MS ms later,
 * {@code data: [DONE]}; the handler returns and the connection closes. The loadtest's Node.js peer
 * ({@code loadtest/peers/node/broadcast.js}, {@code POST /stream}) does the same with timers ({@code writeHead}
 * and the first {@code write} go out together there too).
 *
 * <p>Everything else is Herald as shipped (its topics too), except that the per-address connection limits are
 * off: the load generator's few loopback source addresses stand in for thousands of clients (the jar's
 * {@code HERALD_MAX_CONNECTIONS_PER_IP=0 HERALD_CONNECT_RATE_PER_IP=0}).
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar herald.bench.stream.TokenStreamServer --host 127.0.0.1 --port 8080
 * </pre>
 * SIGTERM (or Ctrl-C) stops it as Herald stops.
 */
public final class TokenStreamServer {
    static final int MAX_TOKENS = 100_000;
    static final int MAX_INTERVAL_MS = 10_000;
    private static final Pattern TOKENS = Pattern.compile("\"tokens\"\\s*:\\s*(\\d{1,9})");
    private static final Pattern INTERVAL = Pattern.compile("\"intervalMs\"\\s*:\\s*(\\d{1,9})");

    /** The handler: N tokens at the asked cadence, then {@code [DONE]}. */
    static final StreamHandler TOKENS_HANDLER = (request, stream) -> {
        String body = new String(request.body(), StandardCharsets.UTF_8);
        int tokens = field(TOKENS, body, 50, MAX_TOKENS, "tokens");
        int interval = field(INTERVAL, body, 20, MAX_INTERVAL_MS, "intervalMs");
        for (int i = 1; i <= tokens && stream.isOpen(); i++) {
            if (i > 1) {
                Thread.sleep(interval);
            }
            stream.send("token " + i);
        }
        Thread.sleep(interval);
        stream.send("[DONE]");
    };

    private TokenStreamServer() {
    }

    /** A whole number field of the JSON body, or the default; out of range is a 400. */
    static int field(Pattern p, String body, int fallback, int max, String name) {
        Matcher m = p.matcher(body);
        if (!m.find()) {
            return fallback;
        }
        long v = Long.parseLong(m.group(1));
        if (v > max || name.equals("tokens") && v < 1) {
            throw Refusal.of(400, name + " must be between " + (name.equals("tokens") ? 1 : 0) + " and " + max);
        }
        return (int) v;
    }

    public static void main(String[] args) throws Exception {
        String host = "127.0.0.1";
        int port = 8080;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if ((a.equals("--host") || a.equals("--port")) && i + 1 < args.length) {
                String v = args[++i];
                if (a.equals("--host")) {
                    host = v;
                } else {
                    try {
                        port = Integer.parseInt(v);
                    } catch (NumberFormatException e) {
                        System.err.println("TokenStreamServer: --port: not a port: " + v);
                        System.exit(2);
                    }
                }
            } else {
                System.err.println("TokenStreamServer: usage: --host H --port P (unknown or incomplete: " + a + ")");
                System.exit(2);
            }
        }
        Herald herald;
        try {
            herald = Herald.builder().host(host).port(port).abuseLimits(AbuseLimits.off())
                    .stream("POST", "/stream", TOKENS_HANDLER).start();
        } catch (UncheckedIOException e) {
            System.err.println("TokenStreamServer: " + e.getMessage() + ": " + e.getCause().getMessage());
            System.exit(1);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(herald::close, "token-stream-server-stop"));
        System.out.println("TokenStreamServer: Herald on http://" + host + ":" + herald.port()
                + " with POST /stream (pid " + ProcessHandle.current().pid() + ")");
        herald.awaitStop();
    }
}
