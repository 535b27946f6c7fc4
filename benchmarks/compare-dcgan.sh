#!/usr/bin/env bash
# DCGAN on Fashion-MNIST, Striate next to PyTorch on the CPU: `striate gan --model dcgan` and
# benchmarks/pytorch/dcgan_fashion.py (the same architecture, init and recipe) with the same epochs, batch, seed,
# image limit and thread count, run one after the other (never at the same time). Both write --samples generated
# images as IDX files; both are scored with `striate fid` (FID-LeNet: the engine's LeNet-5 features, not
# Inception's) against the 10,000 Fashion-MNIST test images, with one LeNet-5 checkpoint (--lenet, or one trained
# first with `striate train` into a temporary folder). Prints each side's output, a table and two lines (FID ratio
# below 1: Striate's samples are closer to the test images; speed ratio above 1: Striate trains faster):
#   RATIO dcgan_fid_lenet <Striate FID-LeNet / PyTorch FID-LeNet>
#   RATIO dcgan_train_images_per_s <Striate images/s / PyTorch images/s>
# images/s is each side's metrics.json "images_per_second": training images per second over both nets' steps,
# the first epoch's first 10 steps left out.
# Usage: bash benchmarks/compare-dcgan.sh [--epochs E] [--batch-size B] [--seed S] [--limit N] [--threads T]
#        [--samples N] [--lenet CKPT] [--data DIR] [--out DIR]
#   --epochs E       epochs on both sides (default 5)
#   --batch-size B   default 128 (the DCGAN recipe); at least 2 (batch norm)
#   --seed S         default 42
#   --limit N        the first N training images on both sides (default 0: all 60,000)
#   --threads T      intra-op threads on both sides (default: nproc)
#   --samples N      generated images per side, scored against the test images (default 10000; 2 to 100000)
#   --lenet CKPT     a `striate train` LeNet-5 checkpoint for FID-LeNet (default: train one, about a minute)
#   --data DIR       Fashion-MNIST IDX files (default: /usr/share/datasets/fashion-mnist, Debian's package)
#   --out DIR        keep both runs here (default: a temporary folder, removed at the end)
# A smoke test: --limit 2048 --epochs 1 --samples 1000 (the numbers are not worth reporting). The options are checked
# before any work: the run must have steps after the first epoch's first 10 (warm-up, untimed on both sides). Exit 2
# on a bad option, 1 on a failed step.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
name=compare-dcgan
source "$root/benchmarks/script-options.sh"
epochs=5
batch=128
seed=42
limit=0
threads="$(nproc)"
samples=10000
lenet=""
data=/usr/share/datasets/fashion-mnist
out=""
while [[ $# -gt 0 ]]; do
    case "$1" in
        --epochs) positive "$1" "${2-}"; epochs="$2" ;;
        --batch-size) [[ "${2-}" =~ ^[1-9][0-9]*$ ]] && (($2 >= 2)) \
                          || usage "--batch-size needs a whole number of at least 2 (batch norm), got ${2:-nothing}"
                      batch="$2" ;;
        --seed) whole "$1" "${2-}"; seed="$2" ;;
        --limit) whole "$1" "${2-}"; limit="$2" ;;
        --threads) positive "$1" "${2-}"; threads="$2" ;;
        --samples) [[ "${2-}" =~ ^[1-9][0-9]*$ ]] && (($2 >= 2 && $2 <= 100000)) \
                       || usage "--samples needs a whole number from 2 to 100000 (FID-LeNet fits a covariance), got" \
                           "${2:-nothing}"
                   samples="$2" ;;
        --lenet) [[ -n "${2-}" ]] || usage "--lenet needs a checkpoint file"; lenet="$2" ;;
        --data) [[ -n "${2-}" ]] || usage "--data needs a folder"; data="$2" ;;
        --out) [[ -n "${2-}" ]] || usage "--out needs a folder"; out="$2" ;;
        *) usage "unknown option $1 (use --epochs, --batch-size, --seed, --limit, --threads, --samples, --lenet," \
               "--data, --out)" ;;
    esac
    shift 2
done
# both sides time the steps after the first epoch's first 10; an epoch is ceil((images - 1) / batch) steps (a last
# batch of one image is dropped: batch norm needs two)
images=60000
((limit == 0 || limit >= images)) || images=$limit
steps=$(((images - 1 + batch - 1) / batch))
((epochs * steps > (steps < 10 ? steps : 10))) || usage "--limit $limit, --batch-size $batch and --epochs $epochs" \
    "give $((epochs * steps)) training steps, none after the first epoch's first 10 (warm-up, untimed): raise --limit" \
    "or --epochs"
