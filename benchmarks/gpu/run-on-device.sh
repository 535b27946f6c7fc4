#!/usr/bin/env bash
# run-on-device.sh — the GPU session of issue #6 in one script: the gpu-tagged tests, LeNet-5 on Fashion-MNIST,
# SGEMM 4096/8192, elementwise GB/s and an AlexNet (One Weird Trick) forward+backward at batch 128, each next to
# PyTorch on the same GPU, and data-parallel AlexNet with one and two replicas on the GPU next to the plain step
# (images/s, all-reduce share, bytes the copy primitive moved; the copy tests, CudaCopyTest, run with the rest),
# and the recurrent training step of issue #16 (2-layer LSTM and GRU, hidden 512, batch 64, 35 steps) next to
# PyTorch's cuDNN LSTM/GRU, DCGAN training (issue #18) next to the PyTorch peer on the same GPU, and mixed precision
# (issue #19 item 4: the bfloat16/float16 gpu tests, LeNet-5 in fp32/bf16/fp16, AlexNet b128 in fp32/TF32/bf16 next
# to PyTorch strict fp32/TF32/AMP bf16); results go to one markdown file to paste into benchmarks/RESULTS.md.
#
# 1. On the build machine (needs Maven, nvcc not required, the Debian package dataset-fashion-mnist):
#        bash benchmarks/gpu/run-on-device.sh prepare
#    builds the jars and test classes, then ../shared/gpu/prepare-device-bundle.sh (or $BUNDLE_SCRIPT) fills the
#    git-ignored .device/ (Java runtime, JCuda natives, the libcublas.so.12 → .so.13 shim, our jars and test classes;
#    about 30 MiB), puts the JUnit console launcher into the git-ignored .device-tests (3 MiB), carried only by the
#    stages that run JUnit, and the Fashion-MNIST files into the git-ignored .device-data (the images xz-compressed,
#    about 26 MiB; unpacked on the device), carried only by the stages that train on them: a call carries at most
#    64 MiB with the working tree, and prepare prints what each kind of call would carry.
# 2. On the GPU machine, with the `run` tool (each stage fits its 10-minute limit; results land in $OUT):
#        run(command="STAGE_SECONDS=590 bash benchmarks/gpu/run-on-device.sh device tests", carry=[".device", ".device-tests"], timeout_s=600)
#        run(command="bash benchmarks/gpu/run-on-device.sh device bench", carry=[".device"])
#        run(command="EPOCHS=3 bash benchmarks/gpu/run-on-device.sh device lenet", carry=[".device", ".device-data"])
#        run(command="bash benchmarks/gpu/run-on-device.sh device rnn", carry=[".device"])
#        run(command="bash benchmarks/gpu/run-on-device.sh device graphs", carry=[".device", ".device-data"])
#        run(command="bash benchmarks/gpu/run-on-device.sh device nccl", carry=[".device", ".device-tests"])
#        run(command="bash benchmarks/gpu/run-on-device.sh device gan", carry=[".device", ".device-data"])
#        run(command="bash benchmarks/gpu/run-on-device.sh device profile", carry=[".device"])
#        run(command="bash benchmarks/gpu/run-on-device.sh device amp-tests", carry=[".device", ".device-tests"])
#        run(command="bash benchmarks/gpu/run-on-device.sh device amp", carry=[".device", ".device-data"])
#        run(command="bash benchmarks/gpu/run-on-device.sh device cudnn", carry=[".device", ".device-tests"])
#        run(command="bash benchmarks/gpu/run-on-device.sh device first", carry=[".device", ".device-tests"], timeout_s=540)
#    or `device all` (the stages in a row, if the time limit allows; carry the three, which only fits while the
#    working tree is under about 1 MiB: prepare says). Each stage appends to $OUT/gpu-results.md (OUT defaults to
#    ./gpu-out when the run tool gives none).
#    The amp-tests stage runs the bfloat16/float16 gpu tests, and when they fail, runs them again with the 2-byte
#    products widened (-Dstriate.cuda.lowPrecisionProducts=false). The amp stage (about 5 minutes; each command under
#    its own timeout) also writes $OUT/amp-table.md: LeNet-5's test accuracy per precision and AlexNet's step time
#    per precision beside PyTorch's, with the ratio PyTorch ms / Striate ms (above 1: Striate is faster).
#    The first stage (at most 8 minutes: STAGE_SECONDS=480; call it with timeout_s=540) is for a session's first GPU call: the gpu
#    tests of the code that has never run on a GPU and the conformance suite, then issue #19's four targets side by
#    side with PyTorch (elementwise GB/s, the graphed LeNet-5 step, AlexNet TF32 legacy/graph API and bf16).
#    The cudnn stage (issue #19 item 2, about 7 minutes) runs the graph-API convolution test and the conformance and
#    model tests with -Dstriate.cuda.cudnnApi=graph, times AlexNet's step with the legacy calls and the graph API in
#    fp32/TF32/bf16 next to PyTorch, prints the engines chosen (kernel trace) and writes $OUT/cudnn-table.md.
#    The nccl stage (issue #20) finds libnccl.so.2 (STRIATE_NCCL_LIBRARY when set, else PyTorch's nvidia/nccl/lib,
#    the ldconfig cache, then a search of the disk), runs the NCCL tests (one rank; the ring for two replicas on one
#    GPU; two GPUs where the machine has them), times two-replica LeNet-5 on one GPU (step and exposed all-reduce)
#    and measures all-reduce bandwidth (the ring on one GPU; NCCL across all GPUs where there are two or more).
# Switches pass through as JAVA_OPTS, e.g. JAVA_OPTS="-Dstriate.cuda.tf32=true" or -Dstriate.cuda.deterministic=true.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
VERSION=0.1.0-SNAPSHOT
JUNIT_PLATFORM=1.13.4

