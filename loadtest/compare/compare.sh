#!/usr/bin/env bash
# Herald against its peers in one run: for each stack in turn (Herald, nginx+nchan, the Netty peer, the Node.js
# peer) and each scenario, starts a fresh server process on loopback, runs the scenario with the load generator
# (loadtest/), stops the server; then merges every result into one comparison table with ratios Herald/peer
# (summary.md, report.html) and checks Herald's goals (goals.md). Installs nginx, libnginx-mod-nchan and nodejs
# when missing (Debian packages; the system nginx service and /etc/nginx are never touched).
#
#   loadtest/compare/compare.sh --quick                 # smoke run: a few hundred connections, ~5 minutes
#   loadtest/compare/compare.sh                         # the full comparison (about 30 minutes on 2 cores)
#   loadtest/compare/compare.sh --stacks herald,nchan --scenarios idle,fanout --out /tmp/cmp
#   loadtest/compare/compare.sh --scenarios ladder,streams   # the rate ladder (all stacks), per-request streams
#
# --help lists the options. See loadtest/README.md, section "Compare", for the method.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"

STACKS=herald,nchan,netty,node
SCENARIOS=idle,fanout,latency,latency10,single,reconnect,slow
ALL_SCENARIOS=idle,fanout,latency,latency10,single,reconnect,slow,ladder,streams
SIZE=full
OUT=""
BUILD=yes
SUFFIX=""
PORT_BASE=27080
JVM_FLAGS=""             # Netty's; Herald's too when --herald-jvm-flags is not given
HERALD_JVM_FLAGS=""
MAX_TIME=7200
LOADTEST_ARGS=()
LADDER_RATES_ARG=""

