#!/usr/bin/env bash
# c100k: 100,000+ concurrent SSE subscribers on this one host, held for at least 60 s, with a broadcast each second.
#
# This host caps every process at 20,000 open files (both socket ends count), so no single process can hold
# 100,000 connections: the script starts several Herald processes (each under 19,900 connections, one port each),
# and the load generator spreads its subscriptions over worker processes and loopback source addresses by itself.
# Herald has no cluster yet, so each broadcast is published to every Herald process (one event per second to each
# of them; every subscriber gets one event per second). Reports the connected count, delivered events per second,
# publish->receive latency percentiles, and memory per connection: the RSS of all Herald processes (delta over
# the connections, and total) and the kernel's socket memory (host-wide).
#
#   loadtest/compare/c100k.sh                                   # 6 x 17,000 = 102,000 subscribers, 60 s hold
#   loadtest/compare/c100k.sh --connections 10000 --processes 2 --hold 10s      # a small rehearsal
#
# On a host tuned per ops/TUNING.md (LimitNOFILE / ulimit -n raised above the connection count) one Herald
# process holds them all: --processes 1 (the script checks the open-file limit first). See loadtest/README.md,
# section "c100k".
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"

CONNECTIONS=102000
PROCESSES=6
HOLD=60s
WARMUP=5s
CONNECT_RATE=3000
BYTES=64
PORT_BASE=27100
SOURCE_BLOCK=200
HEAP="-Xms64m -Xmx256m"
JVM_EXTRA="-XX:+UseG1GC -XX:MaxDirectMemorySize=64m"
OUT=""
BUILD=yes
SUFFIX=""

usage() {
    cat <<'EOF'
Usage: loadtest/compare/c100k.sh [options]

  --connections N     subscribers in all (default 102000)
  --processes P       Herald processes; each holds N/P subscribers, which must stay under the open-file limit
                      minus 100 (default 6: 17,000 each on this host's 20,000-file limit)
  --hold DURATION     how long all subscribers are held while the broadcast runs, measured (default 60s)
  --warmup DURATION   broadcast before measuring (default 5s)
  --connect-rate R    new connections per second, over all generator processes (default 3000)
  --bytes B           event size (default 64)
  --heap 'FLAGS'      heap flags of each Herald process (default '-Xms64m -Xmx256m')
  --port-base P       Herald i listens on 127.0.0.1:P+i (default 27100)
  --source-block K    subscriptions bind to 127.0.K.2 and up, one address per 10,000 subscriptions plus one
                      (default 200; a block of its own, so ports other runs left in TIME_WAIT do not interfere)
  --out DIR           results directory (default loadtest/results/<YYYY-MM-DD>-c100k)
  --no-build          use the jars already built
  --build-suffix S    build into <module>/target<S> and use the jars there
  --help              print this and exit
EOF
}

while [ $# -gt 0 ]; do
    case "$1" in
        --connections) CONNECTIONS=$2; shift 2 ;;
        --processes) PROCESSES=$2; shift 2 ;;
        --hold) HOLD=$2; shift 2 ;;
        --warmup) WARMUP=$2; shift 2 ;;
        --connect-rate) CONNECT_RATE=$2; shift 2 ;;
        --bytes) BYTES=$2; shift 2 ;;
        --heap) HEAP=$2; shift 2 ;;
        --port-base) PORT_BASE=$2; shift 2 ;;
        --source-block) SOURCE_BLOCK=$2; shift 2 ;;
        --out) OUT=$2; shift 2 ;;
        --no-build) BUILD=no; shift ;;
        --build-suffix) SUFFIX=$2; shift 2 ;;
        --help|-h) usage; exit 0 ;;
        *) echo "c100k: unknown option $1 (--help lists them)" >&2; exit 2 ;;
    esac
done
for v in "$CONNECTIONS" "$PROCESSES" "$PORT_BASE" "$CONNECT_RATE"; do
    case "$v" in ''|*[!0-9]*) echo "c100k: not a whole number: $v" >&2; exit 2 ;; esac
done
[ "$PROCESSES" -ge 1 ] || { echo "c100k: --processes must be at least 1" >&2; exit 2; }

. "$ROOT/ops/lib/jdk.sh"
. "$ROOT/ops/lib/stack.sh"

[ -n "$OUT" ] || OUT="$ROOT/loadtest/results/$(date +%F)-c100k"
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
LOG="$OUT/c100k.log"
say() { echo "c100k: $*" | tee -a "$LOG"; }

# ---- the host -----------------------------------------------------------------------------------------------

