#!/usr/bin/env bash
# What TLS costs, in one run: Herald plain, Herald terminating TLS itself, and nginx (Debian's) terminating TLS in
# front of a plain Herald, with the same certificate and the same client (bench TlsCost, which speaks TLS; the
# loadtest generator does not). For each measurement and stack in turn, a fresh server process; rounds alternate
# the stacks (plain, tls, nginx, plain, tls, nginx, ...). Installs nginx when missing (the system nginx service
# and /etc/nginx are never touched).
#
#   loadtest/compare/tls.sh                      # 1,000 subscribers fan-out, 10,000 idle, 2 rounds (~25 minutes)
#   loadtest/compare/tls.sh --quick              # smoke run: 100 and 500 connections, 1 round
#   loadtest/compare/tls.sh --before /tmp/old    # adds stack tls-before: Herald TLS from another checkout's build
#
# --help lists the options.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"

STACKS=plain,tls,nginx
MEASURES=fanout,streams,kept,posts
ROUNDS=2
FAN_N=1000
FAN_SECONDS=10
IDLE_N=10000
POST_SECONDS=10
POST_CLIENTS=4
OUT=""
BUILD=yes
BEFORE=""
PORT_BASE=28000
JVM_FLAGS="-Xms64m -Xmx1g -XX:+UseG1GC"

usage() {
    cat <<'EOF'
Usage: loadtest/compare/tls.sh [options]

Measures native TLS against plain and against nginx terminating TLS in front of Herald, one fresh server per
measurement, the stacks alternated within each round:

  stacks      plain   Herald, no TLS
              tls     Herald terminating TLS (--tls-cert/--tls-key)
              nginx   nginx terminating TLS with the same certificate, ops/nginx/herald.conf as shipped (HTTP/1.1
                      upstream with keepalive, proxy_buffering off; this run's port, certificate and upstream), in
                      front of a plain Herald; it refuses publishing, so the fan-out's publishers go to Herald's
                      port, as a backend would
              tls-before  Herald TLS from the build in --before DIR (a before/after comparison)
  measures    fanout  N subscribers (--subscribers, default 1,000) to one topic, 2 publishers as fast as their
                      202s come back, 64-byte events: delivered events/s
              streams N idle subscribers (--idle, default 10,000): server RSS per connection (nginx: nginx's
                      master and workers plus Herald behind it), Herald's live heap per connection after a GC,
                      and the heap Herald allocated per connection while they connected
              kept    the same with N connections that each made one GET /health and wait on the kept
                      connection (a keep-alive client between requests)
              posts   short POST handler streams (3 events each), 4 clients: requests/s on kept connections,
                      and with a new connection (a TLS handshake) each, after a warm-up as long as a measurement;
                      the server processes' CPU time per request

  --stacks LIST       default plain,tls,nginx (tls-before needs --before)
  --measures LIST     default fanout,streams,kept,posts
  --rounds N          default 2
  --subscribers N     fan-out subscribers (default 1000)
  --idle N            idle connections (default 10000; ulimit -Hn must be above it, and above 2 N / cores for
                      nginx, whose workers hold two descriptors per client)
  --seconds S         fan-out and posts measuring time (default 10)
  --quick             100 subscribers, 500 idle, 3 s, 1 round
  --before DIR        a checkout built with 'mvn -DskipTests package -pl protocol,server' (its target/classes)
  --out DIR           results directory (default loadtest/results/<YYYY-MM-DD>-tls)
  --port-base P       servers listen on 127.0.0.1:P and up, a new port per server (default 28000)
  --jvm-flags 'F'     the Herald JVM's flags (default '-Xms64m -Xmx1g -XX:+UseG1GC')
  --no-build          use the classes already built
  --help              print this and exit

Output in DIR: results.tsv (round, stack, measure, value), tls.md (medians per stack and ratios), host.md (the
machine, versions, the negotiated protocol and suite), tls.log, the certificate, and every server's and
client's output.
EOF
}

while [ $# -gt 0 ]; do
    case "$1" in
        --stacks) STACKS=$2; shift 2 ;;
        --measures) MEASURES=$2; shift 2 ;;
        --rounds) ROUNDS=$2; shift 2 ;;
        --subscribers) FAN_N=$2; shift 2 ;;
        --idle) IDLE_N=$2; shift 2 ;;
        --seconds) FAN_SECONDS=$2; POST_SECONDS=$2; shift 2 ;;
        --quick) FAN_N=100; IDLE_N=500; FAN_SECONDS=3; POST_SECONDS=3; ROUNDS=1; shift ;;
        --before) BEFORE=$(cd "$2" && pwd); shift 2 ;;
        --out) OUT=$2; shift 2 ;;
        --port-base) PORT_BASE=$2; shift 2 ;;
        --jvm-flags) JVM_FLAGS=$2; shift 2 ;;
        --no-build) BUILD=no; shift ;;
        --help|-h) usage; exit 0 ;;
        *) echo "tls: unknown option $1 (--help lists them)" >&2; exit 2 ;;
    esac
