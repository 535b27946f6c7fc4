#!/usr/bin/env bash
# striate-spark.jar on a real Spark standalone cluster on this machine, submitted with spark-submit as the README's
# cluster guide writes it: a master and N worker daemons (one core and 2 GB each), each running its executor JVM.
# Two jobs train LeNet-5 with the same options: one uninterrupted, and one whose executor of the first worker is
# killed (SIGKILL) mid-epoch, after its first checkpoint. Spark retries the barrier stage, the workers resume from
# the checkpoint, and the script checks that the two final checkpoints hold the same weights and optimizer state, bit
# for bit (benchmarks/spark/SameWeights.java; their histories differ in seconds). It ends with
#   STANDALONE workers=N images_per_s=<uninterrupted job, all workers> resumed_at=<step> weights=identical
# Without --spark-home it assembles a Spark home under spark/target/spark-home from the Spark jars Maven resolves
# for spark-core and spark-sql (no bin/ scripts ship as Maven artifacts, so its bin/spark-class and bin/spark-submit are three
# lines that ask Spark's launcher for the command and run it, as a distribution's do); with --spark-home it uses
# that distribution's own bin/spark-class and bin/spark-submit.
# Usage: bash benchmarks/spark-standalone.sh [--workers N] [--epochs E] [--limit K] [--spark-home DIR] [--no-kill]
#            [--executor-java-options OPTS]   (added to the executors' JVM options, e.g. "-Xlog:gc:file=/tmp/gc-%p.log")
#            [--data DIR]   Fashion-MNIST's four IDX files, plain or .gz (default: /usr/share/datasets/fashion-mnist,
#                           Debian's package dataset-fashion-mnist)
# Defaults: 2 workers, 2 epochs, --limit 16384 examples (0: all 60,000; at least one batch of 64 per worker). Job 2
# must run past its first checkpoint (step 16, or the end of the first epoch when that comes sooner), so the script
# refuses a --limit and --epochs that end the job there; the kill comes 2 s after that checkpoint, so a job that
# ends within those 2 s still fails, after job 2 (raise --limit).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
name=spark-standalone
source "$root/benchmarks/script-options.sh"
workers=2
epochs=2
limit=16384
spark_home=""
kill_one=1
executor_options=""
data=""
while [[ $# -gt 0 ]]; do
    case "$1" in
        --workers) positive "$1" "${2-}"; workers="$2"; shift 2 ;;
        --epochs) positive "$1" "${2-}"; epochs="$2"; shift 2 ;;
        --limit) whole "$1" "${2-}"; limit="$2"; shift 2 ;;
        --spark-home) [[ -n "${2-}" ]] || usage "--spark-home needs a folder"; spark_home="$2"; shift 2 ;;
        --no-kill) kill_one=0; shift ;;
        --executor-java-options) [[ $# -ge 2 ]] || usage "--executor-java-options needs a value"
                                 executor_options="$2"; shift 2 ;;
        --data) [[ -n "${2-}" ]] || usage "--data needs a folder"; data="$2"; shift 2 ;;
        *) usage "unknown option $1 (use --workers N, --epochs E, --limit K, --spark-home DIR, --no-kill," \
               "--executor-java-options OPTS, --data DIR)" ;;
    esac
done
# Train gives each worker floor(examples / N) of them and refuses fewer than one batch of 64; a worker's epoch is
# floor(examples / N) / 64 steps, and job 2's executor is killed after the first checkpoint (--checkpoint-every 16
# below, or the end of the first epoch when that comes sooner), so job 2 must have steps after that one
examples=60000
((limit == 0 || limit >= examples)) || examples=$limit
((examples / workers >= 64)) || usage "--limit $limit leaves each of $workers workers fewer than one batch of 64:" \
    "give at least $((64 * workers)) (or 0: all)"
steps=$((examples / workers / 64))
first_checkpoint=$((steps < 16 ? steps : 16))
((kill_one == 0 || epochs * steps > first_checkpoint)) || usage "--limit $limit and --epochs $epochs give job 2" \
    "$((epochs * steps)) steps, none after its first checkpoint (step $first_checkpoint), where the kill comes: raise" \
    "--limit or --epochs (or --no-kill)"
