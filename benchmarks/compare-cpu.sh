#!/usr/bin/env bash
# Striate's CPU backend next to PyTorch's CPU build on the same shapes, same machine, same thread count, run back
# to back (never at the same time). Prints a table and one line per case:
#   RATIO <case> <Striate throughput / PyTorch throughput>
# Usage: bash benchmarks/compare-cpu.sh [--threads N] [--quick] [--openblas-detect] [--isa avx2]
#   --threads N        intra-op threads on both sides (default: nproc)
#   --quick            short warm-up and measurement, for a smoke test; the numbers are not worth reporting
#   --openblas-detect  unset OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE for both sides, in this command only, so each
#                      OpenBLAS picks its kernels by detecting the CPU as on a user's machine (these machines set
#                      them because old OpenBLAS builds misdetect some CPUs; results are still checked)
#   --isa avx2         both sides limited to AVX2 on an AVX-512 machine, as on an AVX2 laptop: the JVM with
#                      -XX:UseAVX=2 (256-bit Vector API), PyTorch with ATEN_CPU_CAPABILITY=avx2 and oneDNN's
#                      MAX_CPU_ISA=AVX2, both OpenBLAS builds with OPENBLAS_CORETYPE=Haswell
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
name=compare-cpu
source "$root/benchmarks/jmh-setup.sh"
threads="$(nproc)"
quick=false
jvm_isa=""
while [[ $# -gt 0 ]]; do
    case "$1" in
        --threads) positive "$1" "${2-}"; threads="$2"; shift 2 ;;
        --quick) quick=true; shift ;;
        --openblas-detect) unset OPENBLAS_CORETYPE OPENBLAS_L2_SIZE; shift ;;
        --isa)
            [[ "${2:-}" == avx2 ]] || usage "--isa takes avx2"
            export OPENBLAS_CORETYPE=Haswell ATEN_CPU_CAPABILITY=avx2 ONEDNN_MAX_CPU_ISA=AVX2 DNNL_MAX_CPU_ISA=AVX2
            jvm_isa="-XX:UseAVX=2"; shift 2 ;;
        *) usage "unknown option $1 (use --threads N, --quick, --openblas-detect, --isa avx2)" ;;
    esac
done
python=/usr/bin/python3
java25

# PyTorch as a careful user has it: Debian's python3-torch with an optimized BLAS behind libblas.so.3.
if ! "$python" -c "import torch" 2>/dev/null || ! dpkg -s libopenblas0-pthread >/dev/null 2>&1; then
    [[ "$(id -u)" == 0 ]] || die "needs Debian's python3-torch and libopenblas0-pthread; run as root to install them"
    apt-get update -q && apt-get install -y -q python3-torch libopenblas0-pthread
    "$python" -c "import torch" || die "PyTorch does not import at $python after installing python3-torch (above)"
fi
gflops="$("$python" - "$threads" <<'PY'
import sys, time, torch
torch.set_num_threads(int(sys.argv[1]))
a, b = torch.rand(1024, 1024), torch.rand(1024, 1024)
err = ((a @ b).double() - a.double() @ b.double()).abs().max().item()
assert err < 1e-2, f"PyTorch's GEMM is wrong here: max error {err}"
for _ in range(3): a @ b
t = time.perf_counter()
for _ in range(10): a @ b
print(round(2 * 1024**3 * 10 / (time.perf_counter() - t) / 1e9, 1))
PY
)"
echo "PyTorch $("$python" -c 'import torch; print(torch.__version__)'), $threads threads, 1024 SGEMM: $gflops GFLOPS;" \
    "OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE-(unset)} OPENBLAS_L2_SIZE=${OPENBLAS_L2_SIZE-(unset)}${jvm_isa:+, AVX2 only}"
if awk "BEGIN { exit !($gflops < 20) }"; then
    echo "compare-cpu: WARNING: PyTorch's GEMM is slow ($gflops GFLOPS): libblas.so.3 is probably the reference BLAS" \
        "(check: update-alternatives --display libblas.so.3-x86_64-linux-gnu)" >&2
fi