done

for s in ${STACKS//,/ }; do
    case "$s" in plain|tls|nginx) ;;
        tls-before) [ -n "$BEFORE" ] || { echo "tls: stack tls-before needs --before DIR" >&2; exit 2; } ;;
        *) echo "tls: unknown stack '$s': plain, tls, nginx, tls-before" >&2; exit 2 ;; esac
done
for m in ${MEASURES//,/ }; do
    case "$m" in fanout|streams|kept|posts) ;;
        *) echo "tls: unknown measure '$m': fanout, streams, kept, posts" >&2; exit 2 ;; esac
done
for n in "$ROUNDS" "$FAN_N" "$IDLE_N" "$FAN_SECONDS" "$PORT_BASE"; do
    case "$n" in ''|*[!0-9]*) echo "tls: not a number: '$n'" >&2; exit 2 ;; esac
done
if [ -n "$BEFORE" ] && [ ! -d "$BEFORE/server/target/classes" ]; then
    echo "tls: --before $BEFORE: no server/target/classes there (build it: mvn -DskipTests package -pl protocol,server)" >&2
    exit 2
fi
# Herald and the client hold a descriptor per connection; nginx two (client and upstream), spread over its
# workers (one per core, reuseport).
NEED_FILES=$(( IDLE_N + 100 ))
if [ $(( 2 * IDLE_N / $(nproc) + 200 )) -gt "$NEED_FILES" ]; then NEED_FILES=$(( 2 * IDLE_N / $(nproc) + 200 )); fi
if [ "$(ulimit -Hn)" != unlimited ] && [ "$(ulimit -Hn)" -lt "$NEED_FILES" ]; then
    echo "tls: --idle $IDLE_N needs ulimit -Hn >= $NEED_FILES" >&2
    exit 2
fi
ulimit -n "$(ulimit -Hn)"

. "$ROOT/ops/lib/jdk.sh"          # JAVA_HOME and PATH for a JDK 21+, herald_apt_install, herald_need_maven
. "$ROOT/ops/lib/stack.sh"        # herald_nginx_site, herald_build, herald_port_open, herald_wait_listen, herald_stop_pid

OUT=${OUT:-$ROOT/loadtest/results/$(date +%F)-tls}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
LOG="$OUT/tls.log"
say() { echo "tls: $*" | tee -a "$LOG"; }

need_stack() { case ",$STACKS," in *",$1,"*) return 0 ;; *) return 1 ;; esac; }
if need_stack nginx && ! command -v nginx >/dev/null 2>&1 && [ ! -x /usr/sbin/nginx ]; then
    say "installing nginx (apt-get; the nginx service is not started by this script)"
    herald_apt_install nginx
fi
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
command -v openssl >/dev/null 2>&1 || herald_apt_install openssl

if [ "$BUILD" = yes ]; then
    say "building protocol, server, bench with JDK at $JAVA_HOME"
    herald_build protocol,server,bench "" "$OUT/build.log" || exit 1
