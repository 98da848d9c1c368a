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
#   ladder   at the max step, >= 99.9 % of the deliveries of accepted events made and no subscriber cut off; sustained
#            fan-out (the highest step with delivery ratio >= 0.999, p99 <= 1 s, >= 99 % of offered accepted) >= 10 x
#            the best peer's, in delivered events/s
#   streams  per-request streams: inter-token gap p99 <= the best peer's; time to first token p99 <= 0.5 x the best
#            peer's; server RSS (max over the window) <= the best peer's
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
    def sustained: (.step.deliveryRatio // -1) >= 0.999 and (.step.p99Micros // 1e18) <= 1000000
      and (.step.offeredPerSecond // 0) > 0 and .step.acceptedPerSecond >= 0.99 * .step.offeredPerSecond;
    def mib: if . == null then "n/a" else (. / 1048576 * 10 | round / 10 | tostring) + " MiB" end;
    def lower($h; $b; $f): { verdict: verdict(if $b == null or $h == null then null else $h <= $f * $b.v end),
      by: (if $b == null or $h == null or $b.v == 0 then "" else "Herald/\($b.k) = \(($h / $b.v * 100 | round) / 100) (goal <= \($f))" end) };
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
      elif $h.scenario == "ladder" and $h.parameters.rate == "max" then
        ($h.step) as $s
        | { goal: "ladder max step (\($h.parameters.offeredRate) events/s offered to \($h.parameters.subscribers) subscribers): >= 99.9 % of deliveries of accepted events, no subscriber cut off",
            herald: "ratio \($s.deliveryRatio), cut-offs \($s.serverCloses), gap signals \($s.gapSignals); accepted \($s.acceptedPerSecond | num)/s, 503 \($s.status503)",
            peers: ([peers($m)[] | "\(.key): ratio \(.value.step.deliveryRatio), cut-offs \(.value.step.serverCloses), accepted \(.value.step.acceptedPerSecond | num)/s"] | join("; ")),
            verdict: verdict(if $s.deliveryRatio == null then null
                             else $s.deliveryRatio >= 0.999 and $s.serverCloses == 0 and $s.gapSignals == 0 end),
            by: "" }
      elif $h.scenario == "streams" then
        ($h.parameters.streams) as $n
        | ($h.measured.interTokenGap.p99) as $gap | ($h.measured.timeToFirstToken.p99) as $ttfb
        | ($h.measured.serverRssMaxBytes) as $rss
        | ([peers($m)[] | {k: .key, v: .value.measured.interTokenGap.p99} | select(.v != null)] | min_by(.v)) as $bg
        | ([peers($m)[] | {k: .key, v: .value.measured.timeToFirstToken.p99} | select(.v != null)] | min_by(.v)) as $bt
        | ([peers($m)[] | {k: .key, v: .value.measured.serverRssMaxBytes} | select(.v != null)] | min_by(.v)) as $br
        | ({ goal: "per-request streams, inter-token gap p99 (tokens 6-51) at \($n) streams: <= the best peer",
             herald: "\($gap | ms)", peers: ([peers($m)[] | "\(.key): \(.value.measured.interTokenGap.p99 | ms)"] | join("; ")) }
             + lower($gap; $bg; 1)),
          ({ goal: "per-request streams, time to first token p99 at \($n) streams: <= 0.5 x the best peer",
             herald: "\($ttfb | ms)", peers: ([peers($m)[] | "\(.key): \(.value.measured.timeToFirstToken.p99 | ms)"] | join("; ")) }
             + lower($ttfb; $bt; 0.5)),
          ({ goal: "per-request streams, server RSS (max) at \($n) streams: <= the best peer",
             herald: "\($rss | mib)", peers: ([peers($m)[] | "\(.key): \(.value.measured.serverRssMaxBytes | mib)"] | join("; ")) }
             + lower($rss; $br; 1))
      else empty end ]
  + ( [ $runs | to_entries[] | select(.key | startswith("ladder ")) | .value | to_entries[] ]
      | group_by(.key) | map({k: .[0].key, steps: length, best: (map(.value | select(sustained)) | max_by(.step.offeredRate))})
      | (map(select(.k == "herald")) | first) as $hs
      | (map(select(.k != "herald" and .best != null)) | max_by(.best.step.deliveredPerSecond)) as $bp
      | if $hs == null or length < 2 then [] else
        [ { goal: "sustained fan-out (highest ladder step with ratio >= 0.999, p99 <= 1 s, >= 99 % accepted), delivered events/s: >= 10 x the best peer",
            herald: (if $hs.best == null then "none of \($hs.steps) steps" else "\($hs.best.step.rate) events/s: \($hs.best.step.deliveredPerSecond | num) delivered/s" end),
            peers: (map(select(.k != "herald")) | map("\(.k): " + (if .best == null then "none" else "\(.best.step.rate) (\(.best.step.deliveredPerSecond | num)/s)" end)) | join("; ")),
            verdict: verdict(if $hs.best == null then false elif $bp == null then true
                             else $hs.best.step.deliveredPerSecond >= 10 * $bp.best.step.deliveredPerSecond end),
            by: (if $hs.best == null or $bp == null then "" else "Herald/\($bp.k) = \(($hs.best.step.deliveredPerSecond / $bp.best.step.deliveredPerSecond * 10 | round) / 10) (goal 10)" end) } ]
        end )
  | "# Herald goals\n",
    "Latest result of each stack per run. RSS per connection is the server process tree'"'"'s RSS delta over the held",
    "connections (full GC before both readings for JVM servers); the kernel'"'"'s share (socket memory: Slab + TCP buffer",
    "pages, host-wide, halved since both ends are on this host) is reported beside it and not counted in the goal.\n",
    "| goal | Herald | peers | verdict | ratio / shortfall |",
    "| --- | --- | --- | --- | --- |",
    (.[] | "| \(.goal) | \(.herald) | \(.peers) | \(.verdict) | \(.by) |"),
    ""
' $files