fresh_jar
warn_others

out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
if $quick; then torch_args=(--rounds 2 --seconds 0.5); jmh_args=(-wi 1 -i 2 -w 1s -r 1s); else
    torch_args=(--rounds 5 --seconds 2); jmh_args=(-wi 5 -i 5 -w 2s -r 2s); fi

echo "== PyTorch"
(cd "$root/benchmarks/pytorch" && "$python" compare_cpu.py --threads "$threads" "${torch_args[@]}") | tee "$out/torch.jsonl"
echo "== Striate (JMH)"
# -jvmArgsAppend replaces the @Fork annotation's flags, so it repeats them. Only the cases with a peer in compare_cpu.py
# run (the recurrent, DCGAN and data-parallel benchmarks have scripts of their own).
run_jmh "$out/jmh.log" "${jmh_args[@]}" -f 1 -jvmArgsAppend "--add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -Dstriate.cpu.threads=$threads $jvm_isa" \
    -rf json -rff "$out/jmh.json" \
    'striate\.bench\.((Sgemm|ConvLeNetC1|ConvAlexNetConv2|AlexNetTrainStep|LeNetInference|SmallOp|PoolLeNetS2|Activation)\..*|LeNetTrainStep\.step)$'

"$python" - "$out/torch.jsonl" "$out/jmh.json" <<'PY'
import json, sys
torch = {r["case"]: r for r in map(json.loads, open(sys.argv[1]))}
names = {"ConvLeNetC1.forwardBackward": "conv_lenet_c1_fwdbwd", "ConvAlexNetConv2.forward": "conv_alexnet_conv2_fwd",
         "LeNetTrainStep.step": "lenet_train_b64", "AlexNetTrainStep.step": "alexnet_train_b32_64px",
         "LeNetInference.infer": "lenet_infer_b1000", "SmallOp.add10": "small_op_add10",
         "PoolLeNetS2.forwardBackward": "pool_lenet_s2_fwdbwd"}
striate = {}
for r in json.load(open(sys.argv[2])):
    short = r["benchmark"].rsplit(".", 2)[-2] + "." + r["benchmark"].rsplit(".", 1)[-1]
    if short == "Sgemm.matmul":  # impl=native is the backend as users get it; impl=java the pure-Java kernel
        case = "sgemm_" + r["params"]["n"] + ("" if r["params"]["impl"] == "native" else "_java")
    elif short == "Activation.forwardBackward":
        case = "act_" + r["params"]["fn"] + "_fwdbwd"
    elif short in names:
        case = names[short]
    else:  # a benchmark without a peer here
        print(f"compare-cpu: {r['benchmark']} has no PyTorch peer; left out", file=sys.stderr)
        continue
    raw = r["primaryMetric"]["rawData"][0]
    if r["mode"] == "avgt":  # ns per op -> ops per second
        raw = [1e9 / v for v in raw]
    raw = sorted(raw)
    striate[case] = (raw[len(raw) // 2], raw[0], raw[-1])
print(f"\n{'case':24} {'unit':9} {'Striate median [min-max]':>30} {'PyTorch median [min-max]':>30} {'ratio':>6}")
ratios = []
for case, (med, lo, hi) in striate.items():
    if case not in torch:
        continue
    t = torch[case]
    ratio = med / t["median"]
    ratios.append((case, ratio))
    print(f"{case:24} {t['unit']:9} {med:12.1f} [{lo:.1f}-{hi:.1f}] {t['median']:12.1f} [{t['min']:.1f}-{t['max']:.1f}] "
          f"{ratio:6.2f}")
print()
for case, ratio in ratios:
    print(f"RATIO {case} {ratio:.3f}")
for case in sorted(c for c in striate if c.startswith("sgemm_") and c.endswith("_java")):
    native = case[:-len("_java")]
    if native in striate:
        print(f"JAVA_VS_NATIVE {native} {striate[case][0] / striate[native][0]:.3f}")
missing = sorted(set(torch) - set(striate))
if missing:
    sys.exit(f"compare-cpu: no Striate result for {', '.join(missing)}")
PY
