#!/usr/bin/env bash
# Striate's recurrent training step next to PyTorch's on the CPU: a 2-layer LSTM and GRU (input and hidden 512,
# batch 64, 35 steps, batch-first; forward, mean loss, backward, SGD), the JMH benchmark RecurrentTrainStep against
# benchmarks/pytorch/lstm_step.py, same machine, same thread count, run one after the other (never at the same
# time), alternating sides for --rounds rounds. Prints each run, a table of medians and one line per cell:
#   RATIO <cell>_step_2x512_b64_t35 <PyTorch ms per step / Striate ms per step>   (above 1: Striate is faster)
# Usage: bash benchmarks/compare-rnn.sh [--threads N] [--rounds R] [--quick] [--peer FILE]
#   --threads N   intra-op threads on both sides (default: nproc)
#   --rounds R    PyTorch-then-Striate rounds (default 2); the table takes the median over all of them
#   --quick       one short round, for a smoke test; the numbers are not worth reporting
#   --peer FILE   the PyTorch script (default: benchmarks/pytorch/lstm_step.py)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
peer="$root/benchmarks/pytorch/lstm_step.py"
threads="$(nproc)"
rounds=2
quick=false
while [[ $# -gt 0 ]]; do
    case "$1" in
        --threads) threads="$2"; shift 2 ;;
        --rounds) rounds="$2"; shift 2 ;;
        --quick) quick=true; rounds=1; shift ;;
        --peer) peer="$(realpath "$2")"; shift 2 ;;
        *) echo "compare-rnn: unknown option $1 (use --threads N, --rounds R, --quick, --peer FILE)" >&2; exit 2 ;;
    esac
done
python=/usr/bin/python3
jdk="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
die() { echo "compare-rnn: $*" >&2; exit 1; }

"$python" -c "import torch" 2>/dev/null || die "needs Debian's python3-torch at $python (apt-get install python3-torch)"
[[ -f "$peer" ]] || die "no PyTorch peer at $peer (it comes with the text-data branch of issue #16)"
[[ -x "$jdk/bin/java" ]] || die "no Java 25 JDK at $jdk (set JAVA_HOME)"
jar="$root/benchmarks/target/benchmarks.jar"
if [[ ! -f "$jar" ]]; then
    (cd "$root" && JAVA_HOME="$jdk" mvn -B -ntp -q package -DskipTests -pl benchmarks -am) || die "could not build $jar"
fi
others="$(pgrep -fa 'maven|surefire|python3|java' | grep -v -e pgrep -e compare-rnn || true)"
if [[ -n "$others" ]]; then
    echo "compare-rnn: WARNING: other processes are running; both sides slow down when the cores are shared:" >&2
    echo "$others" | cut -c1-160 >&2
fi

out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
if $quick; then torch_args=(--quick); jmh_args=(-wi 1 -i 2 -w 2s -r 2s); else
    torch_args=(--warmup 5 --rounds 5 --steps 5); jmh_args=(-wi 4 -i 5 -w 3s -r 3s); fi
echo "PyTorch $("$python" -c 'import torch; print(torch.__version__)'), $threads threads;" \
    "OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE-(unset)}; $(nproc) cores: $(lscpu | sed -n 's/^Model name: *//p')"
for ((r = 1; r <= rounds; r++)); do
    echo "== round $r: PyTorch"
    "$python" "$peer" --threads "$threads" "${torch_args[@]}" \
        | tee /dev/stderr | grep '^{' >>"$out/torch.jsonl"
    echo "== round $r: Striate (JMH RecurrentTrainStep)"
    # -jvmArgsAppend replaces the @Fork annotation's flags, so it repeats them.
    "$jdk/bin/java" -jar "$jar" "${jmh_args[@]}" -f 1 -jvmArgsAppend "--add-modules jdk.incubator.vector \
--enable-native-access=ALL-UNNAMED -Dstriate.cpu.threads=$threads" -rf json -rff "$out/jmh-$r.json" \
        'striate.bench.RecurrentTrainStep' | grep -E '^(Benchmark|RecurrentTrainStep\.|.* step memory)'
done

"$python" - "$out" <<'PY'
import glob, json, os, statistics, sys
out = sys.argv[1]
torch = {}
for line in open(os.path.join(out, "torch.jsonl")):
    r = json.loads(line)
    torch.setdefault(r["case"], []).append(r["ms_per_step"])
striate = {}
for f in sorted(glob.glob(os.path.join(out, "jmh-*.json"))):
    for r in json.load(open(f)):
        case = f"{r['params']['cell']}_step_2x512_b64_t35"
        striate.setdefault(case, []).extend(r["primaryMetric"]["rawData"][0])  # ms per step, one per iteration
print(f"\n{'case':26} {'Striate ms/step median [min-max]':>34} {'PyTorch ms/step median [min-max]':>34} {'ratio':>6}")
ratios = []
for case in sorted(striate):
    if case not in torch:
        continue
    s, t = striate[case], torch[case]
    ratio = statistics.median(t) / statistics.median(s)
    ratios.append((case, ratio))
    print(f"{case:26} {statistics.median(s):14.1f} [{min(s):.1f}-{max(s):.1f}] {statistics.median(t):14.1f} "
          f"[{min(t):.1f}-{max(t):.1f}] {ratio:6.2f}")
print()
for case, ratio in ratios:
    print(f"RATIO {case} {ratio:.3f}")
PY
