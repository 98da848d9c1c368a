package herald.loadtest.scenario;

import herald.loadtest.client.FleetStatus;
import herald.loadtest.client.HttpUrl;
import herald.loadtest.client.SourceAddresses;
import herald.loadtest.client.StreamCounter;
import herald.loadtest.client.TokenStreamConfig;
import herald.loadtest.client.TokenStreams;
import herald.loadtest.probe.ProcessTree;
import herald.loadtest.report.Latency;
import herald.loadtest.report.LatencySummary;
import herald.loadtest.report.LoadGenerator;
import herald.loadtest.report.ScenarioResult;
import herald.loadtest.report.ServerWindow;
import herald.loadtest.report.StreamChecks;
import herald.loadtest.report.StreamsResult;
import herald.loadtest.report.StreamsWindow;

import org.HdrHistogram.Histogram;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * {@code streams}: the LLM shape. N concurrent POSTs to a stream handler, each answered with its own SSE stream of
 * {@code --tokens} tokens, {@code --token-interval} apart, then {@code data: [DONE]}; a slot whose stream ended
 * starts the next one at once (over a new connection: {@code Connection: close}), so N are in progress throughout.
 * After --warmup, measures for --duration: time to first token p50/p99, the inter-token gap p99 for tokens 6 to
 * N + 1 ({@code [DONE]}), streams completed and failed, the server's RSS and CPU. One run per value of
 * {@code --streams}.
 */
final class PerRequestStreams implements Scenario {
    static final String DEFAULT_URL = "http://127.0.0.1:8080/stream";
    private static final long DEFAULT_TOKENS = 50;
    private static final String DEFAULT_INTERVAL = "20ms";
    private static final long DRAIN_SLACK_NANOS = TimeUnit.SECONDS.toNanos(10);

    @Override
    public String name() {
        return "streams";
    }

    @Override
    public String topology() {
        return "PerRequestStreams";
    }

    static List<Integer> concurrency(Options options) {
        List<Integer> out = new ArrayList<>();
        for (String s : options.list("streams", "1000")) {
            try {
                int n = Integer.parseInt(s.replace("_", ""));
                if (n < 1 || n > 19_000) {
                    throw new NumberFormatException();
                }
                out.add(n);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--streams: a number of streams from 1 to 19000 (one process "
                        + "holds them): " + s);
            }
        }
        return out;
    }

    private static long streamNanos(RunContext ctx) {
        long tokens = ctx.options.integer("tokens", DEFAULT_TOKENS);
        return tokens * ctx.options.nanos("token-interval", DEFAULT_INTERVAL);
    }

    private static long streamTimeoutNanos(RunContext ctx) {
        return ctx.options.nanos("connect-timeout", Defaults.CONNECT_TIMEOUT) + 4 * streamNanos(ctx)
                + TimeUnit.SECONDS.toNanos(5);
    }

    @Override
    public long boundNanos(RunContext ctx) {
        long one = ctx.options.nanos("warmup", Defaults.WARMUP) + ctx.options.nanos("duration", Defaults.DURATION)
                + streamTimeoutNanos(ctx) + DRAIN_SLACK_NANOS;
        return one * concurrency(ctx.options).size();
    }

    @Override
    public List<ScenarioResult> run(RunContext ctx) {
        List<ScenarioResult> results = new ArrayList<>();
        for (int n : concurrency(ctx.options)) {
            results.add(runOnce(ctx, n));
        }
        return results;
    }