fi
CP="$ROOT/bench/target/classes:$ROOT/server/target/classes:$ROOT/protocol/target/classes"
# The bench's client and server main from this checkout; Herald itself from the other one.
CP_BEFORE="$ROOT/bench/target/classes:${BEFORE:-.}/server/target/classes:${BEFORE:-.}/protocol/target/classes"
[ -f "$ROOT/bench/target/classes/herald/bench/tls/TlsCost.class" ] || { echo "tls: not built (drop --no-build)" >&2; exit 1; }

CERT="$OUT/cert.pem"
KEY="$OUT/key.pem"
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=localhost -keyout "$KEY" -out "$CERT" \
    >"$OUT/openssl.log" 2>&1
: >"$OUT/results.tsv"
{
    echo "date: $(date -u '+%F %T UTC'); host: $(nproc) cores, $(awk '/MemTotal/ {print int($2/1024)}' /proc/meminfo) MiB"
    echo "java: $(java -version 2>&1 | head -1); Herald JVM flags: $JVM_FLAGS"
    echo "nginx: $("$NGINX" -v 2>&1 | sed 's/^nginx version: //'); $(openssl version)"
    echo "certificate: RSA 2048, self-signed; load: $(cut -d' ' -f1-3 /proc/loadavg)"
} >"$OUT/host.md"

# ---- servers ------------------------------------------------------------------------------------------------

NEXT_PORT=$PORT_BASE
HERALD_PID=""
NGINX_PID=""
NGINX_DIR=""
FRONT_PORT=""       # where clients connect

free_port() {   # sets NEXT_PORT to a port nothing listens on, and prints it
    while herald_port_open "$NEXT_PORT"; do NEXT_PORT=$((NEXT_PORT + 1)); done
    echo "$NEXT_PORT"
    NEXT_PORT=$((NEXT_PORT + 1))
}

start_herald() {   # $1 classpath, $2 tls|plain, $3 log; sets HERALD_PID and HERALD_PORT
    local cp=$1 mode=$2 log=$3
    HERALD_PORT=$(free_port)
    local files=(plain)
    [ "$mode" = tls ] && files=("$CERT" "$KEY")
    # shellcheck disable=SC2086
    java $JVM_FLAGS -Xlog:gc:file="$log.gc" -cp "$cp" herald.bench.tls.TlsCost server "$HERALD_PORT" "${files[@]}" \
        >"$log" 2>&1 &
    HERALD_PID=$!
    herald_wait_listen "$HERALD_PID" "$HERALD_PORT" "$log"
}

start_nginx() {   # $1 upstream port, $2 log; sets NGINX_PID and NGINX_PORT
    local upstream=$1 log=$2 files
    NGINX_PORT=$(free_port)
    NGINX_DIR=$(mktemp -d /tmp/herald-tls-nginx.XXXXXX)
    mkdir -p "$NGINX_DIR/logs"
    # The shipped front, with this run's port, certificate and one node as its upstream. It refuses publishing
    # from outside: the fan-out's publishers go to Herald's port, as a backend publishes in production; the POST
    # handler streams pass through its "location /" (which admits 127.0.0.1, where the client runs).
    herald_nginx_site "$ROOT" "$NGINX_PORT" "$CERT" "$KEY" "$upstream" "$NGINX_DIR/herald.conf"
    files=$(ulimit -Hn)
    [ "$files" = unlimited ] && files=1048576
    cat >"$NGINX_DIR/nginx.conf" <<EOF
worker_processes auto;
worker_rlimit_nofile $((files - 10));
pid $NGINX_DIR/nginx.pid;
events { worker_connections $((files - 100)); }
http {
    access_log off;
    keepalive_timeout 600s;
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

start_stack() {   # $1 stack, $2 log prefix; sets FRONT_PORT, CLIENT_MODE, PUBLISH_PORT, PUBLISH_MODE
    local stack=$1 log=$2
    PUBLISH_PORT=""
    case "$stack" in
        plain) start_herald "$CP" plain "$log-herald.log"; FRONT_PORT=$HERALD_PORT; CLIENT_MODE=plain ;;
        tls) start_herald "$CP" tls "$log-herald.log"; FRONT_PORT=$HERALD_PORT; CLIENT_MODE=tls ;;
        tls-before) start_herald "$CP_BEFORE" tls "$log-herald.log"; FRONT_PORT=$HERALD_PORT; CLIENT_MODE=tls ;;
        nginx)
            start_herald "$CP" plain "$log-herald.log"
            start_nginx "$HERALD_PORT" "$log-nginx.log"
            FRONT_PORT=$NGINX_PORT; CLIENT_MODE=tls; PUBLISH_PORT=$HERALD_PORT; PUBLISH_MODE=plain ;;
    esac
    if [ -z "$PUBLISH_PORT" ]; then PUBLISH_PORT=$FRONT_PORT; PUBLISH_MODE=$CLIENT_MODE; fi
}

