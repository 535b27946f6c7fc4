#!/usr/bin/env python3
"""PyTorch's LSTM, GRU and RNN next to Striate's for the same weights (not part of CI).

For each layer (2 layers, bidirectional, a padded batch with lengths), PyTorch makes the weights and the input;
the weights go to Striate by their PyTorch names (weight_ih_l0, ..., bias_hh_l1_reverse), Striate runs the layer
(benchmarks/pytorch/RecurrentPeer.java on core's classes, reference backend) and the outputs (padded steps: zeros,
as pad_packed_sequence gives), final states and parameter gradients of loss = sum(output * r) + sum(h_n * r),
r_i = sin(i), are compared. Prints the largest absolute difference of each; exits 1 if one exceeds 1e-5.

Usage (from the repository root, after `mvn -B -ntp -o -q -pl core compile`):
    python3 benchmarks/pytorch/recurrent_conversion.py
"""
import math
import os
import subprocess
import sys
import tempfile

import numpy as np
import torch
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
JAVA = os.path.join(os.environ.get("JAVA_HOME", "/usr/lib/jvm/temurin-25-jdk-amd64"), "bin", "java")
IN, HIDDEN, LAYERS, SEQ, BATCH = 5, 7, 2, 6, 3
LENGTHS = [6, 4, 2]
LIMIT = 1e-5


def ramp(shape):
    n = int(np.prod(shape))
    return torch.tensor([math.sin(i) for i in range(n)], dtype=torch.float32).reshape(shape)


def compare(kind):
    torch.manual_seed(0)
    layer = getattr(torch.nn, kind)(IN, HIDDEN, num_layers=LAYERS, bidirectional=True)
    x = torch.rand(SEQ, BATCH, IN) * 2 - 1  # padded positions hold values too
    packed = pack_padded_sequence(x, torch.tensor(LENGTHS), enforce_sorted=False)
    out, state = layer(packed)
    out, _ = pad_packed_sequence(out, total_length=SEQ)
    h_n, c_n = state if kind == "LSTM" else (state, None)
    loss = (out * ramp(out.shape)).sum() + (h_n * ramp(h_n.shape)).sum()
    loss.backward()
    with tempfile.TemporaryDirectory() as d:
        with open(os.path.join(d, "spec.txt"), "w") as f:
            f.write(f"{kind} {IN} {HIDDEN} {LAYERS} true {SEQ} {BATCH}\n{' '.join(map(str, LENGTHS))}\n")
        for name, p in layer.named_parameters():
            p.detach().numpy().astype("<f4").tofile(os.path.join(d, name + ".f32"))
        x.numpy().astype("<f4").tofile(os.path.join(d, "x.f32"))
        subprocess.run([JAVA, "--class-path", os.path.join(ROOT, "core", "target", "classes"),
                        os.path.join(ROOT, "benchmarks", "pytorch", "RecurrentPeer.java"), d], check=True)

        def striate(name):
            return np.fromfile(os.path.join(d, "striate_" + name + ".f32"), dtype="<f4")

        diffs = {"output": np.abs(striate("output") - out.detach().numpy().ravel()).max(),
                 "h_n": np.abs(striate("h_n") - h_n.detach().numpy().ravel()).max()}
        if c_n is not None:
            diffs["c_n"] = np.abs(striate("c_n") - c_n.detach().numpy().ravel()).max()
        diffs["gradients"] = max(np.abs(striate("grad_" + name) - p.grad.numpy().ravel()).max()
                                 for name, p in layer.named_parameters())
    return diffs


def main():
    worst = 0.0
    print(f"torch {torch.__version__}; {LAYERS} layers, bidirectional, input {IN}, hidden {HIDDEN}, "
          f"seq {SEQ}, batch {BATCH}, lengths {LENGTHS}: max |Striate - PyTorch|")
    for kind in ("LSTM", "GRU", "RNN"):
        diffs = compare(kind)
        worst = max(worst, *diffs.values())
        print(kind.ljust(5), "  ".join(f"{k} {v:.2e}" for k, v in diffs.items()))
    sys.exit(0 if worst <= LIMIT else 1)


if __name__ == "__main__":
    main()