prepare() {
  source bin/java25.sh
  JAVA_HOME=$(java25_home) || { echo "run-on-device: $JAVA_HOME" >&2; exit 1; }
  export JAVA_HOME
  export PATH=$JAVA_HOME/bin:$PATH
  # One reactor build (no install: sibling snapshots come from this tree, not ~/.m2): jars, test classes, and each
  # module's runtime dependencies in target/dependency, less what the bundle carries itself (JCuda) and what the
  # GPU run never loads (XChart's PDF/SVG export, the CPU backend's optional native BLAS), to stay under 64 MiB.
  mvn -B -ntp -q -DskipTests package dependency:copy-dependencies -pl cli,benchmarks,backend-cuda -am \
    -DincludeScope=runtime -DexcludeGroupIds=org.jcuda,org.apache.pdfbox,de.rototor.pdfbox,de.erichseifert.vectorgraphics2d,commons-logging,org.bytedeco
  local bundle=${BUNDLE_SCRIPT:-$ROOT/../shared/gpu/prepare-device-bundle.sh}
  [ -f "$bundle" ] || bundle=/work/shared/gpu/prepare-device-bundle.sh
  # java.desktop: the training report's PNGs (XChart); jdk.management: doctor's memory line
  bash "$bundle" --junit "$JUNIT_PLATFORM" --no-smoke \
    --modules java.base,java.desktop,java.logging,java.management,jdk.management,jdk.unsupported,jdk.incubator.vector \
    --app cli/target/dependency \
    --app "cli/target/striate-cli-$VERSION.jar" \
    --app "core/target/striate-core-$VERSION-tests.jar" \
    --app backend-cuda/target/test-classes \
    --app benchmarks/target/classes
  # The data travels apart from the bundle: both together are over the 64 MiB a call may carry with the working
  # tree. The stages that train on it carry [".device", ".device-data"]; the images go as xz (about 26 MB in all,
  # against gzip's 31), unpacked on the device into $DATA.
  # JUnit's launcher travels apart too: only the stages that run tests carry [".device", ".device-tests"].
  local launcher=junit-platform-console-standalone.jar
  rm -rf .device/data
  mkdir -p .device-tests .device-data
  [ -f ".device/tools/$launcher" ] && mv -f ".device/tools/$launcher" .device-tests/
  [ -f ".device-tests/$launcher" ] || { echo "the bundle has no $launcher" >&2; exit 1; }
  for f in $(dpkg -L dataset-fashion-mnist | grep -E '/datasets/fashion-mnist/.*-ubyte(\.gz)?$'); do
    local name
    name=$(basename "$f" .gz)
    case $name in
      *images*) [ -s ".device-data/$name.xz" ] || zcat -f "$f" | xz -9 -T0 >".device-data/$name.xz" ;;
      *) cp "$f" .device-data/ ;;
    esac
  done
  local tree bundle tests data limit=$((64 * 1024 * 1024)) mib=1048576
  git rev-parse --short HEAD >.device/COMMIT # .git does not travel: the results name the commit from here
  tree=$(git ls-files -z --cached --others --exclude-standard | du -cb --files0-from=- 2>/dev/null | tail -1 | cut -f1)
  bundle=$(du -sb .device | cut -f1)
  tests=$(du -sb .device-tests | cut -f1)
  data=$(du -sb .device-data | cut -f1)
  echo "a call carries, with the working tree: $(( (tree + bundle + tests) / mib )) MiB with .device-tests (tests, first," \
    "amp-tests, cudnn, nccl), $(( (tree + bundle + data) / mib )) MiB with .device-data (lenet, graphs, gan, amp)," \
    "$(( (tree + bundle + tests + data) / mib )) MiB with both (all); the limit is 64 MiB"
  if [ $((tree + bundle + data)) -gt $limit ] || [ $((tree + bundle + tests)) -gt $limit ]; then
    echo "WARNING: a stage's call would be over the limit and refused" >&2
  fi
  echo "next, on the GPU machine, with nothing run here in between (bash .device/java unpacks 90 MB into .device/jre):" \
    "run(command=\"bash benchmarks/gpu/run-on-device.sh device first\", carry=[\".device\", \".device-tests\"], timeout_s=540)"
}

OUT=${OUT:-$ROOT/gpu-out}
RESULTS=$OUT/gpu-results.md
# Full logs and JUnit reports go to $LOGS, packed into $OUT/logs.tar.gz after each step: at most 8 files come back
# from a call, so $OUT holds gpu-results.md, logs.tar.gz and a stage's tables only.
# A temporary folder unless LOGS is set, made just before a device stage runs (not for prepare or a usage error).
LOGS=${LOGS:-}
# Every step of a stage ends by its deadline (STAGE_SECONDS, 480 by default; the tests stage's JUnit run asks for
# 580: give it STAGE_SECONDS=590 and timeout_s=600), so the results come back inside the call: a step is cut to the
# time left and skipped when under 20 s are left.
DEADLINE=$((SECONDS + ${STAGE_SECONDS:-480}))
FAILED=() # the steps that exited non-zero (or were skipped): listed at the end of the results, and the exit code 1
DATA=/tmp/fashion-mnist

