# Sourced by ops/*.sh. Finds a JDK 21 or newer and exports JAVA_HOME and PATH for it.
# Order: $JAVA_HOME when it is 21+, else the newest JDK under the usual JVM folders.

herald_jdk_major() {  # prints the feature version of the JDK at $1, or nothing
    local home=$1 v
    [ -x "$home/bin/java" ] && [ -x "$home/bin/javac" ] || return 0
    if [ -f "$home/release" ]; then
        v=$(sed -n 's/^JAVA_VERSION="\([^"]*\)".*/\1/p' "$home/release")
    fi
    if [ -z "$v" ]; then
        v=$("$home/bin/java" -XshowSettings:properties -version 2>&1 \
            | sed -n 's/^ *java\.specification\.version = //p')
    fi
    v=${v#1.}          # 1.8 -> 8
    echo "${v%%[.+-]*}"
}

herald_find_jdk() {
    local want=21 best="" best_major=0 home major
    if [ -n "${JAVA_HOME:-}" ]; then
        major=$(herald_jdk_major "$JAVA_HOME")
        if [ -n "$major" ] && [ "$major" -ge "$want" ]; then
            echo "$JAVA_HOME"
            return 0
        fi
    fi
    for home in /usr/lib/jvm/* /usr/java/* /opt/java/* /opt/jdk* /usr/local/jdk* \
                "$HOME"/.sdkman/candidates/java/* "$HOME"/.jdks/* \
                /Library/Java/JavaVirtualMachines/*/Contents/Home; do
        [ -d "$home" ] || continue
        major=$(herald_jdk_major "$home")
        [ -n "$major" ] || continue
        if [ "$major" -ge "$want" ] && [ "$major" -gt "$best_major" ]; then
            best=$home
            best_major=$major
        fi
    done
    if [ -z "$best" ] && command -v javac >/dev/null 2>&1; then
        home=$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")
        major=$(herald_jdk_major "$home")
        if [ -n "$major" ] && [ "$major" -ge "$want" ]; then
            best=$home
        fi
    fi
    [ -n "$best" ] || return 1
    echo "$best"
}

if ! HERALD_JDK=$(herald_find_jdk); then
    echo "herald: no JDK 21 or newer found (looked at JAVA_HOME and /usr/lib/jvm, /usr/java, /opt/java, ~/.sdkman)." >&2
    echo "herald: install one, e.g. 'apt-get install openjdk-21-jdk' (Debian 13) or a Temurin JDK from https://adoptium.net," >&2
    echo "herald: or point JAVA_HOME at it." >&2
    exit 1
fi
export JAVA_HOME=$HERALD_JDK
export PATH="$JAVA_HOME/bin:$PATH"
if [ "$(herald_jdk_major "$JAVA_HOME")" -ge 24 ]; then
    # Maven 3.8's own libraries use sun.misc.Unsafe; keep JDK 24+ from warning about it on every build.
    export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"
fi

# The JVM options Herald ships with, for the JDK at $JAVA_HOME (ops/run.sh, loadtest/compare/compare.sh;
# ops/herald.service and ops/herald.default carry the JDK 25 line: keep them in step). A fixed 1 GiB heap and as
# much direct memory (event history; see ops/README.md, "The JVM"); the young generation capped at 16 MiB, so that
# the garbage of a wave of connects cycles through the same few heap pages instead of touching new ones; compact
# object headers (JDK 25+: 8-byte headers); the native heap trimmed every second (JDK 23+: glibc keeps what the JIT
# compilers and the GC freed, malloc_trim gives it back). Measured in loadtest/RESULTS.md, "Idle memory".
herald_java_opts() {
    local major opts="-Xms1g -Xmx1g -XX:MaxDirectMemorySize=1g -XX:MaxNewSize=16m"
    major=$(herald_jdk_major "$JAVA_HOME")
    [ "${major:-0}" -ge 25 ] && opts="$opts -XX:+UseCompactObjectHeaders"
    [ "${major:-0}" -ge 23 ] && opts="$opts -XX:TrimNativeHeapInterval=1000"
    echo "$opts"
}

herald_need_maven() {
    if ! command -v mvn >/dev/null 2>&1; then
        echo "herald: Maven is missing; installing it (apt-get install maven)." >&2
        herald_apt_install maven
    fi
}

herald_apt_install() {  # installs Debian packages, as root or through sudo
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    if ! command -v apt-get >/dev/null 2>&1; then
        echo "herald: cannot install '$*': no apt-get here; install it by hand." >&2
        return 1
    fi
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q "$@" >/dev/null 2>&1 || {
        $sudo apt-get update -q >/dev/null 2>&1
        DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q "$@" >/dev/null
    }
}
