package herald.loadtest.scenario;

import herald.loadtest.client.SubscriberFleet;
import herald.loadtest.probe.JvmProbe;
import herald.loadtest.probe.KernelMemory;
import herald.loadtest.probe.ProcessTree;
import herald.loadtest.report.Latency;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code idle}: N subscriptions connect (paced at --connect-rate) and are held for --duration with nothing
 * published. Measures the connect rate achieved (N over the time until all streamed) and, given the server's
 * PID, its RSS before connecting and at the end of the hold: the delta over N is the server's memory per
 * connection. The kernel's socket memory (host-wide: both ends, on loopback) is reported beside it.
 *
 * <p>Optional steps that make the readings comparable across servers: {@code --warmup-connections W} first runs
 * a round of W subscriptions that connect, stream and close (code paths warm, lazily built structures built),
 * then waits {@code --settle}; {@code --jvm-gc} (for JVM servers) forces a full GC right before the baseline and
 * right before the reading at the end of the hold, and reads the heap used after each ({@link JvmProbe}).
 */
final class IdleConnections implements Scenario {

    @Override
    public String name() {
        return "idle";
    }

    @Override
    public String topology() {
        return "IdleConnections";
    }

    @Override
    public long boundNanos(RunContext ctx) {
        long warm = ctx.options.integer("warmup-connections", 0);
        long round = warm == 0 ? 0 : ctx.connectBoundNanos(warm) + ctx.options.nanos("settle", Defaults.SETTLE)
                + TimeUnit.SECONDS.toNanos(2);
        long gc = ctx.options.has("jvm-gc") ? TimeUnit.SECONDS.toNanos(150) : 0;
        return round + gc + ctx.connectBoundNanos(subscribers(ctx)) + ctx.options.nanos("duration", Defaults.DURATION);
    }

    private static int subscribers(RunContext ctx) {
        return (int) ctx.options.integer("subscribers", Defaults.SUBSCRIBERS);
    }

    @Override
    public List<Map<String, Object>> run(RunContext ctx) {
        int n = subscribers(ctx);
        long hold = ctx.options.nanos("duration", Defaults.DURATION);
        Map<String, Object> parameters = new LinkedHashMap<>();
        parameters.put("subscribers", n);
        parameters.put("holdSeconds", hold / 1e9);
        int warm = (int) ctx.options.integer("warmup-connections", 0);
        long settle = ctx.options.nanos("settle", Defaults.SETTLE);
        boolean gc = ctx.options.has("jvm-gc") && ctx.server != null;
        parameters.put("warmupConnections", warm);
        parameters.put("settleSeconds", warm == 0 ? 0 : settle / 1e9);
        parameters.put("fullGcBeforeReadings", gc);
        Map<String, Object> result = ctx.result("idle-" + n, parameters);

        if (warm > 0) {
            warmupRound(ctx, warm, settle);
        }
        long heapBefore = gc ? gcAndHeap(ctx, "baseline") : -1;
        KernelMemory kernelBefore = KernelMemory.sample();
        ProcessTree.Sample before = ctx.server == null ? null : ctx.server.sample();
        try (SubscriberFleet fleet = ctx.newFleet(n)) {
            Monitor monitor = new Monitor(name(), fleet, ctx.server);
            double connectSeconds = Phases.connect(ctx, monitor, fleet, n, false, n);
            long connected = monitor.streaming();
            Window w = monitor.open("hold");
            monitor.runFor(hold, TimeUnit.SECONDS.toNanos(1));
            monitor.close(w);
            long heapAfter = gc ? gcAndHeap(ctx, "end of the hold") : -1;
            ProcessTree.Sample after = ctx.server == null ? null : ctx.server.sample();
            KernelMemory kernelAfter = KernelMemory.sample();
            long held = monitor.streaming();

            Map<String, Object> rates = new LinkedHashMap<>();
            rates.put("connectSeconds", connectSeconds < 0 ? null : Latency.round(connectSeconds));
            rates.put("connectsPerSecond", connectSeconds <= 0 ? null : Latency.round(n / connectSeconds, 1));
            result.put("rates", rates);
            Map<String, Object> conns = new LinkedHashMap<>();
            conns.put("requested", n);
            conns.put("connected", connected);
            conns.put("heldAtEnd", held);
            result.put("connections", conns);
            result.put("counts", RunContext.counters(monitor.fleet()));
            if (before != null) {
                Map<String, Object> s = new LinkedHashMap<>();
                s.put("rssBeforeBytes", before.rssBytes());
                s.put("rssAfterBytes", after.rssBytes());
                s.put("rssPerConnectionBytes", held == 0 ? null : (after.rssBytes() - before.rssBytes()) / held);
                s.put("cpuSecondsDuringHold", Latency.round((w.endServerCpu - w.startServerCpu) / 1e9));
                s.put("processes", after.processes());
                if (heapBefore >= 0 && heapAfter >= 0) {
                    s.put("heapUsedAfterGcBeforeBytes", heapBefore);
                    s.put("heapUsedAfterGcAfterBytes", heapAfter);
                    s.put("heapPerConnectionBytes", held == 0 ? null : (heapAfter - heapBefore) / held);
                }
                List<List<Long>> samples = w.rss.stream().map(p -> List.of(p[0], p[1])).toList();
                s.put("rssSamples", samples);
                result.put("server", s);
            }
            Map<String, Object> k = new LinkedHashMap<>();
            k.put("scope", "host-wide, both ends of each loopback connection");
            k.put("tcpBufferBytesDelta", kernelAfter.tcpBufferBytes() - kernelBefore.tcpBufferBytes());
            k.put("slabBytesDelta", kernelAfter.slabBytes() - kernelBefore.slabBytes());
            k.put("slabBytesPerConnection", held == 0 ? null
                    : (kernelAfter.slabBytes() - kernelBefore.slabBytes()) / held);
            k.put("tcpBufferBytesPerConnection", held == 0 ? null
                    : (kernelAfter.tcpBufferBytes() - kernelBefore.tcpBufferBytes()) / held);
            long kernelDelta = kernelAfter.slabBytes() - kernelBefore.slabBytes()
                    + kernelAfter.tcpBufferBytes() - kernelBefore.tcpBufferBytes();
            // both ends of each connection: the server's socket is about half (the client's is the same kind)
            k.put("bothEndsBytesPerConnection", held == 0 ? null : kernelDelta / held);
            k.put("serverShareBytesPerConnection", held == 0 ? null : kernelDelta / 2 / held);
            k.put("tcpSocketsDelta", kernelAfter.tcpSockets() - kernelBefore.tcpSockets());
            result.put("kernel", k);
            result.put("loadGenerator", Map.of("cpuSeconds", Latency.round(monitor.loadCpu() / 1e9),
                    "processes", monitor.fleet().processes()));
            result.put("elapsedSeconds", Latency.round(monitor.elapsedSeconds()));
            result.put("headline", headline(result));
        }
        return List.of(result);
    }

