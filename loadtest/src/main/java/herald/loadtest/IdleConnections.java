package herald.loadtest;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code idle}: N subscriptions connect (paced at --connect-rate) and are held for --duration with nothing
 * published. Measures the connect rate achieved (N over the time until all streamed) and, given the server's
 * PID, its RSS before connecting and at the end of the hold: the delta over N is the server's memory per
 * connection. The kernel's socket memory (host-wide: both ends, on loopback) is reported beside it.
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
        return ctx.connectBoundNanos(subscribers(ctx)) + ctx.options.nanos("duration", "10s");
    }

    private static int subscribers(RunContext ctx) {
        return (int) ctx.options.integer("subscribers", 1000);
    }

    @Override
    public List<Map<String, Object>> run(RunContext ctx) {
        int n = subscribers(ctx);
        long hold = ctx.options.nanos("duration", "10s");
        Map<String, Object> parameters = new LinkedHashMap<>();
        parameters.put("subscribers", n);
        parameters.put("holdSeconds", hold / 1e9);
        Map<String, Object> result = ctx.result("idle", parameters);

        KernelMemory kernelBefore = KernelMemory.sample();
        ProcessTree.Sample before = ctx.server == null ? null : ctx.server.sample();
        try (SubscriberFleet fleet = ctx.newFleet(n)) {
            Monitor monitor = new Monitor(name(), fleet, ctx.server);
            double connectSeconds = Phases.connect(ctx, monitor, fleet, n, false, n);
            long connected = monitor.streaming();
            Window w = monitor.open("hold");
            monitor.runFor(hold, TimeUnit.SECONDS.toNanos(1));
            monitor.close(w);
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
            k.put("tcpSocketsDelta", kernelAfter.tcpSockets() - kernelBefore.tcpSockets());
            result.put("kernel", k);
            result.put("loadGenerator", Map.of("cpuSeconds", Latency.round(monitor.loadCpu() / 1e9),
                    "processes", monitor.fleet().processes()));
            result.put("elapsedSeconds", Latency.round(monitor.elapsedSeconds()));
            result.put("headline", headline(result));
        }
        return List.of(result);
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
        }
        return s;
    }
}
