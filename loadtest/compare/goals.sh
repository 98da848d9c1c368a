#!/usr/bin/env bash
# Herald's goals against its peers, from a compare.sh results directory: prints goals.md (Markdown) on stdout.
#
#   loadtest/compare/goals.sh loadtest/results/2026-11-24 > goals.md
#
# Reads <dir>/<stack>/*.json (the latest result per stack and run) with jq. The goals (loadtest/RESULTS.md):
#   idle     Herald's server RSS per idle connection <= 2 KiB above the kernel's share: the kernel's memory for the
#            socket is not counted (it is reported beside it, as is the heap used after GC per connection)
#   fanout   --rate max: Herald's delivered events/s >= 1.5 x the best peer's
#   latency  fanout at a fixed rate: Herald's p99 publish->receive latency <= the best peer's
#   single   Herald's events/s >= the best peer's, for each event size
set -euo pipefail
dir=${1:?usage: goals.sh RESULTS_DIR}
command -v jq >/dev/null 2>&1 || { echo "goals.sh: jq is missing (apt-get install jq)" >&2; exit 1; }

files=$(find "$dir" -mindepth 2 -maxdepth 2 -name '*.json' | sort)
if [ -z "$files" ]; then
    echo "No results in $dir."
    exit 0
fi

# shellcheck disable=SC2086
jq -s -r '
  # latest result per (scenario run, target); file names start with the run date, so input order is time order
  (reduce .[] as $r ({}; .[$r.scenario + " " + $r.run][$r.target.name] = $r)) as $runs
  | def kib: if . == null then "n/a" else (. / 1024 * 100 | round / 100 | tostring) + " KiB" end;
    def num: if . == null then "n/a" else (. * 10 | round / 10 | tostring) end;
    def ms: if . == null then "n/a" else (. / 1000 * 1000 | round / 1000 | tostring) + " ms" end;
    def peers($m): $m | to_entries | map(select(.key != "herald"));
    def verdict($ok): if $ok == null then "n/a" elif $ok then "**met**" else "**not met**" end;
  [ $runs | to_entries[] | .key as $k | .value as $m | select($m.herald != null)
    | ($m.herald) as $h
    | if $h.scenario == "idle" then
        ($h.server.rssPerConnectionBytes) as $rss
        | { goal: "idle memory per connection (\($h.parameters.subscribers) connections): Herald RSS <= 2 KiB above the kernel share",
            herald: "RSS \($rss | kib), heap after GC \($h.server.heapPerConnectionBytes | kib), kernel (server half) \($h.kernel.serverShareBytesPerConnection | kib)",
            peers: ([peers($m)[] | "\(.key): RSS \(.value.server.rssPerConnectionBytes | kib)" + (if .value.server.heapPerConnectionBytes != null then ", heap \(.value.server.heapPerConnectionBytes | kib)" else "" end)] | join("; ")),
            verdict: verdict(if $rss == null then null else $rss <= 2048 end),
            by: (if $rss == null then "" elif $rss <= 2048 then "" else "over by \(($rss - 2048) | kib)" end) }
      elif ($h.scenario == "fanout" and $h.parameters.rate == "max") or $h.scenario == "single" then
        ($h.measured.deliveredPerSecond) as $v
        | ([peers($m)[] | {k: .key, v: .value.measured.deliveredPerSecond} | select(.v != null)] | max_by(.v)) as $best
        | (if $h.scenario == "single" then 1 else 1.5 end) as $f
        | { goal: (if $h.scenario == "single" then "single-stream events/s (\($h.parameters.bytes) B): >= the best peer"
                   else "fan-out delivered events/s at \($h.parameters.subscribers) subscribers, max rate: >= 1.5 x the best peer" end),
            herald: "\($v | num)/s",
            peers: ([peers($m)[] | "\(.key): \(.value.measured.deliveredPerSecond | num)/s"] | join("; ")),
            verdict: verdict(if $best == null or $v == null then null else $v >= $f * $best.v end),
            by: (if $best == null or $v == null then "" else "Herald/\($best.k) = \(($v / $best.v * 100 | round) / 100) (goal \($f))" end) }
      elif $h.scenario == "fanout" then
        ($h.measured.latency.p99) as $v
        | ([peers($m)[] | {k: .key, v: .value.measured.latency.p99} | select(.v != null)] | min_by(.v)) as $best
        | { goal: "p99 publish->receive latency at \($h.parameters.subscribers) subscribers x \($h.parameters.rate) events/s: <= the best peer",
            herald: "p99 \($v | ms) (p50 \($h.measured.latency.p50 | ms), p999 \($h.measured.latency.p999 | ms))",
            peers: ([peers($m)[] | "\(.key): p99 \(.value.measured.latency.p99 | ms)"] | join("; ")),
            verdict: verdict(if $best == null or $v == null then null else $v <= $best.v end),
            by: (if $best == null or $v == null then "" else "Herald/\($best.k) = \(($v / $best.v * 100 | round) / 100) (goal <= 1)" end) }
      else empty end ]
  | "# Herald goals\n",
    "Latest result of each stack per run. RSS per connection is the server process tree'"'"'s RSS delta over the held",
    "connections (full GC before both readings for JVM servers); the kernel'"'"'s share (socket memory: Slab + TCP buffer",
    "pages, host-wide, halved since both ends are on this host) is reported beside it and not counted in the goal.\n",
    "| goal | Herald | peers | verdict | ratio / shortfall |",
    "| --- | --- | --- | --- | --- |",
    (.[] | "| \(.goal) | \(.herald) | \(.peers) | \(.verdict) | \(.by) |"),
    ""
' $files
