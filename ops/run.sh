#!/usr/bin/env bash
# Builds the server's fat jar and runs it with useful defaults: port 8080, in-memory event log,
# dashboard at http://localhost:8080/. Arguments go to the server (ops/run.sh --help lists them).
# JVM options: $JAVA_OPTS, by default the ones ops/herald.service ships (herald_java_opts in ops/lib/jdk.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
. ops/lib/jdk.sh
herald_need_maven

echo "herald: building with JDK at $JAVA_HOME"
mvn -B -q -ntp -Dstyle.color=never -DskipTests -pl server -am package
jar=$(ls server/target/herald-server-*-all.jar | head -n 1)
JAVA_OPTS=${JAVA_OPTS:-$(herald_java_opts)}
# shellcheck disable=SC2086
exec java $JAVA_OPTS -jar "$jar" "$@"