    private StreamsResult runOnce(RunContext ctx, int n) {
        HttpUrl url = HttpUrl.parse(ctx.options.string("stream-url", DEFAULT_URL)).resolvable("stream-url");
        long tokens = ctx.options.integer("tokens", DEFAULT_TOKENS);
        if (tokens < 1 || tokens > 100_000) {
            throw new IllegalArgumentException("--tokens: from 1 to 100000: " + tokens);
        }
        long interval = ctx.options.nanos("token-interval", DEFAULT_INTERVAL);
        long warmup = ctx.options.nanos("warmup", Defaults.WARMUP);
        long duration = ctx.options.nanos("duration", Defaults.DURATION);
        TokenStreamConfig config = new TokenStreamConfig(url, ctx.options.repeated("publish-header"),
                SourceAddresses.parse(ctx.options.string("source-addresses", "auto"), n),
                (int) Math.max(1, ctx.options.integer("threads", Defaults.THREADS)), (int) tokens,
                TimeUnit.NANOSECONDS.toMillis(interval), ctx.options.nanos("connect-timeout", Defaults.CONNECT_TIMEOUT),
                streamTimeoutNanos(ctx), ctx.deadlineNanos);
        Map<String, Object> parameters = new LinkedHashMap<>();
        parameters.put("streams", n);
        parameters.put("tokens", tokens);
        parameters.put("tokenIntervalMillis", interval / 1e6);
        parameters.put("streamUrl", url.text());
        parameters.put("warmupSeconds", warmup / 1e9);
        parameters.put("durationSeconds", duration / 1e9);
        String run = name() + "-" + n + "x" + tokens + "@" + interval / 1_000_000 + "ms";
        System.out.printf("[streams] %s: %d concurrent streams of %d tokens %d ms apart, POST %s; warmup %.1f s, "
                        + "measure %.1f s%n", ctx.target, n, tokens, interval / 1_000_000, url.text(), warmup / 1e9,
                duration / 1e9);

        long t0 = System.nanoTime();
        long cpu0 = ProcessTree.selfCpuNanos();
        ProcessTree.Sample serverBefore = ctx.server == null ? null : ctx.server.sample();
        Poller poller = new Poller(ctx.server, t0, url.text());
        try (TokenStreams streams = new TokenStreams(config, n, streamNanos(ctx) + interval)) {
            poller.streams = streams;
            poller.runFor(warmup, t0, n);
            Poller.Window w = poller.open();
            poller.runFor(duration, t0, n);
            poller.close(w);
            streams.quiesce();
            long drainEnd = System.nanoTime() + streamTimeoutNanos(ctx);
            while (poller.last.get(StreamCounter.ACTIVE) > 0 && System.nanoTime() - drainEnd < 0) {
                poller.runFor(TimeUnit.MILLISECONDS.toNanos(250), t0, n);
            }
            TokenStreams.Status end = poller.last;
            Map<String, Long> counts = new LinkedHashMap<>();
            for (StreamCounter c : StreamCounter.ALL) {
                counts.put(c.key(), end.get(c));
            }
            StreamsWindow measured = w.summary(serverBefore);
            long failures = failures(end);
            StreamChecks checks = new StreamChecks(failures == 0, end.get(StreamCounter.WRONG_TOKEN_COUNT) == 0);
            return new StreamsResult(ctx.header(run, parameters), measured, counts,
                    new LoadGenerator(Latency.round((ProcessTree.selfCpuNanos() - cpu0) / 1e9), 1), checks,
                    Latency.round((System.nanoTime() - t0) / 1e9), headline(measured));
        }
    }

    static long failures(TokenStreams.Status s) {
        return s.get(StreamCounter.CONNECT_FAILURES) + s.get(StreamCounter.TIMEOUTS) + s.get(StreamCounter.NOT_200)
                + s.get(StreamCounter.ENDED_EARLY) + s.get(StreamCounter.WRONG_TOKEN_COUNT)
                + s.get(StreamCounter.PROTOCOL_ERRORS);
    }