if [[ -n "$spark_home" ]]; then
    [[ -x "$spark_home/bin/spark-class" && -x "$spark_home/bin/spark-submit" ]] \
        || usage "--spark-home $spark_home has no bin/spark-class and bin/spark-submit: give a Spark 4.2" \
            "distribution's folder"
fi

source "$root/bin/java25.sh"
jdk="$(java25_home)" || die "$jdk"
export JAVA_HOME="$jdk"
source "$root/benchmarks/fashion-mnist-folder.sh" # sets data

echo "building spark/target/striate-spark.jar (offline)" >&2
(cd "$root" && mvn -B -ntp -o -q -pl spark -am package -DskipTests) >&2
jar="$root/spark/target/striate-spark.jar"

if [[ -z "$spark_home" ]]; then
    spark_home="$root/spark/target/spark-home"
    version="$(sed -n 's:.*<spark.version>\(.*\)</spark.version>.*:\1:p' "$root/spark/pom.xml")"
    if [[ ! -f "$spark_home/jars/spark-sql_2.13-$version.jar" ]]; then
        echo "assembling a Spark $version home in $spark_home from Spark's Maven artifacts" >&2
        mkdir -p "$spark_home/bin" "$spark_home/pom"
        cat > "$spark_home/pom/pom.xml" <<EOF
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>striate.local</groupId><artifactId>spark-home</artifactId><version>1</version><packaging>pom</packaging>
  <dependencies>
    <dependency><groupId>org.apache.spark</groupId><artifactId>spark-core_2.13</artifactId><version>$version</version></dependency>
    <dependency><groupId>org.apache.spark</groupId><artifactId>spark-sql_2.13</artifactId><version>$version</version></dependency>
  </dependencies>
</project>
EOF
        (cd "$spark_home/pom" && mvn -B -ntp -q dependency:copy-dependencies -DoutputDirectory="$spark_home/jars") >&2 \
            || die "could not resolve spark-core_2.13 and spark-sql_2.13 $version and their dependencies (no network?)"
    fi
    cat > "$spark_home/bin/spark-class" <<'EOF'
#!/usr/bin/env bash
# Asks Spark's launcher for the JVM command of a Spark class (NUL-separated) and runs it.
set -euo pipefail
cmd=()
while IFS= read -r -d '' arg; do
    arg="${arg#$'\n'}"
    [[ -n "$arg" ]] && cmd+=("$arg")
done < <("$JAVA_HOME/bin/java" -Xmx128m -cp "$SPARK_HOME/jars/*" org.apache.spark.launcher.Main "$@")
exec "${cmd[@]}"
EOF
    printf '#!/usr/bin/env bash\nexec "$SPARK_HOME/bin/spark-class" org.apache.spark.deploy.SparkSubmit "$@"\n' \
        > "$spark_home/bin/spark-submit"
    chmod +x "$spark_home/bin/spark-class" "$spark_home/bin/spark-submit"
fi
[[ -x "$spark_home/bin/spark-class" && -x "$spark_home/bin/spark-submit" ]] \
    || die "$spark_home has no bin/spark-class and bin/spark-submit: give a Spark 4.2 distribution's folder"
export SPARK_HOME="$spark_home" SPARK_SCALA_VERSION=2.13

out="$(mktemp -d)"
daemons=()
stop() {
    for pid in "${daemons[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${daemons[@]}"; do wait "$pid" 2>/dev/null || true; done
    rm -rf "$out"
}
trap stop EXIT

"$SPARK_HOME/bin/spark-class" org.apache.spark.deploy.master.Master --host 127.0.0.1 --port 0 --webui-port 0 \
    > "$out/master.log" 2>&1 &
daemons+=($!)
master=""
for _ in $(seq 120); do
    master="$(sed -n 's/.*Starting Spark master at \(spark:[^ ]*\).*/\1/p' "$out/master.log")"
    [[ -n "$master" ]] && break
    sleep 0.5