data() { # unpacks the carried .device-data into $DATA once, for the stages that train on Fashion-MNIST
  [ -s "$DATA/train-labels-idx1-ubyte.gz" ] && return # the last file the loop below writes
  if [ ! -d .device-data ]; then
    echo "this stage trains on Fashion-MNIST: run it with carry=[\".device\", \".device-data\"]" >&2
    exit 2
  fi
  mkdir -p "$DATA"
  local f
  for f in .device-data/*; do
    case $f in
      *.xz) python3 -c 'import lzma, shutil, sys; shutil.copyfileobj(lzma.open(sys.argv[1]), open(sys.argv[2], "wb"))' \
              "$f" "$DATA/$(basename "$f" .xz)" ;;
      *) cp "$f" "$DATA/" ;;
    esac
  done
}
JAVA=(bash .device/java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -Xss8m ${JAVA_OPTS:-})

pack_logs() { # $LOGS as $OUT/logs.tar.gz.part (a file comes back up to 16 MiB): no checkpoints or sample images
  tar czf "$OUT/logs.tar.gz.part" --exclude='*.ckpt' --exclude='*-ubyte' -C "$LOGS" .
}

section() { printf '\n### %s\n\n' "$*" >>"$RESULTS"; echo "== $*"; }
record() { # record COMMAND...: runs it, keeps its output in $LOGS (packed into $OUT/logs.tar.gz), puts the tail in the results as a code block
  local log=$LOGS/log-$(date +%s%N).txt rc=0 left=$((DEADLINE - SECONDS))
  LAST_LOG=$log
  mkdir -p "$LOGS"
  if [ "$left" -lt 20 ]; then # too little of the stage's time is left to start it
    echo "skipped: $left s of the stage's ${STAGE_SECONDS:-480} s were left" >"$log"; rc=125
  elif [ "$1" = timeout ]; then # its own limit, cut to the time left (less 5 s for the kill); -k: SIGKILL 10 s later
    [ "$2" -lt "$left" ] || left=$((left - 5))
    timeout -k 10 "$(( $2 < left ? $2 : left ))" "${@:3}" >"$log" 2>&1 || rc=$?
  else
    timeout -k 10 "$left" "$@" >"$log" 2>&1 || rc=$?
  fi
  pack_logs && mv -f "$OUT/logs.tar.gz.part" "$OUT/logs.tar.gz"
  LAST_RC=$rc
  local command="${*}"
  [ "$rc" -eq 0 ] || FAILED+=("$(basename "$log"): ${command:0:240} (exit $rc)")
  { echo '```'; echo "\$ ${*}"; tail -n "${TAIL:-40}" "$log"; echo "(exit $rc)"; echo '```'; } >>"$RESULTS"
  tail -n 5 "$log"
  return 0
}

# junit SECONDS REPORTS [java flags...] -- TEST...: JUnit under a timeout; a TEST is a class of striate.cuda. Each
# test has TEST_TIMEOUT (120 s) in a thread of its own and fails at it; but a test that hangs inside a CUDA or NCCL
# call keeps holding the device's lock, so the later tests of the same call wait on it too: the likeliest to hang run
# in a call of their own. The tree of results prints as it goes, so a run cut at its limit shows how far it got.
junit() {
  local seconds=$1 reports=$2 flags=() selectors=() t
  shift 2
  while [ $# -gt 0 ] && [ "$1" != -- ]; do flags+=("$1"); shift; done
  shift
  for t in "$@"; do
    case $t in
      --*) selectors+=("$t") ;; # a selector as the launcher takes it, e.g. --select-package=striate.cuda
      *) selectors+=(--select-class "striate.cuda.$t") ;;
    esac
  done
  if [ ! -f .device-tests/junit-platform-console-standalone.jar ]; then
    echo "this stage runs JUnit: run it with carry=[\".device\", \".device-tests\"]" >&2
    exit 2
  fi
  # requireGpu: a CUDA that does not start fails the gpu tests here instead of skipping them (a passing run of skips)
  TAIL=${TAIL:-60} record timeout "$seconds" "${JAVA[@]}" -Dstriate.poisonUninitialized=true -Dstriate.requireGpu=true \
    "${flags[@]}" \
    -cp .device-tests/junit-platform-console-standalone.jar org.junit.platform.console.ConsoleLauncher execute \
    "${selectors[@]}" --exclude-engine=junit-vintage --details="${DETAILS:-tree}" --details-theme=ascii --disable-ansi-colors \
    --config=junit.jupiter.execution.timeout.default="${TEST_TIMEOUT:-120s}" \
    --config=junit.jupiter.execution.timeout.thread.mode.default=SEPARATE_THREAD \
    --reports-dir "$LOGS/$reports"
}

machine() { # every stage starts here: its own deadline (device all runs several)
  DEADLINE=$((SECONDS + ${STAGE_SECONDS:-480}))
  [ -f "$RESULTS" ] && return
  mkdir -p "$OUT"
  { echo "## CUDA backend on $(nvidia-smi --query-gpu=name --format=csv,noheader 2>/dev/null | head -1 || echo 'an unknown GPU'), $(date -u +%Y-%m-%d)"
    echo; echo "Commit $(cat .device/COMMIT 2>/dev/null || git rev-parse --short HEAD 2>/dev/null || echo unknown), \`benchmarks/gpu/run-on-device.sh\`."; } >"$RESULTS"
  section "Machine"
  TAIL=20 record nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.memory --format=csv
  TAIL=30 record "${JAVA[@]}" striate.cli.Main doctor
}

tests() {
  use_nccl
  machine
  section "Tests of striate.cuda (gpu-tagged and the rest)"
  # deterministic cuDNN algorithms: the graphed trainings are compared with eager ones, as in the first stage
  junit 580 junit -Dstriate.cuda.deterministic=true -- --select-package=striate.cuda
}

bench() {
  machine
  section "SGEMM and elementwise throughput: Striate (cuda:0) and PyTorch, same GPU"
  record "${JAVA[@]}" striate.bench.GpuThroughput 4096,8192
  record "${JAVA[@]}" -Dstriate.cuda.tf32=true striate.bench.GpuThroughput 4096,8192 0
  record python3 benchmarks/gpu/torch_peer.py 4096,8192
  section "AlexNet (One Weird Trick shapes) forward + backward, batch 128: Striate (cuda:0) and PyTorch, same GPU"
  record "${JAVA[@]}" striate.bench.GpuAlexNetStep 128
  record python3 benchmarks/gpu/torch_peer.py alexnet 128 fp32 # strict on both sides, cuDNN's algorithms timed
  section "Data parallel on one GPU: AlexNet (OWT, 224x224), the plain step, then 1 and 2 replicas on cuda:0, batch 64 per replica (target: one replica within 1.15x of the plain step)"
  record "${JAVA[@]}" striate.bench.DataParallelScaling --devices cuda --same-device --max 2 --model alexnet \
    --size 224 --batch 64 --steps 10
}

rnn() {
  machine
  section "Recurrent training step (issue #16): 2-layer LSTM and GRU, input and hidden 512, batch 64, 35 steps, batch-first; forward, mean loss, backward, SGD: Striate (cuda:0) eagerly and replayed from a CUDA graph, and PyTorch's cuDNN RNN, same GPU, strict float32 on both sides, then TF32 on both (target: ratio >= 1.0)"
  # strict float32 on both sides, then TF32 on both (PyTorch's own default for cuDNN's RNN is TF32)
  record "${JAVA[@]}" striate.bench.GpuRecurrentStep lstm gru
  record python3 benchmarks/pytorch/lstm_step.py --device cuda --tf32 off --warmup 20 --rounds 11 --steps 5
  record "${JAVA[@]}" -Dstriate.cuda.tf32=true striate.bench.GpuRecurrentStep lstm gru
  record python3 benchmarks/pytorch/lstm_step.py --device cuda --tf32 on --warmup 20 --rounds 11 --steps 5
}

graphs() {
  machine
  data
  section "CUDA graphs (issue #19 item 3): LeNet-5's training step (b64, SGD momentum) replayed from a graph, checked against eager steps, then images/s eager and replayed; PyTorch eager on the same GPU (target: replayed >= 1.5x PyTorch eager)"
  record "${JAVA[@]}" striate.bench.GpuGraphedStep 64
  record python3 benchmarks/gpu/torch_peer.py lenet 64
  local epochs=${EPOCHS:-2}
  section "The trainer's graphed step (striate train --cuda-graphs on|off), LeNet-5 on Fashion-MNIST, $epochs epochs, batch 64, on cuda:0: images/s per epoch and test accuracy, eager and replayed, next to the PyTorch script on the same GPU"
  for g in off on; do
    rm -rf "$LOGS/lenet5-graphs-$g"
    TAIL=8 record timeout 200 "${JAVA[@]}" striate.cli.Main train --data "$DATA" --device cuda:0 \
      --epochs "$epochs" --validation 5000 --cuda-graphs "$g" --out "$LOGS/lenet5-graphs-$g"
  done
  TAIL=8 record timeout 200 python3 benchmarks/pytorch/lenet_fashion_mnist.py --data "$DATA" --device cuda \
    --epochs "$epochs"
}

find_nccl() { # prints the path of libnccl.so.2, or nothing
  if [ -n "${STRIATE_NCCL_LIBRARY:-}" ]; then echo "$STRIATE_NCCL_LIBRARY"; return; fi
  local p
  p=$(python3 -c 'import nvidia.nccl, os; print(os.path.join(list(nvidia.nccl.__path__)[0], "lib", "libnccl.so.2"))' \
    2>/dev/null || true)
  if [ -n "$p" ] && [ -f "$p" ]; then echo "$p"; return; fi
  p=$(ldconfig -p 2>/dev/null | awk '/libnccl\.so\.2 /{print $NF; exit}' || true)
  if [ -n "$p" ]; then echo "$p"; return; fi
  # the usual install places only, briefly: this runs before the first stage's tests, on the device's time
  timeout 10 find /usr /opt /root /home -xdev -name libnccl.so.2 2>/dev/null | head -n 1 || true
}

use_nccl() { # points STRIATE_NCCL_LIBRARY at the NCCL found, if any, for the tests and doctor
  local lib
  lib=$(find_nccl)
  if [ -n "$lib" ]; then export STRIATE_NCCL_LIBRARY=$lib; fi
}

nccl() {
  use_nccl
  local lib=${STRIATE_NCCL_LIBRARY:-}
  machine
  section "NCCL and data parallel between GPUs (issue #20): the binding with one rank, two replicas on one GPU"
  echo "libnccl.so.2: ${lib:-not found on this machine (the NCCL tests skip and say so)}" >>"$RESULTS"
  TAIL=40 record "${JAVA[@]}" striate.cli.Main doctor
  DETAILS=tree junit 300 junit-nccl -- NcclGpuTest NcclTest CudaDataParallelTest
  section "Data parallel LeNet-5 on one GPU: the plain step, then 1 and 2 replicas on cuda:0 (the ring over device buffers), batch 64 per replica: step ms and exposed all-reduce"
  record "${JAVA[@]}" striate.bench.DataParallelScaling --devices cuda --same-device --max 2 --model lenet5 \
    --batch 64 --steps 30 --warmup 5
  local gpus devices
  gpus=$(nvidia-smi --query-gpu=index --format=csv,noheader 2>/dev/null | wc -l) || gpus=1
  section "All-reduce bandwidth (nccl-tests' busbw = S/t · 2(N−1)/N): two replicas on cuda:0 (the ring), and NCCL over all $gpus GPU(s) when there are two or more"
  record "${JAVA[@]}" striate.bench.AllReduceBandwidth --devices cuda:0,cuda:0 --mib 1,25,100
  if [ "$gpus" -ge 2 ]; then
    devices=$(seq -s, -f 'cuda:%g' 0 $((gpus - 1)))
    record "${JAVA[@]}" striate.bench.AllReduceBandwidth --devices "$devices" --mib 1,25,100,400
    section "Data parallel LeNet-5 on 1..$gpus GPUs (NCCL), batch 64 per replica"
    record "${JAVA[@]}" striate.bench.DataParallelScaling --devices cuda --max "$gpus" --model lenet5 --batch 64 \
      --steps 30 --warmup 5
  fi
}

gan() {
  machine
  data
  local limit=${LIMIT:-20480} epochs=${EPOCHS:-2}
  section "DCGAN on Fashion-MNIST (issue #18), $limit images, $epochs epochs, batch 128: training images/s of both nets' steps (the first epoch's first 10 steps excluded), Striate on cuda:0 with the step replayed from CUDA graphs (--cuda-graphs on: a capture that fails stops the run rather than timing eager against eager) and eager (off), and PyTorch on the same GPU (target: ratio >= 1.0)"
  rm -rf "$LOGS/dcgan-cuda" "$LOGS/dcgan-cuda-eager" "$LOGS/dcgan-pytorch"
  TAIL=15 record "${JAVA[@]}" striate.cli.Main gan --model dcgan --device cuda:0 --data "$DATA" --limit "$limit" \
    --epochs "$epochs" --samples 1000 --cuda-graphs on --out "$LOGS/dcgan-cuda"
  record cat "$LOGS/dcgan-cuda/metrics.json"
  TAIL=6 record "${JAVA[@]}" striate.cli.Main gan --model dcgan --device cuda:0 --data "$DATA" --limit "$limit" \
    --epochs "$epochs" --samples 1000 --cuda-graphs off --out "$LOGS/dcgan-cuda-eager"
  TAIL=8 record python3 benchmarks/pytorch/dcgan_fashion.py --device cuda --tf32 off --data "$DATA" \
    --limit "$limit" --epochs "$epochs" --samples 1000 --out "$LOGS/dcgan-pytorch" # strict float32, as Striate here
}

last_ms() { # the milliseconds of the RESULT line of the last recorded command, or nothing
  awk '/^RESULT /{print $3; exit}' "$LAST_LOG" || true
}

test_accuracy() { # the test accuracy in a training run's metrics.json, or nothing
  sed -n 's/^ *"test_accuracy": *\([0-9.eE+-]*\).*/\1/p' "$1" 2>/dev/null | head -n 1 || true
}