    static String headline(StreamsWindow m) {
        return String.format("%.1f concurrent (%.1f streaming), %.0f streams/s completed, %.0f tokens/s, %d failed; "
                        + "time to first token p50 %s p99 %s; inter-token gap (tokens 6+) p50 %s p99 %s%s",
                m.concurrentAverage(), m.streamingAverage(), m.completedPerSecond(), m.tokensPerSecond(), m.failures(), ms(m.timeToFirstToken(), 50), ms(m.timeToFirstToken(), 99),
                ms(m.interTokenGap(), 50), ms(m.interTokenGap(), 99), m.server().map(s -> String.format(
                        "; server CPU %.0f%%, RSS max %.0f MiB", s.serverCpuPercent(),
                        s.serverRssMaxBytes() / 1048576.0)).orElse(""));
    }

    private static String ms(LatencySummary l, int percentile) {
        return l.distribution().map(d -> Latency.human((long) ((percentile == 50 ? d.p50() : d.p99()) * 1000)))
                .orElse("n/a");
    }

    /** Polls the streams and the server, prints a progress line each second, and keeps the measured window. */
    private static final class Poller {
        final ProcessTree server;
        final long t0;
        final String url;
        TokenStreams streams;
        TokenStreams.Status last;
        Window window;
        long lastPrint;
        long lastCompleted;
        long lastServerCpu = -1;
        Histogram sincePrintTtfb = FleetStatus.newHistogram();
        Histogram sincePrintGaps = FleetStatus.newHistogram();

        Poller(ProcessTree server, long t0, String url) {
            this.server = server;
            this.url = url;
            this.t0 = t0;
            this.lastPrint = t0;
        }

        /** The measured window. */
        final class Window {
            final long start = System.nanoTime();
            final long[] startCounters = last.counters().clone();
            final long startCpu = ProcessTree.selfCpuNanos();
            final ProcessTree.Sample startServer = server == null ? null : server.sample();
            final Histogram ttfb = FleetStatus.newHistogram();
            final Histogram gaps = FleetStatus.newHistogram();
            final List<List<Long>> rss = new ArrayList<>();
            long activeSum;
            long streamingSum;
            long polls;
            long end;
            long[] endCounters;
            long endCpu;
            ProcessTree.Sample endServer;

            long delta(StreamCounter c) {
                return endCounters[c.ordinal()] - startCounters[c.ordinal()];
            }

            StreamsWindow summary(ProcessTree.Sample before) {
                double s = (end - start) / 1e9;
                long failed = delta(StreamCounter.CONNECT_FAILURES) + delta(StreamCounter.TIMEOUTS)
                        + delta(StreamCounter.NOT_200) + delta(StreamCounter.ENDED_EARLY)
                        + delta(StreamCounter.WRONG_TOKEN_COUNT) + delta(StreamCounter.PROTOCOL_ERRORS);
                Optional<ServerWindow> sw = Optional.empty();
                if (startServer != null && endServer != null) {
                    double cpu = (endServer.cpuNanos() - startServer.cpuNanos()) / 1e9;
                    long max = Math.max(startServer.rssBytes(), endServer.rssBytes());
                    for (List<Long> p : rss) {
                        max = Math.max(max, p.get(1));
                    }
                    // RSS growth is reported from before the streams started (the server's idle size) to the end
                    sw = Optional.of(new ServerWindow(Latency.round(cpu), Latency.round(100 * cpu / s, 1), null,
                            before == null ? startServer.rssBytes() : before.rssBytes(), endServer.rssBytes(), max,
                            0, rss));
                }
                return new StreamsWindow(Latency.round(s), Latency.round(polls == 0 ? 0 : (double) activeSum / polls,
                        1), Latency.round(polls == 0 ? 0 : (double) streamingSum / polls, 1), delta(StreamCounter.STARTED), delta(StreamCounter.COMPLETED),
                        Latency.round(delta(StreamCounter.COMPLETED) / s, 1),
                        Latency.round(delta(StreamCounter.TOKENS) / s, 1), failed, LatencySummary.of(ttfb),
                        LatencySummary.of(gaps), Latency.round((endCpu - startCpu) / 1e9), sw);
            }
        }

        Window open() {
            poll(Integer.MAX_VALUE);
            window = new Window();
            return window;
        }