usage() {
    cat <<'EOF'
Usage: loadtest/compare/compare.sh [options]

Runs the same load scenarios against Herald and its peers, one fresh server process per scenario, and writes one
comparison table with ratios Herald/peer.

  --stacks LIST       which stacks, in this order (default herald,nchan,netty,node)
  --scenarios LIST    which scenarios (default idle,fanout,latency,latency10,single,reconnect,slow):
                        idle       15,000 idle streams: server RSS, JVM heap after GC, kernel memory per connection
                        fanout     10,000 subscribers, one topic, 64 B events at the max rate: delivered events/s
                        latency    10,000 subscribers x 100 events/s, 64 B: publish->receive p50/p99/p999
                        latency10  the same at 10 events/s (a load every stack here keeps up with)
                        single     one subscriber at the max rate, 64 B and 1 KiB events: events/s
                        reconnect  10,000 subscribers at 10 events/s drop at once and resume with Last-Event-ID:
                                   loss, duplicates, time to recover
                        slow       300 subscribers, 100 of them stop reading, 200 events/s of 1 KiB (each stalled
                                   one is offered 200 KiB/s, more than the kernel buffers in 90 s): healthy p99
                                   with/without them, server memory
                      and, only when named (not in the default list):
                        ladder     rate ladder: 10,000 subscribers, 64 B events offered open-loop at 100, 200, 400,
                                   800, 1,600 events/s and max (20,000/s), a fresh server per step: offered,
                                   accepted, 503/429, delivered/s, delivery ratio, p50/p99, cut-offs, and each
                                   stack's sustained fan-out (ratio >= 0.999, p99 <= 1 s, >= 99% accepted)
                        streams    per-request streams (herald and node only): 1,000 and 4,000 concurrent POSTs,
                                   each 50 tokens 20 ms apart then [DONE]: time to first token, inter-token gap
                                   p99 (tokens 6-51), server RSS and CPU
  --quick             smoke-run sizes: a few hundred connections, a few seconds per scenario
  --full              the full sizes above (default)
  --out DIR           results directory (default loadtest/results/<YYYY-MM-DD>, or .../<date>-quick)
  --port-base P       stacks listen on 127.0.0.1:P (herald), P+1 (netty), P+2 (nchan), P+10 (node)
                      (default 27080; keep them below the ephemeral range 32768-60999)
  --herald-jvm-flags 'F'
                      Herald's JVM flags (default: those Herald ships in ops/herald.service and ops/run.sh,
                      herald_java_opts in ops/lib/jdk.sh; for JDK 25: '-Xms1g -Xmx1g -XX:MaxDirectMemorySize=1g
                      -XX:MaxNewSize=16m -XX:+UseCompactObjectHeaders -XX:TrimNativeHeapInterval=1000')
  --jvm-flags 'F'     the Netty peer's JVM flags, and Herald's when --herald-jvm-flags is not given
                      (default '-Xms64m -Xmx1g -XX:+UseG1GC' for Netty)
  --no-build          use the jars already built
  --build-suffix S    build into <module>/target<S> (mvn -Dbuild.suffix=S) and use the jars there
  --max-time SECONDS  stop starting new runs after this long (default 7200)
  --ladder-rates LIST the ladder's steps only (e.g. 1600,max), instead of all of them
  --loadtest-arg ARG  extra option for every loadtest run (repeatable), e.g. --loadtest-arg=--threads=2
  --help              print this and exit

Output in DIR: <stack>/*.json (one result per run), summary.md and report.html (every scenario's table and the
comparison across stacks: one table, ratios Herald/peer and Herald/best peer), goals.md (Herald's goals, met or
not), stacks.md (versions and flags of every stack), host.md (the machine, and what else ran on it), compare.log.
EOF
}

while [ $# -gt 0 ]; do
    case "$1" in
        --stacks) STACKS=$2; shift 2 ;;
        --stacks=*) STACKS=${1#*=}; shift ;;
        --scenarios) SCENARIOS=$2; shift 2 ;;
        --scenarios=*) SCENARIOS=${1#*=}; shift ;;
        --quick) SIZE=quick; shift ;;
        --full) SIZE=full; shift ;;
        --out) OUT=$2; shift 2 ;;
        --out=*) OUT=${1#*=}; shift ;;
        --port-base) PORT_BASE=$2; shift 2 ;;
        --port-base=*) PORT_BASE=${1#*=}; shift ;;
        --jvm-flags) JVM_FLAGS=$2; shift 2 ;;
        --jvm-flags=*) JVM_FLAGS=${1#*=}; shift ;;
        --herald-jvm-flags) HERALD_JVM_FLAGS=$2; shift 2 ;;
        --herald-jvm-flags=*) HERALD_JVM_FLAGS=${1#*=}; shift ;;
        --no-build) BUILD=no; shift ;;
        --build-suffix) SUFFIX=$2; shift 2 ;;
        --build-suffix=*) SUFFIX=${1#*=}; shift ;;
        --max-time) MAX_TIME=$2; shift 2 ;;
        --max-time=*) MAX_TIME=${1#*=}; shift ;;
        --ladder-rates) LADDER_RATES_ARG=$2; shift 2 ;;
        --ladder-rates=*) LADDER_RATES_ARG=${1#*=}; shift ;;
        --loadtest-arg) LOADTEST_ARGS+=("$2"); shift 2 ;;
        --loadtest-arg=*) LOADTEST_ARGS+=("${1#*=}"); shift ;;
        --help|-h) usage; exit 0 ;;
        *) echo "compare: unknown option $1 (--help lists them)" >&2; exit 2 ;;
    esac
done

for s in ${STACKS//,/ }; do
    case "$s" in herald|nchan|netty|node) ;; *) echo "compare: unknown stack '$s': herald, nchan, netty, node" >&2; exit 2 ;; esac
done
for s in ${SCENARIOS//,/ }; do
    case "$s" in idle|fanout|latency|latency10|single|reconnect|slow|ladder|streams) ;;
        *) echo "compare: unknown scenario '$s': ${ALL_SCENARIOS//,/, }" >&2; exit 2 ;; esac
done
case "$PORT_BASE" in ''|*[!0-9]*) echo "compare: --port-base: not a port: $PORT_BASE" >&2; exit 2 ;; esac
if [ "$PORT_BASE" -lt 1024 ] || [ $((PORT_BASE + 10)) -ge 32768 ]; then
    echo "compare: --port-base: use 1024-32757 (below the ephemeral range)" >&2; exit 2
fi

. "$ROOT/ops/lib/jdk.sh"          # JAVA_HOME and PATH for a JDK 21+, herald_apt_install, herald_need_maven
. "$ROOT/ops/lib/stack.sh"        # herald_build, herald_jar, herald_port_open, herald_wait_listen, herald_stop_pid
[ -n "$HERALD_JVM_FLAGS" ] || HERALD_JVM_FLAGS=${JVM_FLAGS:-$(herald_java_opts)}
[ -n "$JVM_FLAGS" ] || JVM_FLAGS="-Xms64m -Xmx1g -XX:+UseG1GC"

if [ -z "$OUT" ]; then
    OUT="$ROOT/loadtest/results/$(date +%F)"
    [ "$SIZE" = quick ] && OUT="$OUT-quick"
fi
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
LOG="$OUT/compare.log"
START=$(date +%s)

say() { echo "compare: $*" | tee -a "$LOG"; }

# ---- prerequisites ------------------------------------------------------------------------------------------

need_stack() { case ",$STACKS," in *",$1,"*) return 0 ;; *) return 1 ;; esac; }

if need_stack nchan; then
    if ! command -v nginx >/dev/null 2>&1 && [ ! -x /usr/sbin/nginx ] || [ ! -f /usr/lib/nginx/modules/ngx_nchan_module.so ]; then
        say "installing nginx and libnginx-mod-nchan (apt-get; the nginx service is not started by this script)"
        herald_apt_install nginx libnginx-mod-nchan
    fi
fi
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
if need_stack node && ! command -v node >/dev/null 2>&1; then
    say "installing nodejs (apt-get)"
    herald_apt_install nodejs
fi

if [ "$BUILD" = yes ]; then
    say "building protocol, server, bench, loadtest with JDK at $JAVA_HOME${SUFFIX:+ (build.suffix=$SUFFIX)}"
    herald_build protocol,server,bench,loadtest "$SUFFIX" "$OUT/build.log" || exit 1
fi
SERVER_JAR=$(herald_jar "$ROOT" server "$SUFFIX")
LOADTEST_JAR=$(herald_jar "$ROOT" loadtest "$SUFFIX")
BENCH_JAR=$(herald_jar "$ROOT" bench "$SUFFIX")
check_jar() {   # MODULE JAR
    if [ -z "$2" ] || [ ! -f "$2" ]; then
        echo "compare: no $1 jar in $1/target$SUFFIX (the build failed, or --no-build without a build)" >&2
        exit 1
    fi
}
check_jar loadtest "$LOADTEST_JAR"
if need_stack herald; then check_jar server "$SERVER_JAR"; fi
need_scenario() { case ",$SCENARIOS," in *",$1,"*) return 0 ;; *) return 1 ;; esac; }
if need_stack netty || { need_stack herald && need_scenario streams; }; then check_jar bench "$BENCH_JAR"; fi

# ---- sizes --------------------------------------------------------------------------------------------------

if [ "$SIZE" = quick ]; then
    IDLE_N=500; IDLE_WARM=100; IDLE_HOLD=3s
    FAN_N=300; FAN_WARMUP=2s; FAN_DUR=5s
    LAT_N=300; LAT_RATE=100; LAT_DUR=5s
    SINGLE_DUR=3s
    REC_N=300; REC_RATE=10
    SLOW_N=60; SLOW_K=20; SLOW_RATE=200; SLOW_DUR=4s
    LADDER_N=300; LADDER_RATES=100,400,max; LADDER_MAX=5000; LADDER_WARMUP=1s; LADDER_DUR=3s
    STREAM_COUNTS=100,400; STREAM_WARMUP=2s; STREAM_DUR=4s
else
    IDLE_N=15000; IDLE_WARM=1000; IDLE_HOLD=20s
    FAN_N=10000; FAN_WARMUP=5s; FAN_DUR=20s
    LAT_N=10000; LAT_RATE=100; LAT_DUR=30s
    SINGLE_DUR=15s
    REC_N=10000; REC_RATE=10
    SLOW_N=300; SLOW_K=100; SLOW_RATE=200; SLOW_DUR=90s
    LADDER_N=10000; LADDER_RATES=100,200,400,800,1600,max; LADDER_MAX=20000; LADDER_WARMUP=3s; LADDER_DUR=10s
    STREAM_COUNTS=1000,4000; STREAM_WARMUP=3s; STREAM_DUR=10s
fi
if [ -n "$LADDER_RATES_ARG" ]; then
    case "$LADDER_RATES_ARG" in *[!0-9,max]*|,*|*,|*,,*) echo "compare: --ladder-rates: a list of rates and max, e.g. 1600,max" >&2; exit 2 ;; esac
    LADDER_RATES=$LADDER_RATES_ARG
fi
# The ladder's publisher: 16 connections x 64 pipelined = 1,024 publishes in flight at most, so that a server that
# holds each publish ~100 ms before refusing it (Herald's --publish-wait) can still be offered ~10,000/s;
# subscriptions in one worker process, the publisher alone in the coordinator's (no CPU shared with their sockets).
LADDER_PUBLISHER="--publish-connections 16 --pipeline 64 --workers 1"

# ---- stacks -------------------------------------------------------------------------------------------------

port_of() {
    case "$1" in herald|herald-streams) echo "$PORT_BASE" ;; netty) echo $((PORT_BASE + 1)) ;;
        nchan) echo $((PORT_BASE + 2)) ;; node) echo $((PORT_BASE + 10)) ;; esac
}
sub_url() {
    case "$1" in herald) echo "http://127.0.0.1:$(port_of herald)/topics/$2" ;;
        *) echo "http://127.0.0.1:$(port_of "$1")/sub/$2" ;; esac
}
pub_url() {
    case "$1" in herald) echo "http://127.0.0.1:$(port_of herald)/topics/$2" ;;
        *) echo "http://127.0.0.1:$(port_of "$1")/pub/$2" ;; esac
}

SERVER_PID=""
NCHAN_DIR=""

start_stack() {   # $1 stack, $2 log file; sets SERVER_PID
    local stack=$1 log=$2 port
    port=$(port_of "$stack")
    if herald_port_open "$port"; then
        echo "compare: 127.0.0.1:$port is in use by another process; choose another --port-base" >&2
        return 1
    fi
    case "$stack" in
        herald)
            # The generator's few source addresses stand in for thousands of clients: per-address limits off
            # (environment, not flags, so that an older jar without them still starts).
            # shellcheck disable=SC2086
            HERALD_MAX_CONNECTIONS_PER_IP=0 HERALD_CONNECT_RATE_PER_IP=0 \
                java $HERALD_JVM_FLAGS -jar "$SERVER_JAR" --host 127.0.0.1 --port "$port" >"$log" 2>&1 &
            ;;
        herald-streams)
            # the same Herald, with the JVM flags it ships, and an embedded StreamHandler at POST /stream
            # (per-address limits off in the code)
            # shellcheck disable=SC2086
            java $HERALD_JVM_FLAGS -cp "$BENCH_JAR" herald.bench.stream.TokenStreamServer --host 127.0.0.1 \
                --port "$port" >"$log" 2>&1 &
            ;;
        netty)
            # shellcheck disable=SC2086
            java $JVM_FLAGS -cp "$BENCH_JAR" herald.bench.peer.NettyBroadcastServer --host 127.0.0.1 \
                --port "$port" --threads 2 >"$log" 2>&1 &
            ;;
        nchan)
            NCHAN_DIR=$(mktemp -d /tmp/herald-compare-nchan.XXXXXX)
            mkdir -p "$NCHAN_DIR/logs" "$NCHAN_DIR/tmp"
            sed "s/127\.0\.0\.1:8082/127.0.0.1:$port/" "$ROOT/loadtest/peers/nchan/nchan.conf" >"$NCHAN_DIR/nginx.conf"
            "$NGINX" -p "$NCHAN_DIR" -e "$NCHAN_DIR/logs/error.log" -c "$NCHAN_DIR/nginx.conf" -g 'daemon off;' \
                >"$log" 2>&1 &
            ;;
        node)
            node "$ROOT/loadtest/peers/node/broadcast.js" --host 127.0.0.1 --port "$port" >"$log" 2>&1 &
            ;;
    esac
    SERVER_PID=$!
    if ! herald_wait_listen "$SERVER_PID" "$port" "$log"; then
        echo "compare: $stack did not start" >&2
        stop_stack
        return 1
    fi
}

stop_stack() {   # ends the server started last, by its PID (nginx: the master, which ends its workers)
    local pid=$SERVER_PID
    SERVER_PID=""
    herald_stop_pid "$pid"
    if [ -n "$NCHAN_DIR" ]; then
        if [ -f "$NCHAN_DIR/logs/error.log" ] && grep -q '\[\(alert\|crit\|emerg\)\]' "$NCHAN_DIR/logs/error.log"; then
            say "nginx logged errors:"; grep '\[\(alert\|crit\|emerg\)\]' "$NCHAN_DIR/logs/error.log" | tail -3 | tee -a "$LOG"
        fi
        rm -rf "$NCHAN_DIR"
        NCHAN_DIR=""
    fi
}

log_output() {   # everything to the terminal; the log without the once-a-second progress lines (the JSON has them)
    local line
    while IFS= read -r line; do
        printf '%s\n' "$line"
        case "$line" in
            "["*"s] streams "*) ;;
            *) printf '%s\n' "$line" >>"$LOG" ;;
        esac
    done
}

LOADTEST_PID=""
cleanup() {
    if [ -n "$LOADTEST_PID" ] && kill -0 "$LOADTEST_PID" 2>/dev/null; then
        kill -TERM "$LOADTEST_PID" 2>/dev/null || true     # its shutdown hook ends its worker processes
        wait "$LOADTEST_PID" 2>/dev/null || true
    fi
    stop_stack
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- one run ------------------------------------------------------------------------------------------------

scenario_args() {   # $1 scenario, $2 stack: prints the loadtest command line after the jar
    local sc=$1 stack=$2
    case "$sc" in
        idle)
            echo "idle --subscribers $IDLE_N --warmup-connections $IDLE_WARM --settle 3s --duration $IDLE_HOLD"
            case "$stack" in herald|netty) echo "--jvm-gc" ;; esac
            ;;
        fanout) echo "fanout --subscribers $FAN_N --rate max --bytes 64 --warmup $FAN_WARMUP --duration $FAN_DUR" ;;
        latency) echo "fanout --subscribers $LAT_N --rate $LAT_RATE --bytes 64 --warmup $FAN_WARMUP --duration $LAT_DUR" ;;
        latency10) echo "fanout --subscribers $LAT_N --rate 10 --bytes 64 --warmup $FAN_WARMUP --duration $LAT_DUR" ;;
        single) echo "single --bytes 64,1024 --warmup $FAN_WARMUP --duration $SINGLE_DUR" ;;
        reconnect) echo "reconnect --subscribers $REC_N --rate $REC_RATE --bytes 64 --warmup $FAN_WARMUP --recover-timeout 30s" ;;
        slow) echo "slow --subscribers $SLOW_N --stalled $SLOW_K --rate $SLOW_RATE --bytes 1024 --warmup $FAN_WARMUP --duration $SLOW_DUR" ;;
        ladder) echo "ladder --subscribers $LADDER_N --rates $STEP --max-rate $LADDER_MAX --bytes 64 --warmup $LADDER_WARMUP --duration $LADDER_DUR $LADDER_PUBLISHER" ;;
        streams) echo "streams --streams $STEP --tokens 50 --token-interval 20ms --warmup $STREAM_WARMUP --duration $STREAM_DUR --stream-url http://127.0.0.1:$(port_of "$stack")/stream" ;;
    esac
}

subscribers_of() {
    case "$1" in idle) echo "$IDLE_N" ;; fanout) echo "$FAN_N" ;; latency|latency10) echo "$LAT_N" ;;
        single) echo 1 ;; reconnect) echo "$REC_N" ;; slow) echo "$SLOW_N" ;; ladder) echo "$LADDER_N" ;;
        streams) echo $((STEP * 2)) ;; esac     # streams: a new connection per stream, about one per second each
}

# Each run binds its subscriptions to loopback source addresses of its own, 127.0.<K>.2 and up (K = 10, 11, ...),
# one per 4,000 subscriptions plus one: the ports a run leaves in TIME_WAIT (60 s) never slow down or exhaust
# the next run's (bind() to port 0 scans for a free port; a reconnect storm needs two per subscription).
RUN_BLOCK=9
SOURCES=""
next_source_addresses() {   # $1 subscribers; sets SOURCES
    RUN_BLOCK=$((RUN_BLOCK + 1))
    [ "$RUN_BLOCK" -le 254 ] || RUN_BLOCK=10
    local n=$(( ($1 + 3999) / 4000 + 1 ))
    SOURCES="127.0.$RUN_BLOCK.2-127.0.$RUN_BLOCK.$((n + 1))"
}

time_wait() { awk '/^TCP:/ { for (i = 2; i < NF; i++) if ($i == "tw") print $(i + 1) }' /proc/net/sockstat; }

RUNS_OK=0
RUNS_FAILED=0
STEP=""
run_one() {   # $1 stack, $2 scenario, $3 the step (ladder: a rate; streams: a count), else empty
    local stack=$1 sc=$2 topic rc i server=$1 label=$2
    STEP=${3:-}
    topic="load-$sc"
    [ -n "$STEP" ] && label="$sc $STEP"
    [ "$sc" = streams ] && [ "$stack" = herald ] && server=herald-streams
    mkdir -p "$OUT/$stack"
    if [ "$sc" = idle ] && [ "$SIZE" = full ]; then
        # expiring TIME_WAIT sockets of earlier runs would shrink the kernel's memory while idle measures it
        for i in $(seq 1 80); do
            [ "$(time_wait)" -lt 1000 ] && break
            [ "$i" -eq 1 ] && say "$stack / $sc: waiting for $(time_wait) TIME_WAIT sockets to expire (at most 80 s)"
            sleep 1
        done
    fi
    say "$stack / $label: starting a fresh server"
    if ! start_stack "$server" "$OUT/$stack/server-$sc${STEP:+-$STEP}.log"; then
        RUNS_FAILED=$((RUNS_FAILED + 1))
        return 0
    fi
    say "$stack / $label: server PID $SERVER_PID on 127.0.0.1:$(port_of "$stack")"
    next_source_addresses "$(subscribers_of "$sc")"
    # shellcheck disable=SC2046
    set -- $(scenario_args "$sc" "$stack")
    set +e
    java -jar "$LOADTEST_JAR" "$@" --target "$stack" --server-pid "$SERVER_PID" \
        --subscribe-url "$(sub_url "$stack" "$topic")" --publish-url "$(pub_url "$stack" "$topic")" \
        --source-addresses "$SOURCES" --out "$OUT/$stack" "${LOADTEST_ARGS[@]}" > >(log_output) 2>&1 &
    LOADTEST_PID=$!
    wait "$LOADTEST_PID"
    rc=$?
    LOADTEST_PID=""
    set -e
    if [ "$rc" -eq 0 ]; then
        RUNS_OK=$((RUNS_OK + 1))
    else
        RUNS_FAILED=$((RUNS_FAILED + 1))
        say "$stack / $label: the load generator exited with status $rc (see $LOG)"
    fi
    stop_stack
    sleep 2       # let the closed connections' TIME_WAIT and the server's exit settle before the next start
}

# ---- what ran where -----------------------------------------------------------------------------------------

{
    echo "# Host"
    echo
    echo "- date: $(date -u +%FT%TZ); size: $SIZE; stacks: $STACKS; scenarios: $SCENARIOS"
    echo "- CPU: $(nproc) cores, $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1)"
    echo "- memory: $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo); kernel $(uname -r); $(. /etc/os-release && echo "$PRETTY_NAME")"
    echo "- open files: soft $(ulimit -Sn), hard $(ulimit -Hn); ports $(cat /proc/sys/net/ipv4/ip_local_port_range | tr '\t' '-'); somaxconn $(cat /proc/sys/net/core/somaxconn)"
    echo "- load before the run: $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "- other busy processes before the run (ps, CPU > 5%):"
    echo
    echo '```'
    # paths shortened to their last part: a results file names no directory of the machine it ran on
    ps -eo pid,pcpu,etime,args --sort=-pcpu | awk 'NR == 1 || $2 > 5' | sed -E 's#(/[^ /:@=]+)+/([^ /:@=]+)#\2#g' \
        | cut -c1-160 | head -12
    echo '```'
} >"$OUT/host.md"

{
    echo "# Stacks"
    echo
    echo "Every server runs on 127.0.0.1, a fresh process per scenario, with the same CPU budget: the 2 cores of this host."
    echo
    echo "| stack | version | command | threads / processes |"
    echo "| --- | --- | --- | --- |"
    need_stack herald && echo "| herald | $(java -jar "$SERVER_JAR" --version 2>/dev/null | head -1), $(java -version 2>&1 | head -1 | tr -d '"') | \`java $HERALD_JVM_FLAGS -jar herald-server-all.jar --host 127.0.0.1 --port $(port_of herald)\` | defaults on 2 CPUs: 2 dispatchers, 1 watcher, virtual threads for requests; per-address limits off (\`HERALD_MAX_CONNECTIONS_PER_IP=0 HERALD_CONNECT_RATE_PER_IP=0\`) |"
    need_stack nchan && echo "| nchan | $("$NGINX" -v 2>&1 | sed 's/.*: //'), libnginx-mod-nchan $(dpkg-query -W -f='${Version}' libnginx-mod-nchan 2>/dev/null || echo '?') | \`nginx -p TMP -c loadtest/peers/nchan/nchan.conf -g 'daemon off;'\` (port $(port_of nchan)) | worker_processes 2 (+ master), listen reuseport |"
    need_stack netty && echo "| netty | Netty $(unzip -p "$BENCH_JAR" META-INF/io.netty.versions.properties 2>/dev/null | sed -n 's/^netty-transport.version=//p' | head -1) (epoll) | \`java $JVM_FLAGS -cp benchmarks.jar herald.bench.peer.NettyBroadcastServer --host 127.0.0.1 --port $(port_of netty) --threads 2\` | 2 I/O event loops + 1 acceptor |"
    need_stack herald && need_scenario streams && echo "| herald (streams) | as herald | \`java $HERALD_JVM_FLAGS -cp benchmarks.jar herald.bench.stream.TokenStreamServer --host 127.0.0.1 --port $(port_of herald)\` (Herald with an embedded StreamHandler at POST /stream) | as herald; per-address limits off in the code |"
    need_stack node && echo "| node | Node.js $(node --version 2>/dev/null) | \`node loadtest/peers/node/broadcast.js --host 127.0.0.1 --port $(port_of node)\` | one process (single JavaScript thread) |"
    echo
    echo "Load generator: \`java -jar herald-loadtest-all.jar <scenario> ...\` (JDK $(java -version 2>&1 | head -1 | sed 's/.*"\(.*\)".*/\1/')), 2 selector threads per process, on the same 2 cores."
} >"$OUT/stacks.md"

