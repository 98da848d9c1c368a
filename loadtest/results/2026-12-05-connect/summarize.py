#!/usr/bin/env python3
"""Medians of this directory's runs: the connect rounds (connect*/rounds*.tsv) and compare.sh's idle and fanout
(cmp-<variant>-<n>/herald/*.json).  python3 loadtest/results/2026-12-05-connect/summarize.py"""
import collections
import glob
import json
import os
import re
import statistics

HERE = os.path.dirname(os.path.abspath(__file__))


def med(values):
    values = [v for v in values if v is not None]
    return (statistics.median(values), min(values), max(values)) if values else (None, None, None)


def connect_rounds():
    rows = []
    for path in sorted(glob.glob(os.path.join(HERE, "connect*", "rounds*.tsv"))):
        series = os.path.basename(os.path.dirname(path))
        for line in open(path):
            p = line.rstrip("\n").split("\t")
            if len(p) == 5:
                rate = None if p[2] in ("None", "fail") else float(p[2])
                rows.append((series, int(p[1]), p[0], rate, float(p[3]), float(p[4])))
    groups = collections.OrderedDict()
    for r in rows:
        later = r[0].startswith("connect-quiet")
        groups.setdefault("connect-quiet, connect-quiet2" if later else "connect, connect-rev, connect-mix", []).append(r)
    for group, grows in groups.items():
        print(f"## Connect rounds (15,000 at once after 1,000): {group}\n")
        print("| stack | runs | connects/s median (min-max) | runs that did not finish | server CPU s per run, median "
              "| load average |")
        print("| --- | --- | --- | --- | --- | --- |")
        stacks = collections.OrderedDict()
        for r in grows:
            stacks.setdefault(r[2], []).append(r)
        for stack, rs in stacks.items():
            m, lo, hi = med([r[3] for r in rs])
            c, _, _ = med([r[4] for r in rs])
            print(f"| {stack} | {len(rs)} | {m:,.0f} ({lo:,.0f}-{hi:,.0f}) | {sum(r[3] is None for r in rs)} | {c:.2f} | "
                  f"{min(r[5] for r in rs):.1f}-{max(r[5] for r in rs):.1f} |")
        rounds = collections.defaultdict(dict)
        for series, n, stack, rate, _, _ in grows:
            rounds[(series, n)][stack] = rate
        print()
        names = list(stacks)
        new = "herald-final" if "herald-final" in names else "herald-connect"
        for a, b in [(new, "herald-before"), (new, "nchan"), ("herald-before", "nchan"), (new, "netty-connect")]:
            v = [x[a] / x[b] for x in rounds.values() if x.get(a) and x.get(b)]
            if v:
                print(f"- {a} / {b}, per round: median {statistics.median(v):.2f}, {sorted(round(x, 2) for x in v)}")
        print()


def compare_runs():
    print("\n## compare.sh idle and fanout, Herald before and after (shipped JVM options)\n")
    by = collections.defaultdict(lambda: collections.defaultdict(list))
    for d in sorted(glob.glob(os.path.join(HERE, "cmp-*-[0-9]"))):
        variant = re.sub(r"-\d+$", "", os.path.basename(d))[4:]
        load = None
        host = os.path.join(d, "host.md")
        if os.path.exists(host):
            m = re.search(r"load (?:average )?before the run: ([\d.]+)", open(host).read())
            load = float(m.group(1)) if m else None
        by[variant]["load"].append(load)
        for f in glob.glob(os.path.join(d, "herald", "*.json")):
            j = json.load(open(f))
            if j["scenario"] == "idle":
                by[variant]["rss"].append(j["server"]["rssPerConnectionBytes"] / 1024)
                by[variant]["heap"].append(j["server"].get("heapPerConnectionBytes", 0) / 1024)
                by[variant]["idle_cps"].append(j["rates"]["connectsPerSecond"])
            elif j["scenario"] == "fanout":
                by[variant]["delivered"].append(j["measured"]["deliveredPerSecond"])
                by[variant]["cpu_per_m"].append(j["measured"]["serverCpuSecondsPerMillionDeliveries"])
                by[variant]["fan_connect"].append(j["connectSeconds"])
    names = [("rss", "idle: server RSS per connection, KiB", "{:.2f}"),
             ("heap", "idle: heap after GC per connection, KiB", "{:.2f}"),
             ("idle_cps", "idle: connects/s (paced at 5,000/s)", "{:,.0f}"),
             ("delivered", "fanout: delivered events/s, 10,000 x max, 64 B", "{:,.0f}"),
             ("cpu_per_m", "fanout: server CPU s per million deliveries", "{:.3f}"),
             ("fan_connect", "fanout: seconds to connect the 10,000 (paced)", "{:.2f}")]
    variants = sorted(by)
    print("| measure (median, runs) | " + " | ".join(variants) + " |")
    print("| --- | " + " | ".join("---" for _ in variants) + " |")
    for key, label, fmt in names:
        cells = []
        for v in variants:
            vals = by[v][key]
            if not vals:
                cells.append("-")
                continue
            cells.append(fmt.format(statistics.median(vals)) + " (" + ", ".join(fmt.format(x) for x in vals) + ")")
        print(f"| {label} | " + " | ".join(cells) + " |")
    print("| load average before each run | " + " | ".join(", ".join(str(x) for x in by[v]["load"]) for v in variants) + " |")


if __name__ == "__main__":
    connect_rounds()
    compare_runs()