server_pids() {   # Herald, and nginx's master and workers
    echo "$HERALD_PID"
    if [ -n "$NGINX_PID" ]; then
        echo "$NGINX_PID"
        ps -o pid= --ppid "$NGINX_PID" 2>/dev/null || true
    fi
}

rss_kib() {   # the summed RSS of the server processes
    local total=0 pid kib
    for pid in $(server_pids); do
        kib=$(awk '/^VmRSS:/ {print $2}' "/proc/$pid/status" 2>/dev/null || echo 0)
        total=$((total + ${kib:-0}))
    done
    echo "$total"
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

record() { printf '%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" >>"$OUT/results.tsv"; }

client() {   # runs TlsCost with the arguments, output to $CLIENT_LOG, bounded by $CLIENT_TIMEOUT seconds
    local pids
    pids=$(server_pids | tr -s ' \n' ',' | sed 's/^,//; s/,$//')
    timeout "$CLIENT_TIMEOUT" java -Dtlscost.serverPids="$pids" -cp "$CP" herald.bench.tls.TlsCost "$@" \
        >"$CLIENT_LOG" 2>&1
}

cpu_us() { sed -n 's/.*server CPU [0-9.]* s: \([0-9.]*\) us per.*/\1/p' <<<"$1"; }

# Heap Herald allocated (MiB) from its GC log: what each pause found, less what the pause before left.
allocated_mib() {   # $1 gc log, $2 the number of pauses before the span
    sed -n 's/.*Pause.* \([0-9]*\)M->\([0-9]*\)M(.*/\1 \2/p' "$1" \
        | awk -v skip="$2" 'NR > skip { if (have) sum += $1 - left; have = 1 } { left = $2 } END { print sum + 0 }'
}

pauses() { grep -c 'Pause' "$1" 2>/dev/null || true; }

# ---- measures -----------------------------------------------------------------------------------------------

measure_fanout() {   # $1 round, $2 stack, $3 log prefix
    CLIENT_LOG="$3-client.log"; CLIENT_TIMEOUT=$((FAN_SECONDS + 240))
    client fanout "$FRONT_PORT" "$CLIENT_MODE" "$FAN_N" "$FAN_SECONDS" "$PUBLISH_PORT" "$PUBLISH_MODE" || { say "$2 fanout failed: $(tail -2 "$CLIENT_LOG")"; return 0; }
    local line
    line=$(grep ' fanout: ' "$CLIENT_LOG")
    say "$2: $line"
    record "$1" "$2" fanout_events_per_s "$(sed -n 's/.*delivered (\([0-9]*\) events\/s).*/\1/p' <<<"$line")"
    record "$1" "$2" fanout_published_per_s "$(sed -n 's/.*published (\([0-9]*\)\/s).*/\1/p' <<<"$line")"
    record "$1" "$2" fanout_cpu_us_per_event "$(cpu_us "$line")"
}

measure_idle() {   # $1 round, $2 stack, $3 log prefix, $4 streams|kept
    local kind=$4 gc="$3-herald.log.gc" before after skip i live
    jcmd "$HERALD_PID" GC.run >/dev/null
    sleep 1
    before=$(rss_kib)
    skip=$(pauses "$gc")
    CLIENT_LOG="$3-client.log"
    java -cp "$CP" herald.bench.tls.TlsCost idle "$FRONT_PORT" "$CLIENT_MODE" "$IDLE_N" "$kind" >"$CLIENT_LOG" 2>&1 &
    CLIENT_PID=$!
    for i in $(seq 1 600); do
        grep -q '^holding' "$CLIENT_LOG" && break
        kill -0 "$CLIENT_PID" 2>/dev/null || break
        sleep 1
    done
    if ! grep -q '^holding' "$CLIENT_LOG"; then
        say "$2 $kind: the client did not connect them all: $(tail -2 "$CLIENT_LOG")"
        herald_stop_pid "$CLIENT_PID"; CLIENT_PID=""
        return 0
    fi
    sleep 5
    after=$(rss_kib)
    jcmd "$HERALD_PID" GC.run >/dev/null
    live=$(jcmd "$HERALD_PID" GC.heap_info | awk '/used/ { for (i = 1; i < NF; i++) if ($i == "used") { sub(/K.*/, "", $(i + 1)); print $(i + 1); exit } }')
    herald_stop_pid "$CLIENT_PID"; CLIENT_PID=""
    local per alloc baseline_live
    per=$(( (after - before) * 1024 / IDLE_N ))
    alloc=$(allocated_mib "$gc" "$skip")
    baseline_live=$(sed -n 's/.*Pause Full.* [0-9]*M->\([0-9]*\)M(.*/\1/p' "$gc" | head -1)
    say "$2 $kind: $IDLE_N held; server RSS $before -> $after KiB: $per B per connection; Herald live heap after GC ${live} KiB (${baseline_live} MiB before), allocated ${alloc} MiB while they connected"
    record "$1" "$2" "${kind}_rss_bytes_per_conn" "$per"
    record "$1" "$2" "${kind}_live_heap_bytes_per_conn" "$(( (live - baseline_live * 1024) * 1024 / IDLE_N ))"
    record "$1" "$2" "${kind}_allocated_bytes_per_conn" "$(( alloc * 1048576 / IDLE_N ))"
}

measure_posts() {   # $1 round, $2 stack, $3 log prefix
    local how line
    # A warm-up as long as the measurement, not counted: a JVM server's handshake (RSA, BigInteger) is slow until
    # the JIT has compiled it, which takes more handshakes than a 1-second warm-up sees.
    CLIENT_LOG="$3-client-warmup.log"; CLIENT_TIMEOUT=$((POST_SECONDS + 60))
    client posts "$FRONT_PORT" "$CLIENT_MODE" "$POST_SECONDS" close "$POST_CLIENTS" || true
    for how in keep close; do
        CLIENT_LOG="$3-client-$how.log"; CLIENT_TIMEOUT=$((POST_SECONDS + 60))
        client posts "$FRONT_PORT" "$CLIENT_MODE" "$POST_SECONDS" "$how" "$POST_CLIENTS" \
            || { say "$2 posts $how failed: $(tail -2 "$CLIENT_LOG")"; continue; }
        line=$(grep 'requests/s' "$CLIENT_LOG")
        say "$2: $line"
        record "$1" "$2" "posts_${how}_per_s" "$(sed -n 's/.*: \([0-9]*\) requests\/s.*/\1/p' <<<"$line")"
        record "$1" "$2" "posts_${how}_cpu_us_per_request" "$(cpu_us "$line")"
    done
}

# ---- the run ------------------------------------------------------------------------------------------------

say "stacks $STACKS, measures $MEASURES, $ROUNDS rounds; fan-out $FAN_N subscribers ${FAN_SECONDS}s, idle $IDLE_N; out $OUT"
for round in $(seq 1 "$ROUNDS"); do
    for m in ${MEASURES//,/ }; do
        for stack in ${STACKS//,/ }; do
            prefix="$OUT/r$round-$m-$stack"
            if ! start_stack "$stack" "$prefix"; then
                say "$stack did not start (see $prefix-*.log)"; stop_stack; continue
            fi
            case "$m" in
                fanout) measure_fanout "$round" "$stack" "$prefix" ;;
                streams|kept) measure_idle "$round" "$stack" "$prefix" "$m" ;;
                posts) measure_posts "$round" "$stack" "$prefix" ;;
            esac
            grep -h '^negotiated' "$prefix"-client*.log 2>/dev/null | head -1 | sed "s/^/$stack: /" >>"$OUT/negotiated.txt" || true
            stop_stack
        done
    done
done

python3 - "$OUT/results.tsv" "$STACKS" >"$OUT/tls.md" <<'EOF'
import statistics, sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1]) if l.strip()]
stacks = sys.argv[2].split(",")
values = {}
for rnd, stack, measure, value in rows:
    if value:
        values.setdefault(measure, {}).setdefault(stack, []).append(float(value))
