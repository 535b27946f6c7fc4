#!/usr/bin/env python3
"""Text-CNN spam classifier (Kim 2014) on the SpamAssassin corpus in PyTorch: the peer of `striate textcnn train`.

Data: exactly the ids Striate trains on, written by `striate textcnn export-data --out DIR` (vocab.txt, train.tsv,
validation.tsv, test.tsv: `label<TAB>group/id<TAB>ids`, label 1 spam), so the tokenizer, split and vocabulary are
written once, in Java. Batches pad each message with id 0 to the batch's longest (at least 5, the widest filter).
Model: Embedding(V, 128, padding_idx=0) initialized uniformly in [-0.25, 0.25] (Kim's rule for random vectors) or
from a word2vec text file (`--embeddings FILE`: words found take their vectors, the others stay random; the count
found is printed; `--freeze-embeddings` keeps them fixed), the padding row zero; Conv1d(128, 100, k) for k = 3, 4, 5
with ReLU and max over time, concatenated [b, 300], dropout 0.5, Linear(300, 2). Recipe: cross-entropy, Adam lr
1e-3, batch 50 messages shuffled each epoch (torch.randperm seeded by --seed, which also seeds initialization and
dropout), --epochs 5, the last epoch's model tested. Prints one line per epoch (loss, validation accuracy, training
messages/s) and a final JSON line: test accuracy, spam precision, recall and F1, the confusion matrix, training
messages/s (median epoch), threads.

Usage: python3 textcnn_spam.py --data DIR [--epochs 5] [--batch-size 50] [--lr 1e-3] [--threads T] [--seed 42]
       [--embeddings random|FILE] [--freeze-embeddings] [--device cpu|cuda] [--quick]
       (--quick: every 16th training message, 1 epoch: proves the script runs, the numbers mean nothing)
"""
import argparse
import json
import os
import statistics
import time

import torch
import torch.nn as nn

PAD = 0
WIDTHS = (3, 4, 5)


class TextCnn(nn.Module):
    def __init__(self, words, embedding=128, filters=100, classes=2, dropout=0.5):
        super().__init__()
        self.embedding = nn.Embedding(words, embedding, padding_idx=PAD)
        with torch.no_grad():
            self.embedding.weight.uniform_(-0.25, 0.25)
            self.embedding.weight[PAD].zero_()
        self.convs = nn.ModuleList(nn.Conv1d(embedding, filters, k) for k in WIDTHS)
        self.dropout = nn.Dropout(dropout)
        self.out = nn.Linear(filters * len(WIDTHS), classes)

    def forward(self, x):  # x [b, t] ids
        e = self.embedding(x).transpose(1, 2)  # [b, 128, t]
        pooled = [torch.relu(conv(e)).amax(dim=2) for conv in self.convs]  # each [b, 100]
        return self.out(self.dropout(torch.cat(pooled, dim=1)))  # [b, 2]


def read_split(path):
    labels, ids = [], []
    with open(path, encoding="utf-8") as f:
        for line in f:
            label, _, tokens = line.rstrip("\n").split("\t")
            labels.append(int(label))
            ids.append([int(t) for t in tokens.split(" ")])
    return labels, ids


def load_vectors(path, vocabulary, weight):
    """Copies the word2vec text file's vectors of the vocabulary's words into weight; returns how many were found."""
    index = {w: i for i, w in enumerate(vocabulary)}
    found = 0
    with open(path, encoding="utf-8", errors="strict") as f:
        count, dim = (int(v) for v in f.readline().split())
        if dim != weight.shape[1]:
            raise SystemExit(f"{path}: vectors of dimension {dim}, the embedding has {weight.shape[1]}")
        for line in f:
            parts = line.rstrip().split(" ")
            if len(parts) != dim + 1:
                raise SystemExit(f"{path}: a line of {len(parts) - 1} values, expected {dim} (a truncated file?)")
            i = index.get(parts[0])
            if i is not None and i != PAD:
                weight[i] = torch.tensor([float(v) for v in parts[1:]])
                found += 1
    return found


