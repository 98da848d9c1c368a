#!/usr/bin/env bash
# A reconnect storm across the nodes of a cluster: N subscribers stream from node A while events are published to
# node B; node A is killed (SIGKILL) and every subscriber reconnects to node B with Last-Event-ID while publishing
# to B goes on. Run once per stack, each with its own redis-server and two nodes on free loopback ports:
#
#   herald  two Herald processes with --redis (the topic is a Redis stream: B replays what A's clients missed)
#   node    two loadtest/peers/node/redis-broadcast.js processes (the seed's architecture: Redis pub/sub between
#           processes, no replay)
#
# Reports per stack: dropped, time until all stream again, time until all have caught up, lost events (gaps),
# duplicates, missing at the end, resumes. Every process it starts is ended by its PID at the end.
#
#   loadtest/compare/cluster-storm.sh                         # herald and node, 10,000 subscribers, 10 events/s
#   loadtest/compare/cluster-storm.sh --stacks herald --subscribers 1000 --drop client
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"

STACKS=herald,node
SUBSCRIBERS=10000
RATE=10
WARMUP=5s
RECOVER_TIMEOUT=30s
RECONNECT_DELAY=1s
DROP=kill
OUT=""
BUILD=yes
SUFFIX=""
SOURCE_BLOCK=210

usage() {
    cat <<'EOF'
Usage: loadtest/compare/cluster-storm.sh [options]

  --stacks LIST         herald, node or both (default herald,node)
  --subscribers N       subscribers on node A (default 10000)
  --rate R              events per second, published to node B all along (default 10)
  --warmup DURATION     streaming from A before the drop (default 5s)
  --recover-timeout D   give up waiting for recovery after this (default 30s)
  --reconnect-delay D   a subscriber reconnects this long after its stream ended (default 1s)
  --drop kill|client    kill: node A gets SIGKILL (default); client: the subscribers close their connections
                        and A stays up
  --source-block K      subscriptions bind to 127.0.K.2 and up (default 210)
  --out DIR             results directory (default loadtest/results/<YYYY-MM-DD>-cluster-storm)
  --no-build            use the jars already built
  --build-suffix S      build into <module>/target<S> and use the jars there
  --help                print this and exit
EOF
}

while [ $# -gt 0 ]; do
    case "$1" in
        --stacks) STACKS=$2; shift 2 ;;
        --subscribers) SUBSCRIBERS=$2; shift 2 ;;
        --rate) RATE=$2; shift 2 ;;
        --warmup) WARMUP=$2; shift 2 ;;
        --recover-timeout) RECOVER_TIMEOUT=$2; shift 2 ;;
        --reconnect-delay) RECONNECT_DELAY=$2; shift 2 ;;
        --drop) DROP=$2; shift 2 ;;
        --source-block) SOURCE_BLOCK=$2; shift 2 ;;
        --out) OUT=$2; shift 2 ;;
        --no-build) BUILD=no; shift ;;
        --build-suffix) SUFFIX=$2; shift 2 ;;
        --help|-h) usage; exit 0 ;;
        *) echo "cluster-storm: unknown option $1 (--help lists them)" >&2; exit 2 ;;
    esac
done
case "$SUBSCRIBERS" in ''|*[!0-9]*) echo "cluster-storm: --subscribers: not a whole number: $SUBSCRIBERS" >&2; exit 2 ;; esac
case "$DROP" in kill|client) ;; *) echo "cluster-storm: --drop must be kill or client, got $DROP" >&2; exit 2 ;; esac
for s in ${STACKS//,/ }; do
    case "$s" in herald|node) ;; *) echo "cluster-storm: unknown stack $s (herald, node)" >&2; exit 2 ;; esac
done
command -v redis-server >/dev/null || { echo "cluster-storm: redis-server is missing (apt-get install redis-server)" >&2; exit 1; }
if [[ ",$STACKS," == *,node,* ]]; then
    command -v node >/dev/null || { echo "cluster-storm: node is missing (apt-get install nodejs)" >&2; exit 1; }
fi