        void close(Window w) {
            poll(Integer.MAX_VALUE);
            window = null;
            w.end = System.nanoTime();
            w.endCounters = last.counters().clone();
            w.endCpu = ProcessTree.selfCpuNanos();
            w.endServer = server == null ? null : server.sample();
        }

        void runFor(long nanos, long t0, int n) {
            long end = System.nanoTime() + nanos;
            while (true) {
                long left = end - System.nanoTime();
                if (left <= 0) {
                    poll(n);
                    return;
                }
                Monitor.sleep(Math.min(left, Phases.POLL_NANOS));
                poll(n);
            }
        }

        void poll(int n) {
            TokenStreams.Status s = streams.status();
            last = s;
            if (window != null) {
                window.ttfb.add(s.timeToFirstToken());
                window.gaps.add(s.gaps());
                window.activeSum += s.get(StreamCounter.ACTIVE);
                window.streamingSum += s.get(StreamCounter.STREAMING);
                window.polls++;
            }
            sincePrintTtfb.add(s.timeToFirstToken());
            sincePrintGaps.add(s.gaps());
            long now = System.nanoTime();
            if (n != Integer.MAX_VALUE && now - t0 > TimeUnit.SECONDS.toNanos(3) && s.get(StreamCounter.TOKENS) == 0
                    && failures(s) >= n) {
                throw new IllegalStateException(String.format("no stream from %s delivered a token in %.1f s "
                                + "(connect failures %d, timeouts %d, not 200 %d, ended early %d, protocol errors %d)",
                        url, (now - t0) / 1e9, s.get(StreamCounter.CONNECT_FAILURES),
                        s.get(StreamCounter.TIMEOUTS), s.get(StreamCounter.NOT_200),
                        s.get(StreamCounter.ENDED_EARLY), s.get(StreamCounter.PROTOCOL_ERRORS)));
            }
            if (now - lastPrint >= TimeUnit.SECONDS.toNanos(1)) {
                print(now, s);
            }
        }

        private void print(long now, TokenStreams.Status s) {
            double dt = (now - lastPrint) / 1e9;
            StringBuilder line = new StringBuilder(160);
            line.append(String.format("[streams %5.1fs] active %d | done %.0f/s", (now - t0) / 1e9,
                    s.get(StreamCounter.ACTIVE), (s.get(StreamCounter.COMPLETED) - lastCompleted) / dt));
            lastCompleted = s.get(StreamCounter.COMPLETED);
            if (sincePrintTtfb.getTotalCount() > 0) {
                line.append(" | ttfb p50 ").append(Latency.human(sincePrintTtfb.getValueAtPercentile(50)))
                        .append(" p99 ").append(Latency.human(sincePrintTtfb.getValueAtPercentile(99)));
            }
            if (sincePrintGaps.getTotalCount() > 0) {
                line.append(" | gap p50 ").append(Latency.human(sincePrintGaps.getValueAtPercentile(50)))
                        .append(" p99 ").append(Latency.human(sincePrintGaps.getValueAtPercentile(99)));
            }
            sincePrintTtfb.reset();
            sincePrintGaps.reset();
            long failed = failures(s);
            if (failed > 0) {
                line.append(" | failed ").append(failed);
            }
            if (server != null) {
                ProcessTree.Sample sample = server.sample();
                if (window != null) {
                    window.rss.add(List.of((sample.nanoTime() - window.start) / 1_000_000, sample.rssBytes()));
                }
                line.append(String.format(" | server %.0f MiB", sample.rssBytes() / 1048576.0));
                if (lastServerCpu >= 0) {
                    line.append(String.format(" cpu %.0f%%", 100.0 * (sample.cpuNanos() - lastServerCpu) / (dt * 1e9)));
                }
                lastServerCpu = sample.cpuNanos();
            }
            System.out.println(line);
            lastPrint = now;
        }
    }
}