done
[[ -n "$master" ]] || { tail -20 "$out/master.log" >&2; die "the master did not start"; }
worker_pids=()
for i in $(seq "$workers"); do
    mkdir -p "$out/work-$i"
    "$SPARK_HOME/bin/spark-class" org.apache.spark.deploy.worker.Worker --host 127.0.0.1 --cores 1 --memory 2g \
        --webui-port 0 --work-dir "$out/work-$i" "$master" > "$out/worker-$i.log" 2>&1 &
    daemons+=($!)
    worker_pids+=($!)
done
echo "== a standalone cluster: master $master, $workers workers with one core and 2 GB each" >&2

submit() { # $1 = checkpoint folder name
    "$SPARK_HOME/bin/spark-submit" --master "$master" --class striate.spark.Train \
        --conf spark.executor.cores=1 --conf spark.task.cpus=1 --conf spark.executor.memory=1g \
        --conf "spark.executor.extraJavaOptions=-Dstriate.cpu.threads=1 $executor_options" \
        "$jar" \
        --model lenet5 --data "$data" --epochs "$epochs" --batch-size 64 --lr 0.01 --seed 42 \
        --checkpoint-dir "$out/$1" --workers "$workers" --limit "$limit" --checkpoint-every 16 \
        > "$out/$1.txt" 2> "$out/$1.log"
}

echo "== job 1: uninterrupted, $epochs epoch(s) of $limit examples" >&2
submit plain || { tail -30 "$out/plain.log" >&2; die "the uninterrupted job failed"; }
cat "$out/plain.txt"
rate="$(sed -n 's/^all workers: \([0-9.]*\) images\/s.*/\1/p' "$out/plain.txt")"
steady="$(sed -n 's/^all workers: .*; last epoch \([0-9.]*\) images\/s.*/\1/p' "$out/plain.txt")"
if [[ "$kill_one" == 0 ]]; then
    echo "STANDALONE workers=$workers images_per_s=$rate last_epoch_images_per_s=${steady:-none}"
    exit 0
fi

echo "== job 2: the same, with worker 1's executor killed after the first checkpoint" >&2
submit killed &
job=$!
deadline=$((SECONDS + 600))
until [[ -f "$out/killed/last.ckpt" ]]; do
    kill -0 "$job" 2>/dev/null || die "job 2 ended before its first checkpoint: raise --limit"
    ((SECONDS < deadline)) || die "no checkpoint after 600 s"
    sleep 0.2
done
sleep 2
executor="$(pgrep -P "${worker_pids[0]}" -f CoarseGrainedExecutorBackend || true)"
[[ -n "$executor" ]] || die "worker 1 runs no executor to kill"
kill -0 "$job" 2>/dev/null || die "job 2 ended before the kill: raise --limit"
kill -9 "$executor"
echo "killed executor process $executor of worker 1" >&2
wait "$job" || { tail -30 "$out/killed.log" >&2; die "job 2 failed after the kill"; }
cat "$out/killed.txt"
resumed="$(sed -n 's/^worker 0: steps \([0-9]*\) to.*/\1/p' "$out/killed.txt")"
[[ -n "$resumed" && "$resumed" -gt 0 ]] || die "job 2 did not resume from a checkpoint (worker 0 started at step" \
    "${resumed:-?}); the kill came too late or Spark did not retry the stage"
# the weights and optimizer state, bit for bit (the histories differ in seconds and images/s)
if ! same="$("$JAVA_HOME/bin/java" --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -cp "$jar" \
        "$root/benchmarks/spark/SameWeights.java" "$out/plain/last.ckpt" "$out/killed/last.ckpt" 2>&1)"; then
    die "the final checkpoints differ ($(grep -v '^WARNING' <<<"$same")): the resumed run did not reach the uninterrupted run's weights"
fi
echo "STANDALONE workers=$workers images_per_s=$rate resumed_at=$resumed weights=identical"