. "$ROOT/ops/lib/jdk.sh"
. "$ROOT/ops/lib/stack.sh"

[ -n "$OUT" ] || OUT="$ROOT/loadtest/results/$(date +%F)-cluster-storm"
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
LOG="$OUT/cluster-storm.log"
say() { echo "cluster-storm: $*" | tee -a "$LOG"; }

if [ "$BUILD" = yes ]; then
    say "building protocol, server, loadtest with JDK at $JAVA_HOME"
    herald_build protocol,server,loadtest "$SUFFIX" "$OUT/build.log" || exit 1
fi
SERVER_JAR=$(herald_jar "$ROOT" server "$SUFFIX")
LOADTEST_JAR=$(herald_jar "$ROOT" loadtest "$SUFFIX")
if [ -z "$SERVER_JAR" ] || [ -z "$LOADTEST_JAR" ]; then
    echo "cluster-storm: no server or load generator jar under */target$SUFFIX (the build failed, or --no-build)" >&2
    exit 1
fi
HERALD_JVM_FLAGS=${JVM_FLAGS:-$(herald_java_opts)}

# ---- processes, ended by PID ---------------------------------------------------------------------------------

PIDS=()
LOADTEST_PID=""
REDIS_DIR=""
stop_all() {
    if [ -n "$LOADTEST_PID" ] && kill -0 "$LOADTEST_PID" 2>/dev/null; then
        kill -TERM "$LOADTEST_PID" 2>/dev/null || true
        wait "$LOADTEST_PID" 2>/dev/null || true
    fi
    LOADTEST_PID=""
    local i
    for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do     # the nodes first, redis-server last
        herald_stop_pid "${PIDS[$i]}"
    done
    PIDS=()
    [ -z "$REDIS_DIR" ] || rm -rf "$REDIS_DIR"
    REDIS_DIR=""
}
trap stop_all EXIT
trap 'exit 130' INT TERM

# A free loopback port in 20000-30999 (below the ephemeral range), not one of those given.
free_port() {
    local p i
    for i in $(seq 1 200); do
        p=$((20000 + RANDOM % 11000))
        case " $* " in *" $p "*) continue ;; esac
        herald_port_open "$p" || { echo "$p"; return 0; }
    done
    echo "cluster-storm: no free port found" >&2
    return 1
}

