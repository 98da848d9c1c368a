#!/usr/bin/env python3
"""Samples the host's kernel socket memory while a load run goes on, and says what one TCP connection costs.

  kernel-sample.py record OUT.tsv SECONDS      # every 0.5 s: /proc/net/sockstat, Slab, slab caches (root for those)
  kernel-sample.py report OUT.tsv              # per connection: baseline (fewest TCP sockets) vs hold (most)
  kernel-sample.py ss PORT                     # the buffers of the established sockets on local port PORT (ss -tm)

The readings are host-wide: other processes' sockets count too, so read them on a quiet host. On loopback both
ends of a connection are on this host; the server's half is half of the per-connection delta.
"""
import statistics, sys, time

CACHES = ["TCP", "TCPv6", "tcp_bind_bucket", "tcp_bind2_bucket", "eventpoll_pwq", "sock_inode_cache", "dentry", "filp", "eventpoll_epi", "skbuff_head_cache",
          "skbuff_small_head", "kmalloc-cg-1k", "kmalloc-cg-512", "kmalloc-cg-256", "kmalloc-cg-192",
          "kmalloc-cg-128", "kmalloc-cg-64", "kmalloc-cg-32", "kmalloc-1k", "kmalloc-512", "kmalloc-256",
          "kmalloc-192", "kmalloc-128", "kmalloc-64", "kmalloc-32"]


def sample():
    row = {"t": time.time()}
    for line in open("/proc/net/sockstat"):
        if line.startswith("TCP:"):
            f = line.split()[1:]
            for k, v in zip(f[0::2], f[1::2]):
                row["tcp_" + k] = int(v)
    for line in open("/proc/net/sockstat6"):
        if line.startswith("TCP6:"):
            row["tcp_inuse"] += int(line.split()[2])                # Java's sockets are AF_INET6 (dual stack)
    for line in open("/proc/meminfo"):
        if line.startswith("Slab:"):
            row["slab_bytes"] = int(line.split()[1]) * 1024
    try:
        for line in open("/proc/slabinfo"):
            f = line.split()
            if f and f[0] in CACHES:
                row["cache_" + f[0]] = int(f[1]) * int(f[3])     # active objects x object size
    except PermissionError:
        pass
    return row


def record(path, seconds):
    end = time.time() + seconds
    keys = None
    with open(path, "w") as out:
        while time.time() < end:
            row = sample()
            if keys is None:
                keys = list(row)
                out.write("\t".join(keys) + "\n")
            out.write("\t".join(str(row.get(k, "")) for k in keys) + "\n")
            out.flush()
            time.sleep(0.5)


def report(path):
    lines = [l.rstrip("\n").split("\t") for l in open(path)]
    keys, rows = lines[0], [dict(zip(lines[0], map(float, l))) for l in lines[1:] if len(l) == len(lines[0])]
    top = max(r["tcp_inuse"] for r in rows)
    low = min(r["tcp_inuse"] for r in rows)
    hold = [r for r in rows if r["tcp_inuse"] >= top - max(20, top * 0.002)]
    base = [r for r in rows if r["tcp_inuse"] <= low + 20 and r["t"] < hold[0]["t"]]
    conns = (statistics.median(r["tcp_inuse"] for r in hold) - statistics.median(r["tcp_inuse"] for r in base)) / 2
    print(f"samples: {len(base)} baseline (TCP in use ~{low:.0f}), {len(hold)} holding (~{top:.0f}); "
          f"connections (pairs): {conns:.0f}")
    print("| reading | per connection, both ends (B) | server's half (B) |")
    print("| --- | --- | --- |")
    for k in keys:
        if k in ("t", "tcp_inuse", "tcp_orphan", "tcp_tw", "tcp_alloc"):
            continue
        d = statistics.median(r[k] for r in hold) - statistics.median(r[k] for r in base)
        if k == "tcp_mem":
            d *= 4096                                        # pages
        if abs(d / conns) < 4 and k.startswith("cache_"):
            continue
        print(f"| {k} | {d / conns:,.0f} | {d / conns / 2:,.0f} |")


def skmem(port):
    """Sums ss's skmem fields (r: receive queue, t: send queue in flight, f: forward-allocated, w: queued) over the
    established sockets whose local port is PORT; one line."""
    import re, subprocess
    out = subprocess.run(["ss", "-tmnH", "state", "established", f"( sport = :{port} )"],
                         capture_output=True, text=True, check=True).stdout
    sums, count = {}, 0
    for m in re.finditer(r"skmem:\(([^)]*)\)", out):
        count += 1
        for field in m.group(1).split(","):
            k, v = re.match(r"([a-z]+)(\d+)", field).groups()
            sums[k] = sums.get(k, 0) + int(v)
    print(f"{time.strftime('%H:%M:%S')} sockets {count} " + " ".join(
        f"{k}={sums[k] / max(count, 1):.0f}" for k in ("r", "rb", "t", "tb", "f", "w", "o", "bl", "d") if k in sums)
        + " (bytes per socket)")


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "record":
        record(sys.argv[2], float(sys.argv[3]))
    elif len(sys.argv) == 3 and sys.argv[1] == "ss":
        skmem(sys.argv[2])
    elif len(sys.argv) == 3 and sys.argv[1] == "report":
        report(sys.argv[2])
    else:
        sys.exit(__doc__)
