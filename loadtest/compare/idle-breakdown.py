#!/usr/bin/env python3
"""Where a JVM server's RSS growth over an idle connect wave goes: the helper of idle-breakdown.sh.

    idle-breakdown.py snapshot PID DIR NAME [no-gc]
                                               # a full GC (unless no-gc), then DIR/NAME.json: RSS by region,
                                               # NMT, heap, class histogram
    idle-breakdown.py report DIR CONNECTIONS [BEFORE AFTER]
                                               # compares DIR/before.json with DIR/after.json (or the two
                                               # snapshots named), prints markdown

A snapshot is taken right after a full GC (the script runs jcmd GC.run first). It reads /proc/PID/smaps and
splits the resident memory into the Java heap (the address range GC.heap_info prints), other anonymous memory
(malloc arenas, thread stacks, metaspace, code cache, GC structures) and file mappings (libjvm, the CDS archive,
jars); Native Memory Tracking's committed memory per category (the JVM must run with
-XX:NativeMemoryTracking=summary); the heap used and committed; and the class histogram of live objects.
"""
import json
import os
import re
import subprocess
import sys


def jcmd(pid, *command):
    exe = os.path.join(os.environ.get("JAVA_HOME", "/usr"), "bin", "jcmd")
    return subprocess.run([exe, str(pid), *command], capture_output=True, text=True, timeout=120).stdout


def heap_range(heap_info):
    m = re.search(r"\[(0x[0-9a-f]+), (0x[0-9a-f]+)\)", heap_info)
    return (int(m.group(1), 16), int(m.group(2), 16)) if m else None


def smaps(pid, heap):
    """Resident KiB: heap, other anonymous, file-backed."""
    out = {"heap": 0, "anon": 0, "file": 0}
    kind = None
    with open(f"/proc/{pid}/smaps") as f:
        for line in f:
            head = line.split()
            if re.match(r"^[0-9a-f]+-[0-9a-f]+ ", line):
                lo, hi = (int(x, 16) for x in head[0].split("-"))
                path = head[5] if len(head) > 5 else ""
                if heap and lo >= heap[0] and hi <= heap[1]:
                    kind = "heap"
                elif path.startswith("/"):
                    kind = "file"
                else:
                    kind = "anon"
            elif head and head[0] == "Rss:":
                out[kind] += int(head[1])
    return out


def nmt(pid):
    """Committed KiB per NMT category."""
    text = jcmd(pid, "VM.native_memory", "summary")
    out = {}
    for m in re.finditer(r"^-\s+(.+?) \(reserved=\d+KB, committed=(\d+)KB", text, re.M):
        out[m.group(1).strip()] = int(m.group(2))
    m = re.search(r"Total: reserved=\d+KB, committed=(\d+)KB", text)
    if m:
        out["Total"] = int(m.group(1))
    return out


def histogram(pid):
    """Live bytes and instances per class (after the full GC)."""
    out = {}
    for line in jcmd(pid, "GC.class_histogram").splitlines():
        m = re.match(r"\s*\d+:\s+(\d+)\s+(\d+)\s+(\S+)", line)
        if m:
            out[m.group(3)] = [int(m.group(1)), int(m.group(2))]
    return out


def status(pid):
    out = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(("VmRSS", "RssAnon", "RssFile", "Threads")):
                k, v = line.split(":")
                out[k] = int(v.split()[0])
    return out


def gc_pauses(directory):
    """The "xM->yM(zM)" of every collection in DIR/gc.log (-Xlog:gc), in order."""
    path = os.path.join(directory, "gc.log")
    if not os.path.exists(path):
        return []
    return [(int(m.group(1)), int(m.group(2))) for m in
            (re.search(r"Pause .* (\d+)M->(\d+)M\(\d+M\)", line) for line in open(path)) if m]


