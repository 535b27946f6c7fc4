# Sourced by the scripts that run the JMH jar next to a PyTorch peer (compare-cpu.sh, compare-rnn.sh), after they set
# `name` (their name in messages) and `root` (the repository). Defines:
#   die MESSAGE...         one line "<name>: MESSAGE", exit 1
#   usage MESSAGE...       the same, exit 2 (a bad option)
#   positive OPTION VALUE  refuses VALUE unless a positive whole number
#   java25                 sets jdk to a Java 25+ JDK ($JAVA_HOME, else Temurin 25's folder), or dies saying which
#   fresh_jar              sets jar to benchmarks/target/benchmarks.jar, built when missing or older than a source
#   run_jmh LOG ARGS...    runs the jar on ARGS, its whole output in LOG; prints the result lines; dies with LOG's tail
#                          when a benchmark failed (-foe true: a failing fork or check is an error, not a missing row)
die() { echo "$name: $*" >&2; exit 1; }
usage() { echo "$name: $*" >&2; exit 2; }
positive() { [[ "${2-}" =~ ^[1-9][0-9]*$ ]] || usage "$1 takes a positive whole number, got '${2-}'"; }

java25() {
    jdk="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
    [[ -x "$jdk/bin/java" ]] || die "no Java at $jdk/bin/java: set JAVA_HOME to a Java 25 JDK"
    local feature
    feature="$("$jdk/bin/java" -XshowSettings:properties -version 2>&1 \
        | awk -F'= ' '/java.specification.version/ { split($2, v, "."); print (v[1] == "1" ? v[2] : v[1]) }')"
    [[ "$feature" =~ ^[0-9]+$ && "$feature" -ge 25 ]] \
        || die "$jdk is Java ${feature:-of unknown version}; the benchmarks need Java 25 (set JAVA_HOME)"
}

fresh_jar() {
    jar="$root/benchmarks/target/benchmarks.jar"
    local stale=""
    if [[ -f "$jar" ]]; then
        stale="$(find "$root/pom.xml" "$root"/*/pom.xml "$root"/*/src/main -newer "$jar" -type f -print -quit \
            2>/dev/null || true)"
    fi
    if [[ ! -f "$jar" || -n "$stale" ]]; then
        echo "$name: building $jar${stale:+ ($stale is newer)}" >&2
        (cd "$root" && JAVA_HOME="$jdk" mvn -B -ntp -q package -DskipTests -pl benchmarks -am) \
            || die "could not build $jar"
    fi
}

run_jmh() {
    local log="$1"
    shift
    if ! "$jdk/bin/java" -jar "$jar" -foe true "$@" >"$log" 2>&1; then
        tail -n 30 "$log" >&2
        die "a JMH benchmark failed (above: the end of its output)"
    fi
    grep -E '^(Benchmark|[A-Z][A-Za-z0-9]+\.)' "$log" || true
}
