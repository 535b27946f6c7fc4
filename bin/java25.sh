# Sourced by bin/striate, bin/setup, .ci/run and benchmarks/jmh-setup.sh: finds the Java 25 JDK they run on.
#   java25_home   prints $JAVA_HOME when it is a Java 25+ JDK, else Temurin 25's folder when that is one (with a
#                 note on stderr when JAVA_HOME was set); or, with exit status 1, one line saying what was found and
#                 how to install Java 25
java25_fallback=/usr/lib/jvm/temurin-25-jdk-amd64

# Prints the feature version (25, 21, ...) of the java in JDK home $1, or nothing when there is none.
java_feature() {
    [[ -x "$1/bin/java" ]] || return 0
    "$1/bin/java" -XshowSettings:properties -version 2>&1 \
        | awk -F'= ' '/java.specification.version/ { split($2, v, "."); print (v[1] == "1" ? v[2] : v[1]) }'
}

java25_home() {
    local found version
    if [[ -n "${JAVA_HOME:-}" && "$(java_feature "$JAVA_HOME")" -ge 25 ]] 2>/dev/null; then
        echo "$JAVA_HOME"
    elif [[ "$(java_feature "$java25_fallback")" -ge 25 ]] 2>/dev/null; then
        if [[ -n "${JAVA_HOME:-}" ]]; then # set on purpose, perhaps: say why it is passed over
            version="$(java_feature "$JAVA_HOME")"
            echo "$(basename "$0"): note: JAVA_HOME=$JAVA_HOME is ${version:+Java }${version:-not a JDK}; using" \
                "$java25_fallback" >&2
        fi
        echo "$java25_fallback"
    else
        if [[ -n "${JAVA_HOME:-}" ]]; then
            version="$(java_feature "$JAVA_HOME")"
            if [[ -n "$version" ]]; then found="JAVA_HOME=$JAVA_HOME is Java $version"
            else found="JAVA_HOME=$JAVA_HOME holds no bin/java"; fi
        else
            found="JAVA_HOME is not set"
        fi
        echo "needs a Java 25 JDK ($found, and $java25_fallback is missing): install Eclipse Temurin 25" \
            "(https://adoptium.net/installation/linux/: add Adoptium's apt repository, then apt-get install" \
            "temurin-25-jdk) or set JAVA_HOME to a Java 25 JDK"
        return 1
    fi
}
