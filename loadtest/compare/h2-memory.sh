#!/usr/bin/env bash
# Memory per idle SSE stream and per connection, over HTTP/2 (h2c) or HTTP/1.1: starts the built server jar with the
# JVM options Herald ships (herald_java_opts in ops/lib/jdk.sh; $JVM_FLAGS overrides them), opens the streams with
# Node (loadtest/compare/h2-clients.js), and compares the server's RSS and its heap used after a full GC (jcmd)
# before and after. The idle method of loadtest/README.md: a fresh server; a warm-up round (a tenth of the
# connections, the same shape, opened and closed); 3 s to settle; the first reading; the connections opened and held;
# 3 s to settle; the second reading. Kernel socket memory is not counted.
#   loadtest/compare/h2-memory.sh h2 10000 1     # 10,000 h2c connections, one stream each
#   loadtest/compare/h2-memory.sh h2 100 100     # 100 h2c connections, 100 streams each
#   loadtest/compare/h2-memory.sh h1 10000 1     # 10,000 HTTP/1.1 connections, one stream each
# Build first: mvn -B -ntp -DskipTests package -pl protocol,server -am. Needs node and a JDK's jcmd. Prints one line.
set -euo pipefail
cd "$(dirname "$0")/../.."
. ops/lib/jdk.sh
MODE=${1:-} CONNS=${2:-} PER=${3:-}
case "$MODE" in h1|h2) ;; *) echo "usage: $0 h1|h2 CONNECTIONS STREAMS_PER_CONNECTION" >&2; exit 2 ;; esac
for n in "$CONNS" "$PER"; do
    case "$n" in ''|*[!0-9]*|0) echo "h2-memory: not a positive number: '$n'" >&2; exit 2 ;; esac
done
[ "$MODE" = h2 ] || [ "$PER" -eq 1 ] || { echo "h2-memory: h1 carries one stream per connection" >&2; exit 2; }
[ "$PER" -le 100 ] || { echo "h2-memory: at most 100 streams a connection (Herald's --h2-max-streams)" >&2; exit 2; }
if [ "$(ulimit -Hn)" != unlimited ] && [ "$(ulimit -Hn)" -lt $((CONNS + 200)) ]; then
    echo "h2-memory: $CONNS connections need ulimit -Hn >= $((CONNS + 200))" >&2; exit 2
fi
ulimit -n "$(ulimit -Hn)"
JVM_FLAGS=${JVM_FLAGS:-$(herald_java_opts)}
WORK=$(mktemp -d)
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
# shellcheck disable=SC2086
"$JAVA_HOME/bin/java" $JVM_FLAGS -jar server/target/herald-server-0.1.0-SNAPSHOT-all.jar --host 127.0.0.1 \
    --port "$PORT" --max-connections-per-ip 0 --connect-rate-per-ip 0 --heartbeat 60s > "$WORK/server.log" 2>&1 &
SERVER=$!
CLIENTS=""
trap '[ -n "$CLIENTS" ] && kill $CLIENTS 2>/dev/null; kill $SERVER 2>/dev/null; rm -rf "$WORK"' EXIT
for _ in $(seq 1 100); do curl -s -o /dev/null "http://127.0.0.1:$PORT/health" && break; sleep 0.2; done
heap() { "$JAVA_HOME/bin/jcmd" $SERVER GC.run >/dev/null; sleep 0.5
         "$JAVA_HOME/bin/jcmd" $SERVER GC.heap_info | grep -o 'used [0-9]*K' | head -1 | grep -o '[0-9]*'; }
rss() { awk '/^VmRSS:/ {print $2}' /proc/$SERVER/status; }
# Opens CONNS x PER streams with the Node client, waits (at most 120 s) until all answered; the client holds them
# until its stdin (the fifo, fd 3) closes.
open_streams() {   # CONNS PER LOG
    rm -f "$WORK/in"; mkfifo "$WORK/in"
    node loadtest/compare/h2-clients.js "$MODE" "$PORT" "$1" "$2" < "$WORK/in" > "$3" 2>&1 &
    CLIENTS=$!
    exec 3>"$WORK/in"
    for _ in $(seq 1 600); do grep -q 'READY\|ERR' "$3" && break; sleep 0.2; done
}
close_streams() { exec 3>&-; wait "$CLIENTS" 2>/dev/null || true; CLIENTS=""; }

WARM=$(( (CONNS + 9) / 10 ))
open_streams "$WARM" "$PER" "$WORK/warmup.log"
close_streams
sleep 3
HEAP0=$(heap) RSS0=$(rss)
open_streams "$CONNS" "$PER" "$WORK/clients.log"
sleep 3
HEAP1=$(heap) RSS1=$(rss)
# Per stream and per connection over the streams that answered (all of them, unless ready=0).
STREAMS=$(sed -n 's/^\(OPENED\|READY\) //p' "$WORK/clients.log" | tail -1)
STREAMS=${STREAMS:-0}
[ "$STREAMS" -gt 0 ] || { echo "h2-memory: no stream answered; the end of the client's log:" >&2; tail -3 "$WORK/clients.log" >&2; exit 1; }
CONNS=$(( (STREAMS + PER - 1) / PER ))
echo "$MODE connections=$CONNS streams/connection=$PER warmup=$WARM ready=$(grep -c READY "$WORK/clients.log") \
errors=$(grep -c ERR "$WORK/clients.log") load=$(cut -d' ' -f1 /proc/loadavg) \
RSS KiB before=$RSS0 after=$RSS1 B/connection=$(( (RSS1 - RSS0) * 1024 / CONNS )) B/stream=$(( (RSS1 - RSS0) * 1024 / STREAMS )) \
heap KiB before=$HEAP0 after=$HEAP1 B/connection=$(( (HEAP1 - HEAP0) * 1024 / CONNS )) B/stream=$(( (HEAP1 - HEAP0) * 1024 / STREAMS ))"
close_streams
