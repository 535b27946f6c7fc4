#!/usr/bin/env python3
"""Speed peer of Striate's recurrent JMH benchmark: one training step of a 2-layer LSTM (and GRU) of PTB size.

Measured, per step: forward of nn.LSTM / nn.GRU (input 512, hidden 512, 2 layers, batch_first, zero initial
state) over x [64, 35, 512] (batch 64, sequence 35: a PTB-sized step, x standing for the embeddings below, so
dx is computed as an embedding would need it), loss = mean of the last layer's outputs at every step, backward,
and a plain SGD update (lr 0.01) of the layer's parameters, gradients zeroed. x is fixed random data made once;
no data loading is timed. Warm-up steps first, then --rounds rounds of --steps steps; prints the median ms/step
over the rounds and a JSON line per cell. CPU by default (Debian's python3-torch; --threads sets PyTorch's
intra-op threads), --device cuda on the GPU machine (cuDNN's RNN, synchronized before each clock read). --tf32 on
lets cuDNN and cuBLAS use TF32 tensor cores for the float32 products (PyTorch's own default for cuDNN); off (the
default here) keeps strict float32, as Striate's CUDA backend without -Dstriate.cuda.tf32=true.

Usage: python3 lstm_step.py [--cell lstm|gru|both] [--threads N] [--device cpu|cuda] [--tf32 on|off] [--rounds R]
       [--steps S] [--quick]  (--quick: 1 warm-up step, 3 rounds of 1 step: proves the script runs)
"""
import argparse
import json
import os
import statistics
import time

import torch
import torch.nn as nn

BATCH, SEQUENCE, INPUT, HIDDEN, LAYERS = 64, 35, 512, 512, 2


def step(rnn, x, optimizer):
    optimizer.zero_grad(set_to_none=False)
    x.grad = None
    y, _ = rnn(x)  # [64, 35, 512]
    y.mean().backward()
    optimizer.step()


def measure(cell, device, warmup, rounds, steps):
    torch.manual_seed(0)
    rnn = (nn.LSTM if cell == "lstm" else nn.GRU)(INPUT, HIDDEN, num_layers=LAYERS, batch_first=True).to(device)
    x = torch.rand(BATCH, SEQUENCE, INPUT, device=device).requires_grad_()
    optimizer = torch.optim.SGD(rnn.parameters(), lr=0.01)
    sync = torch.cuda.synchronize if device.type == "cuda" else (lambda: None)
    for _ in range(warmup):
        step(rnn, x, optimizer)
    sync()
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        for _ in range(steps):
            step(rnn, x, optimizer)
        sync()
        times.append((time.perf_counter() - start) * 1000 / steps)
    return statistics.median(times), times


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cell", choices=["lstm", "gru", "both"], default="both")
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--tf32", choices=["on", "off"], default="off")
    ap.add_argument("--warmup", type=int, default=5)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--steps", type=int, default=5)
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args()
    if args.quick:
        args.warmup, args.rounds, args.steps = 1, 3, 1
    torch.set_num_threads(args.threads)
    torch.backends.cudnn.allow_tf32 = args.tf32 == "on"
    torch.backends.cuda.matmul.allow_tf32 = args.tf32 == "on"
    device = torch.device(args.device)
    print(f"PyTorch {torch.__version__}, {args.threads} threads, {device}"
          + (f" ({torch.cuda.get_device_name(device)}, cuDNN {torch.backends.cudnn.version()}, TF32 {args.tf32})"
             if device.type == "cuda" else ""))
    for cell in (["lstm", "gru"] if args.cell == "both" else [args.cell]):
        median, times = measure(cell, device, args.warmup, args.rounds, args.steps)
        print(f"{cell}: {median:.1f} ms/step (median of {args.rounds} rounds of {args.steps} steps; rounds "
              + ", ".join(f"{t:.1f}" for t in times) + ")")
        print(json.dumps({"case": f"{cell}_step_2x512_b64_t35", "ms_per_step": round(median, 2),
                          "threads": args.threads, "device": str(device), "tf32": args.tf32}))


if __name__ == "__main__":
    main()
