# Sourced by the scripts that run the JMH jar next to a PyTorch peer (compare-cpu.sh, compare-rnn.sh), after they set
# `name` (their name in messages) and `root` (the repository). Defines:
#   die, usage, positive, whole   as benchmarks/script-options.sh defines them
#   java25                 sets jdk to a Java 25+ JDK ($JAVA_HOME, else Temurin 25's folder: bin/java25.sh), or dies
#   fresh_jar              sets jar to benchmarks/target/benchmarks.jar, built when missing or older than a source
#   warn_others            warns when other Java, Maven or Python processes run (both sides slow down on shared cores)
#   run_jmh LOG ARGS...    runs the jar on ARGS, its whole output in LOG; prints the result lines; dies with LOG's tail
#                          when a benchmark failed (-foe true: a failing fork or check is an error, not a missing row)
source "$root/benchmarks/script-options.sh"

source "$root/bin/java25.sh"
java25() {
    jdk="$(java25_home)" || die "$jdk"
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

warn_others() {
    local others
    others="$(pgrep -fa 'maven|surefire|python3|java' | grep -v -e pgrep -e "$name" || true)"
    if [[ -n "$others" ]]; then
        echo "$name: WARNING: other processes are running; both sides slow down when the cores are shared:" >&2
        echo "$others" | cut -c1-160 >&2
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