amp_row() { # amp_row NAME STRIATE_MS PEER_MS: one table row with the ratio PyTorch ms / Striate ms
  echo "| $1 | ${2:-failed} | ${3:-failed} | $(ratio "${3:-}" "${2:-}") |"
}

ratio() { # ratio PEER_MS STRIATE_MS: PEER/STRIATE to two places, or n/a when either is not a number
  if [[ "${1:-}" =~ ^[0-9.]+$ && "${2:-}" =~ ^[0-9.]+$ ]]; then
    awk -v p="$1" -v s="$2" 'BEGIN { printf "%.2f", p / s }'
  else
    echo n/a
  fi
}

amp_tables() { # amp_tables FP32_ACC BF16_ACC FP16_ACC S_FP32 S_TF32 S_BF16 P_FP32 P_TF32 P_BF16
  echo "| LeNet-5, Fashion-MNIST, cuda:0 | test accuracy |"
  echo "|---|---|"
  echo "| fp32 | ${1:-failed} |"
  echo "| bf16 (autocast) | ${2:-failed} |"
  echo "| fp16 (autocast, loss scaling) | ${3:-failed} |"
  echo
  echo "| AlexNet OWT b128 fwd+bwd | Striate ms | PyTorch ms | ratio |"
  echo "|---|---|---|---|"
  amp_row "strict fp32 (PyTorch: TF32 off)" "${4:-}" "${7:-}"
  amp_row "TF32 (PyTorch: TF32 + cudnn.benchmark)" "${5:-}" "${8:-}"
  amp_row "bf16 autocast, TF32 for float32 work (PyTorch AMP + cudnn.benchmark)" "${6:-}" "${9:-}"
}

