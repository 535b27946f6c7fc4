#!/usr/bin/env bash
# Text-CNN training throughput, Striate next to PyTorch on the CPU: the same SpamAssassin token ids (one
# `striate textcnn export-data`), model (Kim's text-CNN: embedding 128, widths 3/4/5 × 100, dropout 0.5), recipe
# (Adam 1e-3, batch 50, batches padded to their longest message) and thread count, run one after the other (never
# at the same time), alternating sides for --rounds rounds. Each side trains --epochs epochs and reports its median
# epoch's training messages/s (training steps only: validation and checkpoints are not timed). The peer runs with
# OPENBLAS_NUM_THREADS=1: Debian's OpenBLAS otherwise starts threads of its own beside PyTorch's OpenMP ones (its
# convolutions run on oneDNN with PyTorch's threads; OpenBLAS serves only the linear layer).
# Prints each run, a table of medians and one line (above 1: Striate is faster):
#   RATIO textcnn_train_b50 <Striate messages/s / PyTorch messages/s>
# Usage: bash benchmarks/compare-textcnn.sh [--threads N] [--rounds R] [--epochs E] [--limit N] [--quick]
#   --threads N   intra-op threads on both sides (default: nproc)
#   --rounds R    PyTorch-then-Striate rounds (default 2); the table takes the median over all of them
#   --epochs E    epochs per run (default 2)
#   --limit N     a stratified subset of N messages (default 0: all 6,046)
#   --quick       one round of one epoch on 600 messages, for a smoke test; the numbers are not worth reporting
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
name=compare-textcnn
source "$root/benchmarks/script-options.sh"
threads="$(nproc)"
rounds=2
epochs=2
limit=0
while [[ $# -gt 0 ]]; do
    case "$1" in
        --threads) positive "$1" "${2-}"; threads="$2"; shift 2 ;;
        --rounds) positive "$1" "${2-}"; rounds="$2"; shift 2 ;;
        --epochs) positive "$1" "${2-}"; epochs="$2"; shift 2 ;;
        --limit) whole "$1" "${2-}"; limit="$2"; shift 2 ;;
        --quick) rounds=1; epochs=1; limit=600; shift ;;
        *) usage "unknown option $1 (use --threads N, --rounds R, --epochs E, --limit N, --quick)" ;;
    esac
done
python=/usr/bin/python3

"$python" -c "import torch" 2>/dev/null || die "needs Debian's python3-torch at $python (apt-get install python3-torch)"
others="$(pgrep -fa 'maven|surefire|python3|java' | grep -v -e pgrep -e compare-textcnn || true)"
if [[ -n "$others" ]]; then
    echo "compare-textcnn: WARNING: other processes are running; both sides slow down when the cores are shared:" >&2
    echo "$others" | cut -c1-160 >&2
fi

out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
"$root/bin/striate" textcnn export-data --limit "$limit" --out "$out/data"
echo "PyTorch $("$python" -c 'import torch; print(torch.__version__)'), $threads threads, $epochs epochs;" \
    "OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE-(unset)}; $(nproc) cores: $(lscpu | sed -n 's/^Model name: *//p')"
for ((r = 1; r <= rounds; r++)); do
    echo "== round $r: PyTorch (benchmarks/pytorch/textcnn_spam.py, OPENBLAS_NUM_THREADS=1)"
    OPENBLAS_NUM_THREADS=1 "$python" "$root/benchmarks/pytorch/textcnn_spam.py" --data "$out/data" --threads "$threads" --epochs "$epochs" \
        | tee /dev/stderr | grep '^{' >>"$out/torch.jsonl"
    echo "== round $r: Striate (striate textcnn train)"
    "$root/bin/striate" textcnn train --model textcnn --embeddings random --limit "$limit" --threads "$threads" \
        --epochs "$epochs" --out "$out/striate-$r" >&2
    cp "$out/striate-$r/metrics.json" "$out/striate-$r.json"
done

"$python" - "$out" <<'PY'
import glob, json, os, statistics, sys
out = sys.argv[1]
torch = [json.loads(line)["train_messages_per_s"] for line in open(os.path.join(out, "torch.jsonl"))]
striate = [json.load(open(f))["train_messages_per_second"] for f in sorted(glob.glob(os.path.join(out, "striate-*.json")))]
ratio = statistics.median(striate) / statistics.median(torch)
print(f"\n{'case':20} {'unit':10} {'Striate median [min-max]':>28} {'PyTorch median [min-max]':>28} {'ratio':>6}")
print(f"{'textcnn_train_b50':20} {'messages/s':10} {statistics.median(striate):10.1f} [{min(striate):.1f}-{max(striate):.1f}]"
      f"     {statistics.median(torch):10.1f} [{min(torch):.1f}-{max(torch):.1f}]     {ratio:6.2f}")
print(f"\nRATIO textcnn_train_b50 {ratio:.3f}")
PY
