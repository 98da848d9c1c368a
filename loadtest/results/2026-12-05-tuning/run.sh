#!/usr/bin/env bash
# The runs behind ops/TUNING.md (2026-12-05, helper "tuning"): kernel memory per idle connection, and the GC
# comparison (idle memory, CPU per delivery at 10 and 100 events/s per subscriber). From the repository's root,
# after `mvn -B -q -ntp -o -DskipTests -Dbuild.suffix=-tuning -pl protocol,server,loadtest package`:
#   loadtest/results/2026-12-05-tuning/run.sh kernel|gc ROUNDS
set -euo pipefail
cd "$(dirname "$0")/../../.."
R=loadtest/results/2026-12-05-tuning
BASE="-Xms1g -Xmx1g -XX:MaxDirectMemorySize=1g"
TAIL="-XX:+UseCompactObjectHeaders -XX:TrimNativeHeapInterval=1000"
case "$1" in
kernel)
    # the shipped options (compare.sh's default for Herald); the sampler records the host's socket memory
    # and, every 2 s, the buffers of Herald's own sockets (ss -tm on its port)
    python3 $R/kernel-sample.py record $R/kernel-idle.tsv 150 &
    S=$!
    ( for i in $(seq 1 70); do python3 $R/kernel-sample.py ss 24780; sleep 2; done ) > $R/kernel-idle-ss.txt 2>&1 &
    Q=$!
    loadtest/compare/compare.sh --stacks herald --scenarios idle --no-build --build-suffix -tuning \
        --port-base 24780 --out $R/kernel-idle
    wait $S $Q
    python3 $R/kernel-sample.py report $R/kernel-idle.tsv | tee $R/kernel-idle.md
    ;;
gc)
    for round in $(seq 1 "$2"); do
        for gc in g1 zgc parallel; do
            case $gc in
                g1) F="$BASE -XX:MaxNewSize=16m $TAIL" ;;                  # shipped
                zgc) F="$BASE -XX:+UseZGC $TAIL" ;;                        # generational ZGC (JDK 25)
                parallel) F="$BASE -XX:+UseParallelGC -XX:MaxNewSize=16m $TAIL" ;;
            esac
            mkdir -p $R/gc-$gc-$round
            echo "== $gc round $round: $(uptime)" | tee -a $R/gc-uptime.txt
            loadtest/compare/compare.sh --stacks herald --scenarios idle,latency10,latency --no-build \
                --build-suffix -tuning --port-base 24780 --out $R/gc-$gc-$round \
                --herald-jvm-flags "$F -Xlog:gc:file=$PWD/$R/gc-$gc-$round/gc-%p.log"
        done
    done
    ;;
backlog)
    # 15,000 connects at once (a reconnect storm) against Herald with a short and the default accept queue;
    # the host's listen-queue counters before and after (host-wide: other processes' listeners count too)
    . ops/lib/jdk.sh              # a JDK 21+ first on PATH (Debian's java is 17)
    JAR=$(ls server/target-tuning/herald-server-*-all.jar); LT=$(ls loadtest/target-tuning/herald-loadtest-*-all.jar)
    for round in $(seq 1 "$2"); do
        for b in 128 4096; do
            echo "== backlog $b round $round: $(uptime)" | tee -a $R/backlog-runs.txt
            HERALD_MAX_CONNECTIONS_PER_IP=0 HERALD_CONNECT_RATE_PER_IP=0 java $BASE -XX:MaxNewSize=16m $TAIL \
                -jar "$JAR" --host 127.0.0.1 --port 24790 --backlog $b > $R/backlog-server.log 2>&1 &
            H=$!
            for i in $(seq 1 100); do (exec 3<>/dev/tcp/127.0.0.1/24790) 2>/dev/null && break; sleep 0.2; done
            nstat -az TcpExtListenOverflows TcpExtListenDrops TcpExtTCPReqQFullDoCookies | sed 1d | sed 's/^/before /' >> $R/backlog-runs.txt
            java -jar "$LT" idle --target herald-backlog-$b-r$round --server-pid $H \
                --subscribe-url http://127.0.0.1:24790/topics/storm --subscribers 15000 --warmup-connections 1000 \
                --settle 2s --connect-rate 0 --duration 2s --source-addresses 127.0.91.2-127.0.91.4 \
                --out $R/backlog >> $R/backlog-runs.txt 2>&1 || true
            nstat -az TcpExtListenOverflows TcpExtListenDrops TcpExtTCPReqQFullDoCookies | sed 1d | sed 's/^/after /' >> $R/backlog-runs.txt
            kill -TERM $H; wait $H || true
            sleep 5
        done
    done
    ;;
esac
