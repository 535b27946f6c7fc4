#!/usr/bin/env bash
# Striate's recurrent layers next to PyTorch's on the CPU, same machine, same thread count, run one after the other
# (never at the same time), alternating sides for --rounds rounds:
# - the training step of a 2-layer LSTM and GRU (input and hidden 512, batch 64, 35 steps, batch-first; forward,
#   mean loss, backward, SGD): JMH RecurrentTrainStep against benchmarks/pytorch/lstm_step.py;
# - the Brown tagger's recurrent forward (bidirectional LSTM 100 → 2×128, 32 padded sentences of 4 to 48 tokens, no
#   autograd): JMH RecurrentInference against benchmarks/pytorch/tagger_lstm_forward.py.
# The peer's OpenBLAS gets the same thread count (OPENBLAS_NUM_THREADS): PyTorch's recurrent layers run their
# products on OpenBLAS's own threads, which Debian's build otherwise starts one per core whatever --threads says.
# Prints each run, a table of medians and one line per case (above 1: Striate is faster):
#   RATIO <cell>_step_2x512_b64_t35 <PyTorch ms per step / Striate ms per step>
#   RATIO tagger_lstm_forward_b32 <Striate sentences/s / PyTorch sentences/s>
# Usage: bash benchmarks/compare-rnn.sh [--threads N] [--rounds R] [--quick] [--peer FILE]
#   --threads N   intra-op threads on both sides (default: nproc)
#   --rounds R    PyTorch-then-Striate rounds (default 2); the table takes the median over all of them
#   --quick       one short round, for a smoke test; the numbers are not worth reporting
#   --peer FILE   the PyTorch script (default: benchmarks/pytorch/lstm_step.py)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
name=compare-rnn
source "$root/benchmarks/jmh-setup.sh"
peer="$root/benchmarks/pytorch/lstm_step.py"
threads="$(nproc)"
rounds=2
quick=false
while [[ $# -gt 0 ]]; do
    case "$1" in
        --threads) positive "$1" "${2-}"; threads="$2"; shift 2 ;;
        --rounds) positive "$1" "${2-}"; rounds="$2"; shift 2 ;;
        --quick) quick=true; rounds=1; shift ;;
        --peer) [[ -f "${2-}" ]] || usage "--peer needs a PyTorch script, got '${2-}'"; peer="$(realpath "$2")"; shift 2 ;;
        *) usage "unknown option $1 (use --threads N, --rounds R, --quick, --peer FILE)" ;;
    esac
done
python=/usr/bin/python3

"$python" -c "import torch" 2>/dev/null || die "needs Debian's python3-torch at $python (apt-get install python3-torch)"
[[ -f "$peer" ]] || die "no PyTorch peer at $peer (it comes with the text-data branch of issue #16)"
java25
fresh_jar
warn_others

out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
if $quick; then torch_args=(--quick); forward_args=(--quick); jmh_args=(-wi 1 -i 2 -w 2s -r 2s); else
    torch_args=(--warmup 5 --rounds 5 --steps 5); forward_args=(--rounds 5 --seconds 2); jmh_args=(-wi 4 -i 5 -w 3s -r 3s)
fi
echo "PyTorch $("$python" -c 'import torch; print(torch.__version__)'), $threads threads;" \
    "OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE-(unset)}; $(nproc) cores: $(lscpu | sed -n 's/^Model name: *//p')"
for ((r = 1; r <= rounds; r++)); do
    echo "== round $r: PyTorch"
    OPENBLAS_NUM_THREADS="$threads" "$python" "$peer" --threads "$threads" "${torch_args[@]}" \
        | tee /dev/stderr | grep '^{' >>"$out/torch.jsonl"
    OPENBLAS_NUM_THREADS="$threads" "$python" "$root/benchmarks/pytorch/tagger_lstm_forward.py" \
        --threads "$threads" "${forward_args[@]}" \
        | tee /dev/stderr | grep '^{' >>"$out/torch.jsonl"
    echo "== round $r: Striate (JMH RecurrentTrainStep, RecurrentInference)"
    # -jvmArgsAppend replaces the @Fork annotation's flags, so it repeats them.
    run_jmh "$out/jmh-$r.log" "${jmh_args[@]}" -f 1 -jvmArgsAppend "--add-modules jdk.incubator.vector \
--enable-native-access=ALL-UNNAMED -Dstriate.cpu.threads=$threads" -rf json -rff "$out/jmh-$r.json" \
        'striate.bench.Recurrent(TrainStep|Inference)'
    grep -E '.* step memory' "$out/jmh-$r.log" || true
done

"$python" - "$out" <<'PY'
import glob, json, os, statistics, sys
out = sys.argv[1]
torch = {}
for line in open(os.path.join(out, "torch.jsonl")):
    r = json.loads(line)
    torch.setdefault(r["case"], []).append(r.get("ms_per_step", r.get("sentences_per_s")))
striate = {}
for f in sorted(glob.glob(os.path.join(out, "jmh-*.json"))):
    for r in json.load(open(f)):
        if "RecurrentTrainStep" in r["benchmark"]:
            case = f"{r['params']['cell']}_step_2x512_b64_t35"  # ms per step, one per iteration
        else:
            case = "tagger_lstm_forward_b32"  # sentences per second, one per iteration
        striate.setdefault(case, []).extend(r["primaryMetric"]["rawData"][0])
print(f"\n{'case':26} {'unit':12} {'Striate median [min-max]':>30} {'PyTorch median [min-max]':>30} {'ratio':>6}")
ratios = []
for case in sorted(striate):
    if case not in torch:
        continue
    s, t = striate[case], torch[case]
    faster_is_less = case.endswith("_t35")  # ms per step; the forward is in sentences per second
    ratio = statistics.median(t) / statistics.median(s) if faster_is_less else statistics.median(s) / statistics.median(t)
    ratios.append((case, ratio))
    unit = "ms/step" if faster_is_less else "sentences/s"
    print(f"{case:26} {unit:12} {statistics.median(s):12.1f} [{min(s):.1f}-{max(s):.1f}] {statistics.median(t):12.1f} "
          f"[{min(t):.1f}-{max(t):.1f}] {ratio:6.2f}")
print()
for case, ratio in ratios:
    print(f"RATIO {case} {ratio:.3f}")
missing = sorted(set(torch) - set(striate))
if missing:
    sys.exit(f"compare-rnn: no Striate result for {', '.join(missing)}")
PY