names = {
    "fanout_events_per_s": "fan-out: events/s delivered",
    "fanout_published_per_s": "fan-out: events/s published",
    "fanout_cpu_us_per_event": "fan-out: server CPU µs per delivered event",
    "streams_rss_bytes_per_conn": "idle streams: server RSS per connection (B)",
    "streams_live_heap_bytes_per_conn": "idle streams: Herald live heap per connection (B)",
    "streams_allocated_bytes_per_conn": "idle streams: Herald heap allocated per connection (B)",
    "kept_rss_bytes_per_conn": "idle kept connections: server RSS per connection (B)",
    "kept_live_heap_bytes_per_conn": "idle kept connections: Herald live heap per connection (B)",
    "kept_allocated_bytes_per_conn": "idle kept connections: Herald heap allocated per connection (B)",
    "posts_keep_per_s": "POST streams, kept connection: requests/s",
    "posts_close_per_s": "POST streams, new connection each: requests/s",
    "posts_keep_cpu_us_per_request": "POST streams, kept connection: server CPU µs per request",
    "posts_close_cpu_us_per_request": "POST streams, new connection each: server CPU µs per request",
}
pairs = [(s, "plain") for s in stacks if s != "plain" and "plain" in stacks]
if "tls" in stacks and "tls-before" in stacks:
    pairs.append(("tls", "tls-before"))
