#!/usr/bin/env python3
"""Where a JVM server's heap allocation goes, from a JFR recording's allocation samples.

    java -XX:StartFlightRecording=settings=profile,filename=server.jfr -jar ... &   # the server
    ... run a load (e.g. the load generator's idle scenario) ...
    jcmd PID JFR.dump filename=server.jfr
    jfr print --json --events jdk.ObjectAllocationSample server.jfr > samples.json
    loadtest/compare/alloc-sites.py samples.json [TOP]

Prints the share of the sampled weight per (allocated class, allocating frame, first frame in herald code).
JFR's weights are estimates: read the shares, not the absolute bytes.
"""
import collections
import json
import sys


def frame_name(frame):
    method = frame["method"]
    return method["type"]["name"].split("/")[-1] + "." + method["name"]


def main():
    events = json.load(open(sys.argv[1]))["recording"]["events"]
    top = int(sys.argv[2]) if len(sys.argv) > 2 else 25
    total = 0
    sites = collections.Counter()
    for event in events:
        values = event["values"]
        weight = values["weight"]
        total += weight
        frames = values["stackTrace"]["frames"] if values.get("stackTrace") else []
        first = frame_name(frames[0]) if frames else "-"
        herald = next((frame_name(f) for f in frames if "herald" in f["method"]["type"]["name"]), "-")
        sites[(values["objectClass"]["name"], first, herald)] += weight
    print(f"{len(events)} samples, {total / 2**20:.1f} MiB sampled weight")
    for (cls, first, herald), weight in sites.most_common(top):
        print(f"{100 * weight / total:5.1f} %  {cls}  at {first}  (herald: {herald})")


if __name__ == "__main__":
    main()