[[ -z "$lenet" || -f "$lenet" ]] || usage "--lenet $lenet: no such file (train one with: bin/striate train)"
python=/usr/bin/python3
striate="$root/bin/striate"

"$python" -c "import torch, numpy" 2>/dev/null \
    || die "needs Debian's python3-torch and python3-numpy at $python (apt-get install python3-torch)"
test_images=""
for f in "$data/t10k-images-idx3-ubyte" "$data/t10k-images-idx3-ubyte.gz"; do
    [[ -f "$f" ]] && test_images="$f" && break
done
[[ -n "$test_images" ]] || die "no t10k-images-idx3-ubyte[.gz] in $data (apt-get install dataset-fashion-mnist, or" \
    "give --data DIR)"
others="$(pgrep -fa 'maven|surefire|python3|java' | grep -v -e pgrep -e compare-dcgan || true)"
if [[ -n "$others" ]]; then
    echo "compare-dcgan: WARNING: other processes are running; both sides slow down when the cores are shared:" >&2
    echo "$others" | cut -c1-160 >&2
fi

if [[ -z "$out" ]]; then
    out="$(mktemp -d)"
    trap 'rm -rf "$out"' EXIT
fi
mkdir -p "$out"
[[ ! -e "$out/striate" && ! -e "$out/pytorch" ]] || usage "--out $out already holds a run (striate/ or pytorch/):" \
    "give a new or empty folder"
if [[ -z "$lenet" ]]; then
    echo "== LeNet-5 for FID-LeNet (striate train, default recipe)"
    "$striate" train --out "$out/lenet5" --data "$data"
    lenet="$out/lenet5/best.ckpt"
fi
echo "PyTorch $("$python" -c 'import torch; print(torch.__version__)'), $threads threads, $epochs epochs, batch $batch," \
    "seed $seed, limit $limit; $(nproc) cores: $(lscpu | sed -n 's/^Model name: *//p')"

echo "== Striate (striate gan --model dcgan)"
limit_args=()
[[ "$limit" == 0 ]] || limit_args=(--limit "$limit")
"$striate" gan --model dcgan --epochs "$epochs" --batch-size "$batch" --seed "$seed" "${limit_args[@]}" \
    --threads "$threads" --samples "$samples" --data "$data" --out "$out/striate"
# OpenBLAS held to one thread: PyTorch's --threads OpenMP threads do the parallel work, and Debian's OpenBLAS,
# left free, starts its own threads beside them (the peer then runs slower at 2 threads than at 1).
echo "== PyTorch (benchmarks/pytorch/dcgan_fashion.py, OPENBLAS_NUM_THREADS=1)"
OPENBLAS_NUM_THREADS=1 "$python" "$root/benchmarks/pytorch/dcgan_fashion.py" --data "$data" --epochs "$epochs" --batch-size "$batch" \
    --seed "$seed" --limit "$limit" --threads "$threads" --samples "$samples" --out "$out/pytorch"

echo "== FID-LeNet against $test_images ($lenet)"
for side in striate pytorch; do
    "$striate" fid --checkpoint "$lenet" --a "$out/$side/samples-images-idx3-ubyte" --b "$test_images" \
        | tee "$out/$side/fid.txt"
done

"$python" - "$out" <<'PY'
import json, os, re, sys
out = sys.argv[1]
row = {}
for side in ("striate", "pytorch"):
    text = open(os.path.join(out, side, "fid.txt")).read()
    match = re.search(r"FID-LeNet ([0-9.eE+-]+|NaN|Infinity)", text)
    if match is None:
        sys.exit(f"compare-dcgan: no FID-LeNet line in {side}'s striate fid output: {text!r}")
    metrics = json.load(open(os.path.join(out, side, "metrics.json")))
    if "images_per_second" not in metrics:
        sys.exit(f"compare-dcgan: {side}/metrics.json has no images_per_second")
    row[side] = (float(match.group(1)), float(metrics["images_per_second"]))
fid_ratio = row["striate"][0] / row["pytorch"][0]
speed_ratio = row["striate"][1] / row["pytorch"][1]
print(f"\n{'case':26} {'Striate':>10} {'PyTorch':>10} {'ratio':>7}")
print(f"{'dcgan FID-LeNet':26} {row['striate'][0]:10.3f} {row['pytorch'][0]:10.3f} {fid_ratio:7.3f}")
print(f"{'dcgan train images/s':26} {row['striate'][1]:10.1f} {row['pytorch'][1]:10.1f} {speed_ratio:7.3f}")
print(f"\nRATIO dcgan_fid_lenet {fid_ratio:.3f}")
print(f"RATIO dcgan_train_images_per_s {speed_ratio:.3f}")
PY
