#!/usr/bin/env bash
# Fan-out to 1,000 SSE streams over HTTP/2 against HTTP/1.1 and against nginx terminating h2 in front of Herald, in
# one run: for each round, each stack in turn on a fresh server (h1, h2c, h2tls, nginx, h1, h2c, ...). The client is
# loadtest/compare/h2-fanout.js (Node's built-in http and http2 modules): a phase at a fixed moderate rate (latency)
# and a phase offered more than any stack here delivers (throughput). Installs nginx and nodejs when missing (the
# system nginx service and /etc/nginx are never touched).
#
#   loadtest/compare/h2-fanout.sh                 # 1,000 streams, 4 stacks, 3 rounds (8 to 10 minutes here)
#   loadtest/compare/h2-fanout.sh --quick         # 100 streams, 1 round, short phases
#
# --help lists the options.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"

STACKS=h1,h2c,h2tls,nginx
ROUNDS=3
STREAMS=1000
H2_CONNS=10
LAT_RATE=100
SAT_RATE=3000
WARMUP=2
SECONDS_=8
BYTES=64
CLIENT_THREADS=2
DRAIN=60
OUT=""
BUILD=yes
PORT_BASE=29000
JVM_FLAGS=""
# Herald as shipped, but per-address limits off (every stream comes from 127.0.0.1, nginx's too) and a history
# long enough that the throughput phase fills no subscriber's backlog past it: then offering more than is taken
# measures delivery, not the slow-consumer policy (cut-offs and 503 push-back, measured in the rate ladder).
HERALD_ARGS="--max-connections-per-ip 0 --connect-rate-per-ip 0 --retention-events 131072 --retention-bytes 64MiB"

usage() {
    cat <<'EOF'
Usage: loadtest/compare/h2-fanout.sh [options]

SSE fan-out to one topic, the same streams over four stacks, one fresh server per stack and round, the stacks
alternated within each round:

  h1      Herald plain; each stream its own HTTP/1.1 connection (--streams connections)
  h2c     Herald plain; --h2-conns h2c connections (prior knowledge), --streams / --h2-conns streams each
  h2tls   Herald terminating TLS itself; the same h2 connections over TLS (ALPN h2)
  nginx   nginx terminating TLS and h2 (the same h2 connections), ops/nginx/herald.conf as shipped (HTTP/1.1 to
          Herald, upstream keepalive, proxy_buffering off; this run's port, certificate and upstream), in front of
          a plain Herald; it refuses publishing, so the publisher posts to Herald's port, as a backend would

Publishing: HTTP/1.1 POSTs, 2 connections with up to 32 pipelined each (over TLS for h2tls), open loop.
Phases, each after --warmup seconds, counted over --seconds: "lat" at --lat-rate events/s (publish→receive
latency p50/p99 at a rate every stack keeps up with), then "sat" offered --sat-rate events/s (delivered events/s,
more offered than delivered). After each phase the client waits until every stream has the last accepted event
(at most --drain seconds); every stream checks that Herald's event ids follow one another (gaps, duplicates), and at the end
that it has the last one. Server CPU (Herald, nginx's master and workers) per delivered event, and the client's.

  --stacks LIST        default h1,h2c,h2tls,nginx
  --rounds N           default 3
  --streams N          SSE streams (default 1000)
  --h2-conns N         h2 connections carrying them (default 10; at most 100 streams each, Herald's default
                       --h2-max-streams)
  --lat-rate R         events/s in the latency phase (default 100)
  --sat-rate R         events/s offered in the throughput phase (default 3000)
  --warmup S           seconds before each phase's count (default 2)
  --seconds S          seconds counted per phase (default 8)
  --client-threads N   the client's subscriber threads (default 2)
  --drain S            after each phase, wait at most S seconds for every stream to have the last accepted
                       event (default 60)
  --quick              100 streams over 2 h2 connections, 1 round, 1 s warmup, 3 s phases
  --out DIR            results directory (default loadtest/results/<YYYY-MM-DD>-h2)
  --port-base P        servers listen on 127.0.0.1:P and up, the first free port (default 29000)
  --jvm-flags 'F'      Herald's JVM flags (default: the ones it ships, herald_java_opts in ops/lib/jdk.sh)
  --no-build           use the server jar already built
  --help               print this and exit

Output in DIR: results.tsv (round, stack, the client's JSON for a phase or the run's end) and the same as
results.json, fanout.md (medians per stack, ratios
to h1), host.md (machine, versions, load average before and after), h2-fanout.log, and every server's and
client's output.
EOF
}

while [ $# -gt 0 ]; do
    case "$1" in
        --stacks) STACKS=$2; shift 2 ;;
        --rounds) ROUNDS=$2; shift 2 ;;
        --streams) STREAMS=$2; shift 2 ;;
        --h2-conns) H2_CONNS=$2; shift 2 ;;
        --lat-rate) LAT_RATE=$2; shift 2 ;;
        --sat-rate) SAT_RATE=$2; shift 2 ;;
        --warmup) WARMUP=$2; shift 2 ;;
        --seconds) SECONDS_=$2; shift 2 ;;
        --client-threads) CLIENT_THREADS=$2; shift 2 ;;
        --drain) DRAIN=$2; shift 2 ;;
        --quick) STREAMS=100; H2_CONNS=2; ROUNDS=1; WARMUP=1; SECONDS_=3; shift ;;
        --out) OUT=$2; shift 2 ;;
        --port-base) PORT_BASE=$2; shift 2 ;;
        --jvm-flags) JVM_FLAGS=$2; shift 2 ;;
        --no-build) BUILD=no; shift ;;
        --help|-h) usage; exit 0 ;;
        *) echo "h2-fanout: unknown option $1 (--help lists them)" >&2; exit 2 ;;
    esac
