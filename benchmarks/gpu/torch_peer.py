#!/usr/bin/env python3
"""The PyTorch peer of striate.bench.GpuThroughput on the same GPU: torch.mm FP32 (and TF32) at each size, and
elementwise add / relu in GB/s, medians of timed repeats after a warm-up, between torch.cuda.synchronize() calls.
Prints RESULT lines in GpuThroughput's format.  Usage: torch_peer.py [sizes, default 4096,8192] [elements]"""
import statistics
import sys
import time

import torch


def median_seconds(fn, repeats):
    for _ in range(3):
        fn()
    times = []
    for _ in range(repeats):
        torch.cuda.synchronize()
        start = time.perf_counter()
        fn()
        torch.cuda.synchronize()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main():
    sizes = [int(s) for s in (sys.argv[1] if len(sys.argv) > 1 else "4096,8192").split(",")]
    elements = int(sys.argv[2]) if len(sys.argv) > 2 else 1 << 26
    dev = torch.device("cuda:0")
    print("peer: pytorch", torch.__version__, torch.cuda.get_device_name(0))
    for tf32 in (False, True):
        torch.backends.cuda.matmul.allow_tf32 = tf32
        for n in sizes:
            a = torch.rand(n, n, device=dev) * 2 - 1
            b = torch.rand(n, n, device=dev) * 2 - 1
            s = median_seconds(lambda: torch.mm(a, b), 10)
            print(f"RESULT torch_sgemm{'_tf32' if tf32 else ''}_{n} {2.0 * n ** 3 / s / 1e9:.1f} GFLOP/s ({s * 1e3:.3f} ms)")
    x = torch.rand(elements, device=dev)
    y = torch.rand(elements, device=dev)
    s = median_seconds(lambda: x + y, 20)
    print(f"RESULT torch_add_f32 {12.0 * elements / s / 1e9:.1f} GB/s ({s * 1e3:.3f} ms for {elements} elements)")
    s = median_seconds(lambda: torch.relu(x), 20)
    print(f"RESULT torch_relu_f32 {8.0 * elements / s / 1e9:.1f} GB/s ({s * 1e3:.3f} ms)")


if __name__ == "__main__":
    main()
