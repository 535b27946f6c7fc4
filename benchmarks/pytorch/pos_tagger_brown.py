#!/usr/bin/env python3
"""BiLSTM part-of-speech tagger on the Brown corpus in PyTorch: the side-by-side peer of Striate's tagger.

Data exactly as Striate's striate.data reads it (brown_data.py: same files, base-tag rule, document split,
vocabulary rule). Model: Embedding(V, 100, padding_idx=0) initialized uniformly in [-sqrt(3/100), sqrt(3/100)]
(Ma and Hovy 2016; Lample et al. 2016; --embedding-init normal keeps PyTorch's N(0, 1), which learns far more
slowly, see benchmarks/RESULTS.md), the padding row zero, dropout 0.5 on the embeddings, a 1-layer
bidirectional LSTM with 128 hidden units per direction over the packed sentences, Linear(256, tags). Recipe:
cross-entropy over the real tokens (padding targets are -100), Adam lr 1e-3, batch 32 sentences shuffled each
epoch, 10 epochs, the last epoch's model evaluated. Words: case kept, vocabulary min count 2 (training
singletons train the <unk> vector). Prints one line per epoch (loss, validation accuracy, training sentences/s)
and a final JSON line: test token accuracy, unknown-word accuracy, the most-frequent-tag baseline, training and
inference sentences/s (inference over the test documents, batch 32, no gradient).

Usage: python3 pos_tagger_brown.py [--data DIR] [--epochs N] [--threads T] [--seed S] [--device cpu|cuda]
       [--embedding-init uniform|normal] [--min-count 2] [--lowercase] [--quick]  (--quick: 20 training documents, 1 epoch: proves the script runs, the numbers mean nothing)
"""
import argparse
import json
import os
import time

import torch
import torch.nn as nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

import brown_data


class Tagger(nn.Module):
    def __init__(self, words, tags, embedding=100, hidden=128, dropout=0.5, init="uniform"):
        super().__init__()
        self.embedding = nn.Embedding(words, embedding, padding_idx=brown_data.PAD)
        if init == "uniform":
            bound = (3 / embedding) ** 0.5
            with torch.no_grad():
                self.embedding.weight.uniform_(-bound, bound)
                self.embedding.weight[brown_data.PAD].zero_()
        self.dropout = nn.Dropout(dropout)
        self.lstm = nn.LSTM(embedding, hidden, num_layers=1, bidirectional=True, batch_first=True)
        self.out = nn.Linear(2 * hidden, tags)

    def forward(self, x, lengths):  # x [b, t] ids, lengths [b] on the CPU
        e = self.dropout(self.embedding(x))  # [b, t, 100]
        packed = pack_padded_sequence(e, lengths, batch_first=True, enforce_sorted=False)
        h, _ = pad_packed_sequence(self.lstm(packed)[0], batch_first=True, total_length=x.shape[1])  # [b, t, 256]
        return self.out(h)  # [b, t, tags]


def batches(sequences, size, order, device):
    for start in range(0, len(order), size):
        chosen = [sequences[i] for i in order[start:start + size]]
        lengths = torch.tensor([len(s[0]) for s in chosen])
        t = int(lengths.max())
        x = torch.full((len(chosen), t), brown_data.PAD, dtype=torch.long)
        y = torch.full((len(chosen), t), brown_data.IGNORE_INDEX, dtype=torch.long)
        for k, (ids, tags, _) in enumerate(chosen):
            x[k, :len(ids)] = torch.tensor(ids)
            y[k, :len(tags)] = torch.tensor(tags)
        yield chosen, x.to(device), y.to(device), lengths


def evaluate(model, sequences, training_words, device, batch_size=32):
    model.eval()
    acc = brown_data.TaggingAccuracy(training_words)
    start = time.perf_counter()
    with torch.no_grad():
        for chosen, x, y, lengths in batches(sequences, batch_size, list(range(len(sequences))), device):
            predicted = model(x, lengths).argmax(-1).cpu()
            for k, (_, tags, words) in enumerate(chosen):
                for p, (word, gold) in enumerate(zip(words, tags)):
                    acc.add(word, gold, int(predicted[k, p]))
    if device.type == "cuda":
        torch.cuda.synchronize()
    return acc, len(sequences) / (time.perf_counter() - start)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default=brown_data.DEFAULT_FOLDER)
    ap.add_argument("--epochs", type=int, default=10)
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--min-count", type=int, default=2)
    ap.add_argument("--lowercase", action="store_true")
    ap.add_argument("--embedding-init", choices=["normal", "uniform"], default="uniform")
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args()
    device = torch.device(args.device)
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)

    documents = brown_data.read_corpus(args.data)
    train, validation, test = brown_data.split(documents)
    if args.quick:
        train, validation, test, args.epochs = train[:20], validation[:3], test[:3], 1
    tags = brown_data.tag_set(documents)
    training_words = brown_data.words(train)
    vocabulary = brown_data.Vocabulary(training_words, args.min_count, args.lowercase)
    train_seq, val_seq, test_seq = (brown_data.tagged_sequences(d, vocabulary, tags) for d in (train, validation, test))
    print(f"{len(train)}/{len(validation)}/{len(test)} documents, {len(train_seq)} training sentences, "
          f"{len(vocabulary)} words, {len(tags)} tags; PyTorch {torch.__version__}, {args.threads} threads, {device}")

    model = Tagger(len(vocabulary), len(tags), init=args.embedding_init).to(device)
    optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)
    loss_fn = nn.CrossEntropyLoss(ignore_index=brown_data.IGNORE_INDEX)
    generator = torch.Generator().manual_seed(args.seed)
    train_rates = []
    for epoch in range(args.epochs):
        model.train()
        order = torch.randperm(len(train_seq), generator=generator).tolist()
        total, count = 0.0, 0
        start = time.perf_counter()
        for _, x, y, lengths in batches(train_seq, args.batch_size, order, device):
            optimizer.zero_grad()
            scores = model(x, lengths)
            loss = loss_fn(scores.reshape(-1, scores.shape[-1]), y.reshape(-1))
            loss.backward()
            optimizer.step()
            # the epoch's loss as Striate's Trainer reports it: the mean over tokens, each batch weighted by its
            # tokens (not the mean of the batches' means: batches hold different numbers of tokens)
            tokens = int((y != brown_data.IGNORE_INDEX).sum())
            total += loss.item() * tokens
            count += tokens
        train_rates.append(len(train_seq) / (time.perf_counter() - start))
        val, _ = evaluate(model, val_seq, training_words, device)
        print(f"epoch {epoch + 1}: loss {total / count:.4f}, validation accuracy {val.accuracy():.4f} "
              f"(unknown words {val.unknown_accuracy():.4f}), {train_rates[-1]:.0f} training sentences/s", flush=True)

    test_acc, inference_rate = evaluate(model, test_seq, training_words, device)
    base = brown_data.baseline(train, test)
    print(json.dumps({
        "test_accuracy": round(test_acc.accuracy(), 4),
        "test_unknown_word_accuracy": round(test_acc.unknown_accuracy(), 4),
        "test_tokens": test_acc.tokens,
        "test_unknown_tokens": test_acc.unknown_tokens,
        "baseline_accuracy": round(base.accuracy(), 4),
        "baseline_unknown_word_accuracy": round(base.unknown_accuracy(), 4),
        "train_sentences_per_s": round(sorted(train_rates)[len(train_rates) // 2], 1),
        "inference_sentences_per_s": round(inference_rate, 1),
        "epochs": args.epochs,
        "threads": args.threads,
        "device": str(device),
    }))


if __name__ == "__main__":
    main()