say "results in $OUT (${SIZE} sizes; stacks $STACKS; scenarios $SCENARIOS)"
say "load before the run: $(cut -d' ' -f1-3 /proc/loadavg)"

for stack in ${STACKS//,/ }; do
    for sc in ${SCENARIOS//,/ }; do
        if [ $(($(date +%s) - START)) -ge "$MAX_TIME" ]; then
            say "--max-time $MAX_TIME s reached: skipping $stack / $sc"
            RUNS_FAILED=$((RUNS_FAILED + 1))
            continue
        fi
        case "$sc" in
            ladder)   # a fresh server per step: what an overloaded step leaves behind (backlogs, buffers,
                      # cut-off subscribers reconnecting) must not weigh on the next one
                for step in ${LADDER_RATES//,/ }; do run_one "$stack" ladder "$step"; done ;;
            streams)
                case "$stack" in
                    herald|node) for step in ${STREAM_COUNTS//,/ }; do run_one "$stack" streams "$step"; done ;;
                    *) say "$stack / streams: skipped (no per-request stream handler in this stack)" ;;
                esac ;;
            *) run_one "$stack" "$sc" ;;
        esac
    done
done

# ---- one table, and the goals -------------------------------------------------------------------------------

inputs=()
for stack in ${STACKS//,/ }; do
    [ -d "$OUT/$stack" ] && inputs+=("$OUT/$stack")
    rm -f "$OUT/$stack/summary.md" "$OUT/$stack/report.html"     # per-stack copies; the merged ones follow
done
if [ ${#inputs[@]} -gt 0 ]; then
    java -jar "$LOADTEST_JAR" report --out "$OUT" "${inputs[@]}" | tee -a "$LOG"
fi

"$ROOT/loadtest/compare/goals.sh" "$OUT" >"$OUT/goals.md" || say "goals.sh failed"

ELAPSED=$(($(date +%s) - START))
say "done in $((ELAPSED / 60)) min $((ELAPSED % 60)) s: $RUNS_OK runs, $RUNS_FAILED failed or skipped"
echo
sed -n '/^## Comparison across targets/,/^## Runs/p' "$OUT/summary.md" | sed '$d'
cat "$OUT/goals.md"
echo "compare: $OUT/summary.md, $OUT/report.html, $OUT/goals.md"
[ "$RUNS_FAILED" -eq 0 ]