done

for s in ${STACKS//,/ }; do
    case "$s" in h1|h2c|h2tls|nginx) ;;
        *) echo "h2-fanout: unknown stack '$s': h1, h2c, h2tls, nginx" >&2; exit 2 ;; esac
done
for n in "$ROUNDS" "$STREAMS" "$H2_CONNS" "$LAT_RATE" "$SAT_RATE" "$WARMUP" "$SECONDS_" "$CLIENT_THREADS" "$DRAIN" "$PORT_BASE"; do
    case "$n" in ''|*[!0-9]*) echo "h2-fanout: not a number: '$n'" >&2; exit 2 ;; esac
done
if [ "$H2_CONNS" -lt 1 ] || [ $((STREAMS % H2_CONNS)) -ne 0 ] || [ $((STREAMS / H2_CONNS)) -gt 100 ]; then
    echo "h2-fanout: --streams $STREAMS must split evenly over --h2-conns $H2_CONNS, at most 100 a connection" >&2
    exit 2
fi
# Herald and the client hold a descriptor per h1 stream; nginx two per upstream stream, spread over its workers.
if [ "$(ulimit -Hn)" != unlimited ] && [ "$(ulimit -Hn)" -lt $((STREAMS + 200)) ]; then
    echo "h2-fanout: --streams $STREAMS needs ulimit -Hn >= $((STREAMS + 200))" >&2
    exit 2
fi
ulimit -n "$(ulimit -Hn)"

. "$ROOT/ops/lib/jdk.sh"          # JAVA_HOME and PATH for a JDK 21+, herald_java_opts, herald_apt_install
. "$ROOT/ops/lib/stack.sh"        # herald_nginx_site, herald_build, herald_jar, herald_port_open, herald_wait_listen, herald_stop_pid
JVM_FLAGS=${JVM_FLAGS:-$(herald_java_opts)}

OUT=${OUT:-$ROOT/loadtest/results/$(date +%F)-h2}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
LOG="$OUT/h2-fanout.log"
say() { echo "h2-fanout: $*" | tee -a "$LOG"; }

need_stack() { case ",$STACKS," in *",$1,"*) return 0 ;; *) return 1 ;; esac; }
if need_stack nginx && ! command -v nginx >/dev/null 2>&1 && [ ! -x /usr/sbin/nginx ]; then
    say "installing nginx (apt-get; the nginx service is not started by this script)"
    herald_apt_install nginx
fi
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
command -v node >/dev/null 2>&1 || herald_apt_install nodejs
command -v openssl >/dev/null 2>&1 || herald_apt_install openssl

if [ "$BUILD" = yes ]; then
    say "building protocol, server with JDK at $JAVA_HOME"
    herald_build protocol,server "" "$OUT/build.log" || exit 1