amp_tests() {
  machine
  section "Mixed precision (issue #19 item 4): the bfloat16/float16 gpu tests, the conformance suite and the model tests"
  junit 420 junit-amp -- CudaLowPrecisionTest CudaConformanceTest CudaKernelTableTest CudaWidenedTest \
    CudaKernelTraceTest CudaModelTest
  if [ "$LAST_RC" != 0 ]; then
    section "Again with the 2-byte matmuls and convolutions widened too (-Dstriate.cuda.lowPrecisionProducts=false): what still fails is not cuBLAS's or cuDNN's 2-byte calls"
    junit 300 junit-amp-widened -Dstriate.cuda.lowPrecisionProducts=false -- CudaLowPrecisionTest CudaConformanceTest
  fi
}

amp() {
  machine
  data
  local epochs=${EPOCHS:-2} acc=() ms=() peer=() p
  section "LeNet-5 on Fashion-MNIST, $epochs epochs, batch 64, on cuda:0 in fp32, bf16 and fp16 (target: bf16 and fp16 within 0.3 points of fp32's accuracy)"
  for p in fp32 bf16 fp16; do
    rm -rf "$LOGS/lenet5-cuda-$p"
    TAIL=6 record timeout 240 "${JAVA[@]}" striate.cli.Main train --data "$DATA" --device cuda:0 \
      --epochs "$epochs" --validation 5000 --precision "$p" --out "$LOGS/lenet5-cuda-$p"
    acc+=("$(test_accuracy "$LOGS/lenet5-cuda-$p/metrics.json")")
  done
  section "AlexNet (OWT) b128 forward + backward on cuda:0 in fp32, TF32 and bf16, next to PyTorch on the same GPU (target: bf16 ratio >= 1.0)"
  TAIL=6 record timeout 180 "${JAVA[@]}" striate.bench.GpuAlexNetStep 128 fp32
  ms+=("$(last_ms)")
  TAIL=6 record timeout 180 "${JAVA[@]}" -Dstriate.cuda.tf32=true striate.bench.GpuAlexNetStep 128 fp32
  ms+=("$(last_ms)")
  # bf16 with TF32 for any float32 work, as PyTorch AMP's defaults have it
  TAIL=6 record timeout 180 "${JAVA[@]}" -Dstriate.cuda.tf32=true striate.bench.GpuAlexNetStep 128 bf16
  ms+=("$(last_ms)")
  for p in fp32 tf32 bf16; do
    TAIL=4 record timeout 180 python3 benchmarks/gpu/torch_peer.py alexnet 128 "$p"
    peer+=("$(last_ms)")
  done
  section "Mixed precision summary"
  amp_tables "${acc[@]}" "${ms[@]}" "${peer[@]}" | tee "$OUT/amp-table.md" >>"$RESULTS"
}