PER=$(( (CONNECTIONS + PROCESSES - 1) / PROCESSES ))
NOFILE=$(ulimit -Hn)
[ "$NOFILE" = unlimited ] && NOFILE=1073741824
ulimit -n "$NOFILE" 2>/dev/null || true
SOMAXCONN=$(cat /proc/sys/net/core/somaxconn)
read -r PORT_LO PORT_HI </proc/sys/net/ipv4/ip_local_port_range
PORTS=$((PORT_HI - PORT_LO + 1))
FREE_KIB=$(awk '/MemAvailable/ {print $2}' /proc/meminfo)
ADDRESSES=$(( (CONNECTIONS + 9999) / 10000 + 1 ))
if [ "$ADDRESSES" -gt 253 ]; then
    echo "c100k: $CONNECTIONS subscriptions need more than one /24 of source addresses" >&2; exit 2
fi
SOURCES="127.0.$SOURCE_BLOCK.2-127.0.$SOURCE_BLOCK.$((ADDRESSES + 1))"
say "host: $(nproc) cores, $((FREE_KIB / 1048576)) GiB available, open files $(ulimit -Sn)/$NOFILE per process," \
    "somaxconn $SOMAXCONN, ephemeral ports $PORT_LO-$PORT_HI ($PORTS per source address)"
say "plan: $PROCESSES Herald process(es) x $PER subscribers; the generator binds to $ADDRESSES loopback source" \
    "address(es) ($SOURCES) over $(( (CONNECTIONS + 17999) / 18000 )) worker process(es)"
if [ "$PER" -gt $((NOFILE - 100)) ]; then
    echo "c100k: $PER connections per Herald process exceed the open-file limit ($NOFILE) minus 100." >&2
    echo "c100k: use more --processes here, or raise the limit as ops/TUNING.md shows (LimitNOFILE / ulimit -n," >&2
    echo "c100k: fs.nr_open) to run one process." >&2
    exit 2
fi
if [ "$PORTS" -lt 13000 ]; then
    echo "c100k: only $PORTS ephemeral ports per source address; the generator needs 12,000+ (widen ip_local_port_range)" >&2
    exit 2
fi
# Herald ~1 KiB heap + kernel ~10 KiB (both ends) + generator ~3 KiB per connection, plus a JVM per process
NEED_KIB=$((CONNECTIONS * 16 + (PROCESSES + CONNECTIONS / 18000 + 2) * 400 * 1024))
if [ "$FREE_KIB" -lt "$NEED_KIB" ]; then
    echo "c100k: $((FREE_KIB / 1024)) MiB available; plan for at least $((NEED_KIB / 1024)) MiB" >&2
    exit 2
fi
if [ "$SOMAXCONN" -lt 4096 ]; then
    say "note: net.core.somaxconn is $SOMAXCONN (Herald asks for --backlog 4096); connects may be retried"
fi

# ---- build ----------------------------------------------------------------------------------------------------

if [ "$BUILD" = yes ]; then
    say "building protocol, server, loadtest with JDK at $JAVA_HOME"
    herald_build protocol,server,loadtest "$SUFFIX" "$OUT/build.log" || exit 1
fi
SERVER_JAR=$(herald_jar "$ROOT" server "$SUFFIX")
LOADTEST_JAR=$(herald_jar "$ROOT" loadtest "$SUFFIX")
if [ -z "$SERVER_JAR" ] || [ -z "$LOADTEST_JAR" ]; then
    echo "c100k: no server or load generator jar under */target$SUFFIX (the build failed, or --no-build)" >&2
    exit 1
fi

# ---- Herald processes -----------------------------------------------------------------------------------------

PIDS=()
LOADTEST_PID=""
cleanup() {
    if [ -n "$LOADTEST_PID" ] && kill -0 "$LOADTEST_PID" 2>/dev/null; then
        kill -TERM "$LOADTEST_PID" 2>/dev/null || true      # its shutdown hook ends its workers
        wait "$LOADTEST_PID" 2>/dev/null || true
    fi
    local pid
    for pid in "${PIDS[@]}"; do
        kill -TERM "$pid" 2>/dev/null || true          # all at once, then each waited for
    done
    for pid in "${PIDS[@]}"; do
        herald_stop_pid "$pid"
    done
    PIDS=()
}
trap cleanup EXIT
trap 'exit 130' INT TERM

SUBS=()
for i in $(seq 0 $((PROCESSES - 1))); do
    port=$((PORT_BASE + i))
    if herald_port_open "$port"; then
        echo "c100k: 127.0.0.1:$port is in use; choose another --port-base" >&2
        exit 1
    fi
    # per-address limits off: the generator's source addresses stand in for many clients
    # shellcheck disable=SC2086
    HERALD_MAX_CONNECTIONS_PER_IP=0 HERALD_CONNECT_RATE_PER_IP=0 \
    java $HEAP $JVM_EXTRA -jar "$SERVER_JAR" --host 127.0.0.1 --port "$port" --backlog 4096 \
        --max-connections $((NOFILE - 64)) >"$OUT/herald-$i.log" 2>&1 &
    PIDS+=($!)
    SUBS+=("http://127.0.0.1:$port/topics/c100k")
