#!/usr/bin/env python3
"""LeNet-5 on Fashion-MNIST in PyTorch with Striate's default recipe, as the side-by-side reference.

Same model (C1 6@5x5 pad 2, ReLU, 2x2 max pool, C3 16@5x5, pool, 120, 84, 10), same data (Debian's
dataset-fashion-mnist IDX files), same normalization (mean 0.2860, std 0.3530), same split sizes (55,000
train / 5,000 validation, seeded), SGD lr 0.02 momentum 0.9, cosine schedule to lr/1000 over the epochs
(stepped per epoch, like Striate's --schedule cosine), batch 64, 10 epochs. Prints one line per epoch
and a final JSON line: test accuracy, seconds per epoch, training images per second.

Usage: python3 lenet_fashion_mnist.py [--data DIR] [--epochs N] [--threads T] [--seed S] [--schedule none|cosine]
       [--device cpu|cuda]  (cuda: data and model on the GPU, for benchmarks/gpu/run-on-device.sh)
"""
import argparse
import gzip
import json
import os
import struct
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


def read_idx(path):
    opener = gzip.open if open(path, "rb").read(2) == b"\x1f\x8b" else open
    with opener(path, "rb") as f:
        magic = struct.unpack(">I", f.read(4))[0]
        dims = [struct.unpack(">I", f.read(4))[0] for _ in range(magic & 0xFF)]
        return np.frombuffer(f.read(), dtype=np.uint8).reshape(dims)


def find(folder, name):
    for candidate in (name, name + ".gz"):
        p = os.path.join(folder, candidate)
        if os.path.exists(p):
            return p
    raise SystemExit(f"missing {name}[.gz] in {folder} (install Debian's dataset-fashion-mnist)")


class LeNet5(nn.Module):
    def __init__(self):
        super().__init__()
        self.c1 = nn.Conv2d(1, 6, 5, padding=2)
        self.c3 = nn.Conv2d(6, 16, 5)
        self.c5 = nn.Linear(16 * 5 * 5, 120)
        self.f6 = nn.Linear(120, 84)
        self.out = nn.Linear(84, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.c1(x)), 2)
        x = F.max_pool2d(F.relu(self.c3(x)), 2)
        x = x.flatten(1)
        x = F.relu(self.c5(x))
        x = F.relu(self.f6(x))
        return self.out(x)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
    ap.add_argument("--epochs", type=int, default=10)
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--batch-size", type=int, default=64)
    ap.add_argument("--lr", type=float, default=0.02)
    ap.add_argument("--schedule", choices=["none", "cosine"], default="cosine")
    ap.add_argument("--device", default="cpu")
    args = ap.parse_args()
    dev = torch.device(args.device)
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)

    def load(images, labels):
        x = read_idx(find(args.data, images)).astype(np.float32) / 255.0
        x = (x - 0.2860) / 0.3530
        return torch.from_numpy(x).unsqueeze(1), torch.from_numpy(read_idx(find(args.data, labels)).astype(np.int64))

    x_train, y_train = load("train-images-idx3-ubyte", "train-labels-idx1-ubyte")
    x_test, y_test = load("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte")
    perm = torch.randperm(len(x_train), generator=torch.Generator().manual_seed(args.seed))
    val_idx, train_idx = perm[:5000], perm[5000:]
    x_val, y_val = x_train[val_idx], y_train[val_idx]
    x_train, y_train = x_train[train_idx], y_train[train_idx]
    x_train, y_train, x_val, y_val = x_train.to(dev), y_train.to(dev), x_val.to(dev), y_val.to(dev)
    x_test, y_test = x_test.to(dev), y_test.to(dev)

    model = LeNet5().to(dev)
    opt = torch.optim.SGD(model.parameters(), lr=args.lr, momentum=0.9)
    schedule = (torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=args.epochs, eta_min=args.lr * 1e-3)
                if args.schedule == "cosine" else None)

    def evaluate(x, y):
        model.eval()
        with torch.no_grad():
            logits = torch.cat([model(x[i:i + 1000]) for i in range(0, len(x), 1000)])
        model.train()
        return F.cross_entropy(logits, y).item(), (logits.argmax(1) == y).float().mean().item()

    epoch_seconds = []
    for epoch in range(1, args.epochs + 1):
        order = torch.randperm(len(x_train)).to(dev)
        start = time.perf_counter()
        for i in range(0, len(x_train), args.batch_size):
            idx = order[i:i + args.batch_size]
            loss = F.cross_entropy(model(x_train[idx]), y_train[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
        if dev.type == "cuda":
            torch.cuda.synchronize()
        epoch_seconds.append(time.perf_counter() - start)
        if schedule is not None:
            schedule.step()
        val_loss, val_acc = evaluate(x_val, y_val)
        print(f"epoch {epoch}: {epoch_seconds[-1]:.1f}s, {len(x_train) / epoch_seconds[-1]:.0f} img/s, "
              f"val loss {val_loss:.4f} acc {val_acc:.4f}", flush=True)
    test_loss, test_acc = evaluate(x_test, y_test)
    seconds = sorted(epoch_seconds)[len(epoch_seconds) // 2]
    print(json.dumps({"peer": "pytorch " + torch.__version__, "threads": args.threads, "device": args.device, "test_accuracy": test_acc,
                      "test_loss": test_loss, "median_epoch_seconds": seconds,
                      "train_images_per_second": len(x_train) / seconds}))


if __name__ == "__main__":
    main()