fi
JAR=$(herald_jar "$ROOT" server "")
[ -n "$JAR" ] && [ -f "$JAR" ] || { echo "h2-fanout: no server jar (drop --no-build)" >&2; exit 1; }

CERT="$OUT/cert.pem"
KEY="$OUT/key.pem"
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=localhost \
    -addext subjectAltName=DNS:localhost,IP:127.0.0.1 -keyout "$KEY" -out "$CERT" >"$OUT/openssl.log" 2>&1
: >"$OUT/results.tsv"
{
    echo "date: $(date -u '+%F %T UTC'); host: $(nproc) cores, $(awk '/MemTotal/ {print int($2/1024)}' /proc/meminfo) MiB"
    echo "java: $(java -version 2>&1 | head -1); Herald JVM flags: $JVM_FLAGS"
    echo "Herald arguments: $HERALD_ARGS"
    echo "nginx: $("$NGINX" -v 2>&1 | sed 's/^nginx version: //'); $(openssl version); node: $(node -v)"
    echo "streams: $STREAMS (h2: $H2_CONNS connections); latency phase $LAT_RATE events/s, throughput phase offered" \
         "$SAT_RATE events/s; $BYTES B events; warmup $WARMUP s, $SECONDS_ s counted; client threads $CLIENT_THREADS"
    echo "load before: $(uptime)"
} >"$OUT/host.md"

# ---- servers ------------------------------------------------------------------------------------------------

NEXT_PORT=$PORT_BASE
HERALD_PID=""
NGINX_PID=""
NGINX_DIR=""

free_port() {   # sets NEXT_PORT past a port nothing listens on, and prints that port
    while herald_port_open "$NEXT_PORT"; do NEXT_PORT=$((NEXT_PORT + 1)); done
    echo "$NEXT_PORT"
    NEXT_PORT=$((NEXT_PORT + 1))
}

start_herald() {   # $1 tls|plain, $2 log; sets HERALD_PID and HERALD_PORT
    local mode=$1 log=$2 tls=()
    HERALD_PORT=$(free_port)
    [ "$mode" = tls ] && tls=(--tls-cert "$CERT" --tls-key "$KEY")
    # shellcheck disable=SC2086
    java $JVM_FLAGS -jar "$JAR" --host 127.0.0.1 --port "$HERALD_PORT" $HERALD_ARGS "${tls[@]}" >"$log" 2>&1 &
    HERALD_PID=$!
    herald_wait_listen "$HERALD_PID" "$HERALD_PORT" "$log"
}

start_nginx() {   # $1 upstream port, $2 log; sets NGINX_PID and NGINX_PORT
    local upstream=$1 log=$2
    NGINX_PORT=$(free_port)
    NGINX_DIR=$(mktemp -d /tmp/herald-h2-nginx.XXXXXX)
    mkdir -p "$NGINX_DIR/logs"
    herald_nginx_site "$ROOT" "$NGINX_PORT" "$CERT" "$KEY" "$upstream" "$NGINX_DIR/herald.conf"
    cat >"$NGINX_DIR/nginx.conf" <<EOF
worker_processes auto;
worker_rlimit_nofile $(( $(ulimit -Hn) - 10 ));
pid $NGINX_DIR/nginx.pid;
events { worker_connections $(( $(ulimit -Hn) - 100 )); }
http {
    access_log off;
    client_body_temp_path $NGINX_DIR/body; proxy_temp_path $NGINX_DIR/proxy;
    fastcgi_temp_path $NGINX_DIR/fcgi; uwsgi_temp_path $NGINX_DIR/uwsgi; scgi_temp_path $NGINX_DIR/scgi;
    include $NGINX_DIR/herald.conf;
}
EOF
    "$NGINX" -p "$NGINX_DIR" -e "$NGINX_DIR/logs/error.log" -c "$NGINX_DIR/nginx.conf" -g 'daemon off;' \
        >"$log" 2>&1 &
    NGINX_PID=$!
    herald_wait_listen "$NGINX_PID" "$NGINX_PORT" "$log"
    cp "$NGINX_DIR/herald.conf" "$OUT/nginx-site.conf"
    cp "$NGINX_DIR/nginx.conf" "$OUT/nginx.conf"
}