def batches(labels, ids, size, order, device):
    for start in range(0, len(order), size):
        chosen = order[start:start + size]
        t = max(max(len(ids[i]) for i in chosen), max(WIDTHS))
        x = torch.full((len(chosen), t), PAD, dtype=torch.long)
        for k, i in enumerate(chosen):
            x[k, :len(ids[i])] = torch.tensor(ids[i])
        y = torch.tensor([labels[i] for i in chosen])
        yield x.to(device), y.to(device)


def evaluate(model, labels, ids, device, batch_size):
    model.eval()
    confusion = [[0, 0], [0, 0]]  # [true][predicted]
    with torch.no_grad():
        for x, y in batches(labels, ids, batch_size, list(range(len(ids))), device):
            predicted = model(x).argmax(dim=1)
            for t, p in zip(y.tolist(), predicted.tolist()):
                confusion[t][p] += 1
    tp, fp, fn = confusion[1][1], confusion[0][1], confusion[1][0]
    accuracy = (confusion[0][0] + tp) / len(ids)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return accuracy, precision, recall, f1, confusion


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", required=True, help="a folder written by striate textcnn export-data")
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--batch-size", type=int, default=50)
    parser.add_argument("--lr", type=float, default=1e-3)
    parser.add_argument("--threads", type=int, default=os.cpu_count())
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--embeddings", default="random", help="random, or a word2vec text vector file")
    parser.add_argument("--freeze-embeddings", action="store_true")
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    if args.freeze_embeddings and args.embeddings == "random":
        parser.error("--freeze-embeddings needs --embeddings with a vector file (frozen random vectors never learn)")
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    device = torch.device(args.device)

    with open(os.path.join(args.data, "vocab.txt"), encoding="utf-8") as f:
        vocabulary = f.read().split("\n")[:-1]
    train = read_split(os.path.join(args.data, "train.tsv"))
    validation = read_split(os.path.join(args.data, "validation.tsv"))
    test = read_split(os.path.join(args.data, "test.tsv"))
    if args.quick:
        train, args.epochs = (train[0][::16], train[1][::16]), 1
    model = TextCnn(len(vocabulary))
    if args.embeddings != "random":
        with torch.no_grad():
            found = load_vectors(args.embeddings, vocabulary, model.embedding.weight)
        print(f"{found} of {len(vocabulary) - 2} vocabulary words found in {args.embeddings}; the others random")
    model.embedding.weight.requires_grad_(not args.freeze_embeddings)
    model.to(device)
    print(f"{len(train[1])}/{len(validation[1])}/{len(test[1])} messages ({sum(train[0])} training spam), "
          f"{len(vocabulary)} ids; PyTorch {torch.__version__}, {args.threads} threads, {device}")

    optimizer = torch.optim.Adam([p for p in model.parameters() if p.requires_grad], lr=args.lr)
    loss_fn = nn.CrossEntropyLoss()
    generator = torch.Generator().manual_seed(args.seed)
    rates = []
    for epoch in range(args.epochs):
        model.train()
        order = torch.randperm(len(train[1]), generator=generator).tolist()
        total, count = 0.0, 0
        start = time.perf_counter()
        for x, y in batches(train[0], train[1], args.batch_size, order, device):
            optimizer.zero_grad()
            loss = loss_fn(model(x), y)
            loss.backward()
            optimizer.step()
            total += loss.item()
            count += 1
        rates.append(len(order) / (time.perf_counter() - start))
        accuracy = evaluate(model, *validation, device, args.batch_size)[0]
        print(f"epoch {epoch + 1}: loss {total / count:.4f}, validation accuracy {accuracy:.4f}, "
              f"{rates[-1]:.0f} training messages/s", flush=True)

    accuracy, precision, recall, f1, confusion = evaluate(model, *test, device, args.batch_size)
    print(json.dumps({
        "test_accuracy": round(accuracy, 4),
        "spam_precision": round(precision, 4),
        "spam_recall": round(recall, 4),
        "spam_f1": round(f1, 4),
        "confusion": confusion,
        "train_messages_per_s": round(statistics.median(rates), 1),
        "epochs": args.epochs,
        "threads": args.threads,
        "embeddings": args.embeddings,
        "device": str(device),
    }))


if __name__ == "__main__":
    main()
