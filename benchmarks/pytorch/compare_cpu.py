#!/usr/bin/env python3
"""PyTorch's side of benchmarks/compare-cpu.sh: the shapes of Striate's JMH benchmarks, timed the same way.

Each case runs warm-up rounds, then timed rounds of at least --seconds each, and reports the median rate over
the rounds with its min and max, as one JSON object per line: {"case", "unit", "median", "min", "max"}. Rates are
what the JMH scores count: images/s for LeNet, calls/s for convolution and matmul, ops/s for the small op.

Usage: python3 compare_cpu.py [--threads T] [--rounds R] [--seconds S] [--cases a,b,...]
"""
import argparse
import json
import os
import statistics
import time

import torch
import torch.nn.functional as F

from lenet_fashion_mnist import LeNet5


class AlexNetOwt(torch.nn.Module):
    """torchvision's AlexNet layers without dropout and adaptive pooling, as Striate's AlexNet OWT with dropout 0:
    on 64x64 inputs pool5 gives [n, 256, 1, 1]."""

    def __init__(self, classes, side=1):
        super().__init__()
        nn = torch.nn
        self.features = nn.Sequential(
            nn.Conv2d(3, 64, 11, 4, 2), nn.ReLU(), nn.MaxPool2d(3, 2),
            nn.Conv2d(64, 192, 5, 1, 2), nn.ReLU(), nn.MaxPool2d(3, 2),
            nn.Conv2d(192, 384, 3, 1, 1), nn.ReLU(),
            nn.Conv2d(384, 256, 3, 1, 1), nn.ReLU(),
            nn.Conv2d(256, 256, 3, 1, 1), nn.ReLU(), nn.MaxPool2d(3, 2))
        self.classifier = nn.Sequential(
            nn.Flatten(), nn.Linear(256 * side * side, 4096), nn.ReLU(), nn.Linear(4096, 4096), nn.ReLU(),
            nn.Linear(4096, classes))

    def forward(self, x):
        return self.classifier(self.features(x))


def rate(fn, per_call, rounds, seconds):
    for _ in range(3):
        fn()
    rates = []
    for _ in range(rounds):
        calls = 0
        start = time.perf_counter()
        while True:
            fn()
            calls += 1
            elapsed = time.perf_counter() - start
            if elapsed >= seconds:
                break
        rates.append(calls * per_call / elapsed)
    return statistics.median(rates), min(rates), max(rates)


def cases():
    g = torch.Generator().manual_seed(0)

    def uniform(*shape):
        return torch.rand(*shape, generator=g) * 2 - 1

    def sgemm(n):
        a, b = uniform(n, n), uniform(n, n)
        return lambda: torch.mm(a, b), 1, "calls/s"

    def train_step(model, *input_dims):
        """One SGD-with-momentum cross-entropy step on a fixed batch, in images per second."""
        opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
        n = input_dims[0]
        x, y = uniform(*input_dims), torch.randint(0, 10, (n,), generator=g)

        def step():
            loss = F.cross_entropy(model(x), y)
            opt.zero_grad()
            loss.backward()
            opt.step()
        return step, n, "images/s"

    def lenet_train():
        return train_step(LeNet5(), 64, 1, 28, 28)

    def lenet_infer():
        model = LeNet5().eval()
        x = uniform(1000, 1, 28, 28)

        def infer():
            with torch.no_grad():
                model(x)
        return infer, 1000, "images/s"

    def conv_c1():
        x = uniform(64, 1, 28, 28)
        w = uniform(6, 1, 5, 5).requires_grad_()
        b = uniform(6).requires_grad_()
        dy = uniform(64, 6, 28, 28)

        def run():
            w.grad = None
            b.grad = None
            (F.conv2d(x, w, b, padding=2) * dy).sum().backward()
        return run, 1, "calls/s"

    def conv_alexnet_conv2():
        x, w, b = uniform(16, 96, 27, 27), uniform(256, 96, 5, 5), uniform(256)

        def run():
            with torch.no_grad():
                F.conv2d(x, w, b, padding=2)
        return run, 1, "calls/s"

    def pool_s2():
        x = uniform(64, 6, 28, 28).requires_grad_()
        dy = uniform(64, 6, 14, 14)

        def run():
            x.grad = None
            (F.max_pool2d(x, 2) * dy).sum().backward()
        return run, 1, "calls/s"

    def activation(fn):
        x = uniform(64, 6, 28, 28).requires_grad_()
        dy = uniform(64, 6, 28, 28)

        def run():
            x.grad = None
            (fn(x) * dy).sum().backward()
        return run, 1, "calls/s"

    def alexnet_train():
        return train_step(AlexNetOwt(classes=10), 32, 3, 64, 64)

    def small_add():
        a, b = uniform(10), uniform(10)
        return lambda: a + b, 1, "ops/s"

    return {
        "sgemm_64": lambda: sgemm(64), "sgemm_256": lambda: sgemm(256), "sgemm_1024": lambda: sgemm(1024),
        "sgemm_2048": lambda: sgemm(2048), "conv_lenet_c1_fwdbwd": conv_c1,
        "conv_alexnet_conv2_fwd": conv_alexnet_conv2, "lenet_train_b64": lenet_train,
        "lenet_infer_b1000": lenet_infer, "alexnet_train_b32_64px": alexnet_train, "small_op_add10": small_add, "pool_lenet_s2_fwdbwd": pool_s2,
        "act_relu_fwdbwd": lambda: activation(torch.relu), "act_tanh_fwdbwd": lambda: activation(torch.tanh),
        "act_sigmoid_fwdbwd": lambda: activation(torch.sigmoid),
    }


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--seconds", type=float, default=2.0)
    ap.add_argument("--cases", default="")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    wanted = [c for c in args.cases.split(",") if c]
    for name, make in cases().items():
        if wanted and name not in wanted:
            continue
        fn, per_call, unit = make()
        median, low, high = rate(fn, per_call, args.rounds, args.seconds)
        print(json.dumps({"case": name, "unit": unit, "median": median, "min": low, "max": high}), flush=True)


if __name__ == "__main__":
    main()
