#!/usr/bin/env bash
# The connect-rate rounds of this directory: for each round, each stack in turn gets a fresh server and the load
# generator's idle scenario with no pacing (15,000 subscriptions at once after a warm-up round of 1,000), as in
# loadtest/RESULTS.md "Connect rate"; per run it writes the result JSON and the console, and appends one line to
# rounds.tsv: stack, round, connects/s, server CPU seconds over the whole run (all its processes), the load average.
#
#   loadtest/results/2026-12-05-connect/connect-rounds.sh OUT ROUNDS 'herald:-before herald:-connect nchan netty:-connect'
#
# herald:S runs server/target<S>'s jar with the JVM options Herald ships (ops/lib/jdk.sh), netty:S bench/target<S>'s
# peer with -Xms64m -Xmx1g -XX:+UseG1GC; the load generator is loadtest/target-connect's. Each run is bounded (300 s).
# WARMUP=N (default 1000) sets the warm-up round's size.
set -u
ROOT=$(cd "$(dirname "$0")/../../.." && pwd)
OUT=$1; ROUNDS=$2; STACKS=$3
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}; export PATH=$JAVA_HOME/bin:$PATH
# shellcheck disable=SC1091
. "$ROOT/ops/lib/jdk.sh"
HERALD_FLAGS=$(herald_java_opts)
LOADTEST=${LOADTEST:-$ROOT/loadtest/target-connect/herald-loadtest-0.1.0-SNAPSHOT-all.jar}
PORT=24480
BLOCK=100
mkdir -p "$OUT"
cpu_of() {   # utime+stime of a process and its children, in clock ticks
    local total=0 p
    for p in $1 $(pgrep -P "$1"); do
        total=$((total + $(awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null || echo 0)))
    done
    echo "$total"
}
for r in $(seq 1 "$ROUNDS"); do
    for spec in $STACKS; do
        stack=${spec%%:*}; suffix=${spec#*:}; [ "$suffix" = "$spec" ] && suffix=""
        BLOCK=$((BLOCK + 1)); PORT=$((PORT + 3))
        dir=$OUT/$stack$suffix-$r; mkdir -p "$dir"
        url=http://127.0.0.1:$PORT/sub/load-idle; pub=http://127.0.0.1:$PORT/pub/load-idle; ndir=""
        case $stack in
            herald)
                # shellcheck disable=SC2086
                HERALD_MAX_CONNECTIONS_PER_IP=0 HERALD_CONNECT_RATE_PER_IP=0 java $HERALD_FLAGS \
                    -jar "$ROOT"/server/target"$suffix"/herald-server-*-all.jar --host 127.0.0.1 --port $PORT \
                    >"$dir/server.log" 2>&1 &
                url=http://127.0.0.1:$PORT/topics/load-idle; pub=$url ;;
            netty)
                java -Xms64m -Xmx1g -XX:+UseG1GC -cp "$ROOT/bench/target$suffix/benchmarks.jar" \
                    herald.bench.peer.NettyBroadcastServer --host 127.0.0.1 --port $PORT --threads 2 >"$dir/server.log" 2>&1 & ;;
            nchan)
                ndir=$(mktemp -d /tmp/connect-nchan.XXXXXX); mkdir -p "$ndir/logs" "$ndir/tmp"
                sed "s/127\.0\.0\.1:8082/127.0.0.1:$PORT/" "$ROOT/loadtest/peers/nchan/nchan.conf" >"$ndir/nginx.conf"
                nginx -p "$ndir" -e "$ndir/logs/error.log" -c "$ndir/nginx.conf" -g 'daemon off;' >"$dir/server.log" 2>&1 & ;;
        esac
        pid=$!
        for _ in $(seq 1 150); do (echo >/dev/tcp/127.0.0.1/$PORT) 2>/dev/null && break; sleep 0.2; done
        load=$(awk '{print $1}' /proc/loadavg)
        cpu0=$(cpu_of $pid)
        timeout 300 java -jar "$LOADTEST" idle --subscribers 15000 --warmup-connections "${WARMUP:-1000}" --settle 2s \
            --connect-rate 0 --duration 2s --target "$stack" --server-pid $pid --subscribe-url "$url" \
            --publish-url "$pub" --source-addresses "127.0.$BLOCK.2-127.0.$BLOCK.6" --out "$dir" >"$dir/console.txt" 2>&1
        cpu1=$(cpu_of $pid)
        kill $pid; wait $pid 2>/dev/null
        [ -n "$ndir" ] && rm -rf "$ndir"
        rate=$(python3 -c "import json,glob; print(json.load(open(glob.glob('$dir/*-idle-15000.json')[0]))['rates']['connectsPerSecond'])" 2>/dev/null || echo fail)
        printf '%s\t%s\t%s\t%s\t%s\n' "$stack$suffix" "$r" "$rate" "$(echo "($cpu1 - $cpu0) / 100" | bc -l | cut -c1-5)" "$load" | tee -a "$OUT/rounds.tsv"
        rm -f "$dir"/report.html
        sleep 2
    done
done
