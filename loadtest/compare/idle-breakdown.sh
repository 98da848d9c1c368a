#!/usr/bin/env bash
# Where Herald's RSS growth goes when a wave of idle SSE streams connects: the idle scenario's method (a warm-up
# round, a full GC, a baseline, N connections, a full GC, the reading), with the readings split up.
#
#   loadtest/compare/idle-breakdown.sh --jar server/target/herald-server-*-all.jar --out /tmp/breakdown \
#       --jvm-flags '-Xms64m -Xmx1g -XX:+UseG1GC'
#
# The server runs with the given flags plus -XX:NativeMemoryTracking=summary and -Xlog:gc:file=OUT/gc.log. At
# the baseline and while the N connections are held, idle-breakdown.py (next to this script) forces a full GC
# and reads /proc/PID/smaps (resident memory in the Java heap's address range, in other anonymous mappings, in
# files), NMT's committed memory per category, GC.heap_info and GC.class_histogram; it prints the deltas per
# connection as markdown into OUT/breakdown.md, together with the heap allocated during the wave (gc.log) and
# the connect time; then both readings once more after glibc's malloc_trim (jcmd System.trim_native_heap), which
# shows how much of the anonymous memory is malloc'd memory already freed. NMT costs some memory of its own: compare the RSS delta with compare.sh's, not as a figure
# of its own.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
N=15000
WARM=1000
PORT=27180
SOURCE_BLOCK=180
JAR=""
JVM_FLAGS="-Xms64m -Xmx1g -XX:+UseG1GC"
OUT=""
LOADTEST_JAR=""

usage() {
    cat <<'EOF'
Usage: loadtest/compare/idle-breakdown.sh --jar SERVER_JAR --out DIR [options]

  --jar JAR           the Herald server's fat jar
  --jvm-flags 'F'     its JVM flags (default '-Xms64m -Xmx1g -XX:+UseG1GC')
  --loadtest-jar JAR  the load generator (default loadtest/target/herald-loadtest-*-all.jar)
  --connections N     idle streams held (default 15000)
  --warmup W          warm-up round before the baseline (default 1000)
  --port P            the server's port on 127.0.0.1 (default 27180)
  --source-block K    streams bind to 127.0.K.2 and up (default 180)
  --out DIR           where the snapshots, gc.log, the server's log and breakdown.md go
  --help              print this and exit
EOF
}

while [ $# -gt 0 ]; do
    case "$1" in
        --jar) JAR=$2; shift 2 ;;
        --jvm-flags) JVM_FLAGS=$2; shift 2 ;;
        --loadtest-jar) LOADTEST_JAR=$2; shift 2 ;;
        --connections) N=$2; shift 2 ;;
        --warmup) WARM=$2; shift 2 ;;
        --port) PORT=$2; shift 2 ;;
        --source-block) SOURCE_BLOCK=$2; shift 2 ;;
        --out) OUT=$2; shift 2 ;;
        --help) usage; exit 0 ;;
        *) echo "idle-breakdown: unknown option '$1' (--help lists them)" >&2; exit 2 ;;
    esac
done
[ -n "$JAR" ] && [ -f "$JAR" ] || { echo "idle-breakdown: --jar: no such file: '$JAR'" >&2; exit 2; }
[ -n "$OUT" ] || { echo "idle-breakdown: --out DIR is required" >&2; exit 2; }
[ -n "$LOADTEST_JAR" ] || LOADTEST_JAR=$(ls loadtest/target/herald-loadtest-*-all.jar 2>/dev/null | head -n 1)
[ -n "$LOADTEST_JAR" ] && [ -f "$LOADTEST_JAR" ] || { echo "idle-breakdown: no load generator jar (--loadtest-jar)" >&2; exit 2; }