profile() { # issue #19: per-kernel GPU time, to tell kernel time from host overhead and to compare the kernels
  machine
  section "Per-kernel GPU time (Nsight Compute, ncu --clock-control none, caches flushed between kernels): elementwise add and relu at 2^26 elements, and one steady-state TF32 AlexNet (OWT) b128 forward+backward step, Striate and PyTorch"
  if ! command -v ncu >/dev/null; then
    echo "ncu is not on this machine's PATH: nothing profiled" | tee -a "$RESULTS"
    return
  fi
  local m=gpu__time_duration.sum,dram__bytes_read.sum,dram__bytes_write.sum
  local ncu=(timeout 420 ncu --clock-control none --print-units base --csv --target-processes all)
  # STRIATE_BENCH_QUICK: a few launches of each op, not the timing's 700 (ncu replays every launch it profiles)
  record "${ncu[@]}" --metrics "$m" --kernel-name 'regex:^(add|relu)_forward_f32$' --log-file "$LOGS/ncu-elementwise.csv" \
    env STRIATE_BENCH_QUICK=1 "${JAVA[@]}" striate.bench.GpuThroughput 64
  TAIL=20 record python3 benchmarks/gpu/ncu_summary.py launches "$LOGS/ncu-elementwise.csv"
  record "${ncu[@]}" --metrics "$m" --kernel-name 'regex:elementwise' --log-file "$LOGS/ncu-elementwise-torch.csv" \
    env STRIATE_BENCH_QUICK=1 python3 benchmarks/gpu/torch_peer.py 64
  TAIL=20 record python3 benchmarks/gpu/ncu_summary.py launches "$LOGS/ncu-elementwise-torch.csv"
  record "${ncu[@]}" --metrics gpu__time_duration.sum --log-file "$LOGS/ncu-alexnet.csv" \
    "${JAVA[@]}" -Dstriate.cuda.tf32=true -Dstriate.bench.repeats=3 striate.bench.GpuAlexNetStep 128
  TAIL=60 record python3 benchmarks/gpu/ncu_summary.py step "$LOGS/ncu-alexnet.csv"
  record "${ncu[@]}" --metrics gpu__time_duration.sum --log-file "$LOGS/ncu-alexnet-torch.csv" \
    env STRIATE_BENCH_REPEATS=3 python3 benchmarks/gpu/torch_peer.py alexnet 128 tf32
  TAIL=60 record python3 benchmarks/gpu/ncu_summary.py step "$LOGS/ncu-alexnet-torch.csv"
}

