#!/usr/bin/env bash
# Heap per SSE stream, over HTTP/2 (h2c) or HTTP/1.1: starts the built server jar, opens the streams with Node
# (loadtest/compare/h2-clients.js), and compares the heap used after a full GC (jcmd) before and after.
#   loadtest/compare/h2-memory.sh h2 1000 1     # 1,000 h2c connections, one stream each
#   loadtest/compare/h2-memory.sh h2 10 100     # 10 h2c connections, 100 streams each
#   loadtest/compare/h2-memory.sh h1 1000 1     # 1,000 HTTP/1.1 connections, one stream each
# Build first: mvn -B -ntp -DskipTests package -pl protocol,server -am. Needs node and a JDK's jcmd.
set -euo pipefail
cd "$(dirname "$0")/../.."
. ops/lib/jdk.sh
MODE=$1 CONNS=$2 PER=$3
WORK=$(mktemp -d)
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$JAVA_HOME/bin/java" -Xms512m -Xmx512m -jar server/target/herald-server-0.1.0-SNAPSHOT-all.jar --host 127.0.0.1 \
    --port "$PORT" --max-connections-per-ip 0 --connect-rate-per-ip 0 --heartbeat 60s > "$WORK/server.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; rm -rf "$WORK"' EXIT
for _ in $(seq 1 100); do curl -s -o /dev/null "http://127.0.0.1:$PORT/health" && break; sleep 0.2; done
heap() { "$JAVA_HOME/bin/jcmd" $SERVER GC.run >/dev/null; sleep 0.5
         "$JAVA_HOME/bin/jcmd" $SERVER GC.heap_info | grep -o 'used [0-9]*K' | head -1 | grep -o '[0-9]*'; }
BEFORE=$(heap)
mkfifo "$WORK/in"
node loadtest/compare/h2-clients.js "$MODE" "$PORT" "$CONNS" "$PER" < "$WORK/in" > "$WORK/clients.log" 2>&1 &
CLIENTS=$!
exec 3>"$WORK/in"
for _ in $(seq 1 300); do grep -q READY "$WORK/clients.log" && break; sleep 0.2; done
sleep 1
AFTER=$(heap)
echo "$MODE connections=$CONNS streams/connection=$PER ready=$(grep -c READY "$WORK/clients.log") \
errors=$(grep -c ERR "$WORK/clients.log") heap KiB before=$BEFORE after=$AFTER \
B/stream=$(( (AFTER - BEFORE) * 1024 / (CONNS * PER) )) B/connection=$(( (AFTER - BEFORE) * 1024 / CONNS ))"
exec 3>&-
wait $CLIENTS 2>/dev/null || true
