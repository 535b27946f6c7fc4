#!/usr/bin/env python3
"""DCGAN on Fashion-MNIST in PyTorch: the side-by-side peer of `striate gan --model dcgan`.

Same architecture, init and recipe as issue #18 fixes them (Radford et al. 2015, for 28x28 images):
G: z [n,100,1,1] -> ConvTranspose2d(100,256,7,1,0) [n,256,7,7] -> BN -> ReLU -> ConvTranspose2d(256,128,4,2,1)
[n,128,14,14] -> BN -> ReLU -> ConvTranspose2d(128,1,4,2,1) [n,1,28,28] -> Tanh, no biases.
D: x [n,1,28,28] -> Conv2d(1,64,4,2,1) [n,64,14,14] -> LeakyReLU(0.2) -> Conv2d(64,128,4,2,1) [n,128,7,7] -> BN ->
LeakyReLU(0.2) -> Conv2d(128,1,7,1,0) [n,1,1,1] -> flatten [n,1], a logit; no biases.
Init: conv weights N(0, 0.02), BatchNorm weight N(1, 0.02) and bias 0. Recipe: Adam lr 2e-4, betas (0.5, 0.999),
batch 128; per batch one D step (BCE with logits of D(real) against 1 plus of D(G(z)) against 0, G(z) made without
autograd, two forward passes) then one G step (BCE of D(G(z')) against 1, fresh z', D's parameters frozen), both
nets in train mode. Images are the
Fashion-MNIST training images (the first --limit), x/127.5 - 1 in [-1, 1], shuffled each epoch by torch.randperm
seeded from --seed; the last batch may be smaller (one of a single image is dropped: BatchNorm needs two).

Writes OUT/samples-images-idx3-ubyte (--samples images from G in eval mode, pixel = round((x + 1) * 127.5) clamped
to 0..255, as `striate gan`) and OUT/metrics.json: images_per_second (real training images per second over both
nets' steps, the first epoch's first 10 steps excluded, as `striate gan` counts them), the final D and G losses
(each the mean over the last epoch's steps), seconds, settings. Prints progress.

--step-benchmark times one D step + one G step at --batch-size on a fixed batch of uniform [-1, 1) images instead
(the peer of Striate's JMH DcganStepBenchmark) and prints one JSON line {"case", "unit", "median", "min", "max"} in
images/s, as compare_cpu.py does.

Usage: python3 dcgan_fashion.py [--data DIR] [--epochs 5] [--batch-size 128] [--seed 42] [--limit N]
       [--threads T] [--device cpu|cuda] [--samples 10000] [--out DIR]
       python3 dcgan_fashion.py --step-benchmark [--batch-size 128] [--threads T] [--rounds 5] [--seconds 2]
--out defaults to runs/dcgan-pytorch at the repository's root (wherever the script is run from); a folder that already
holds a run's metrics.json is refused (exit 2), as compare-dcgan.sh refuses one with a run in it.
"""
import argparse
import gzip
import json
import os
import statistics
import struct
import sys
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

LATENT = 100
SKIPPED_STEPS = 10  # the first epoch's first steps, left out of images_per_second (warm-up), as in `striate gan`


def read_idx(path):
    opener = gzip.open if open(path, "rb").read(2) == b"\x1f\x8b" else open
    with opener(path, "rb") as f:
        magic = struct.unpack(">I", f.read(4))[0]
        dims = [struct.unpack(">I", f.read(4))[0] for _ in range(magic & 0xFF)]
        return np.frombuffer(f.read(), dtype=np.uint8).reshape(dims)


def write_idx_images(path, pixels):
    """pixels: uint8 [n, 28, 28] -> an IDX3 file (magic 0x00000803), written to a temp file and renamed."""
    n, h, w = pixels.shape
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(struct.pack(">IIII", 0x00000803, n, h, w))
        f.write(np.ascontiguousarray(pixels, dtype=np.uint8).tobytes())
    os.replace(tmp, path)


def find(folder, name):
    for candidate in (name, name + ".gz"):
        p = os.path.join(folder, candidate)
        if os.path.exists(p):
            return p
    raise SystemExit(f"missing {name}[.gz] in {folder} (install Debian's dataset-fashion-mnist, or give --data DIR)")


