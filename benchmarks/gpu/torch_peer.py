#!/usr/bin/env python3
"""The PyTorch peer of striate.bench.GpuThroughput on the same GPU: torch.mm FP32 (and TF32) at each size, and
elementwise add / relu in GB/s, medians of timed repeats after a warm-up, between torch.cuda.synchronize() calls;
with "alexnet", the peer of striate.bench.GpuAlexNetStep (the same layers, forward + cross-entropy + backward), as
PyTorch's defaults have it, or in one named mode: fp32 (strict: TF32 off for matmul and cuDNN), tf32 (TF32 on) or
bf16 (torch.autocast to bfloat16 around forward and loss: PyTorch AMP), cudnn.benchmark on in each (Striate times
cuDNN's algorithms too: cudnnFind through the legacy calls, the fastest plan through the graph API).
Prints RESULT lines in the Java benchmarks' format.
With "lenet", the eager peer of striate.bench.GpuGraphedStep.
Usage: torch_peer.py [sizes, default 4096,8192] [elements]  |  torch_peer.py alexnet [batch, default 128] [mode]
       torch_peer.py lenet [batch, default 64]"""
import os
import statistics
import sys
import time

import torch


def median_seconds(fn, repeats, per_region=1, warmups=3):
    """Median seconds per call over timed regions of per_region calls queued back to back, after warmups regions:
    GpuThroughput's rule (elementwise: 10 calls a region after 50 warm-up regions)."""
    for _ in range(warmups * per_region):
        fn()
    times = []
    for _ in range(repeats):
        torch.cuda.synchronize()
        start = time.perf_counter()
        for _ in range(per_region):
            fn()
        torch.cuda.synchronize()
        times.append((time.perf_counter() - start) / per_region)
    return statistics.median(times)


MODES = ("fp32", "tf32", "bf16")


def alexnet(batch, mode=None):
    """torchvision's single-tower AlexNet without dropout or the adaptive pool, as GpuAlexNetStep builds it."""
    if mode is not None and mode not in MODES:
        sys.exit(f"torch_peer.py: mode must be one of {', '.join(MODES)}, got '{mode}'")
    if mode is not None:
        tf32 = mode != "fp32"
        torch.backends.cuda.matmul.allow_tf32 = tf32
        torch.backends.cudnn.allow_tf32 = tf32
        torch.backends.cudnn.benchmark = True
    nn = torch.nn
    dev = torch.device("cuda:0")
    model = nn.Sequential(
        nn.Conv2d(3, 64, 11, 4, 2), nn.ReLU(), nn.MaxPool2d(3, 2),
        nn.Conv2d(64, 192, 5, 1, 2), nn.ReLU(), nn.MaxPool2d(3, 2),
        nn.Conv2d(192, 384, 3, 1, 1), nn.ReLU(),
        nn.Conv2d(384, 256, 3, 1, 1), nn.ReLU(),
        nn.Conv2d(256, 256, 3, 1, 1), nn.ReLU(), nn.MaxPool2d(3, 2),
        nn.Flatten(),
        nn.Linear(256 * 6 * 6, 4096), nn.ReLU(),
        nn.Linear(4096, 4096), nn.ReLU(),
        nn.Linear(4096, 1000)).to(dev)
    x = torch.rand(batch, 3, 224, 224, device=dev) * 2 - 1
    y = torch.tensor([(i * 37) % 1000 for i in range(batch)], device=dev)

    def step():
        model.zero_grad(set_to_none=True)
        with torch.autocast("cuda", dtype=torch.bfloat16, enabled=mode == "bf16"):
            loss = torch.nn.functional.cross_entropy(model(x), y)
        loss.backward()
    print("peer: pytorch", torch.__version__, torch.cuda.get_device_name(0), "mode", mode or "defaults",
          "cudnn.benchmark", torch.backends.cudnn.benchmark, "tf32 matmul/cudnn",
          torch.backends.cuda.matmul.allow_tf32, torch.backends.cudnn.allow_tf32)
    s = median_seconds(step, int(os.environ.get("STRIATE_BENCH_REPEATS", "20")))  # fewer under a profiler
    suffix = f"_{mode}" if mode else ""
    print(f"RESULT torch_alexnet_owt_fwdbwd_b{batch}{suffix} {s * 1e3:.2f} ms ({batch / s:.0f} images/s)")


def lenet(batch):
    """The peer of striate.bench.GpuGraphedStep: LeNet-5 (as benchmarks/pytorch/lenet_fashion_mnist.py builds it),
    cross-entropy, backward, SGD lr 0.01 momentum 0.9, eagerly; images/s over rounds of 200 steps (median of 5),
    synchronized around each round and over 4 rotating batches. Strict float32 with cudnn.benchmark, as the Java
    side runs (TF32 off, cuDNN's algorithms timed)."""
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    torch.backends.cudnn.benchmark = True
    nn = torch.nn
    dev = torch.device("cuda:0")
    model = nn.Sequential(
        nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
        nn.Linear(16 * 5 * 5, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10)).to(dev)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    xs = [torch.rand(batch, 1, 28, 28, device=dev) for _ in range(4)]
    ys = [torch.randint(0, 10, (batch,), device=dev) for _ in range(4)]

    def steps(n):
        for i in range(n):
            optimizer.zero_grad(set_to_none=True)
            loss = torch.nn.functional.cross_entropy(model(xs[i % 4]), ys[i % 4])
            loss.backward()
            optimizer.step()
    print("peer: pytorch", torch.__version__, torch.cuda.get_device_name(0))
    s = median_seconds(lambda: steps(200), 5) / 200
    print(f"RESULT torch_lenet_train_b{batch}_eager {batch / s:.0f} images/s ({1 / s:.0f} steps/s)")


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "lenet":
        lenet(int(sys.argv[2]) if len(sys.argv) > 2 else 64)
        return
    if len(sys.argv) > 1 and sys.argv[1] == "alexnet":
        alexnet(int(sys.argv[2]) if len(sys.argv) > 2 else 128, sys.argv[3] if len(sys.argv) > 3 else None)
        return
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
    quick = "STRIATE_BENCH_QUICK" in os.environ  # under a profiler: a few launches, times meaningless
    runs = dict(repeats=3, per_region=1, warmups=1) if quick else dict(repeats=20, per_region=10, warmups=50)
    s = median_seconds(lambda: x + y, **runs)
    print(f"RESULT torch_add_f32 {12.0 * elements / s / 1e9:.1f} GB/s ({s * 1e3:.3f} ms for {elements} elements)")
    s = median_seconds(lambda: torch.relu(x), **runs)
    print(f"RESULT torch_relu_f32 {8.0 * elements / s / 1e9:.1f} GB/s ({s * 1e3:.3f} ms)")


if __name__ == "__main__":
    main()
