package herald.loadtest.scenario;

import herald.loadtest.client.SubscriberFleet;
import herald.loadtest.probe.JvmProbe;
import herald.loadtest.probe.KernelMemory;
import herald.loadtest.probe.ProcessTree;
import herald.loadtest.report.ConnectRates;
import herald.loadtest.report.Connections;
import herald.loadtest.report.HeapAfterGc;
import herald.loadtest.report.Header;
import herald.loadtest.report.IdleKernel;
import herald.loadtest.report.IdleResult;
import herald.loadtest.report.IdleServer;
import herald.loadtest.report.Latency;
import herald.loadtest.report.ScenarioResult;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
    public List<ScenarioResult> run(RunContext ctx) {
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
        Header header = ctx.header("idle-" + n, parameters);
        IdleResult result;

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

            ConnectRates rates = new ConnectRates(connectSeconds < 0 ? null : Latency.round(connectSeconds),
                    connectSeconds <= 0 ? null : Latency.round(n / connectSeconds, 1));
            Optional<IdleServer> server = Optional.empty();
            if (before != null) {
                Optional<HeapAfterGc> heap = heapBefore >= 0 && heapAfter >= 0
                        ? Optional.of(new HeapAfterGc(heapBefore, heapAfter,
                                held == 0 ? null : (heapAfter - heapBefore) / held))
                        : Optional.empty();
                List<List<Long>> samples = w.rss.stream().map(p -> List.of(p[0], p[1])).toList();
                server = Optional.of(new IdleServer(before.rssBytes(), after.rssBytes(),
                        held == 0 ? null : (after.rssBytes() - before.rssBytes()) / held,
                        Latency.round((w.endServerCpu - w.startServerCpu) / 1e9), after.processes(), heap, samples));
            }
            long slab = kernelAfter.slabBytes() - kernelBefore.slabBytes();
            long tcp = kernelAfter.tcpBufferBytes() - kernelBefore.tcpBufferBytes();
            // both ends of each connection: the server's socket is about half (the client's is the same kind)
            IdleKernel kernel = new IdleKernel("host-wide, both ends of each loopback connection", tcp, slab,
                    held == 0 ? null : slab / held, held == 0 ? null : tcp / held,
                    held == 0 ? null : (slab + tcp) / held, held == 0 ? null : (slab + tcp) / 2 / held,
                    kernelAfter.tcpSockets() - kernelBefore.tcpSockets());
            Connections conns = new Connections(n, connected, held);
            result = new IdleResult(header, rates, conns, RunContext.counters(monitor.fleet()), server, kernel,
                    RunContext.loadGenerator(monitor), Latency.round(monitor.elapsedSeconds()),
                    headline(rates, conns, server, kernel));
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

    private static String headline(ConnectRates rates, Connections conns, Optional<IdleServer> server,
                                   IdleKernel kernel) {
        String s = String.format("%s/%s held, %s connects/s", conns.heldAtEnd(), conns.requested(),
                rates.connectsPerSecond());
        if (server.isPresent() && server.get().rssPerConnectionBytes() != null) {
            s += String.format(", server RSS %.2f KiB/connection", server.get().rssPerConnectionBytes() / 1024.0);
            Optional<HeapAfterGc> heap = server.get().heap();
            if (heap.isPresent() && heap.get().heapPerConnectionBytes() != null) {
                s += String.format(", heap after GC %.2f KiB/connection", heap.get().heapPerConnectionBytes() / 1024.0);
            }
        }
        if (kernel.serverShareBytesPerConnection() != null) {
            s += String.format(", kernel %.2f KiB/connection (server side, half of both ends)",
                    kernel.serverShareBytesPerConnection() / 1024.0);
        }
        return s;
    }
}