def snapshot(pid, directory, name, gc=True):
    if gc:
        jcmd(pid, "GC.run")
    info = jcmd(pid, "GC.heap_info")
    used = re.search(r"committed (\d+)K, used (\d+)K", info)
    snap = {
        "status": status(pid),
        "heapCommittedKiB": int(used.group(1)) if used else None,
        "heapUsedKiB": int(used.group(2)) if used else None,
        "rss": smaps(pid, heap_range(info)),
        "nmt": nmt(pid),
        "histogram": histogram(pid),
        "gcPauses": len(gc_pauses(directory)),
    }
    with open(os.path.join(directory, name + ".json"), "w") as f:
        json.dump(snap, f)
    print(f"{name}: VmRSS {snap['status']['VmRSS']} KiB, heap used {snap['heapUsedKiB']} KiB of "
          f"{snap['heapCommittedKiB']} KiB committed, resident {snap['rss']}")


def report(directory, n, before="before", after="after"):
    b = json.load(open(os.path.join(directory, before + ".json")))
    a = json.load(open(os.path.join(directory, after + ".json")))
    per = lambda kib: f"{kib * 1024 / n:,.0f}"
    print(f"Per connection ({n:,} held), bytes; deltas after minus before, both right after a full GC.\n")
    print("| what | delta KiB | bytes per connection |")
    print("| --- | --- | --- |")
    d = a["status"]["VmRSS"] - b["status"]["VmRSS"]
    print(f"| VmRSS | {d:,} | {per(d)} |")
    for k, label in (("heap", "resident in the Java heap range"), ("anon", "resident, other anonymous"),
                     ("file", "resident, file mappings")):
        d = a["rss"][k] - b["rss"][k]
        print(f"| {label} | {d:,} | {per(d)} |")
    for k, label in (("heapUsedKiB", "heap used (live)"), ("heapCommittedKiB", "heap committed")):
        d = a[k] - b[k]
        print(f"| {label} | {d:,} | {per(d)} |")
    pauses = gc_pauses(directory)[b["gcPauses"] - 1:a["gcPauses"]]
    if len(pauses) > 1:
        allocated = sum(pauses[i][0] - pauses[i - 1][1] for i in range(1, len(pauses)))
        print(f"| heap allocated (gc.log: each collection's before minus the previous one's after; "
              f"{len(pauses) - 2} collection(s) between the two full GCs) | {allocated * 1024:,} | "
              f"{per(allocated * 1024)} |")
    print("\nNative Memory Tracking, committed, categories that moved by 64 KiB or more:\n")
    print("| category | delta KiB | bytes per connection |")
    print("| --- | --- | --- |")
    for k in sorted(set(a["nmt"]) | set(b["nmt"]), key=lambda k: -(a["nmt"].get(k, 0) - b["nmt"].get(k, 0))):
        d = a["nmt"].get(k, 0) - b["nmt"].get(k, 0)
        if abs(d) >= 64:
            print(f"| {k} | {d:,} | {per(d)} |")
    print("\nLive heap by class (GC.class_histogram after the full GC), the 15 largest growths:\n")
    print("| class | instances per connection | bytes per connection |")
    print("| --- | --- | --- |")
    rows = []
    for cls in set(a["histogram"]) | set(b["histogram"]):
        ia, ba = a["histogram"].get(cls, [0, 0])
        ib, bb = b["histogram"].get(cls, [0, 0])
        rows.append((ba - bb, ia - ib, cls))
    rows.sort(reverse=True)
    total = sum(r[0] for r in rows)
    for db, di, cls in rows[:15]:
        print(f"| `{cls}` | {di / n:.2f} | {db / n:,.0f} |")
    print(f"| all classes | | {total / n:,.0f} |")


def main():
    if len(sys.argv) in (5, 6) and sys.argv[1] == "snapshot":
        snapshot(int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5:] != ["no-gc"])
    elif len(sys.argv) in (4, 6) and sys.argv[1] == "report":
        report(sys.argv[2], int(sys.argv[3]), *sys.argv[4:])
    else:
        print(__doc__, file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    main()
