#!/usr/bin/env python3
"""Turns a JMH results.json (run with -prof gc) into the Markdown tables of bench/README.md.

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


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "results.json")
