package herald.loadtest.scenario;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Command-line options: {@code --name value} or {@code --name=value}; list options take commas or repeat. Every
 * option is declared in {@link #SPECS} with its help text; an unknown option or a bad value is an
 * {@link IllegalArgumentException} whose message is the one line the user sees.
 */
public final class Options {

    /** @param arg the value's name in the help, null for a flag; {@code hidden} ones are for worker processes */
    record Spec(String group, String name, String arg, String help, boolean hidden) {
    }

    static final List<Spec> SPECS = List.of(
            spec("Target", "target", "NAME", "label of the target in results and reports (default: host:port of the "
                    + "first subscribe URL)"),
            spec("Target", "subscribe-url", "URL[,URL...]", "SSE stream URL(s) to GET; several are used round-robin "
                    + "(default http://127.0.0.1:8080/topics/load, Herald's)"),
            spec("Target", "publish-url", "URL[,URL...]", "where events are published; every event goes to each; "
                    + "subscribe URL i is paired with publish URL i, or all with the only one "
                    + "(default http://127.0.0.1:8080/topics/load)"),
            spec("Target", "resume-url", "URL[,URL...]", "reconnect: after the drop every subscription reconnects "
                    + "here with Last-Event-ID (another node of a cluster); subscribe URL i is paired with resume "
                    + "URL i, or all with the only one (default: its subscribe URL)"),
            spec("Target", "publish-method", "METHOD", "HTTP method of a publish (default POST)"),
            spec("Target", "publish-header", "'NAME: VALUE'", "extra header on each publish, e.g. an Authorization; "
                    + "repeatable"),
            spec("Target", "server-pid", "PID[,PID...]", "the server's process(es): RSS and CPU of their process "
                    + "trees are measured from /proc (optional; without it no server numbers)"),
            spec("Load", "subscribers", "N", "subscriptions (default " + Defaults.SUBSCRIBERS + "; single: 1)"),
            spec("Load", "stalled", "K", "slow: subscriptions that stop reading (default N/10)"),
            spec("Load", "rate", "R|max", "events per second published, or max: as fast as the pipelines allow "
                    + "(default " + Defaults.RATE + "; single: max)"),
            spec("Load", "bytes", "B[,B...]", "event data size in bytes, at least the 20-40 of seq and time "
                    + "(default 64; single: 64,1024, one run each)"),
            spec("Load", "rates", "R,R,...", "ladder: the steps' publish rates in events/s, max for the open-loop "
                    + "step at --max-rate (default 100,200,400,800,1600,max)"),
            spec("Load", "max-rate", "R", "ladder: the rate the max step offers, open loop: more than the server "
                    + "takes (default 20000)"),
            spec("Load", "duration", "DURATION", "measured time (idle: how long connections are held; "
                    + "slow: each of the two phases) (default " + Defaults.DURATION + ")"),
            spec("Load", "warmup", "DURATION", "publishing before measuring starts (default " + Defaults.WARMUP + ")"),
            spec("Load", "max-events", "N", "stop publishing after this many events (default: no bound but time)"),
            spec("Load", "connect-rate", "R", "new connections per second over all processes, 0 for no limit "
                    + "(each thread starts 64 at a time, writing the requests of those connected in between; "
                    + "default " + Defaults.CONNECT_RATE + ")"),
            spec("Load", "connect-timeout", "DURATION", "a connect and its response head must finish within this, "
                    + "else retried (default " + Defaults.CONNECT_TIMEOUT + ")"),
            spec("Load", "reconnect-delay", "DURATION", "pause before reconnecting a stream that ended or failed "
                    + "(default " + Defaults.RECONNECT_DELAY + ")"),
            spec("Load", "reconnect-rate", "R", "reconnect: connections per second after the drop, 0 for all at once "
                    + "(default 0)"),
            spec("Load", "kill-pid", "PID", "reconnect: the drop is a SIGKILL of this process (the server the "
                    + "subscriptions stream from) instead of the subscriptions closing their connections; they "
                    + "reconnect --reconnect-delay after their streams end (default: the subscriptions close)"),
            spec("Load", "recover-timeout", "DURATION", "reconnect: give up waiting for recovery after this "
                    + "(default " + Defaults.RECOVER_TIMEOUT + ")"),
            spec("Load", "drain", "DURATION", "after publishing stops, wait this long at most for the last events "
                    + "(default " + Defaults.DRAIN + ")"),
            spec("Load", "resume", "true|false", "send Last-Event-ID when reconnecting (default true)"),
            spec("Load", "warmup-connections", "W", "idle: first a warm-up round of W subscriptions that connect, "
                    + "stream and close, then --settle, then the baseline reading (default 0: no round)"),
            spec("Load", "settle", "DURATION", "idle: pause after the warm-up round (default " + Defaults.SETTLE + ")"),
            spec("Load", "jvm-gc", null, "idle: the server is a JVM: force a full GC (jcmd PID GC.run) right "
                    + "before the baseline and the final reading, and report the heap used after each "
                    + "(GC.heap_info)"),
            spec("Streams", "stream-url", "URL", "streams: the per-request stream endpoint, POSTed "
                    + "{\"tokens\":N,\"intervalMs\":MS} (default http://127.0.0.1:8080/stream)"),
            spec("Streams", "streams", "N[,N...]", "streams: concurrent streams, one run each (default 1000)"),
            spec("Streams", "tokens", "N", "streams: tokens per stream, then data: [DONE] (default 50)"),
            spec("Streams", "token-interval", "DURATION", "streams: the server's pause before each token after "
                    + "the first and before [DONE] (default 20ms)"),
            spec("Publisher", "publish-connections", "L", "keep-alive connections per publish URL; events go "
                    + "round-robin, order is checked per connection (default " + Defaults.PUBLISH_CONNECTIONS + ")"),
            spec("Publisher", "pipeline", "N", "requests in flight per publish connection, 1 for no pipelining "
                    + "(default " + Defaults.PIPELINE + ")"),
            spec("Publisher", "max-ahead", "N", "with --rate max: the publisher stays at most N events ahead of "
                    + "what the average subscriber has received (a server that accepts faster than it delivers "
                    + "would otherwise buffer or drop without bound); 0 for no limit (default " + Defaults.MAX_AHEAD + ")"),
            spec("Generator", "threads", "T", "selector threads per generator process (default " + Defaults.THREADS + ")"),
            spec("Generator", "source-addresses", "auto|none|A-B|A,B,...", "local addresses to bind subscriptions "
                    + "to, spread round-robin: auto is 127.0.0.2 and up, one per 12,000 subscriptions; none lets "
                    + "the kernel pick (default auto)"),
            spec("Generator", "max-per-process", "N", "subscriptions one process holds; above it worker processes "
                    + "are started (default 18000; the open-file limit here is 20,000)"),
            spec("Generator", "workers", "W", "worker processes to spread subscriptions over (default: none up to "
                    + "--max-per-process, else enough)"),
            spec("Generator", "worker-jvm-args", "'ARGS'", "JVM options of worker processes "
                    + "(default '-Xss256k -Xms64m -Xmx1g -XX:+UseSerialGC')"),
            spec("Generator", "stalled-rcvbuf", "SIZE", "SO_RCVBUF of stalled subscriptions (default " + Defaults.STALLED_RCVBUF + ")"),
            spec("Output", "out", "DIR", "results directory: one JSON per run, summary.md and report.html over all "
                    + "runs in it (default results/loadtest)"),
            spec("Output", "max-time", "DURATION", "abort the whole run after this long (default: the sum of its "
                    + "phase bounds plus a minute)"),
            spec("Output", "help", null, "print this and exit"),
            new Spec("Worker", "deadline", "DURATION", "stop by itself after this long", true));

    private static Spec spec(String group, String name, String arg, String help) {
        return new Spec(group, name, arg, help, false);
    }

    private final Map<String, List<String>> values = new LinkedHashMap<>();
    public final List<String> positional = new ArrayList<>();

    private Options() {
    }

    public static Options parse(List<String> args) {
        Options o = new Options();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (!a.startsWith("--")) {
                o.positional.add(a);
                continue;
            }
            String name = a.substring(2);
            String value = null;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            }
            Spec spec = find(name);
            if (spec == null) {
                throw new IllegalArgumentException("unknown option --" + name + " (--help lists them)");
            }
            if (spec.arg() == null) {
                value = "true";
            } else if (value == null) {
                if (i + 1 >= args.size()) {
                    throw new IllegalArgumentException("--" + name + " needs a value: " + spec.arg());
                }
                value = args.get(++i);
            }
            o.values.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
        }
        return o;
    }

    private static Spec find(String name) {
        for (Spec s : SPECS) {
            if (s.name().equals(name)) {
                return s;
            }
        }
        return null;
    }

    public List<String> positional() {
        return positional;
    }

    boolean has(String name) {
        return values.containsKey(name);
    }

    public String string(String name, String fallback) {
        List<String> v = values.get(name);
        return v == null ? fallback : v.get(v.size() - 1);
    }

    /** Every value, commas split, in order. */
    List<String> list(String name, String fallback) {
        List<String> v = values.get(name);
        List<String> raw = v == null ? (fallback == null ? List.of() : List.of(fallback)) : v;
        List<String> out = new ArrayList<>();
        for (String s : raw) {
            for (String part : s.split(",")) {
                if (!part.isBlank()) {
                    out.add(part.trim());
                }
            }
        }
        return out;
    }

    /** Every value as given (no comma split): for header lines. */
    List<String> repeated(String name) {
        return values.getOrDefault(name, List.of());
    }

    long integer(String name, long fallback) {
        String s = string(name, null);
        if (s == null) {
            return fallback;
        }
        try {
            long v = Long.parseLong(s.replace("_", ""));
            if (v < 0) {
                throw new NumberFormatException();
            }
            return v;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + ": not a whole number >= 0: " + s);
        }
    }

    /** A rate in events (or connections) per second; {@code max} is 0. */
    double rate(String name, double fallback) {
        String s = string(name, null);
        if (s == null) {
            return fallback;
        }
        if (s.equalsIgnoreCase("max")) {
            return 0;
        }
        try {
            double v = Double.parseDouble(s);
            if (v < 0 || Double.isNaN(v) || Double.isInfinite(v)) {
                throw new NumberFormatException();
            }
            return v;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + ": not a rate (a number >= 0, or max): " + s);
        }
    }

    boolean bool(String name, boolean fallback) {
        String s = string(name, null);
        if (s == null) {
            return fallback;
        }
        return switch (s.toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on", "1" -> true;
            case "false", "no", "off", "0" -> false;
            default -> throw new IllegalArgumentException("--" + name + ": not true or false: " + s);
        };
    }

    public long nanos(String name, String fallback) {
        String s = string(name, fallback);
        try {
            return parseDuration(s);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--" + name + ": not a duration like 500ms, 30s, 2m: " + s);
        }
    }

    long bytes(String name, String fallback) {
        String s = string(name, fallback);
        try {
            return parseSize(s);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--" + name + ": not a size like 64, 4KiB, 1MiB: " + s);
        }
    }

    /** {@code 500ms}, {@code 30s}, {@code 2m}, {@code 1h}, {@code 1.5s}; a bare number is seconds. */
    static long parseDuration(String s) {
        String t = s.trim().toLowerCase(Locale.ROOT);
        long unit;
        String number;
        if (t.endsWith("ms")) {
            unit = TimeUnit.MILLISECONDS.toNanos(1);
            number = t.substring(0, t.length() - 2);
        } else if (t.endsWith("s")) {
            unit = TimeUnit.SECONDS.toNanos(1);
            number = t.substring(0, t.length() - 1);
        } else if (t.endsWith("m")) {
            unit = TimeUnit.MINUTES.toNanos(1);
            number = t.substring(0, t.length() - 1);
        } else if (t.endsWith("h")) {
            unit = TimeUnit.HOURS.toNanos(1);
            number = t.substring(0, t.length() - 1);
        } else {
            unit = TimeUnit.SECONDS.toNanos(1);
            number = t;
        }
        try {
            double v = Double.parseDouble(number);
            if (v < 0 || Double.isNaN(v) || Double.isInfinite(v)) {
                throw new IllegalArgumentException(s);
            }
            return (long) (v * unit);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(s);
        }
    }

    /** {@code 64}, {@code 64B}, {@code 4KiB} / {@code 4K} / {@code 4k}, {@code 1MiB}: powers of 1024. */
    static long parseSize(String s) {
        String t = s.trim().toLowerCase(Locale.ROOT);
        long unit = 1;
        if (t.endsWith("kib") || t.endsWith("k")) {
            unit = 1024;
        } else if (t.endsWith("mib") || t.endsWith("m")) {
            unit = 1024 * 1024;
        }
        String number = t.replaceAll("(kib|mib|k|m|b)$", "");
        try {
            long v = Long.parseLong(number.trim());
            if (v < 0) {
                throw new IllegalArgumentException(s);
            }
            return v * unit;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(s);
        }
    }

    public static String help() {
        StringBuilder s = new StringBuilder();
        s.append("""
                Usage: java -jar herald-loadtest-all.jar <scenario> [options]
                       java -jar herald-loadtest-all.jar report [--out DIR] [RESULT.json|DIR ...]

                An SSE load generator for any server: subscriptions on java.nio, an open-loop publisher,
                bounded scenarios, JSON/Markdown/HTML reports. Loopback targets only.

                Scenarios:
                  idle       IdleConnections: hold N subscriptions; connect rate, server memory per connection
                  fanout     OneTopicManySubscribers: S subscribers x R events/s of B bytes (or --rate max):
                             delivered events/s, latency p50/p99/p999/max, server CPU s per million deliveries
                  single     SingleStream: one subscriber, --rate max, 64 B and 1 KiB events: events/s, latency
                  reconnect  ReconnectStorm: N subscribers drop at once (or their server is killed: --kill-pid)
                             and resume with Last-Event-ID (on another node: --resume-url) while publishing
                             goes on: loss, duplicates, time to recover
                  slow       SlowConsumers: K of N subscribers stop reading; healthy latency with them vs without
                             them (ratio, goal <= 1.10), server memory sampled each second
                  ladder     RateLadder: S subscribers (default 10,000), one step per rate of --rates (open loop;
                             max = --max-rate): offered, accepted, 503/429, delivered/s, delivery ratio, p50/p99,
                             cut-offs; the highest rate sustained (ratio >= 0.999, p99 <= 1 s, >= 99% accepted).
                             On a 503 the publisher counts it and goes on: no retry, no pause, Retry-After ignored
                  streams    PerRequestStreams: N concurrent POSTs, each answered with its own SSE stream of
                             --tokens tokens --token-interval apart and [DONE]; a finished stream is replaced at
                             once: time to first token p50/p99, inter-token gap p99 (tokens 6-51), server RSS, CPU
                  report     rebuild summary.md and report.html from result JSON files

                DURATION: 500ms, 30s, 2m. SIZE: 64, 4KiB, 1MiB. R: a number per second.
                """);
        String group = "";
        for (Spec spec : SPECS) {
            if (spec.hidden()) {
                continue;
            }
            if (!spec.group().equals(group)) {
                group = spec.group();
                s.append('\n').append(group).append(":\n");
            }
            String left = "  --" + spec.name() + (spec.arg() == null ? "" : " " + spec.arg());
            s.append(left);
            List<String> lines = wrap(spec.help(), 62);
            int col = 38;
            if (left.length() >= col) {
                s.append('\n').append(" ".repeat(col));
            } else {
                s.append(" ".repeat(col - left.length()));
            }
            for (int i = 0; i < lines.size(); i++) {
                if (i > 0) {
                    s.append(" ".repeat(col));
                }
                s.append(lines.get(i)).append('\n');
            }
        }
        return s.toString();
    }

    private static List<String> wrap(String text, int width) {
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        for (String word : text.split(" ")) {
            if (line.length() > 0 && line.length() + 1 + word.length() > width) {
                lines.add(line.toString());
                line.setLength(0);
            }
            if (line.length() > 0) {
                line.append(' ');
            }
            line.append(word);
        }
        if (line.length() > 0) {
            lines.add(line.toString());
        }
        return lines;
    }
}
