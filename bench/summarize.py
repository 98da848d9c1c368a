#!/usr/bin/env python3
"""Turns a JMH results.json (run with -prof gc) into the Markdown tables of bench/README.md (the protocol
benchmarks' tables, and for herald.bench.log / herald.bench.fanout the per-producer and ratio tables).

    python3 bench/summarize.py results.json
"""
import json
import sys


def main(path):
    with open(path) as f:
        runs = json.load(f)
    first = runs[0]
    print(f"JDK {first['jdkVersion']} ({first['vmName']} {first['vmVersion']}), "
          f"forks={first['forks']}, warmup={first['warmupIterations']}x{first['warmupTime']}, "
          f"measurement={first['measurementIterations']}x{first['measurementTime']}, "
          f"jvmArgs={' '.join(first['jvmArgs'])}\n")
    print("| Benchmark | Params | Score | Error (99.9%) | Unit | gc.alloc.rate.norm (B/op) |")
    print("|---|---|---:|---:|---|---:|")
    scores = {}
    for r in runs:
        name = r["benchmark"].rsplit(".", 2)
        short = f"{name[-2]}.{name[-1]}"
        params = ", ".join(f"{k}={v}" for k, v in r.get("params", {}).items())
        pm = r["primaryMetric"]
        alloc = r.get("secondaryMetrics", {}).get("gc.alloc.rate.norm")
        alloc_text = f"{float(alloc['score']):.1f} ± {float(alloc['scoreError']):.1f}" if alloc else "n/a"
        print(f"| {short} | {params} | {float(pm['score']):.1f} | ± {float(pm['scoreError']):.1f} | {pm['scoreUnit']} "
              f"| {alloc_text} |")
        scores[name[-1]] = pm["score"]

    pairs = [("GET (subscribe)", "heraldGet", "nettyGet"),
             ("POST (publish, 256 B body)", "heraldPost", "nettyPost"),
             ("2 pipelined POSTs", "heraldPipelinedPosts", "nettyPipelinedPosts")]
    if all(h in scores and n in scores for _, h, n in pairs):
        base = scores.get("nettyChannelBaseline")
        print("\n| Request | Herald ns/op | Netty ns/op | Herald/Netty throughput | "
              "same, Netty minus EmbeddedChannel baseline |")
        print("|---|---:|---:|---:|---:|")
        for label, h, n in pairs:
            adjusted = f"{(scores[n] - base) / scores[h]:.2f}x" if base else "n/a"
            print(f"| {label} | {scores[h]:.1f} | {scores[n]:.1f} | {scores[n] / scores[h]:.2f}x | {adjusted} |")

    log_tables(runs)
    fanout_table(runs)


LOG_PEERS = [("EventLogBenchmark", "Herald EventLog"), ("DisruptorBenchmark", "Disruptor"),
             ("MpscArrayQueueBenchmark", "JCTools MpscArrayQueue"), ("ArrayBlockingQueueBenchmark", "ArrayBlockingQueue")]


def metric(r, key):
    m = r.get("secondaryMetrics", {}).get(key)
    return (float(m["score"]), float(m["scoreError"])) if m else None


def log_tables(runs):
    """herald.bench.log: per producer count, consumed and published events/us and allocation, then ratios."""
    rows = {}
    for r in runs:
        cls, method = r["benchmark"].rsplit(".", 2)[-2:]
        if not method.startswith("producers"):
            continue
        n = method[len("producers"):]
        rows[(cls, n)] = (metric(r, "consume" + n), metric(r, "publish" + n), metric(r, "gc.alloc.rate.norm"))
    if not rows:
        return
    print("\n| Ring | Producers | consumed events/us | published events/us (sum) | B/op (publish + consume calls) |")
    print("|---|---:|---:|---:|---:|")
    for cls, label in LOG_PEERS:
        for n in ("1", "2", "4"):
            if (cls, n) in rows:
                c, p, a = rows[(cls, n)]
                print(f"| {label} | {n} | {c[0]:.2f} ± {c[1]:.2f} | {p[0]:.2f} ± {p[1]:.2f} | {a[0]:.3f} ± {a[1]:.3f} |")
    for r in runs:
        cls, method = r["benchmark"].rsplit(".", 2)[-2:]
        if cls == "EventLogBenchmark" and method in ("appendAlone", "encodeOnly"):
            pm, a = r["primaryMetric"], metric(r, "gc.alloc.rate.norm")
            print(f"| {cls}.{method} (1 thread) | - | {float(pm['score']):.2f} ± {float(pm['scoreError']):.2f} | | "
                  f"{a[0]:.3f} ± {a[1]:.3f} |")
    print("\nHerald/peer, consumed events/us (> 1: Herald moves more events per us):\n")
    print("| Producers | " + " | ".join(f"Herald / {label}" for _, label in LOG_PEERS[1:]) + " |")
    print("|---:|" + "---:|" * (len(LOG_PEERS) - 1))
    for n in ("1", "2", "4"):
        herald = rows.get(("EventLogBenchmark", n))
        if herald:
            cells = [f"{herald[0][0] / rows[(cls, n)][0][0]:.2f}x" if (cls, n) in rows else "n/a"
                     for cls, _ in LOG_PEERS[1:]]
            print(f"| {n} | " + " | ".join(cells) + " |")


def fanout_table(runs):
    """herald.bench.fanout: ns per delivery and bytes per delivery."""
    lines = []
    for r in runs:
        cls, method = r["benchmark"].rsplit(".", 2)[-2:]
        if cls in ("FanOutBenchmark", "FanOutSocketBenchmark"):
            pm, a = r["primaryMetric"], metric(r, "gc.alloc.rate.norm")
            lines.append(f"| {cls}.{method} | {float(pm['score']):.1f} ± {float(pm['scoreError']):.1f} | "
                         f"{a[0]:.3f} ± {a[1]:.3f} |")
    if lines:
        print("\n| Fan-out | ns per delivery | B per delivery |")
        print("|---|---:|---:|")
        print("\n".join(lines))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "results.json")