. "$ROOT/ops/lib/jdk.sh"
. "$ROOT/ops/lib/stack.sh"
mkdir -p "$OUT"
rm -f "$OUT/gc.log" "$OUT/before.json" "$OUT/after.json"
HELPER="$ROOT/loadtest/compare/idle-breakdown.py"
URL="http://127.0.0.1:$PORT/topics/idle"
sources() { echo "127.0.$SOURCE_BLOCK.$1-127.0.$SOURCE_BLOCK.$(($1 + N / 4000 + 1))"; }

if herald_port_open "$PORT"; then echo "idle-breakdown: 127.0.0.1:$PORT is in use (--port)" >&2; exit 1; fi
# shellcheck disable=SC2086
HERALD_MAX_CONNECTIONS_PER_IP=0 HERALD_CONNECT_RATE_PER_IP=0 java $JVM_FLAGS -XX:NativeMemoryTracking=summary \
    -Xlog:gc:file="$OUT/gc.log" -jar "$JAR" --host 127.0.0.1 --port "$PORT" >"$OUT/server.log" 2>&1 &
SERVER=$!
LOAD=""
cleanup() {
    [ -n "$LOAD" ] && kill "$LOAD" 2>/dev/null || true
    herald_stop_pid "$SERVER"
}
trap cleanup EXIT
herald_wait_listen "$SERVER" "$PORT" "$OUT/server.log"

echo "idle-breakdown: warm-up round of $WARM"
java -jar "$LOADTEST_JAR" idle --target herald --subscribe-url "$URL" --publish-url "$URL" --subscribers "$WARM" \
    --duration 1s --source-addresses "$(sources 2)" --out "$OUT/warmup" >"$OUT/warmup.log" 2>&1
sleep 3
python3 "$HELPER" snapshot "$SERVER" "$OUT" before
"$JAVA_HOME/bin/jcmd" "$SERVER" System.trim_native_heap | tail -n +2 >"$OUT/trim-before.txt"
python3 "$HELPER" snapshot "$SERVER" "$OUT" before-trimmed no-gc

echo "idle-breakdown: $N idle streams"
java -jar "$LOADTEST_JAR" idle --target herald --server-pid "$SERVER" --subscribe-url "$URL" --publish-url "$URL" \
    --subscribers "$N" --duration 60s --source-addresses "$(sources 100)" --out "$OUT/idle" >"$OUT/idle.log" 2>&1 &
LOAD=$!
for _ in $(seq 1 600); do                   # at most 120 s for all to stream
    grep -q "streams $N/$N" "$OUT/idle.log" 2>/dev/null && break
    kill -0 "$LOAD" 2>/dev/null || { echo "idle-breakdown: the load generator ended early:" >&2; tail -5 "$OUT/idle.log" >&2; exit 1; }
    sleep 0.2
done
sleep 5
python3 "$HELPER" snapshot "$SERVER" "$OUT" after
# What of the anonymous memory is malloc'd memory already freed that glibc keeps: give it back, read again.
"$JAVA_HOME/bin/jcmd" "$SERVER" System.trim_native_heap | tail -n +2 >"$OUT/trim-after.txt"
python3 "$HELPER" snapshot "$SERVER" "$OUT" after-trimmed no-gc
kill "$LOAD" 2>/dev/null || true
wait "$LOAD" 2>/dev/null || true
LOAD=""
{
    echo "# Idle breakdown: $N streams, \`$JVM_FLAGS\`"
    echo
    grep -o 'all [0-9,]* stream[^|]*' "$OUT/idle.log" | head -1 || true
    echo
    python3 "$HELPER" report "$OUT" "$N"
    echo
    echo "Both readings again right after \`jcmd PID System.trim_native_heap\` (glibc's malloc_trim gives freed malloc"
    echo "memory back to the OS; before: $(cat "$OUT/trim-before.txt"); after: $(cat "$OUT/trim-after.txt")):"
    echo
    python3 "$HELPER" report "$OUT" "$N" before-trimmed after-trimmed | sed -n '/^| what/,/^$/p'
} >"$OUT/breakdown.md"
cat "$OUT/breakdown.md"