run_stack() {
    local stack=$1 rport aport bport a b sub resume pub target
    rport=$(free_port); aport=$(free_port "$rport"); bport=$(free_port "$rport" "$aport")
    REDIS_DIR=$(mktemp -d /tmp/cluster-storm-redis.XXXXXX)
    redis-server --bind 127.0.0.1 --port "$rport" --save '' --appendonly no --dir "$REDIS_DIR" --daemonize no \
        --logfile "$OUT/$stack-redis.log" &
    PIDS+=($!)
    herald_wait_listen "$!" "$rport" "$OUT/$stack-redis.log" || return 1
    local i port log
    for i in a b; do
        if [ "$i" = a ]; then port=$aport; else port=$bport; fi
        log="$OUT/$stack-node-$i.log"
        case "$stack" in
            herald)
                # per-address limits off: one source address stands in for many clients
                # shellcheck disable=SC2086
                HERALD_MAX_CONNECTIONS_PER_IP=0 HERALD_CONNECT_RATE_PER_IP=0 \
                    java $HERALD_JVM_FLAGS -jar "$SERVER_JAR" --host 127.0.0.1 --port "$port" \
                    --redis "redis://127.0.0.1:$rport" >"$log" 2>&1 &
                ;;
            node)
                node "$ROOT/loadtest/peers/node/redis-broadcast.js" --host 127.0.0.1 --port "$port" \
                    --redis "redis://127.0.0.1:$rport" >"$log" 2>&1 &
                ;;
        esac
        PIDS+=($!)
        if [ "$i" = a ]; then a=$!; else b=$!; fi
        herald_wait_listen "$!" "$port" "$log" || return 1
    done
    case "$stack" in
        herald) sub="http://127.0.0.1:$aport/topics/storm"; resume="http://127.0.0.1:$bport/topics/storm"
                pub="http://127.0.0.1:$bport/topics/storm" ;;
        node) sub="http://127.0.0.1:$aport/sub/storm"; resume="http://127.0.0.1:$bport/sub/storm"
              pub="http://127.0.0.1:$bport/pub/storm" ;;
    esac
    target="cluster-$stack"
    local kill_args=()
    [ "$DROP" = kill ] && kill_args=(--kill-pid "$a")
    say "$stack: redis-server PID ${PIDS[0]} on :$rport, node A PID $a on :$aport, node B PID $b on :$bport;" \
        "drop: $DROP; load $(cut -d' ' -f1-3 /proc/loadavg)"
    local cmd=(java -jar "$LOADTEST_JAR" reconnect --target "$target" --server-pid "$b"
        --subscribe-url "$sub" --resume-url "$resume" --publish-url "$pub" "${kill_args[@]}"
        --subscribers "$SUBSCRIBERS" --rate "$RATE" --bytes 64 --warmup "$WARMUP" --recover-timeout "$RECOVER_TIMEOUT"
        --reconnect-delay "$RECONNECT_DELAY" --source-addresses "127.0.$SOURCE_BLOCK.2-127.0.$SOURCE_BLOCK.3"
        --out "$OUT/$stack")
    echo "${cmd[*]}" >>"$LOG"
    set +e
    "${cmd[@]}" > >(tee -a "$LOG") 2>&1 &
    LOADTEST_PID=$!
    wait "$LOADTEST_PID"
    local rc=$?
    LOADTEST_PID=""
    set -e
    say "$stack: load generator exit status $rc; load $(cut -d' ' -f1-3 /proc/loadavg)"
    if [ "$stack" = herald ] && command -v curl >/dev/null; then
        # node B's Redis round trips, tail reads and lag over the run (what the storm cost it), its cut-offs and gaps
        curl -s --max-time 5 "http://127.0.0.1:$bport/metrics" \
            | grep -E '^herald_(redis|slow_consumer_cutoffs|gaps)' >"$OUT/herald-node-b-metrics.txt" || true
    fi
    stop_all
    SOURCE_BLOCK=$((SOURCE_BLOCK + 1))      # the next stack's ports in TIME_WAIT stay out of the way
    return 0
}

for s in ${STACKS//,/ }; do
    run_stack "$s"
done

# ---- the numbers ------------------------------------------------------------------------------------------------

if command -v jq >/dev/null 2>&1; then
    {
        echo "# Reconnect storm across two nodes"
        echo
        echo "$SUBSCRIBERS subscribers on node A, $RATE events/s of 64 B published to node B all along; drop: $DROP" \
            "(kill: SIGKILL of node A; client: the subscribers close); every subscriber resumes on node B with" \
            "Last-Event-ID. Load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)."
        echo
        echo "| stack | dropped | all back (s) | all caught up (s) | lost events (gaps) | duplicates | missing at end | resumes | typed events |"
        echo "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"
        for s in ${STACKS//,/ }; do
            f=$(ls -t "$OUT/$s"/*-reconnect-*.json 2>/dev/null | head -1 || true)
            [ -n "$f" ] || { echo "| $s | no result | | | | | | | |"; continue; }
            jq -r --arg s "$s" '"| \($s) | \(.storm.dropped) | \(.storm.reconnectSeconds // "not all back") | \(.storm.recoverSeconds // "not caught up") | \(.counts.gapEvents) in \(.counts.gaps) gaps | \(.counts.duplicates) | \(.tail.missingEvents) | \(.storm.resumes) | \(.storm.typedEvents) |"' "$f"
        done
        if [ -s "$OUT/herald-node-b-metrics.txt" ]; then
            echo
            echo "Herald's node B, its \`herald_redis_*\`, \`herald_slow_consumer_cutoffs_total\` and \`herald_gaps_total\`" \
                "metrics after the storm:"
            echo
            echo '```'
            cat "$OUT/herald-node-b-metrics.txt"
            echo '```'
        fi
    } | tee "$OUT/cluster-storm.md"
fi
say "results in $OUT"
