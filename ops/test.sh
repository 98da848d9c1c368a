#!/usr/bin/env bash
# Runs every test of every module: unit tests (surefire) and socket-level *IT tests (failsafe).
# Installs what the tests need when it is missing (Chromium for the browser tests, nginx and openssl for
# the proxy and TLS tests, promtool from Debian's prometheus for the metrics test, redis-server and
# redis-tools for the cluster tests, curl, nghttp2-client and nodejs for the HTTP/2 tests, Maven) and finds a JDK 21+ on its own. Extra arguments go to Maven, e.g. ./ops/test.sh -pl protocol.
set -euo pipefail
cd "$(dirname "$0")/.."
. ops/lib/jdk.sh

missing=()
command -v curl >/dev/null 2>&1 || missing+=(curl)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
[ -x /usr/sbin/nginx ] || command -v nginx >/dev/null 2>&1 || missing+=(nginx)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
command -v promtool >/dev/null 2>&1 || missing+=(prometheus)     # promtool checks /metrics (MetricsIT)
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)   # the cluster tests (herald.server.cluster *IT)
command -v redis-cli >/dev/null 2>&1 || missing+=(redis-tools)       # redis-cli in those tests, redis-benchmark in bench
command -v nghttp >/dev/null 2>&1 || missing+=(nghttp2-client)       # nghttp and h2load (Http2IT)
command -v node >/dev/null 2>&1 || missing+=(nodejs)                 # node's http2 client (Http2IT, NginxClusterIT), H2FanoutScriptsTest
if [ ${#missing[@]} -gt 0 ]; then
    echo "herald: installing test dependencies: ${missing[*]}"
    herald_apt_install "${missing[@]}"
fi
herald_need_maven

echo "herald: testing with JDK at $JAVA_HOME"
exec mvn -B -ntp -Dstyle.color=never verify "$@"
