#!/usr/bin/env python3
"""The GC comparison's table from gc-<gc>-<round>/herald/*.json and the GC logs (run.sh gc): per GC, the median
over rounds (each round's value in brackets)."""
import glob, json, re, statistics, sys, os

def runs(gc):
    out = []
    for d in sorted(glob.glob(f"gc-{gc}-*")):
        r = {}
        for f in glob.glob(f"{d}/herald/*.json"):
            j = json.load(open(f))
            if j["scenario"] == "idle":
                r["rss"] = j["server"]["rssPerConnectionBytes"] / 1024
                r["heap"] = j["server"]["heapPerConnectionBytes"] / 1024
                r["idlecpu"] = j["server"]["cpuSecondsDuringHold"]
                r["connects"] = j["rates"]["connectsPerSecond"]
            elif j["scenario"] == "fanout":
                rate = j["parameters"]["rate"]
                m = j["measured"]
                r[f"cpu{rate}"] = m.get("serverCpuSecondsPerMillionDeliveries")
                r[f"del{rate}"] = m["deliveredPerSecond"]
                r[f"p99_{rate}"] = m["latency"]["p99"] / 1000
        pauses = []
        for log in glob.glob(f"{d}/gc-*.log"):
            for line in open(log):
                m = re.search(r"Pause (Young|Full|Remark|Cleanup).* (\d+\.\d+)ms", line)
                if m and "Diagnostic Command" not in line:          # not the full GCs the idle run asks for
                    pauses.append(float(m.group(2)))
        r["pauses"] = len(pauses)
        r["maxpause"] = max(pauses) if pauses else None
        out.append(r)
    return out

def cell(rs, k, fmt):
    vals = [r[k] for r in rs if r.get(k) is not None]
    if not vals:
        return "–"
    return fmt.format(statistics.median(vals)) + " (" + ", ".join(fmt.format(v) for v in vals) + ")"

rows = [("idle: RSS per connection, KiB", "rss", "{:.2f}"), ("idle: live heap per connection, KiB", "heap", "{:.2f}"),
        ("idle: CPU s in the 20 s hold", "idlecpu", "{:.2f}"), ("idle: connects/s", "connects", "{:,.0f}"),
        ("10 events/s: delivered/s", "del10", "{:,.0f}"), ("10 events/s: CPU s per M deliveries", "cpu10", "{:.2f}"),
        ("10 events/s: p99 ms", "p99_10", "{:,.0f}"),
        ("100 events/s: delivered/s", "del100", "{:,.0f}"), ("100 events/s: CPU s per M deliveries", "cpu100", "{:.2f}"),
        ("GC pauses in the three runs (not the forced full GCs)", "pauses", "{:.0f}"), ("longest pause, ms", "maxpause", "{:.1f}")]
gcs = sys.argv[1:] or ["g1", "zgc", "parallel"]
data = {gc: runs(gc) for gc in gcs}
print("| measure | " + " | ".join(gcs) + " |")
print("| --- |" + " --- |" * len(gcs))
for name, k, fmt in rows:
    print(f"| {name} | " + " | ".join(cell(data[gc], k, fmt) for gc in gcs) + " |")