cudnn() { # issue #19 item 2: convolutions through cuDNN's graph API (-Dstriate.cuda.cudnnApi=graph) next to the legacy calls
  cudnn_errors
  machine
  local api=-Dstriate.cuda.cudnnApi=graph ms=() peer=() p
  section "cuDNN's graph API (issue #19 item 2): its gpu test, and the conformance, model and determinism tests with every convolution planned through it"
  TAIL=40 junit 300 junit-cudnn "$api" -- CudnnGraphConvolutionTest CudaConformanceTest CudaModelTest
  section "AlexNet (OWT) b128 forward + backward: cuDNN's legacy calls and its graph API, strict fp32, TF32 and bf16, next to PyTorch on the same GPU (target: TF32 ratio >= 1.0 against PyTorch's TF32 + cudnn.benchmark)"
  for p in fp32 tf32 bf16; do
    local prec=$p flags=()
    [ "$p" = fp32 ] || flags=(-Dstriate.cuda.tf32=true)
    [ "$p" = tf32 ] && prec=fp32
    TAIL=4 record timeout 150 "${JAVA[@]}" "${flags[@]}" striate.bench.GpuAlexNetStep 128 "$prec"
    ms+=("$(last_ms)")
    TAIL=4 record timeout 150 "${JAVA[@]}" "${flags[@]}" "$api" striate.bench.GpuAlexNetStep 128 "$prec"
    ms+=("$(last_ms)")
    TAIL=4 record timeout 150 python3 benchmarks/gpu/torch_peer.py alexnet 128 "$p"
    peer+=("$(last_ms)")
  done
  section "The engines the graph API chose for AlexNet's TF32 step (kernel trace)"
  TAIL=40 record timeout 150 "${JAVA[@]}" -Dstriate.cuda.tf32=true "$api" -Dstriate.trace=kernels \
    -Dstriate.bench.repeats=1 striate.bench.GpuAlexNetStep 128
  section "cuDNN interfaces summary: AlexNet b128 step, ms (ratio PyTorch ms / Striate ms; above 1: Striate is faster)"
  { echo "| precision | legacy | graph | PyTorch | legacy ratio | graph ratio |"; echo "|---|---|---|---|---|---|"
    local i=0
    for p in fp32 tf32 bf16; do
      local l=${ms[$((2 * i))]:-} g=${ms[$((2 * i + 1))]:-} t=${peer[$i]:-}
      echo "| $p | ${l:-?} | ${g:-?} | ${t:-?} | $(ratio "$t" "$l") | $(ratio "$t" "$g") |"
      i=$((i + 1))
    done; } | tee "$OUT/cudnn-table.md" >>"$RESULTS"
}

cudnn_errors() { # cuDNN 9 logs its errors (why a graph or plan was refused) to stderr, into each step's log
  export CUDNN_LOGLEVEL_DBG=${CUDNN_LOGLEVEL_DBG:-1} CUDNN_LOGDEST_DBG=${CUDNN_LOGDEST_DBG:-stderr}
}

first() { # one call for a session's first look (at most STAGE_SECONDS): what has never run, and #19's four targets
  use_nccl
  cudnn_errors
  machine
  local api=-Dstriate.cuda.cudnnApi=graph
  section "First look: the gpu tests of the code that has never run on a GPU (CUDA graphs, the staging copies, the graph API's convolutions, mixed precision, the fused recurrent layers, the two-pass sums, NCCL and its watchdog), and the conformance suite"
  # deterministic cuDNN algorithms: the graphed trainings are compared with eager ones (a review's advice)
  # TEST_TIMEOUT below each call's limit, so a hung or slow test fails alone and the call still reports the rest
  TEST_TIMEOUT=40s TAIL=50 junit 110 junit-first -Dstriate.cuda.deterministic=true -- CudaConformanceTest CudaCopyTest \
    CudnnGraphNodeTest CudaLowPrecisionTest CudaRecurrentLayersTest CudaReductionPathsTest CudaLossTest \
    CudaKernelTraceTest
  local tests_rc=$LAST_RC
  # apart: a test that hangs in a CUDA call keeps the device's lock after its timeout, and every later test in the
  # same JVM would wait for it; captures and NCCL's collectives are the likeliest to hang
  TEST_TIMEOUT=40s TAIL=30 junit 70 junit-graphs -Dstriate.cuda.deterministic=true -- CudaGraphTest \
    CudaGraphedTrainingTest NcclGpuTest
  [ "$LAST_RC" -eq 0 ] || tests_rc=$LAST_RC
  # apart, and after the others: about 76 engine searches, each finalizing and timing up to 10 plans, may be slow
  TEST_TIMEOUT=60s TAIL=30 junit 90 junit-graph-api -- CudnnGraphConvolutionTest
  [ "$LAST_RC" -eq 0 ] || tests_rc=$LAST_RC
  if [ "$tests_rc" -ne 0 ]; then
    echo "**Tests failed (exit $tests_rc): the numbers below are unverified.**" >>"$RESULTS"
  fi
  local add relu tadd trelu lenet tlenet legacy graph bf16 ttf32 tbf16
  section "#19 item 1: elementwise add and relu at 2^26 elements, GB/s, Striate and PyTorch (target: >= 0.9x)"
  TAIL=12 record timeout 60 "${JAVA[@]}" striate.bench.GpuThroughput 1024
  add=$(value add_f32) relu=$(value relu_f32)
  TAIL=12 record timeout 60 python3 benchmarks/gpu/torch_peer.py 1024
  tadd=$(value torch_add_f32) trelu=$(value torch_relu_f32)
  section "#19 item 3: LeNet-5's step replayed from a CUDA graph, and PyTorch eager (target: >= 1.5x)"
  TAIL=12 record timeout 90 "${JAVA[@]}" striate.bench.GpuGraphedStep 64
  lenet=$(value lenet_train_b64_cuda_graph)
  TAIL=6 record timeout 60 python3 benchmarks/gpu/torch_peer.py lenet 64
  tlenet=$(value torch_lenet_train_b64_eager)
  section "#19 items 2 and 4: AlexNet b128 step, TF32 through the legacy calls and the graph API, bf16 through the graph API, and PyTorch TF32 + cudnn.benchmark and AMP bf16 (targets: TF32 and bf16 ratios >= 1.0)"
  TAIL=4 record timeout 90 "${JAVA[@]}" -Dstriate.cuda.tf32=true striate.bench.GpuAlexNetStep 128 fp32
  legacy=$(last_ms)
  TAIL=4 record timeout 90 "${JAVA[@]}" -Dstriate.cuda.tf32=true "$api" striate.bench.GpuAlexNetStep 128 fp32
  graph=$(last_ms)
  TAIL=4 record timeout 90 "${JAVA[@]}" -Dstriate.cuda.tf32=true "$api" striate.bench.GpuAlexNetStep 128 bf16
  bf16=$(last_ms)
  TAIL=4 record timeout 60 python3 benchmarks/gpu/torch_peer.py alexnet 128 tf32
  ttf32=$(last_ms)
  TAIL=4 record timeout 60 python3 benchmarks/gpu/torch_peer.py alexnet 128 bf16
  tbf16=$(last_ms)
  section "#19's targets, side by side (ratio: above 1 is Striate ahead)"
  { echo "| Measure | Striate | PyTorch | ratio | target |"
    echo "|---|---|---|---|---|"
    echo "| add f32 2^26, GB/s | ${add:-failed} | ${tadd:-failed} | $(ratio "${add:-}" "${tadd:-}") | >= 0.9 |"
    echo "| relu f32 2^26, GB/s | ${relu:-failed} | ${trelu:-failed} | $(ratio "${relu:-}" "${trelu:-}") | >= 0.9 |"
    echo "| LeNet-5 b64 step, images/s (graph vs eager) | ${lenet:-failed} | ${tlenet:-failed} | $(ratio "${lenet:-}" "${tlenet:-}") | >= 1.5 |"
    echo "| AlexNet b128 TF32 legacy, ms (PyTorch ms / Striate ms) | ${legacy:-failed} | ${ttf32:-failed} | $(ratio "${ttf32:-}" "${legacy:-}") | >= 1.0 |"
    echo "| AlexNet b128 TF32 graph API, ms | ${graph:-failed} | ${ttf32:-failed} | $(ratio "${ttf32:-}" "${graph:-}") | >= 1.0 |"
    echo "| AlexNet b128 bf16, ms (PyTorch AMP) | ${bf16:-failed} | ${tbf16:-failed} | $(ratio "${tbf16:-}" "${bf16:-}") | >= 1.0 |"
  } >>"$RESULTS"
}

