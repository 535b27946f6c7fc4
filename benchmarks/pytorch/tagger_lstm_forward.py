#!/usr/bin/env python3
"""Speed peer of Striate's RecurrentInference JMH benchmark: the recurrent part of the Brown tagger's inference.

A 1-layer bidirectional nn.LSTM (input 100, hidden 128, batch_first) in eval mode under torch.no_grad() over a
padded batch of 32 sentences x [32, 48, 100] with lengths 4 + (b*29 mod 45) (48 for the first), sorted longest
first as the tagger's batches come from its loader, packed with pack_padded_sequence and unpacked with
pad_packed_sequence, as the tagger peer (pos_tagger_brown.py) runs it.
Prints sentences per second (median over rounds) and a JSON line.

Usage: python3 tagger_lstm_forward.py [--threads N] [--rounds R] [--seconds S] [--quick]
"""
import argparse
import json
import os
import statistics
import time

import torch
import torch.nn as nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

BATCH, LONGEST, INPUT, HIDDEN = 32, 48, 100, 128


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--seconds", type=float, default=2.0)
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args()
    if args.quick:
        args.rounds, args.seconds = 2, 0.3
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    lstm = nn.LSTM(INPUT, HIDDEN, num_layers=1, bidirectional=True, batch_first=True).eval()
    x = torch.rand(BATCH, LONGEST, INPUT) * 2 - 1
    lengths = torch.tensor(sorted([LONGEST] + [4 + (b * 29) % 45 for b in range(1, BATCH)], reverse=True))

    def forward():
        packed = pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False)
        y, _ = pad_packed_sequence(lstm(packed)[0], batch_first=True, total_length=LONGEST)
        return y  # [32, 48, 256]

    rates = []
    with torch.no_grad():
        for _ in range(20):
            forward()
        for _ in range(args.rounds):
            calls, start = 0, time.perf_counter()
            while time.perf_counter() - start < args.seconds:
                forward()
                calls += 1
            rates.append(calls * BATCH / (time.perf_counter() - start))
    median = statistics.median(rates)
    print(f"PyTorch {torch.__version__}, {args.threads} threads: {median:.0f} sentences/s (rounds "
          + ", ".join(f"{r:.0f}" for r in rates) + ")")
    print(json.dumps({"case": "tagger_lstm_forward_b32", "sentences_per_s": round(median, 1),
                      "threads": args.threads}))


if __name__ == "__main__":
    main()