done
for i in $(seq 0 $((PROCESSES - 1))); do
    port=$((PORT_BASE + i))
    herald_wait_listen "${PIDS[$i]}" "$port" "$OUT/herald-$i.log" || exit 1
done
URLS=$(IFS=,; echo "${SUBS[*]}")
PIDLIST=$(IFS=,; echo "${PIDS[*]}")
say "Herald x $PROCESSES: PIDs $PIDLIST, java $HEAP $JVM_EXTRA, ports $PORT_BASE-$((PORT_BASE + PROCESSES - 1))"
say "load before the run: $(cut -d' ' -f1-3 /proc/loadavg)"

# ---- the run --------------------------------------------------------------------------------------------------

START=$(date +%s)
set +e
java -jar "$LOADTEST_JAR" fanout --target c100k-herald-x$PROCESSES --server-pid "$PIDLIST" \
    --subscribe-url "$URLS" --publish-url "$URLS" --publish-connections 1 --pipeline 1 \
    --subscribers "$CONNECTIONS" --rate 1 --bytes "$BYTES" --warmup "$WARMUP" --duration "$HOLD" \
    --connect-rate "$CONNECT_RATE" --connect-timeout 30s --drain 10s --source-addresses "$SOURCES" --out "$OUT" \
    > >(tee -a "$LOG") 2>&1 &
LOADTEST_PID=$!
wait "$LOADTEST_PID"
rc=$?
LOADTEST_PID=""
set -e
ELAPSED=$(($(date +%s) - START))

# ---- the numbers ----------------------------------------------------------------------------------------------

RESULT=$(ls -t "$OUT"/*-c100k-herald-x"$PROCESSES"-fanout-*.json 2>/dev/null | head -1 || true)
if [ -n "$RESULT" ] && command -v jq >/dev/null 2>&1; then
    jq -r --arg p "$PROCESSES" --arg heap "$HEAP" --arg elapsed "$ELAPSED" '
      def kib: (. / 1024 * 100 | round / 100);
      def ms: (. / 1000 * 1000 | round / 1000);
      "# c100k: \(.parameters.subscribers) subscribers over \($p) Herald processes\n",
      "- date: \(.machine.date); \(.machine.cores) cores, \(.machine.cpu), kernel \(.machine.kernel), JDK \(.machine.jdk)",
      "- Herald: \($p) processes, java \($heap); broadcast: 1 event/s of \(.parameters.bytes) B to each process; hold \(.parameters.durationSeconds) s measured after \(.parameters.warmupSeconds) s",
      "- run time: \($elapsed) s (connecting included)\n",
      "| metric | value |",
      "| --- | --- |",
      "| subscribers requested | \(.parameters.subscribers) |",
      "| streaming at the end of the hold | \(.streamingAtEnd) |",
      "| time until all streamed (s) | \(.connectSeconds // "not all connected") |",
      "| delivered events/s (hold) | \(.measured.deliveredPerSecond) |",
      "| delivered events (hold) | \(.measured.deliveredEvents) |",
      "| publishes accepted/s (one per process per broadcast) | \(.measured.publishedPerSecond) |",
      "| events per subscriber per second (1 expected) | \(.measured.deliveredPerSecond / .streamingAtEnd * 1000 | round / 1000) |",
      "| latency p50 / p90 / p99 / p999 / max (ms) | \(.measured.latency.p50 | ms) / \(.measured.latency.p90 | ms) / \(.measured.latency.p99 | ms) / \(.measured.latency.p999 | ms) / \(.measured.latency.max | ms) |",
      "| gaps / duplicates / missing at the end | \(.counts.gaps) / \(.counts.duplicates) / \(.tail.missingEvents) |",
      "| Herald RSS, all processes: before connecting / at the end (MiB) | \(.server.rssBeforeConnectBytes / 1048576 | round) / \(.server.rssAtEndBytes / 1048576 | round) |",
      "| Herald RSS per connection: delta / total (KiB) | \(.server.rssPerConnectionBytes | kib) / \(.server.rssAtEndBytes / .streamingAtEnd | kib) |",
      "| kernel per connection, both ends / server half (KiB) | \(.kernel.bothEndsBytesPerConnection | kib) / \(.kernel.serverShareBytesPerConnection | kib) |",
      "| Herald CPU during the hold (% of one core, all processes) | \(.measured.serverCpuPercent) |",
      "| load generator CPU during the hold (s) | \(.measured.loadGeneratorCpuSeconds) |",
      ""
    ' "$RESULT" | tee "$OUT/c100k.md"
fi
say "done in $ELAPSED s; results in $OUT"
exit "$rc"