class Generator(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(
            nn.ConvTranspose2d(LATENT, 256, 7, 1, 0, bias=False), nn.BatchNorm2d(256), nn.ReLU(),  # [n,256,7,7]
            nn.ConvTranspose2d(256, 128, 4, 2, 1, bias=False), nn.BatchNorm2d(128), nn.ReLU(),  # [n,128,14,14]
            nn.ConvTranspose2d(128, 1, 4, 2, 1, bias=False), nn.Tanh())  # [n,1,28,28]

    def forward(self, z):  # z [n,100,1,1]
        return self.net(z)


class Discriminator(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(
            nn.Conv2d(1, 64, 4, 2, 1, bias=False), nn.LeakyReLU(0.2),  # [n,64,14,14]
            nn.Conv2d(64, 128, 4, 2, 1, bias=False), nn.BatchNorm2d(128), nn.LeakyReLU(0.2),  # [n,128,7,7]
            nn.Conv2d(128, 1, 7, 1, 0, bias=False))  # [n,1,1,1]

    def forward(self, x):  # x [n,1,28,28]
        return self.net(x).flatten(1)  # [n,1] logits


def radford_init(module):
    if isinstance(module, (nn.Conv2d, nn.ConvTranspose2d)):
        nn.init.normal_(module.weight, 0.0, 0.02)
    elif isinstance(module, nn.BatchNorm2d):
        nn.init.normal_(module.weight, 1.0, 0.02)
        nn.init.zeros_(module.bias)


class Dcgan:
    """Both nets, both Adams and the step of the recipe."""

    def __init__(self, device, lr=2e-4, betas=(0.5, 0.999)):
        self.device = device
        self.g, self.d = Generator(), Discriminator()
        self.g.apply(radford_init)
        self.d.apply(radford_init)
        self.g.to(device)
        self.d.to(device)
        self.opt_g = torch.optim.Adam(self.g.parameters(), lr=lr, betas=betas)
        self.opt_d = torch.optim.Adam(self.d.parameters(), lr=lr, betas=betas)

    def step(self, real):
        """One D step then one G step on a batch of real images [n,1,28,28]; returns (d_loss, g_loss) tensors.

        As a careful PyTorch user writes it, and as `striate gan` runs it: the fake batch of D's step is made without
        autograd (it is detached anyway), and D's parameters are frozen during G's step (their gradients would be
        thrown away by D's next zero_grad). Neither changes a number of the recipe.
        """
        n = real.shape[0]
        ones, zeros = torch.ones(n, 1, device=self.device), torch.zeros(n, 1, device=self.device)
        self.opt_d.zero_grad()
        with torch.no_grad():
            fake = self.g(torch.randn(n, LATENT, 1, 1, device=self.device))  # [n,1,28,28], G in train mode: its batch norm still updates
        d_loss = (F.binary_cross_entropy_with_logits(self.d(real), ones)
                  + F.binary_cross_entropy_with_logits(self.d(fake), zeros))
        d_loss.backward()
        self.opt_d.step()
        self.opt_g.zero_grad()
        self.d.requires_grad_(False)
        g_loss = F.binary_cross_entropy_with_logits(self.d(self.g(torch.randn(n, LATENT, 1, 1, device=self.device))),
                                                    ones)
        g_loss.backward()
        self.d.requires_grad_(True)
        self.opt_g.step()
        return d_loss.detach(), g_loss.detach()


def samples(g, count, seed):
    """count images from G in eval mode, as uint8 [count, 28, 28] with pixel = round((x + 1) * 127.5) in 0..255."""
    g.eval()
    generator = torch.Generator().manual_seed(seed)
    out = []
    with torch.no_grad():
        for start in range(0, count, 500):
            z = torch.randn(min(500, count - start), LATENT, 1, 1, generator=generator)
            x = g(z.to(next(g.parameters()).device))[:, 0]  # [b,28,28] in [-1,1]
            out.append(torch.floor((x + 1) * 127.5 + 0.5).clamp(0, 255).to(torch.uint8).cpu().numpy())
    g.train()
    return np.concatenate(out)


def finish(device):
    """Waits for the GPU's queued work, so a step's time includes it (Striate's step reads its losses back)."""
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def step_benchmark(args):
    device = torch.device(args.device)
    model = Dcgan(device)
    real = (torch.rand(args.batch_size, 1, 28, 28, generator=torch.Generator().manual_seed(1)) * 2 - 1).to(device)
    for _ in range(3):
        model.step(real)
    rates = []
    for _ in range(args.rounds):
        steps = 0
        finish(device)
        start = time.perf_counter()
        while True:
            model.step(real)
            finish(device)
            steps += 1
            elapsed = time.perf_counter() - start
            if elapsed >= args.seconds:
                break
        rates.append(steps * args.batch_size / elapsed)
    print(json.dumps({"case": f"dcgan_step_b{args.batch_size}", "unit": "images/s",
                      "median": statistics.median(rates), "min": min(rates), "max": max(rates),
                      "threads": args.threads, "device": args.device, "peer": "pytorch " + torch.__version__}))


def train(args):
    images = read_idx(find(args.data, "train-images-idx3-ubyte"))
    if args.limit > 0:
        images = images[:args.limit]
    device = torch.device(args.device)
    x_train = torch.from_numpy(images.astype(np.float32) / 127.5 - 1).unsqueeze(1).to(device)  # [N,1,28,28], [-1,1]
    model = Dcgan(device)
    order_rng = torch.Generator().manual_seed(args.seed)
    where = f"{args.threads} threads" if device.type == "cpu" else str(device)
    print(f"DCGAN (PyTorch {torch.__version__}, {where}): {len(x_train)} images, {args.epochs} epochs,"
          f" batch {args.batch_size}", flush=True)
    timed_images, timed_seconds = 0, 0.0
    step = 0
    start_all = time.perf_counter()
    d_last, g_last = float("nan"), float("nan")
    for epoch in range(1, args.epochs + 1):
        order = torch.randperm(len(x_train), generator=order_rng)
        d_sum, g_sum, steps = torch.zeros((), device=device), torch.zeros((), device=device), 0
        epoch_start = time.perf_counter()
        for i in range(0, len(x_train) - 1, args.batch_size):
            finish(device)
            t = time.perf_counter()  # the batch's gather timed too, as striate gan times its loader's next batch
            real = x_train[order[i:i + args.batch_size].to(device)]
            d_loss, g_loss = model.step(real)
            finish(device)
            if not (epoch == 1 and steps < SKIPPED_STEPS):
                timed_seconds += time.perf_counter() - t
                timed_images += len(real)
            d_sum += d_loss
            g_sum += g_loss
            steps += 1
            step += 1
            if step % 50 == 0:
                print(f"  step {step}: D {d_loss.item():.4f} G {g_loss.item():.4f}", flush=True)
        d_last, g_last = (d_sum / steps).item(), (g_sum / steps).item()
        seconds = time.perf_counter() - epoch_start
        print(f"epoch {epoch}: {seconds:.1f}s, {len(x_train) / seconds:.0f} img/s, D {d_last:.4f} G {g_last:.4f}",
              flush=True)
    train_seconds = time.perf_counter() - start_all
    if timed_images == 0:
        raise SystemExit(f"too few steps to time: the first {SKIPPED_STEPS} are warm-up; raise --limit or --epochs")
    os.makedirs(args.out, exist_ok=True)
    write_idx_images(os.path.join(args.out, "samples-images-idx3-ubyte"), samples(model.g, args.samples, args.seed + 1))
    metrics = {"peer": "pytorch " + torch.__version__, "model": "dcgan", "threads": args.threads, "device": args.device,
               "epochs": args.epochs, "batch_size": args.batch_size, "seed": args.seed, "images": len(x_train),
               "steps": step, "samples": args.samples, "train_seconds": train_seconds,
               "images_per_second": timed_images / timed_seconds, "d_loss": d_last, "g_loss": g_last}
    with open(os.path.join(args.out, "metrics.json"), "w") as f:
        json.dump(metrics, f, indent=2)
        f.write("\n")
    print(json.dumps(metrics))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
    ap.add_argument("--epochs", type=int, default=5)
    ap.add_argument("--batch-size", type=int, default=128)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--limit", type=int, default=0, help="the first N training images (0: all 60,000)")
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    ap.add_argument("--device", default="cpu", help="cpu, or cuda (the GPU peer of the device script's gan stage)")
    ap.add_argument("--tf32", choices=["on", "off"], default="off",
                    help="on a GPU: TF32 tensor cores for float32 convolutions and products (PyTorch's own default "
                         "for cuDNN); off keeps strict float32, as Striate's CUDA backend by default")
    ap.add_argument("--samples", type=int, default=10000)
    ap.add_argument("--out", default=str(Path(__file__).resolve().parents[2] / "runs" / "dcgan-pytorch"),
                    help="the samples and metrics.json (default: the repository's runs/dcgan-pytorch)")
    ap.add_argument("--step-benchmark", action="store_true")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--seconds", type=float, default=2.0)
    args = ap.parse_args()
    if args.batch_size < 2:
        ap.error("--batch-size must be at least 2 (BatchNorm needs more than one value per channel)")
    if not args.step_benchmark and os.path.exists(os.path.join(args.out, "metrics.json")):
        print(f"dcgan_fashion.py: --out {args.out} already holds a run (metrics.json): give a new or empty folder",
              file=sys.stderr)
        sys.exit(2)
    torch.set_num_threads(args.threads)
    torch.backends.cudnn.allow_tf32 = args.tf32 == "on"
    torch.backends.cuda.matmul.allow_tf32 = args.tf32 == "on"
    torch.manual_seed(args.seed)
    if args.step_benchmark:
        step_benchmark(args)
    else:
        train(args)


if __name__ == "__main__":
    main()