    /**
     * The warm-up round: {@code n} subscriptions connect, stream for a second and close; then {@code settle}
     * passes so the server has let go of them before the baseline is read.
     */
    private static void warmupRound(RunContext ctx, int n, long settle) {
        System.out.printf("[idle] warm-up round: %d subscription(s) connect, stream and close, then %.1f s%n", n,
                settle / 1e9);
        try (SubscriberFleet fleet = ctx.newFleet(n)) {
            Monitor monitor = new Monitor("idle-warmup", fleet, ctx.server);
            Phases.connect(ctx, monitor, fleet, n, false, n);
            monitor.runFor(TimeUnit.SECONDS.toNanos(1), TimeUnit.SECONDS.toNanos(1));
        }
        Monitor.sleep(settle);
    }

    /** Full GC in every server process, then the heap used (the live heap). */
    private static long gcAndHeap(RunContext ctx, String when) {
        long t = System.nanoTime();
        JvmProbe.fullGc(ctx.server.roots());
        long used = JvmProbe.heapUsedBytes(ctx.server.roots());
        System.out.printf("[idle] full GC before the %s reading: heap used %.1f MiB (%.1f s)%n", when,
                used / 1048576.0, (System.nanoTime() - t) / 1e9);
        Monitor.sleep(TimeUnit.MILLISECONDS.toNanos(500));
        return used;
    }

    @SuppressWarnings("unchecked")
    private static String headline(Map<String, Object> r) {
        Map<String, Object> rates = (Map<String, Object>) r.get("rates");
        Map<String, Object> conns = (Map<String, Object>) r.get("connections");
        Map<String, Object> server = (Map<String, Object>) r.get("server");
        String s = String.format("%s/%s held, %s connects/s", conns.get("heldAtEnd"), conns.get("requested"),
                rates.get("connectsPerSecond"));
        if (server != null && server.get("rssPerConnectionBytes") != null) {
            s += String.format(", server RSS %.2f KiB/connection",
                    ((Number) server.get("rssPerConnectionBytes")).doubleValue() / 1024);
            if (server.get("heapPerConnectionBytes") != null) {
                s += String.format(", heap after GC %.2f KiB/connection",
                        ((Number) server.get("heapPerConnectionBytes")).doubleValue() / 1024);
            }
        }
        Map<String, Object> kernel = (Map<String, Object>) r.get("kernel");
        if (kernel != null && kernel.get("serverShareBytesPerConnection") != null) {
            s += String.format(", kernel %.2f KiB/connection (server side, half of both ends)",
                    ((Number) kernel.get("serverShareBytesPerConnection")).doubleValue() / 1024);
        }
        return s;
    }
}
