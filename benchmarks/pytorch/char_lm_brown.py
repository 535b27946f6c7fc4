#!/usr/bin/env python3
"""Character-level LSTM language model on the Brown corpus's raw text in PyTorch: the peer of Striate's LM.

Data exactly as Striate's striate.data reads it (brown_data.py): the raw text of the training documents (tags
removed, words joined by one space, one sentence per line) and of the held-out test documents; the character
vocabulary of the training text, id 0 for unknown characters. The stream is cut as word_language_model's
batchify does, batch-first: 32 contiguous rows, windows of 100 steps (truncated BPTT), targets shifted by one,
the state carried across windows and detached at each boundary. Model: Embedding(chars, 64), a 2-layer LSTM
with 512 hidden units (dropout 0.2 between layers), Linear(512, chars). Adam lr 2e-3, gradients clipped to
global norm 5. Reports held-out bits per character over the whole test stream (loss in nats / ln 2) and
training characters/s, and samples a line from a prompt at temperature 0.8.

Usage: python3 char_lm_brown.py [--data DIR] [--epochs N] [--hidden H] [--limit-chars N] [--threads T] [--seed S]
       [--device cpu|cuda] [--quick]  (--quick: 20 training documents, 200 windows, hidden 128: proves the script runs)
--limit-chars N trains on the first N characters of the training text only, as Striate's `charlm train --limit-chars`
does (the vocabulary still comes from the whole training text; the test text stays whole).
"""
import argparse
import json
import math
import os
import time

import torch
import torch.nn as nn

import brown_data


class CharLM(nn.Module):
    def __init__(self, chars, embedding=64, hidden=512, layers=2, dropout=0.2):
        super().__init__()
        self.embedding = nn.Embedding(chars, embedding)
        self.lstm = nn.LSTM(embedding, hidden, num_layers=layers, dropout=dropout, batch_first=True)
        self.out = nn.Linear(hidden, chars)

    def forward(self, x, state=None):  # x [b, t]
        h, state = self.lstm(self.embedding(x), state)  # h [b, t, hidden]
        return self.out(h), state  # [b, t, chars]


def batchify(ids, rows, device):
    """[rows, cols]: row r is the r-th contiguous slice of the stream, the tail dropped."""
    cols = len(ids) // rows
    return torch.tensor(ids[:rows * cols], dtype=torch.long).view(rows, cols).to(device)


def windows(data, bptt):
    for start in range(0, data.shape[1] - 1, bptt):
        length = min(bptt, data.shape[1] - 1 - start)
        yield data[:, start:start + length], data[:, start + 1:start + 1 + length]


def detach(state):
    return tuple(s.detach() for s in state)


def bits_per_char(model, data, bptt):
    model.eval()
    total, count, state = 0.0, 0, None
    with torch.no_grad():
        for x, y in windows(data, bptt):
            scores, state = model(x, state)
            total += nn.functional.cross_entropy(scores.reshape(-1, scores.shape[-1]), y.reshape(-1),
                                                 reduction="sum").item()
            count += y.numel()
    return total / count / math.log(2)


def sample(model, chars, prompt, length, temperature, device, generator):
    model.eval()
    ids = chars.encode_prompt(prompt)
    with torch.no_grad():
        scores, state = model(torch.tensor([ids], device=device))
        out = []
        for _ in range(length):
            p = torch.softmax(scores[0, -1] / temperature, -1).cpu()
            c = int(torch.multinomial(p, 1, generator=generator))
            out.append(c)
            scores, state = model(torch.tensor([[c]], device=device), state)
    return prompt + chars.decode(out)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default=brown_data.DEFAULT_FOLDER)
    ap.add_argument("--epochs", type=int, default=1)
    ap.add_argument("--hidden", type=int, default=512)
    ap.add_argument("--limit-chars", type=int, default=0)
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument("--bptt", type=int, default=100)
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--clip", type=float, default=5.0)
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--prompt", default="The jury")
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args()
    device = torch.device(args.device)
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)

    train, _, test = brown_data.split(brown_data.read_corpus(args.data))
    max_windows = None
    if args.quick:
        train, test, args.hidden, max_windows = train[:20], test[:2], 128, 200
    train_text, test_text = brown_data.text(train), brown_data.text(test)
    chars = brown_data.CharVocabulary(train_text)
    if args.limit_chars > 0:
        train_text = train_text[:args.limit_chars]
    train_data = batchify(chars.encode(train_text), args.batch_size, device)
    test_data = batchify(chars.encode(test_text), args.batch_size, device)
    print(f"{len(train_text)} training and {len(test_text)} test characters, {len(chars)} ids; hidden {args.hidden}; "
          f"PyTorch {torch.__version__}, {args.threads} threads, {device}", flush=True)

    model = CharLM(len(chars), hidden=args.hidden).to(device)
    optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)
    rates = []
    for epoch in range(args.epochs):
        model.train()
        state, total, count = None, 0.0, 0
        start = time.perf_counter()
        for k, (x, y) in enumerate(windows(train_data, args.bptt)):
            if max_windows is not None and k == max_windows:
                break
            state = None if state is None else detach(state)
            scores, state = model(x, state)
            loss = nn.functional.cross_entropy(scores.reshape(-1, scores.shape[-1]), y.reshape(-1))
            optimizer.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), args.clip)
            optimizer.step()
            total += loss.item() * y.numel()
            count += y.numel()
            if (k + 1) % 100 == 0:
                print(f"  window {k + 1}: training {total / count / math.log(2):.3f} bits/char", flush=True)
        if device.type == "cuda":
            torch.cuda.synchronize()
        rates.append(count / (time.perf_counter() - start))
        print(f"epoch {epoch + 1}: training {total / count / math.log(2):.3f} bits/char, {rates[-1]:.0f} chars/s",
              flush=True)

    bpc = bits_per_char(model, test_data, args.bptt)
    generator = torch.Generator().manual_seed(args.seed)
    print("sample: " + repr(sample(model, chars, args.prompt, 120, 0.8, device, generator)))
    print(json.dumps({
        # the test documents as one stream in batch rows: Striate's metrics.json calls this measure
        # test_stream_bits_per_character (its test_bits_per_character runs each document from a zero state)
        "test_stream_bits_per_character": round(bpc, 4),
        "train_chars_per_s": round(sorted(rates)[len(rates) // 2], 1),
        "hidden": args.hidden,
        "train_chars": len(train_text),
        "epochs": args.epochs,
        "threads": args.threads,
        "device": str(device),
    }))


if __name__ == "__main__":
    main()