server_pids() {   # Herald, and nginx's master and workers, comma-separated
    { echo "$HERALD_PID"
      if [ -n "$NGINX_PID" ]; then echo "$NGINX_PID"; ps -o pid= --ppid "$NGINX_PID" 2>/dev/null || true; fi
    } | tr -s ' \n' ',' | sed 's/^,//; s/,$//'
}

stop_stack() {
    if [ -n "$NGINX_PID" ]; then
        if grep -q '\[\(alert\|crit\|emerg\)\]' "$NGINX_DIR/logs/error.log" 2>/dev/null; then
            say "nginx logged errors:"; grep '\[\(alert\|crit\|emerg\)\]' "$NGINX_DIR/logs/error.log" | tail -3 | tee -a "$LOG"
        fi
        herald_stop_pid "$NGINX_PID"
        NGINX_PID=""
        rm -rf "$NGINX_DIR"
    fi
    herald_stop_pid "$HERALD_PID"
    HERALD_PID=""
}

CLIENT_PID=""
cleanup() {
    [ -n "$CLIENT_PID" ] && herald_stop_pid "$CLIENT_PID"
    stop_stack
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- rounds -------------------------------------------------------------------------------------------------

PHASES="lat:$LAT_RATE:$WARMUP:$SECONDS_,sat:$SAT_RATE:$WARMUP:$SECONDS_"
MAX_TIME=$(( 2 * (WARMUP + SECONDS_ + DRAIN) + 60 ))

run_stack() {   # $1 round, $2 stack
    local round=$1 stack=$2 prefix="$OUT/r$1-$2" mode sub_port pub_port pub_tls=() conns per
    case "$stack" in
        h1) start_herald plain "$prefix-herald.log"; mode=h1; sub_port=$HERALD_PORT; pub_port=$HERALD_PORT ;;
        h2c) start_herald plain "$prefix-herald.log"; mode=h2; sub_port=$HERALD_PORT; pub_port=$HERALD_PORT ;;
        h2tls) start_herald tls "$prefix-herald.log"; mode=h2tls; sub_port=$HERALD_PORT; pub_port=$HERALD_PORT
               pub_tls=(--pub-tls) ;;
        nginx) start_herald plain "$prefix-herald.log"; start_nginx "$HERALD_PORT" "$prefix-nginx.log"
               mode=h2tls; sub_port=$NGINX_PORT; pub_port=$HERALD_PORT ;;
    esac
    if [ "$mode" = h1 ]; then conns=$STREAMS; per=1; else conns=$H2_CONNS; per=$((STREAMS / H2_CONNS)); fi
    say "round $round, $stack: $conns connections x $per streams; load $(cut -d' ' -f1-3 /proc/loadavg)"
    timeout $((MAX_TIME + 10)) node "$ROOT/loadtest/compare/h2-fanout.js" --mode "$mode" --sub-port "$sub_port" \
        --pub-port "$pub_port" "${pub_tls[@]}" --ca "$CERT" --conns "$conns" --streams "$per" --phases "$PHASES" \
        --bytes "$BYTES" --client-threads "$CLIENT_THREADS" --drain "$DRAIN" --server-pids "$(server_pids)" --max-time "$MAX_TIME" \
        >"$prefix-client.log" 2>&1 &
    CLIENT_PID=$!
    wait "$CLIENT_PID" || say "round $round, $stack: the client failed: $(grep -v '^PHASE' "$prefix-client.log" | tail -2)"
    CLIENT_PID=""
    sed -n 's/^\(PHASE\|DONE\) //p' "$prefix-client.log" | while read -r json; do
        printf '%s\t%s\t%s\n' "$round" "$stack" "$json" >>"$OUT/results.tsv"
    done
    grep '^\(PHASE\|DONE\)' "$prefix-client.log" | sed "s/^/  /" | tee -a "$LOG"
    stop_stack
}

for round in $(seq 1 "$ROUNDS"); do
    for stack in ${STACKS//,/ }; do
        run_stack "$round" "$stack"
    done
done
echo "load after: $(uptime)" >>"$OUT/host.md"

node "$ROOT/loadtest/compare/h2-fanout-report.js" --json "$OUT/results.tsv" >"$OUT/results.json"
node "$ROOT/loadtest/compare/h2-fanout-report.js" "$OUT/results.tsv" "$OUT/host.md" >"$OUT/fanout.md"
say "wrote $OUT/fanout.md"
cat "$OUT/fanout.md"
