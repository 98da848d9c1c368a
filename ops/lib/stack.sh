# shellcheck shell=bash
# Helpers for scripts that build Herald and start and stop servers by PID (loadtest/compare/*.sh).
# Source after ops/lib/jdk.sh: herald_build needs Maven and JAVA_HOME. Every function says why it failed on stderr.

# Whether something listens on 127.0.0.1:PORT.
herald_port_open() {
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# Waits up to 30 s for PID to listen on 127.0.0.1:PORT; fails, with the end of LOG, if it exits or never does.
herald_wait_listen() {  # PID PORT LOG
    local pid=$1 port=$2 log=$3 i
    for i in $(seq 1 150); do
        herald_port_open "$port" && return 0
        if ! kill -0 "$pid" 2>/dev/null; then
            echo "herald: PID $pid exited before listening on 127.0.0.1:$port; the end of $log:" >&2
            tail -5 "$log" >&2
            return 1
        fi
        sleep 0.2
    done
    echo "herald: PID $pid did not listen on 127.0.0.1:$port within 30 s" >&2
    return 1
}

# Ends PID (a child of this shell): SIGTERM, up to 10 s to exit, then SIGKILL.
herald_stop_pid() {
    local pid=$1 i
    [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 0
    kill -TERM "$pid" 2>/dev/null || true
    for i in $(seq 1 50); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.2
    done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
}

# Builds MODULES (comma-separated, e.g. protocol,server) into <module>/target<SUFFIX>, logging to LOG; on failure
# prints the end of the log.
herald_build() {  # MODULES SUFFIX LOG
    local modules=$1 suffix=$2 log=$3
    herald_need_maven
    if ! mvn -B -q -ntp -Dstyle.color=never -DskipTests ${suffix:+-Dbuild.suffix=$suffix} -pl "$modules" package \
            >"$log" 2>&1; then
        echo "herald: the build failed; the end of $log:" >&2
        grep -v '^WARNING' "$log" | tail -20 >&2
        return 1
    fi
}

# The runnable jar of MODULE (server, loadtest or bench) in <module>/target<SUFFIX>, whatever the version.
herald_jar() {  # ROOT MODULE SUFFIX
    local root=$1 module=$2 suffix=$3
    case "$module" in
        bench) echo "$root/bench/target$suffix/benchmarks.jar" ;;
        *) ls "$root/$module/target$suffix/"herald-"$module"-*-all.jar 2>/dev/null | head -n 1 ;;
    esac
}

herald_nginx_site() {  # ROOT LISTEN_PORT CERT KEY UPSTREAM_PORT OUT
    # ops/nginx/herald.conf as shipped, listening on 127.0.0.1:LISTEN_PORT with this certificate and one node
    # (127.0.0.1:UPSTREAM_PORT) as its upstream, written to OUT; stops with one line when the shipped file no longer
    # has the lines this fills in.
    local root=$1 port=$2 cert=$3 key=$4 upstream=$5 out=$6
    sed -e "s|listen 443 ssl http2;|listen 127.0.0.1:$port ssl http2 reuseport;|" \
        -e "s|/etc/ssl/certs/events.example.com.pem|$cert|" \
        -e "s|/etc/ssl/private/events.example.com.key|$key|" \
        -e "/server 10\.0\.0\.1[23]:8080/d" -e "s|server 10\.0\.0\.11:8080|server 127.0.0.1:$upstream|" \
        "$root/ops/nginx/herald.conf" >"$out"
    grep -q "listen 127.0.0.1:$port " "$out" && grep -q "server 127.0.0.1:$upstream " "$out" \
        || { echo "herald: ops/nginx/herald.conf has no listen or upstream line of the shape filled in here" >&2; exit 1; }
}
