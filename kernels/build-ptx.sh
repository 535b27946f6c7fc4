#!/usr/bin/env bash
# Builds src/main/cuda/<name>.cu to src/main/resources/striate/kernels/<name>.ptx with nvcc, for the
# virtual architecture compute_80 (the driver JIT-compiles it for any GPU from sm_80 on, the H100
# included). Next to each PTX, <name>.ptx.sha256 records the sha256 of the sources it was built from
# (the .cu, then striate.cuh); a PTX whose record matches is left alone, so the committed PTX only
# changes with its sources. Without nvcc it builds nothing and says so; PtxTest then fails if a
# committed PTX no longer matches its source. Run by Maven (generate-resources) or by hand.
set -euo pipefail
cd "$(dirname "$0")"
SRC=src/main/cuda
OUT=src/main/resources/striate/kernels
ARCH=compute_80
mkdir -p "$OUT"
stale=()
for cu in "$SRC"/*.cu; do
  name=$(basename "$cu" .cu)
  sum=$(cat "$cu" "$SRC/striate.cuh" | sha256sum | cut -d' ' -f1)
  if [ -f "$OUT/$name.ptx" ] && [ "$(cut -d' ' -f1 "$OUT/$name.ptx.sha256" 2>/dev/null)" = "$sum" ]; then
    continue
  fi
  if ! command -v nvcc >/dev/null; then
    stale+=("$name")
    continue
  fi
  nvcc -ptx -arch=$ARCH -o "$OUT/$name.ptx" "$cu"
  echo "$sum  $name.cu+striate.cuh  $ARCH" >"$OUT/$name.ptx.sha256"
  echo "built $OUT/$name.ptx"
done
if [ ${#stale[@]} -gt 0 ]; then
  echo "WARNING: no nvcc on PATH; the PTX of ${stale[*]} is out of date with its source (install the CUDA toolkit and rebuild)" >&2
fi