value() { # value NAME: the value of the RESULT line NAME in the last recorded command's log, or nothing
  awk -v n="$1" '$1 == "RESULT" && $2 == n { print $3; exit }' "$LAST_LOG" || true
}

lenet() {
  machine
  data
  local epochs=${EPOCHS:-3}
  section "LeNet-5 on Fashion-MNIST, $epochs epochs, batch 64: Striate on cuda:0 (--cuda-graphs auto: the step replayed from a CUDA graph) and PyTorch on the same GPU"
  rm -rf "$LOGS/lenet5-cuda"
  TAIL=25 record "${JAVA[@]}" striate.cli.Main train --data "$DATA" --device cuda:0 --epochs "$epochs" \
    --validation 5000 --out "$LOGS/lenet5-cuda" # the PyTorch peer holds out 5,000 too
  TAIL=15 record python3 benchmarks/pytorch/lenet_fashion_mnist.py --data "$DATA" --device cuda --epochs "$epochs"
}

usage() { # usage MESSAGE: says what was wrong in one line, then prints the header above, and exits 2
  echo "run-on-device: $*" >&2
  sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'
  exit 2
}

if [ "${1:-}" = device ]; then
  case ${2:-} in
    tests | graphs | bench | lenet | rnn | nccl | gan | amp-tests | amp | profile | cudnn | first | all) ;;
    "") usage "device needs a stage" ;;
    *) usage "unknown stage '$2'" ;;
  esac
  if [ ! -f .device/java ]; then
    echo "run-on-device: no .device bundle: run 'bash benchmarks/gpu/run-on-device.sh prepare' on the build machine" \
      "first, and carry .device: carry=[\".device\", ...]" >&2
    exit 2
  fi
  LOGS=${LOGS:-$(mktemp -d /tmp/striate-logs.XXXXXX)}
fi
case "${1:-} ${2:-}" in
  "prepare ") prepare ;;
  "device tests") tests ;;
  "device graphs") graphs ;;
  "device bench") bench ;;
  "device lenet") lenet ;;
  "device rnn") rnn ;;
  "device nccl") nccl ;;
  "device gan") gan ;;
  "device amp-tests") amp_tests ;;
  "device amp") amp ;;
  "device profile") profile ;;
  "device cudnn") cudnn ;;
  "device first") first ;;
  "device all") tests; bench; lenet; rnn; graphs; nccl; gan; amp_tests; amp ;;
  *) usage "${1:+unknown command '$*': }give prepare, or device and a stage" ;;
esac
if [ "${1:-}" = device ]; then
  pack_logs && mv -f "$OUT/logs.tar.gz.part" "$OUT/logs.tar.gz" # the tables' runs too
  if [ ${#FAILED[@]} -gt 0 ]; then
    { echo; echo "### Failed or skipped steps"; echo; printf -- '- %s\n' "${FAILED[@]}"; } >>"$RESULTS"
    echo "results: $RESULTS (${#FAILED[@]} step(s) failed or were skipped)"
    exit 1
  fi
  echo "results: $RESULTS"
fi
exit 0