print("| measure | " + " | ".join(stacks) + " | " + " | ".join(a + "/" + b for a, b in pairs) + " |")
print("|---" * (1 + len(stacks) + len(pairs)) + "|")
for measure, label in names.items():
    if measure not in values:
        continue
    cells, med = [], {}
    for s in stacks:
        v = values[measure].get(s, [])
        med[s] = statistics.median(v) if v else None
        fmt = "%.2f" if "cpu" in measure else "%.0f"
        cells.append((fmt + " (%s)") % (med[s], ", ".join(fmt % x for x in v)) if v else "-")
    ratios = ["%.2f" % (med[a] / med[b]) if med.get(a) and med.get(b) else "-" for a, b in pairs]
    print("| " + label + " | " + " | ".join(cells) + " | " + " | ".join(ratios) + " |")
print()
print("Medians, each round's value in brackets. nginx rows: nginx (master and workers) and Herald together for RSS")
print("and CPU; Herald's own heap for the heap rows. Server CPU: user and system time of those processes in the")
print("measuring window (/proc/PID/stat), per delivered event or per request.")
EOF
{ echo "negotiated (the client's first connection):"; sort -u "$OUT/negotiated.txt" 2>/dev/null | sed 's/^/- /'; } >>"$OUT/host.md"
cat "$OUT/tls.md" | tee -a "$LOG"
say "results in $OUT (tls.md, results.tsv, host.md)"
